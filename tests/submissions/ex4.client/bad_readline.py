# socklab sample: broken -- reads the server through makefile().readline(), but the server's messages have
# no line end: readline() waits for a newline that never comes
# expect: fail ex4/client-protocol ex4/tutorial-run
# expect-message: ex4/client-protocol: not readline()
# expect-message: ex4/tutorial-run: Welcome!
# expect-advice: ex4/client-protocol: no-line-end
import socket

s = socket.create_connection(('127.0.0.1', 9999))
f = s.makefile('rb')
print(f.readline().decode('utf-8').rstrip())
for name in [b'Michael', b'Tracy', b'Sarah']:
    s.sendall(name)
    print(f.readline().decode('utf-8').rstrip())
s.sendall(b'exit')
s.close()
