# socklab sample: correct -- an AF_INET6 socket bound to the IPv4-mapped ::ffff:127.0.0.1 (how a JVM binds 127.0.0.1)
# expect: pass core
import socket
import threading
import time

s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
s.bind(('::ffff:127.0.0.1', 9999))
s.listen(5)
print('Waiting for connection...')


def tcplink(c, a):
    print('Accept new connection from %s:%s...' % (c, a))
    c.send(b'Welcome!')
    while True:
        d = c.recv(1024)
        time.sleep(1)
        if not d or d == b'exit':
            break
        c.send(b'Hello,' + d + b'!')
    c.close()
    print('Connection from %s:%s closed' % (c, a))


while True:
    c, a = s.accept()
    threading.Thread(target=tcplink, args=(c, a), daemon=True).start()
