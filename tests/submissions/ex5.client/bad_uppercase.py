# socklab sample: broken -- sends A, B, C instead of a, b, c
# expect: fail ex5/tutorial-run ex5/client-protocol
# expect-message: first difference
# expect-advice: ex5/client-protocol: tutorial-messages
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for data in [b'A', b'B', b'C']:
    s.sendto(data, ('127.0.0.1', 9999))
    print(s.recv(1024).decode('utf-8'))
s.close()
