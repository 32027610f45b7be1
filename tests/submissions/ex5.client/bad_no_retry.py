# socklab sample: broken -- a timeout, but no resend: after a lost datagram it gives up at once
# expect: fail ex5/request-dropped ex5/reply-dropped ex5/lossy-link ex5/lossy-run
# expect-message: instead of giving up
# expect-advice: ex5/lossy-link: hang-after-loss
# expect-advice: ex5/lossy-run: hang-after-loss
# expect-advice: ex5/reply-dropped: hang-after-loss
# expect-advice: ex5/request-dropped: hang-after-loss
import socket
import sys

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(1)
for data in [b'a', b'b', b'c']:
    s.sendto(data, ('127.0.0.1', 9999))
    try:
        print(s.recv(1024).decode('utf-8'))
    except socket.timeout:
        print('timed out waiting for the reply to', data, file=sys.stderr)
        sys.exit(1)
s.close()
