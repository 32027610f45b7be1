# socklab sample: broken -- reads the answer with input() and no prompt
# expect: fail ex3/tutorial-run ex3/server-chat ex3/server-types-esc
# expect-message: 服务器说:
# expect-advice: ex3/server-chat: no-prompt
# expect-advice: ex3/server-types-esc: no-prompt
# expect-advice: ex3/tutorial-run: no-prompt
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.bind((socket.gethostname(), 8888))
s.listen(5)
print('服务器处于监听状态中...\r\n')
c, a = s.accept()
print('已连接到客户端')
print('**提示,如果要退出,请输入esc后回车.\r\n')
d = c.recv(1024).decode()
while d != 'esc':
    if d:
        print('客户端说:' + d)
    send_data = input()
    c.send(send_data.encode())
    if send_data == 'esc':
        break
    d = c.recv(1024).decode()
c.close()
s.close()
