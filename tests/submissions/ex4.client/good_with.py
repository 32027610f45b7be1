# socklab sample: correct on a network that delivers each message whole -- a with block, one recv per message
# expect: fail ex4/replies-sliced
# expect-message: TCP is a byte stream
# expect-advice: ex4/replies-sliced: one-recv
import socket

names = ['Michael', 'Tracy', 'Sarah']
with socket.create_connection(('127.0.0.1', 9999)) as conn:
    print(conn.recv(1024).decode('utf-8'))
    for name in names:
        conn.sendall(name.encode('utf-8'))
        print(conn.recv(1024).decode('utf-8'))
    conn.sendall(b'exit')
