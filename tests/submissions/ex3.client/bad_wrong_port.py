# socklab sample: broken -- connects to port 8080 instead of 8888
# expect: fail ex3/tutorial-run ex3/client-chat ex3/server-types-esc
# expect-message: connection was refused
# expect-advice: ex3/client-chat: wrong-port
# expect-advice: ex3/server-types-esc: no-prompt
# expect-advice: ex3/tutorial-run: no-prompt
import socket
s = socket.socket()
s.connect((socket.gethostname(), 8080))
print('已连接到服务器.')
s.close()
