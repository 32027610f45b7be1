# socklab sample: correct -- math.factorial, one request, then exit; not robust: int() of a bad request raises
# expect: fail ex6/server-bad-request
# expect-message: ValueError
import math
import socket

sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.bind(('127.0.0.1', 9999))
request, client = sock.recvfrom(1024)
n = int(request.decode())
answer = math.factorial(n) if n > 0 else 1
print(answer, client)
sock.sendto(str(answer).encode(), client)
sock.close()
