# socklab sample: broken -- hides every error and exits 0, so a caller cannot tell that nothing was fetched
# expect: fail ex2/no-blank-line ex2/refused
# expect-message: exit 1
# expect-advice: ex2/no-blank-line: exit-status
# expect-advice: ex2/refused: exit-status
import socket
try:
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.connect(('www.baidu.com.cn', 80))
    s.sendall(b'GET / HTTP/1.1\r\nHost: www.baidu.com.cn\r\nConnection: close\r\n\r\n')
    l = []
    while True:
        d = s.recv(1024)
        if not d:
            break
        l.append(d)
    s.close()
    header, html = b''.join(l).split(b'\r\n\r\n', 1)
    print(header.decode('utf-8'))
    with open('baidu.html', 'wb') as f:
        f.write(html)
except Exception:
    pass
