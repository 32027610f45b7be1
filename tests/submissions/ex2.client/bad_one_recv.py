# socklab sample: broken -- one recv(1024) is taken for the whole page
# expect: fail ex2/big-page ex2/sliced-1 ex2/sliced-100
# expect-message: ex2/big-page: one recv(1024) is not the whole page
# expect-message: ex2/sliced-1: one recv() returns only what has come so far
# expect-message: ex2/sliced-100: one recv(1024) is not the whole page
# expect-advice: ex2/big-page: one-recv
# expect-advice: ex2/sliced-1: one-recv
# expect-advice: ex2/sliced-100: one-recv
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.connect(('www.baidu.com.cn', 80))
s.send(b'GET / HTTP/1.1\r\n\r\n\r\n')
data = s.recv(1024)
s.close()
header, html = data.split(b'\r\n\r\n', 1)
print(header.decode('utf-8'))
with open('baidu.html', 'wb') as f:
    f.write(html)
