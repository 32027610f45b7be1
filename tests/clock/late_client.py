# The tutorial's ex4 client whose output comes only at its end, as a block-buffered program's does: its
# conversation is right on the wire, but its stdout shows nothing of when each reply came.
import socket

s = socket.socket()
s.connect(('127.0.0.1', 9999))
lines = [s.recv(1024).decode()]
for name in ['Michael', 'Tracy', 'Sarah']:
    s.send(name.encode())
    lines.append(s.recv(1024).decode())
s.send(b'exit')
s.close()
print('\n'.join(lines))
