# socklab sample: broken -- range(1, n) leaves n out, so 5 gives 24
# expect: fail ex6/tutorial-run ex6/values
# expect-message: range(1, n+1)
# expect-advice: ex6/values: exact-factorial
import socket
def f(n):
    j = 1
    for i in range(1, n):
        j = j * i
    return j
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('127.0.0.1', 9999))
data, addr = s.recvfrom(1024)
data = f(int(data))
print(data, addr)
s.sendto(str(data).encode(), addr)
s.close()
