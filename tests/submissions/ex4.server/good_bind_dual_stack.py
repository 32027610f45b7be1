# socklab sample: correct -- one dual-stack socket on :: (IPv6 and IPv4), as socket.create_server makes it
# expect: pass core
import socket
import threading
import time

s = socket.create_server(('::', 9999), family=socket.AF_INET6, dualstack_ipv6=True, backlog=5)
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
