# socklab sample: broken -- resends after a timeout, but takes whatever datagram comes next for the answer
# expect: fail ex5/reply-duplicated ex5/replies-reordered
# expect-message: not an answer to the message just sent
# expect-advice: ex5/replies-reordered: stale-reply
# expect-advice: ex5/reply-duplicated: stale-reply
import socket

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(1.0)
for data in [b'a', b'b', b'c']:
    while True:
        s.sendto(data, ('127.0.0.1', 9999))
        try:
            print(s.recv(1024).decode('utf-8'))
            break
        except socket.timeout:
            pass
s.close()
