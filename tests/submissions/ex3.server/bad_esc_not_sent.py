# socklab sample: broken -- on esc the server closes without sending it: the client only sees the connection end
# expect: fail ex3/server-types-esc
# expect-message: ex3/server-types-esc: client → server FIN
import socket

s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.bind((socket.gethostname(), 8888))
s.listen(5)
print('服务器处于监听状态中...\r\n')
c, a = s.accept()
print('已连接到客户端')
print('**提示,如果要退出,请输入esc后回车.\r\n')
d = c.recv(1024).decode('utf-8', errors='replace')
while d != 'esc':
    if not d:
        print('对方已断开连接.')
        break
    print('客户端说:' + d)
    send_data = input('服务器说:')
    if send_data == 'esc':
        break
    c.send(send_data.encode())
    d = c.recv(1024).decode('utf-8', errors='replace')
c.close()
s.close()
