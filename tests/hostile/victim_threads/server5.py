# socklab hostile corpus: a second victim -- a correct ex5 UDP echo server that answers each datagram from
# a worker thread (as a student who learnt threads in ex4 writes it), so that an attack on the number of
# threads or processes (thread_storm) has something to hurt. The replies stay in order: one at a time.
# VICTIM-SECRET-7f3a9c : a marker no other submission may ever read (see ../check_hostile.py).
import socket
import threading

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('127.0.0.1', 9999))


def answer(data, addr):
    print(data, addr)
    s.sendto(b'Hello,' + data, addr)


while True:
    data, addr = s.recvfrom(1024)
    t = threading.Thread(target=answer, args=(data, addr))
    t.start()
    t.join()
