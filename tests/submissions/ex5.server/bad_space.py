# socklab sample: broken -- answers 'Hello, a' with a space
# expect: fail ex5/tutorial-run ex5/server-answers-peer ex5/interleaved-clients ex5/big-datagram
# expect-message: space
# expect-advice: ex5/big-datagram: hello-space
# expect-advice: ex5/interleaved-clients: hello-space
# expect-advice: ex5/server-answers-peer: hello-space
# expect-advice: ex5/tutorial-run: hello-space
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('127.0.0.1', 9999))
while True:
    data, addr = s.recvfrom(1024)
    print(data, addr)
    s.sendto(b'Hello, ' + data, addr)
