# socklab sample: correct -- a with block and a list of names
# expect: pass core
import socket

names = ['Michael', 'Tracy', 'Sarah']
with socket.create_connection(('127.0.0.1', 9999)) as conn:
    print(conn.recv(1024).decode('utf-8'))
    for name in names:
        conn.sendall(name.encode('utf-8'))
        print(conn.recv(1024).decode('utf-8'))
    conn.sendall(b'exit')
