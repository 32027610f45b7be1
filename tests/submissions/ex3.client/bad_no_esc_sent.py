# socklab sample: broken -- leaves on esc without sending it, so the server never learns the chat ended
# expect: fail ex3/tutorial-run ex3/client-chat
# expect-message: ex3/client-chat: send esc to the server
# expect-advice: ex3/client-chat: ending-word
import socket
s = socket.socket()
s.connect((socket.gethostname(), 8888))
print('已连接到服务器.')
print('**提示,如果要退出,请输入esc后回车.\r\n')
while True:
    send_data = input('客户端说:')
    if send_data == 'esc':
        break
    s.send(send_data.encode())
    d = s.recv(1024).decode()
    print('服务器说:' + d)
    if d == 'esc':
        break
s.close()
