# socklab sample: broken -- reads the number without showing the prompt
# expect: fail ex6/tutorial-run ex6/client-protocol
# expect-message: show the prompt before reading
# expect-advice: ex6/client-protocol: no-prompt
# expect-advice: ex6/tutorial-run: no-prompt
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
data = int(input())
s.sendto(str(data).encode(), ('127.0.0.1', 9999))
print('计算结果:', s.recv(1024).decode('utf-8'))
s.close()
