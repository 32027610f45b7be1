# socklab sample: broken -- decodes the body as text and saves it in text mode
# expect: fail ex2/big-page ex2/all-bytes
# expect-message: open(name, 'wb')
# expect-advice: ex2/all-bytes: write-bytes
# expect-advice: ex2/big-page: write-bytes
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.connect(('www.baidu.com.cn', 80))
s.send(b'GET / HTTP/1.1\r\n\r\n\r\n')
l = []
while True:
    d = s.recv(1024)
    if not d:
        break
    l.append(d)
data = b''.join(l)
s.close()
header, html = data.split(b'\r\n\r\n', 1)
print(header.decode('utf-8'))
with open('baidu.html', 'w', encoding='utf-8') as f:
    f.write(html.decode('utf-8', errors='ignore'))
