# socklab sample: broken -- listens on the IPv6 loopback ::1 only, where the tutorial's client (127.0.0.1) cannot reach it
# expect: fail ex4/tutorial-run ex4/exit-closes ex4/concurrent-clients ex4/disconnect-without-exit ex4/reply-timing ex4/ten-clients ex4/fifty-clients
# expect-message: the server listens on [::1]:9999
# expect-advice: ex4/concurrent-clients: wrong-port
# expect-advice: ex4/disconnect-without-exit: wrong-port
# expect-advice: ex4/exit-closes: wrong-port
# expect-advice: ex4/fifty-clients: wrong-port
# expect-advice: ex4/reply-timing: wrong-port
# expect-advice: ex4/ten-clients: wrong-port
# expect-advice: ex4/tutorial-run: wrong-port
import socket
import threading
import time

s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
s.bind(('::1', 9999))
s.listen(5)
print('Waiting for connection...')


def tcplink(c, a):
    c.send(b'Welcome!')
    while True:
        d = c.recv(1024)
        time.sleep(1)
        if not d or d == b'exit':
            break
        c.send(b'Hello,' + d + b'!')
    c.close()


while True:
    c, a = s.accept()
    threading.Thread(target=tcplink, args=(c, a), daemon=True).start()
