# socklab sample: broken -- replies 'Hello, Tracy!' with a space after the comma
# expect: fail ex4/tutorial-run ex4/exit-closes ex4/concurrent-clients ex4/disconnect-without-exit ex4/reply-timing ex4/ten-clients ex4/fifty-clients
# expect-message: space
# expect-advice: ex4/concurrent-clients: hello-space
# expect-advice: ex4/disconnect-without-exit: hello-space
# expect-advice: ex4/exit-closes: hello-space
# expect-advice: ex4/fifty-clients: hello-space
# expect-advice: ex4/reply-timing: hello-space
# expect-advice: ex4/ten-clients: hello-space
# expect-advice: ex4/tutorial-run: hello-space
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
        if not d or d.decode('utf-8') == 'exit':
            break
        c.send(('Hello, %s!' % d.decode('utf-8')).encode('utf-8'))
    c.close()
    print('Connection from %s:%s closed' % (c, a))
while True:
    c, a = s.accept()
    t = threading.Thread(target=tcplink, args=(c, a))
    t.start()
