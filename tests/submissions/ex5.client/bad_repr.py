# socklab sample: broken -- prints the bytes object (b'Hello,a') instead of the decoded text
# expect: fail ex5/tutorial-run ex5/client-protocol
# expect-message: first difference
# expect-advice: ex5/client-protocol: decode-before-print
# expect-advice: ex5/tutorial-run: decode-before-print
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for data in [b'a', b'b', b'c']:
    s.sendto(data, ('127.0.0.1', 9999))
    print(s.recv(1024))
s.close()
