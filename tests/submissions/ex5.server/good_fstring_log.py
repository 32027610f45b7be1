# socklab sample: correct -- shows each datagram and its sender with an f-string through sys.stdout.write
# ("a from 127.0.0.1:40000"), not Python's print(data, addr): only the exact-output scenario fails
# expect: fail ex5/tutorial-log
# expect-message: print(data, addr)
import socket
import sys

server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
server.bind(('127.0.0.1', 9999))
while True:
    data, (host, port) = server.recvfrom(1024)
    sys.stdout.write(f"{data.decode('utf-8', errors='replace')} from {host}:{port}\n")
    sys.stdout.flush()
    server.sendto(b'Hello,' + data, (host, port))
