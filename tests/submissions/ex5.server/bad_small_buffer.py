# socklab sample: broken -- recvfrom(100) cuts longer datagrams
# expect: fail ex5/big-datagram
# expect-message: first difference
# expect-advice: ex5/big-datagram: small-buffer
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('127.0.0.1', 9999))
while True:
    data, addr = s.recvfrom(100)
    print(data, addr)
    s.sendto(b'Hello,%s' % data, addr)
