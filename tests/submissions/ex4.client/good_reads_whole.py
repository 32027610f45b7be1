# socklab sample: correct -- socket.create_connection, and each message read until all of its bytes have
# come (TCP may deliver them in pieces): the banner's 8 bytes, then len('Hello,' + name + '!')
# expect: pass all
import socket


def read_exactly(conn, size):
    data = b''
    while len(data) < size:
        piece = conn.recv(size - len(data))
        if not piece:
            break
        data += piece
    return data


conn = socket.create_connection(('127.0.0.1', 9999))
print(read_exactly(conn, len(b'Welcome!')).decode('utf-8'))
for name in [b'Michael', b'Tracy', b'Sarah']:
    conn.sendall(name)
    print(read_exactly(conn, len(b'Hello,' + name + b'!')).decode('utf-8'))
conn.sendall(b'exit')
conn.close()
