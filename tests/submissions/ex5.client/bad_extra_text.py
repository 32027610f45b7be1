# socklab sample: broken -- prints a label before each reply
# expect: fail ex5/tutorial-run ex5/client-protocol
# expect-message: first difference
# expect-advice: ex5/client-protocol: exact-label
# expect-advice: ex5/tutorial-run: exact-label
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for data in [b'a', b'b', b'c']:
    s.sendto(data, ('127.0.0.1', 9999))
    print('收到:', s.recv(1024).decode('utf-8'))
s.close()
