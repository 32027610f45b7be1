# socklab sample: broken -- replies at once, without the tutorial's one-second pause
# expect: fail ex4/exit-closes ex4/reply-timing
# expect-message: earlier than
# expect-advice: ex4/exit-closes: pause-before-reply
# expect-advice: ex4/reply-timing: pause-before-reply
import socket
import threading
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.bind(('127.0.0.1', 9999))
s.listen(5)
print('Waiting for connection...')
def tcplink(c, a):
    print('Accept new connection from %s:%s...' % (c, a))
    c.send(b'Welcome!')
    while True:
        d = c.recv(1024)
        if not d or d.decode('utf-8') == 'exit':
            break
        c.send(('Hello,%s!' % d.decode('utf-8')).encode('utf-8'))
    c.close()
    print('Connection from %s:%s closed' % (c, a))
while True:
    c, a = s.accept()
    threading.Thread(target=tcplink, args=(c, a)).start()
