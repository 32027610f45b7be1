# socklab sample: broken -- the client's esc does not end the chat
# expect: fail ex3/tutorial-run ex3/server-chat
# expect-message: esc
# expect-advice: ex3/server-chat: end-when-done
# expect-advice: ex3/tutorial-run: end-when-done
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.bind((socket.gethostname(), 8888))
s.listen(5)
print('服务器处于监听状态中...\r\n')
c, a = s.accept()
print('已连接到客户端')
print('**提示,如果要退出,请输入esc后回车.\r\n')
while True:
    d = c.recv(1024).decode()
    if d:
        print('客户端说:' + d)
    send_data = input('服务器说:')
    c.send(send_data.encode())
    if send_data == 'esc':
        break
c.close()
s.close()
