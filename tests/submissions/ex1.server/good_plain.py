# socklab sample: correct -- plain sockets, and it survives clients that misbehave
# expect: pass all
import socket

s = socket.socket()
s.bind(('127.0.0.1', 12345))
s.listen(5)
print('服务器处于监听状态中...')
page = '<html><head><title>客户端请求</title></head><body><meta charset="utf-8"><h1>Hello World</h1></body></html>'
while True:
    c, a = s.accept()
    try:
        data = c.recv(1024).decode('utf-8', errors='replace')
        print(data)
        c.sendall(('HTTP/1.1 200 OK\r\n\r\n' + page).encode())
    except OSError as e:
        pass
    finally:
        c.close()
