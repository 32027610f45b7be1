# socklab sample: broken -- no prompt before reading what the user types
# expect: fail ex3/tutorial-run ex3/client-chat ex3/server-types-esc
# expect-message: 客户端说:
# expect-advice: ex3/client-chat: no-prompt
# expect-advice: ex3/server-types-esc: no-prompt
# expect-advice: ex3/tutorial-run: no-prompt
import socket
s = socket.socket()
s.connect((socket.gethostname(), 8888))
print('已连接到服务器.')
print('**提示,如果要退出,请输入esc后回车.\r\n')
d = ''
while d != 'esc':
    send_data = input()
    s.send(send_data.encode())
    if send_data == 'esc':
        break
    d = s.recv(1024).decode()
    print('服务器说:' + d)
s.close()
