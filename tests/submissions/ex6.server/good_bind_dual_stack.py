# socklab sample: correct -- an AF_INET6 socket on :: with IPV6_V6ONLY off: the client's IPv4 datagram
# arrives from ('::ffff:127.0.0.1', port, 0, 0), and print(data, addr) prints that tuple
# expect: pass core
import socket


def f(n):
    j = 1
    for i in range(1, n + 1):
        j = j * i
    return j


s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
s.bind(('::', 9999))
data, addr = s.recvfrom(1024)
data = f(int(data))
print(data, addr)
s.sendto(str(data).encode(), addr)
s.close()
