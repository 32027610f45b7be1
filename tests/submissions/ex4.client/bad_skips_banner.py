# socklab sample: broken -- does not read the banner first, so every reply is one behind
# expect: fail ex4/tutorial-run ex4/client-protocol
# expect-message: Welcome!
# expect-advice: ex4/client-protocol: read-banner
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.connect(('127.0.0.1', 9999))
for d in [b'Michael', b'Tracy', b'Sarah']:
    s.send(d)
    print(s.recv(1024).decode('utf-8'))
s.send(b'exit')
s.close()
