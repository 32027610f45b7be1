# socklab sample: broken -- never closes the connection, so the client waits for the end of the page
# expect: fail ex1/browser ex1/tutorial-run ex1/curl-page ex1/raw-peer ex1/twenty-in-a-row ex1/twenty-at-once
# expect-message: close it after sending the page
# expect-advice: ex1/raw-peer: close-connection
# expect-advice: ex1/twenty-at-once: close-connection
# expect-advice: ex1/twenty-in-a-row: close-connection
import socket
s = socket.socket()
s.bind(('127.0.0.1', 12345))
s.listen(5)
print('服务器处于监听状态中...')
clients = []
while True:
    c, a = s.accept()
    data = c.recv(1024).decode()
    print(data)
    c.sendall(('HTTP/1.1 200 OK\r\n\r\n<html><head><title>客户端请求</title></head><body><meta charset="utf-8"><h1>Hello World</h1></body></html>').encode())
    clients.append(c)
