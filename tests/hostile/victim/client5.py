# socklab hostile corpus: the victim -- a correct ex5 UDP echo client (the tutorial's client5.py).
# VICTIM-SECRET-7f3a9c : a marker no other submission may ever read (see ../check_hostile.py).
import socket

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for data in [b'a', b'b', b'c']:
    s.sendto(data, ('127.0.0.1', 9999))
    print(s.recv(1024).decode('utf-8'))
s.close()
