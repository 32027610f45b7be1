# socklab sample: correct -- reads each reply until it is whole
# expect: pass all
import socket


def receive(sock, size):
    data = sock.recv(1024)
    while data and len(data) < size:
        more = sock.recv(1024)
        if not more:
            break
        data += more
    return data


s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.connect(('127.0.0.1', 9999))
print(receive(s, len(b'Welcome!')).decode('utf-8'))
for d in [b'Michael', b'Tracy', b'Sarah']:
    s.send(d)
    print(receive(s, len(b'Hello,' + d + b'!')).decode('utf-8'))
s.send(b'exit')
s.close()
