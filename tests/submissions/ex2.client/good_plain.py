# socklab sample: correct -- reads until the server closes, asks it to close with Connection: close
# args: {host} {port}
# expect: pass all
import socket
import sys

host = sys.argv[1] if len(sys.argv) > 1 else 'www.baidu.com.cn'
port = int(sys.argv[2]) if len(sys.argv) > 2 else 80

s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
try:
    s.connect((host, port))
except OSError as e:
    print('无法连接:', e, file=sys.stderr)
    sys.exit(1)
s.sendall(b'GET / HTTP/1.1\r\nHost: ' + host.encode() + b'\r\nConnection: close\r\n\r\n')
chunks = []
length = None
while True:
    d = s.recv(4096)
    if not d:
        break
    chunks.append(d)
    data = b''.join(chunks)
    if b'\r\n\r\n' in data:
        head, body = data.split(b'\r\n\r\n', 1)
        for line in head.split(b'\r\n'):
            if line.lower().startswith(b'content-length:'):
                length = int(line.split(b':', 1)[1])
        if length is not None and len(body) >= length:
            break
s.close()
data = b''.join(chunks)
if b'\r\n\r\n' not in data:
    print('响应没有空行', file=sys.stderr)
    sys.exit(1)
header, html = data.split(b'\r\n\r\n', 1)
print(header.decode('utf-8'))
with open('baidu.html', 'wb') as f:
    f.write(html)
