# socklab sample: correct -- the tutorial's chat client, ending cleanly on end of input and on disconnect
# expect: pass all
import socket

s = socket.socket()
s.connect((socket.gethostname(), 8888))
print('已连接到服务器.')
print('**提示,如果要退出,请输入esc后回车.\r\n')
d = ''
while d != 'esc':
    try:
        send_data = input('客户端说:')
    except EOFError:
        send_data = 'esc'
    if send_data == '':
        continue
    s.send(send_data.encode())
    if send_data == 'esc':
        break
    d = s.recv(1024).decode('utf-8', errors='replace')
    if not d:
        print('对方已断开连接.')
        break
    print('服务器说:' + d)
s.close()
