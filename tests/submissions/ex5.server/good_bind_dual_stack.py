# socklab sample: correct -- an AF_INET6 socket on :: with IPV6_V6ONLY off: IPv4 datagrams arrive too
# expect: pass all
import socket

s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
s.bind(('::', 9999))
while True:
    data, addr = s.recvfrom(1024)
    print(data, addr)
    s.sendto(b'Hello,%s' % data, addr)
