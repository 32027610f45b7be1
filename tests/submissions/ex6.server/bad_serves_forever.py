# socklab sample: broken -- loops for ever instead of answering once and exiting as the tutorial does
# expect: fail ex6/tutorial-run ex6/values
# expect-message: answers one request and exits
# expect-advice: ex6/tutorial-run: end-when-done
# expect-advice: ex6/values: end-when-done
import socket
def f(n):
    j = 1
    for i in range(1, n + 1):
        j = j * i
    return j
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('127.0.0.1', 9999))
while True:
    data, addr = s.recvfrom(1024)
    data = f(int(data))
    print(data, addr)
    s.sendto(str(data).encode(), addr)
