# socklab sample: broken -- correct for well-behaved clients, but any socket or decoding error ends the server
# expect: fail ex1/early-close ex1/long-request ex1/not-utf8
# expect-message: ex1/early-close: ConnectionResetError
# expect-message: ex1/long-request: UnicodeDecodeError
# expect-message: ex1/not-utf8: errors='replace'
# expect-advice: ex1/early-close: peer-reset
# expect-advice: ex1/long-request: decode-error
# expect-advice: ex1/not-utf8: decode-error
import socket
s = socket.socket()
s.bind(('127.0.0.1', 12345))
s.listen(5)
print('服务器处于监听状态中...')
while True:
    c, a = s.accept()
    data = c.recv(1024).decode()
    print(data)
    c.sendall(('HTTP/1.1 200 OK\r\n\r\n<html><head><title>客户端请求</title></head><body><meta charset="utf-8"><h1>Hello World</h1></body></html>').encode())
    c.close()
