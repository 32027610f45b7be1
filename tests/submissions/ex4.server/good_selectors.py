# socklab sample: correct -- one thread, a selectors loop: every connection's reply is due one second after
# its message, and the loop sleeps only until the next one is due, so clients are served at the same time
# expect: pass core
import heapq
import selectors
import socket
import time

sel = selectors.DefaultSelector()
listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(('127.0.0.1', 9999))
listener.listen(5)
listener.setblocking(False)
sel.register(listener, selectors.EVENT_READ)
print('Waiting for connection...', flush=True)
due = []  # (time, sequence, connection, reply or None for exit)
seq = 0


def close(conn):
    sel.unregister(conn)
    conn.close()


while True:
    timeout = max(0.0, due[0][0] - time.monotonic()) if due else None
    for key, _ in sel.select(timeout):
        if key.fileobj is listener:
            conn, addr = listener.accept()
            print('connected:', addr, flush=True)
            conn.sendall(b'Welcome!')
            sel.register(conn, selectors.EVENT_READ)
            continue
        conn = key.fileobj
        try:
            data = conn.recv(1024)
        except ConnectionError:
            data = b''
        seq += 1
        reply = None if not data or data == b'exit' else b'Hello,' + data + b'!'
        if reply is None:
            sel.unregister(conn)  # nothing more to read; closed when due
        heapq.heappush(due, (time.monotonic() + 1, seq, conn, reply))
    while due and due[0][0] <= time.monotonic():
        _, _, conn, reply = heapq.heappop(due)
        if reply is None:
            conn.close()
            continue
        try:
            conn.sendall(reply)
        except OSError:
            pass
