# socklab sample: broken -- saves the whole response, header included, into baidu.html
# expect: fail ex2/small-page ex2/big-page ex2/all-bytes ex2/tutorial-run
# expect-message: the file starts with the HTTP header
# expect-advice: ex2/all-bytes: header-in-file
# expect-advice: ex2/big-page: header-in-file
# expect-advice: ex2/small-page: header-in-file
# expect-advice: ex2/tutorial-run: header-in-file
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.connect(('www.baidu.com.cn', 80))
s.send(b'GET / HTTP/1.1\r\n\r\n\r\n')
l = []
while True:
    d = s.recv(1024)
    if d:
        l.append(d)
    else:
        break
data = b''.join(l)
s.close()
header, html = data.split(b'\r\n\r\n', 1)
print(header.decode('utf-8'))
with open('baidu.html', 'wb') as f:
    f.write(data)
