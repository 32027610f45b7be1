# socklab sample: broken -- prints 服务器: instead of 服务器说:
# expect: fail ex3/tutorial-run ex3/client-chat ex3/server-types-esc
# expect-message: first difference
# expect-advice: ex3/client-chat: exact-label
# expect-advice: ex3/server-types-esc: exact-label
# expect-advice: ex3/tutorial-run: exact-label
import socket
s = socket.socket()
s.connect((socket.gethostname(), 8888))
print('已连接到服务器.')
print('**提示,如果要退出,请输入esc后回车.\r\n')
d = ''
while d != 'esc':
    send_data = input('客户端说:')
    s.send(send_data.encode())
    if send_data == 'esc':
        break
    d = s.recv(1024).decode()
    print('服务器:' + d)
s.close()
