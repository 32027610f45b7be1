# socklab sample: correct -- an AF_INET6 socket bound to the IPv4-mapped ::ffff:127.0.0.1
# expect: pass all
import socket

s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.bind(('::ffff:127.0.0.1', 9999))
while True:
    data, addr = s.recvfrom(1024)
    print(data, addr)
    s.sendto(b'Hello,%s' % data, addr)
