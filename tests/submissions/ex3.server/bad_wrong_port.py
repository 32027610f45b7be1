# socklab sample: broken -- listens on 8889 instead of 8888
# expect: fail ex3/tutorial-run ex3/server-chat ex3/server-types-esc
# expect-message: listens on 127.0.0.1:8889
# expect-advice: ex3/server-chat: wrong-port
# expect-advice: ex3/server-types-esc: wrong-port
# expect-advice: ex3/tutorial-run: wrong-port
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.bind((socket.gethostname(), 8889))
s.listen(5)
print('服务器处于监听状态中...\r\n')
c, a = s.accept()
print('已连接到客户端')
d = c.recv(1024).decode()
c.close()
