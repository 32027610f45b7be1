# socklab sample: broken -- sends to port 9998, where nothing answers
# expect: fail ex5/tutorial-run ex5/client-protocol
# expect-message: 127.0.0.1:9999
# expect-advice: ex5/client-protocol: wrong-port
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for data in [b'a', b'b', b'c']:
    s.sendto(data, ('127.0.0.1', 9998))
    print(s.recv(1024).decode('utf-8'))
s.close()
