# socklab sample: correct -- the tutorial's request, read through a file object until the server closes; it waits for ever on a keep-alive server
# expect: fail ex2/keep-alive
# expect-message: keep-alive
import socket

s = socket.create_connection(('www.baidu.com.cn', 80))
s.send(b'GET / HTTP/1.1\r\n\r\n\r\n')
with s.makefile('rb') as stream:
    data = stream.read()
s.close()
header, html = data.split(b'\r\n\r\n', 1)
print(header.decode('utf-8'))
with open('baidu.html', 'wb') as f:
    f.write(html)
