# socklab sample: correct -- socketserver.ForkingTCPServer: a process per connection instead of a thread;
# logs with f-strings through sys.stdout.write; it forks at most 40 children at once (ForkingMixIn's
# max_children), so of fifty clients at once the last ten wait. Whether ex4/fifty-clients sees that
# depends on whether more than forty are connected at once: a loaded machine that starts the fifty over
# seconds never reaches the cap, and the server then serves every client as a thread per connection
# does (a capped pool is caught on any machine: good_thread_pool)
# expect: pass core
import socketserver
import sys
import time


class Hello(socketserver.BaseRequestHandler):
    def handle(self):
        host, port = self.client_address
        sys.stdout.write(f'connection from {host}:{port}\n')
        self.request.sendall(b'Welcome!')
        while True:
            name = self.request.recv(1024)
            time.sleep(1)
            if not name or name == b'exit':
                break
            self.request.sendall(f"Hello,{name.decode('utf-8')}!".encode('utf-8'))
        sys.stdout.write(f'{host}:{port} left\n')


class Server(socketserver.ForkingTCPServer):
    allow_reuse_address = True
    request_queue_size = 5


sys.stdout.write('Waiting for connection...\n')
with Server(('127.0.0.1', 9999), Hello) as server:
    server.serve_forever()
