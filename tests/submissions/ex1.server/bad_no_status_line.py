# socklab sample: broken -- sends the page alone, without the status line: a browser shows nothing
# expect: fail ex1/browser ex1/tutorial-run ex1/curl-page ex1/raw-peer ex1/twenty-in-a-row ex1/twenty-at-once
# expect-message: ex1/browser: the browser saw no page: net::ERR_INVALID_HTTP_RESPONSE
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
    body = '<html><head><title>客户端请求</title></head><body><meta charset="utf-8"><h1>Hello World</h1></body></html>'
    c.sendall(body.encode())
    c.close()
