# socklab sample: correct -- socketserver.ThreadingTCPServer does the threads
# expect: pass core
import socketserver
import time


class Hello(socketserver.BaseRequestHandler):
    def handle(self):
        c, a = self.request, self.client_address
        print('Accept new connection from %s:%s...' % (c, a))
        c.send(b'Welcome!')
        while True:
            d = c.recv(1024)
            time.sleep(1)
            if not d or d.decode('utf-8') == 'exit':
                break
            c.send(('Hello,%s!' % d.decode('utf-8')).encode('utf-8'))

    def finish(self):
        self.request.close()
        print('Connection from %s:%s closed' % (self.request, self.client_address))


print('Waiting for connection...')
socketserver.ThreadingTCPServer.allow_reuse_address = False
with socketserver.ThreadingTCPServer(('127.0.0.1', 9999), Hello) as server:
    server.serve_forever()
