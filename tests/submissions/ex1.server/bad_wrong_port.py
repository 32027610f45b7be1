# socklab sample: broken -- listens on 12346 instead of the tutorial's 12345
# expect: fail ex1/browser ex1/tutorial-run ex1/curl-page ex1/raw-peer ex1/twenty-in-a-row ex1/twenty-at-once
# expect-message: the server listens on 127.0.0.1:12346
# expect-advice: ex1/browser: wrong-port
# expect-advice: ex1/curl-page: wrong-port
# expect-advice: ex1/raw-peer: wrong-port
# expect-advice: ex1/tutorial-run: wrong-port
# expect-advice: ex1/twenty-at-once: wrong-port
# expect-advice: ex1/twenty-in-a-row: wrong-port
import socket
s = socket.socket()
s.bind(('127.0.0.1', 12346))
s.listen(5)
print('服务器处于监听状态中...')
while True:
    c, a = s.accept()
    data = c.recv(1024).decode()
    print(data)
    c.sendall(('HTTP/1.1 200 OK\r\n\r\n<html><head><title>客户端请求</title></head><body><meta charset="utf-8"><h1>Hello World</h1></body></html>').encode())
    c.close()
