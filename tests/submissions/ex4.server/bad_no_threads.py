# socklab sample: broken -- serves one client after another (no threads)
# expect: fail ex4/concurrent-clients ex4/ten-clients ex4/fifty-clients ex4/random-bytes ex4/reset
# expect-message: ex4/concurrent-clients: served one after another
# expect-message: ex4/ten-clients: served one after another
# expect-message: ex4/fifty-clients: served one after another
# expect-message: ex4/random-bytes: UnicodeDecodeError
# expect-message: ex4/reset: server ended
# expect-advice: ex4/concurrent-clients: serial-server
# expect-advice: ex4/fifty-clients: serial-server
# expect-advice: ex4/random-bytes: decode-error
# expect-advice: ex4/reset: peer-reset
# expect-advice: ex4/ten-clients: serial-server
import socket
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
        if not d or d.decode('utf-8') == 'exit':
            break
        c.send(('Hello,%s!' % d.decode('utf-8')).encode('utf-8'))
    c.close()
    print('Connection from %s:%s closed' % (c, a))
while True:
    c, a = s.accept()
    tcplink(c, a)
