# socklab sample: correct -- the tutorial's chat, ending cleanly when the client leaves or input ends
# expect: pass all
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
    try:
        send_data = input('服务器说:')
    except EOFError:
        send_data = 'esc'
    while send_data == '':
        send_data = input('服务器说:')
    c.send(send_data.encode())
    if send_data == 'esc':
        break
    d = c.recv(1024).decode('utf-8', errors='replace')
c.close()
s.close()
