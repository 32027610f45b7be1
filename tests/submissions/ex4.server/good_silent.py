# socklab sample: correct -- a thread per connection that prints nothing at all
# expect: pass core
import socket
import threading
import time


def serve(conn):
    with conn:
        conn.sendall(b'Welcome!')
        while True:
            data = conn.recv(1024)
            time.sleep(1)
            if not data or data == b'exit':
                return
            conn.sendall(b'Hello,' + data + b'!')


with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
    s.bind(('127.0.0.1', 9999))
    s.listen(5)
    while True:
        conn, _ = s.accept()
        threading.Thread(target=serve, args=(conn,), daemon=True).start()
