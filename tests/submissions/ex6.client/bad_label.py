# socklab sample: broken -- prints 结果: instead of 计算结果:
# expect: fail ex6/tutorial-run ex6/client-protocol
# expect-message: first difference
# expect-advice: ex6/client-protocol: exact-label
# expect-advice: ex6/tutorial-run: exact-label
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
data = int(input('请输入一个大于1的整数:'))
s.sendto(str(data).encode(), ('127.0.0.1', 9999))
print('结果:', s.recv(1024).decode('utf-8'))
s.close()
