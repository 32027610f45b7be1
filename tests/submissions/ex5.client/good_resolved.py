# socklab sample: correct -- the server's address resolved once with getaddrinfo, sendto with that tuple;
# a timeout and a resend, and a reply that does not answer the datagram just sent is skipped
# expect: pass all
import socket

family, kind, proto, _, server = socket.getaddrinfo('127.0.0.1', 9999, socket.AF_INET, socket.SOCK_DGRAM)[0]
with socket.socket(family, kind, proto) as s:
    s.settimeout(0.5)
    for data in (b'a', b'b', b'c'):
        want = b'Hello,' + data
        got = None
        while got != want:
            s.sendto(data, server)
            try:
                while got != want:
                    got = s.recv(1024)
            except TimeoutError:
                pass
        print(got.decode())
