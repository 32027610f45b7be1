# socklab sample: correct -- math.factorial does the computing; a negative n raises ValueError, which the tutorial never asks for
# expect: pass core
import math
import socket

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('127.0.0.1', 9999))
data, addr = s.recvfrom(1024)
result = math.factorial(int(data))
print(result, addr)
s.sendto(str(result).encode(), addr)
s.close()
