# socklab sample: broken -- prints the text, not Python's b'...' form the tutorial shows
# expect: fail ex5/tutorial-run ex5/server-answers-peer
# expect-message: ex5/tutorial-run: b'a'
# expect-message: ex5/server-answers-peer: UnicodeDecodeError
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('127.0.0.1', 9999))
while True:
    data, addr = s.recvfrom(1024)
    print(data.decode(), addr)
    s.sendto(b'Hello,%s' % data, addr)
