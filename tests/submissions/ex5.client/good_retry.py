# socklab sample: correct -- a timeout, a resend, and replies to earlier requests skipped
# expect: pass all
import socket
import sys

server = ('127.0.0.1', 9999)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(1.0)
for data in [b'a', b'b', b'c']:
    expected = b'Hello,' + data
    for attempt in range(5):
        s.sendto(data, server)
        try:
            while True:
                reply, addr = s.recvfrom(1024)
                if reply == expected:
                    break
            break
        except socket.timeout:
            continue
    else:
        print('no reply to', data, file=sys.stderr)
        sys.exit(1)
    print(reply.decode('utf-8'))
s.close()
