# socklab sample: correct for an integer greater than 1 -- functools.reduce over range(1, n+1); not robust:
# for 0 the range is empty and reduce() without a start value raises TypeError
# expect: fail ex6/zero-and-one
# expect-message: TypeError
import functools
import operator
import socket

sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.bind(('127.0.0.1', 9999))
request, client = sock.recvfrom(1024)
result = functools.reduce(operator.mul, range(1, int(request) + 1))
print(result, client)
sock.sendto(str(result).encode(), client)
sock.close()
