# socklab sample: correct -- sendall and a while True loop; not robust: end of input and empty lines
# expect: fail ex3/stdin-closed ex3/empty-line
# expect-message: ex3/stdin-closed: EOFError
# expect-message: ex3/empty-line: skip empty lines
# expect-advice: ex3/empty-line: no-prompt
import socket

sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
sock.connect((socket.gethostname(), 8888))
print('已连接到服务器.')
print('**提示,如果要退出,请输入esc后回车.\r\n')
while True:
    text = input('客户端说:')
    sock.sendall(text.encode('utf-8'))
    if text == 'esc':
        break
    reply = sock.recv(1024).decode('utf-8')
    print('服务器说:' + reply)
    if reply == 'esc':
        break
sock.close()
