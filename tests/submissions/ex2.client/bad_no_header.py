# socklab sample: broken -- saves the page but never prints the header
# expect: fail ex2/small-page ex2/big-page ex2/tutorial-run
# expect-message: print the header
# expect-advice: ex2/big-page: print-header
# expect-advice: ex2/small-page: print-header
# expect-advice: ex2/tutorial-run: print-header
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
s.close()
header, html = b''.join(l).split(b'\r\n\r\n', 1)
with open('baidu.html', 'wb') as f:
    f.write(html)
