# socklab sample: correct -- socketserver.ThreadingTCPServer with a handler class, logging the address
# expect: pass core
import socketserver
import time


class HelloHandler(socketserver.BaseRequestHandler):
    def handle(self):
        print('connected:', self.client_address)
        self.request.sendall(b'Welcome!')
        while True:
            data = self.request.recv(1024)
            time.sleep(1)
            if not data or data == b'exit':
                break
            self.request.sendall(b'Hello,' + data + b'!')
        print('disconnected:', self.client_address)


if __name__ == '__main__':
    server = socketserver.ThreadingTCPServer(('127.0.0.1', 9999), HelloHandler)
    server.daemon_threads = True
    print('serving on 127.0.0.1:9999')
    server.serve_forever()
