# socklab sample: correct on a perfect network -- the tutorial's client, reading the whole reply, refusing
# what is not an integer; without a timeout, a lost datagram leaves it waiting in recv for ever
# expect: fail ex6/request-dropped ex6/reply-dropped ex6/thousand-lossy
# expect-message: UDP does not resend a lost datagram
# expect-advice: ex6/reply-dropped: hang-after-loss
# expect-advice: ex6/request-dropped: hang-after-loss
# expect-advice: ex6/thousand-lossy: hang-after-loss
import socket
import sys

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
try:
    data = int(input('请输入一个大于1的整数:'))
except (ValueError, EOFError):
    print('请输入整数', file=sys.stderr)
    sys.exit(2)
s.sendto(str(data).encode(), ('127.0.0.1', 9999))
print('计算结果:', s.recv(65535).decode('utf-8'))
s.close()
