# socklab sample: broken -- answers one datagram, then exits
# expect: fail ex5/tutorial-run ex5/server-answers-peer ex5/interleaved-clients
# expect-message: server ended: exit 0
# expect-advice: ex5/interleaved-clients: serve-forever
# expect-advice: ex5/server-answers-peer: serve-forever
# expect-advice: ex5/tutorial-run: serve-forever
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('127.0.0.1', 9999))
data, addr = s.recvfrom(1024)
print(data, addr)
s.sendto(b'Hello,%s' % data, addr)
s.close()
