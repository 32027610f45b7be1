# socklab sample: correct -- the header read line by line with readline() and printed a line at a time
# (without the \r\n), then the rest of the stream saved as the page; Connection: close so that the
# server ends the stream; not robust: it reads until the server closes whatever Content-Length says, and
# takes a response without a blank line for a page
# expect: fail ex2/keep-alive ex2/no-blank-line
# expect-message: ex2/keep-alive: Content-Length
# expect-advice: ex2/no-blank-line: exit-status
import socket

conn = socket.create_connection(('www.baidu.com.cn', 80))
conn.sendall(b'GET / HTTP/1.1\r\nHost: www.baidu.com.cn\r\nConnection: close\r\n\r\n')
with conn, conn.makefile('rb') as response:
    while True:
        line = response.readline()
        if line in (b'\r\n', b'\n', b''):
            break
        print(line.decode('utf-8').rstrip('\r\n'))
    page = response.read()
with open('baidu.html', 'wb') as f:
    f.write(page)
