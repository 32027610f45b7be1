# socklab sample: correct for the tutorial's run -- prints the datagram decoded (a, not Python's b'a'), so
# the exact-output scenario fails; not robust: decoding a datagram that is not UTF-8 kills it
# expect: fail ex5/tutorial-log ex5/binary-datagram
# expect-message: ex5/tutorial-log: b'a'
# expect-message: ex5/binary-datagram: UnicodeDecodeError
# expect-advice: ex5/binary-datagram: decode-error
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('127.0.0.1', 9999))
while True:
    data, addr = s.recvfrom(1024)
    print(data.decode(), addr)
    s.sendto(b'Hello,%s' % data, addr)
