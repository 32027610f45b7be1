# socklab sample: broken -- the page is taken to end at </html>, so the client closes before the server does
# expect: fail ex2/waits-for-close
# expect-message: ex2/waits-for-close: client → srv FIN
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.connect(('www.baidu.com.cn', 80))
s.send(b'GET / HTTP/1.1\r\nHost: www.baidu.com.cn\r\n\r\n')
data = b''
while not data.rstrip().endswith(b'</html>'):
    d = s.recv(1024)
    if not d:
        break
    data += d
s.close()
header, html = data.split(b'\r\n\r\n', 1)
print(header.decode('utf-8'))
with open('baidu.html', 'wb') as f:
    f.write(html)
