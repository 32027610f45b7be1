# socklab sample: broken -- connects to 9998
# expect: fail ex4/tutorial-run ex4/client-protocol
# expect-message: connection was refused
# expect-advice: ex4/client-protocol: wrong-port
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.connect(('127.0.0.1', 9998))
print(s.recv(1024).decode('utf-8'))
s.close()
