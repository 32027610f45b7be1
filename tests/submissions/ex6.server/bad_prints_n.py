# socklab sample: broken -- prints the number it received, not the result
# expect: fail ex6/tutorial-run
# expect-message: print(data, addr)
# expect-advice: ex6/tutorial-run: show-what-came
import socket
def f(n):
    j = 1
    for i in range(1, n + 1):
        j = j * i
    return j
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('127.0.0.1', 9999))
data, addr = s.recvfrom(1024)
n = int(data)
print(n, addr)
s.sendto(str(f(n)).encode(), addr)
s.close()
