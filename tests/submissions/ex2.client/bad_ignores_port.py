# socklab sample: broken -- takes the host from the command line but, by an off-by-one in the argv
# check, always uses port 80
# args: {host} {port}
# expect: fail ex2/other-address
# expect-message: no client connected
# expect-advice: ex2/other-address: wrong-port
import socket
import sys

host = sys.argv[1] if len(sys.argv) > 1 else 'www.baidu.com.cn'
port = int(sys.argv[2]) if len(sys.argv) > 3 else 80
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.connect((host, port))
s.send(b'GET / HTTP/1.1\r\nHost: www.baidu.com.cn\r\nConnection: close\r\n\r\n')
l = []
while True:
    d = s.recv(1024)
    if not d:
        break
    l.append(d)
s.close()
header, html = b''.join(l).split(b'\r\n\r\n', 1)
print(header.decode('utf-8'))
with open('baidu.html', 'wb') as f:
    f.write(html)
