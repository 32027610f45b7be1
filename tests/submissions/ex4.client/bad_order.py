# socklab sample: broken -- sends the names in another order
# expect: fail ex4/tutorial-run ex4/client-protocol
# expect-message: Michael
# expect-advice: ex4/client-protocol: tutorial-messages
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.connect(('127.0.0.1', 9999))
print(s.recv(1024).decode('utf-8'))
for d in [b'Sarah', b'Tracy', b'Michael']:
    s.send(d)
    print(s.recv(1024).decode('utf-8'))
s.send(b'exit')
s.close()
