# socklab sample: broken -- sleeps after each reply instead of before it: the reply comes at once, the
# pause falls between the reply and the next message
# expect: fail ex4/reply-timing ex4/exit-closes
# expect-message: time.sleep(1)
# expect-advice: ex4/exit-closes: pause-before-reply
# expect-advice: ex4/reply-timing: pause-before-reply
import socket
import threading
import time


def serve(conn):
    conn.send(b'Welcome!')
    while True:
        data = conn.recv(1024)
        if not data or data == b'exit':
            break
        conn.send(b'Hello,' + data + b'!')
        time.sleep(1)
    conn.close()


s = socket.socket()
s.bind(('127.0.0.1', 9999))
s.listen(5)
print('Waiting for connection...')
while True:
    conn, addr = s.accept()
    threading.Thread(target=serve, args=(conn,)).start()
