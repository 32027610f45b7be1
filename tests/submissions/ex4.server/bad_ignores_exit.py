# socklab sample: broken -- answers exit like any name instead of closing
# expect: fail ex4/exit-closes
# expect-message: without a reply
# expect-advice: ex4/exit-closes: ending-word
import socket
import threading
import time
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.bind(('127.0.0.1', 9999))
s.listen(5)
print('Waiting for connection...')
def tcplink(c, a):
    print('Accept new connection from %s:%s...' % (c, a))
    c.send(b'Welcome!')
    while True:
        d = c.recv(1024)
        time.sleep(1)
        if not d:
            break
        c.send(('Hello,%s!' % d.decode('utf-8')).encode('utf-8'))
    c.close()
    print('Connection from %s:%s closed' % (c, a))
while True:
    c, a = s.accept()
    threading.Thread(target=tcplink, args=(c, a)).start()
