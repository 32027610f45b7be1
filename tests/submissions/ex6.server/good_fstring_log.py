# socklab sample: correct -- a recursive factorial, the result shown with an f-string ("5! = 120 for
# 127.0.0.1:40000"), not Python's print(data, addr): the exact-output scenario fails; not robust: 1000!
# recurses deeper than Python's limit of 1000 calls (RecursionError), and int() of a bad request raises
# expect: fail ex6/tutorial-log
# expect-message: print(data, addr)
import socket

def factorial(n):
    return 1 if n <= 1 else n * factorial(n - 1)

with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
    udp.bind(('127.0.0.1', 9999))
    message, (host, port) = udp.recvfrom(1024)
    n = int(message)
    answer = factorial(n)
    print(f'{n}! = {answer} for {host}:{port}')
    udp.sendto(f'{answer}'.encode(), (host, port))
