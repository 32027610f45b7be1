# socklab sample: broken -- socketserver.TCPServer, not ThreadingTCPServer: one client at a time
# expect: fail ex4/concurrent-clients ex4/ten-clients ex4/fifty-clients
# expect-message: one after another
# expect-advice: ex4/concurrent-clients: serial-server
# expect-advice: ex4/fifty-clients: serial-server
# expect-advice: ex4/ten-clients: serial-server
import socketserver
import time


class Hello(socketserver.StreamRequestHandler):
    def handle(self):
        self.request.sendall(b'Welcome!')
        while True:
            data = self.request.recv(1024)
            time.sleep(1)
            if not data or data.decode() == 'exit':
                break
            self.request.sendall(('Hello,%s!' % data.decode()).encode())


socketserver.TCPServer.allow_reuse_address = True
with socketserver.TCPServer(('127.0.0.1', 9999), Hello) as server:
    print('Waiting for connection...')
    server.serve_forever()
