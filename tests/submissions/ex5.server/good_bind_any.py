# socklab sample: correct -- bound to every IPv4 address (0.0.0.0)
# expect: pass core
import socket

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('0.0.0.0', 9999))
while True:
    data, addr = s.recvfrom(1024)
    print(data, addr)
    s.sendto(b'Hello,%s' % data, addr)
