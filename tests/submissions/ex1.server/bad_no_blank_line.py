# socklab sample: broken -- the status line is not followed by the blank line that ends the header
# expect: fail ex1/browser ex1/tutorial-run ex1/curl-page ex1/raw-peer ex1/twenty-in-a-row ex1/twenty-at-once
# expect-message: an empty line
# expect-advice: ex1/browser: http-response
# expect-advice: ex1/curl-page: http-response
# expect-advice: ex1/raw-peer: http-response
# expect-advice: ex1/tutorial-run: http-response
# expect-advice: ex1/twenty-at-once: http-response
import socket
s = socket.socket()
s.bind(('127.0.0.1', 12345))
s.listen(5)
print('服务器处于监听状态中...')
while True:
    c, a = s.accept()
    data = c.recv(1024).decode()
    print(data)
    head = 'HTTP/1.1 200 OK\r\n'
    body = '<html><head><title>客户端请求</title></head><body><meta charset="utf-8"><h1>Hello World</h1></body></html>'
    c.sendall((head + body).encode())
    c.close()
