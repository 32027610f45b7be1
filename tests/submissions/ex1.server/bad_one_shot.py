# socklab sample: broken -- answers the first request, then exits (no loop)
# expect: fail ex1/browser ex1/tutorial-run ex1/twenty-in-a-row ex1/twenty-at-once
# expect-message: the server must loop
# expect-advice: ex1/browser: serve-forever
# expect-advice: ex1/tutorial-run: serve-forever
# expect-advice: ex1/twenty-at-once: serve-forever
# expect-advice: ex1/twenty-in-a-row: serve-forever
import socket
s = socket.socket()
s.bind(('127.0.0.1', 12345))
s.listen(5)
print('服务器处于监听状态中...')
c, a = s.accept()
data = c.recv(1024).decode()
print(data)
c.sendall(('HTTP/1.1 200 OK\r\n\r\n<html><head><title>客户端请求</title></head><body><meta charset="utf-8"><h1>Hello World</h1></body></html>').encode())
c.close()
