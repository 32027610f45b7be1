# socklab sample: broken -- closes without sending exit
# expect: fail ex4/client-protocol
# expect-message: exit
# expect-advice: ex4/client-protocol: ending-word
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.connect(('127.0.0.1', 9999))
print(s.recv(1024).decode('utf-8'))
for d in [b'Michael', b'Tracy', b'Sarah']:
    s.send(d)
    print(s.recv(1024).decode('utf-8'))
s.close()
