# socklab hostile corpus: the victim -- a correct ex5 UDP echo server (the tutorial's server5.py).
# VICTIM-SECRET-7f3a9c : a marker no other submission may ever read (see ../check_hostile.py).
# The checker grades this folder alone, then together with each attack, and its points must not move.
import socket

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('127.0.0.1', 9999))
while True:
    data, addr = s.recvfrom(1024)
    print(data, addr)
    s.sendto(b'Hello,' + data, addr)
