# socklab sample: correct -- a pool of four worker threads (concurrent.futures), not a thread per
# connection: four clients are served at once, the fifth when a worker is free, so it loses
# ex4/fifty-clients (robustness) on any machine: socklab has more than four connected when the first
# is answered however slowly it starts them
# expect: fail ex4/fifty-clients
# expect-message: in the middle of their conversations at once
import socket
import time
from concurrent.futures import ThreadPoolExecutor


def tcplink(sock, addr):
    sock.send(b'Welcome!')
    while True:
        data = sock.recv(1024)
        time.sleep(1)
        if not data or data.decode('utf-8') == 'exit':
            break
        sock.send(('Hello,%s!' % data.decode('utf-8')).encode('utf-8'))
    sock.close()


s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.bind(('127.0.0.1', 9999))
s.listen(5)
print('Waiting for connection...')
with ThreadPoolExecutor(max_workers=4) as pool:
    while True:
        sock, addr = s.accept()
        pool.submit(tcplink, sock, addr)
