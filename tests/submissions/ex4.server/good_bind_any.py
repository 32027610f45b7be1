# socklab sample: correct -- bound to every IPv4 address (0.0.0.0), as many copies of the tutorial do
# expect: pass core
import socket
import threading
import time

s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.bind(('0.0.0.0', 9999))
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
