# socklab sample: broken -- prints its own address (s.getsockname()) beside each datagram instead of the
# sender's: the tutorial's print(data, addr) shows who sent it
# expect: fail ex5/tutorial-run
# expect-message: ex5/tutorial-run: 127.0.0.1', 9999)
# expect-advice: ex5/tutorial-run: show-what-came
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('127.0.0.1', 9999))
while True:
    data, addr = s.recvfrom(1024)
    print(data, s.getsockname())
    s.sendto(b'Hello,%s' % data, addr)
