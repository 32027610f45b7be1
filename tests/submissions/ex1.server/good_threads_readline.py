# socklab sample: correct -- bound to '' (every address), a thread per connection, the request read line by
# line through makefile() up to the blank line that ends its header, each line printed without its \r\n
# expect: pass all
import socket
import threading

PAGE = '<html><head><title>客户端请求</title></head><body><meta charset="utf-8"><h1>Hello World</h1></body></html>'


def answer(conn):
    with conn, conn.makefile('rb') as request:
        for line in request:
            text = line.decode('utf-8', errors='replace').rstrip('\r\n')
            if not text:
                break
            print(text)
        conn.sendall(('HTTP/1.1 200 OK\r\n\r\n' + PAGE).encode('utf-8'))


server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(('', 12345))
server.listen(5)
print('服务器处于监听状态中...')
while True:
    conn, _ = server.accept()
    threading.Thread(target=answer, args=(conn,), daemon=True).start()
