# socklab sample: broken -- bound to the IPv6 loopback ::1 only: datagrams to 127.0.0.1 never reach it
# expect: fail ex5/big-datagram ex5/interleaved-clients ex5/server-answers-peer ex5/tutorial-run
# expect-message: the server listens on [::1]:9999
# expect-advice: ex5/big-datagram: wrong-port
# expect-advice: ex5/interleaved-clients: wrong-port
# expect-advice: ex5/server-answers-peer: wrong-port
# expect-advice: ex5/tutorial-run: wrong-port
import socket

s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.bind(('::1', 9999))
while True:
    data, addr = s.recvfrom(1024)
    print(data, addr)
    s.sendto(b'Hello,%s' % data, addr)
