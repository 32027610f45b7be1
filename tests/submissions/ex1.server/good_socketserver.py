# socklab sample: correct -- socketserver with a request handler class; not robust: .decode() of bytes that are not UTF-8 raises
# expect: fail ex1/not-utf8
# expect-message: errors='replace'
# expect-message: ex1/not-utf8: UnicodeDecodeError
# expect-advice: ex1/not-utf8: decode-error
import socketserver

PAGE = '<html><head><title>客户端请求</title></head><body><meta charset="utf-8"><h1>Hello World</h1></body></html>'


class Hello(socketserver.BaseRequestHandler):
    def handle(self):
        data = self.request.recv(1024).decode()
        print(data)
        self.request.sendall(('HTTP/1.1 200 OK\r\n\r\n' + PAGE).encode())


print('服务器处于监听状态中...')
with socketserver.TCPServer(('127.0.0.1', 12345), Hello) as server:
    server.serve_forever()
