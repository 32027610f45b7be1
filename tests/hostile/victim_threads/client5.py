# socklab hostile corpus: a second victim -- a correct ex5 UDP echo client that waits for each reply in a
# worker thread (see server5.py).
# VICTIM-SECRET-7f3a9c : a marker no other submission may ever read (see ../check_hostile.py).
import socket
import threading

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)


def ask(data):
    s.sendto(data, ('127.0.0.1', 9999))
    print(s.recv(1024).decode('utf-8'))


for data in [b'a', b'b', b'c']:
    t = threading.Thread(target=ask, args=(data,))
    t.start()
    t.join()
s.close()
