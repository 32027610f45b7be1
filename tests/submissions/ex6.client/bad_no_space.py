# socklab sample: broken -- joins label and result without print's space
# expect: fail ex6/tutorial-run ex6/client-protocol
# expect-message: first difference
# expect-advice: ex6/client-protocol: hello-space
# expect-advice: ex6/tutorial-run: hello-space
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
data = int(input('请输入一个大于1的整数:'))
s.sendto(str(data).encode(), ('127.0.0.1', 9999))
print('计算结果:' + s.recv(1024).decode('utf-8'))
s.close()
