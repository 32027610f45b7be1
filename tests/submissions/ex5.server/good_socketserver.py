# socklab sample: correct -- socketserver.UDPServer
# expect: pass core
import socketserver


class Echo(socketserver.BaseRequestHandler):
    def handle(self):
        data, sock = self.request
        print(data, self.client_address)
        sock.sendto(b'Hello,' + data, self.client_address)


with socketserver.UDPServer(('127.0.0.1', 9999), Echo) as server:
    server.serve_forever()
