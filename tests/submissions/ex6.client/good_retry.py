# socklab sample: correct -- a timeout and a few resends; when every try goes unanswered, a message and exit 1
# expect: pass all
import socket
import sys

try:
    n = int(input('请输入一个大于1的整数:'))
except (ValueError, EOFError):
    print('请输入整数', file=sys.stderr)
    sys.exit(2)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(2)
for attempt in range(4):
    s.sendto(str(n).encode(), ('127.0.0.1', 9999))
    try:
        reply = s.recv(65535)
        break
    except socket.timeout:
        continue
else:
    print('no reply from 127.0.0.1:9999 after 4 tries', file=sys.stderr)
    sys.exit(1)
print('计算结果:', reply.decode('utf-8'))
s.close()
