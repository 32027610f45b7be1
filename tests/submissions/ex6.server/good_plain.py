# socklab sample: correct -- the tutorial's factorial server, with bad input answered
# expect: pass all
import socket


def f(n):
    j = 1
    for i in range(1, n + 1):
        j = j * i
    return j


s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('127.0.0.1', 9999))
data, addr = s.recvfrom(1024)
try:
    result = f(int(data))
    send_data = str(result)
    print(result, addr)
except ValueError:
    send_data = 'error: not an integer'
    print(send_data, addr)
s.sendto(send_data.encode(), addr)
s.close()
