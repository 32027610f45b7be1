# socklab sample: broken -- sends the typed text as it is, spaces and leading zeros included
# expect: fail ex6/client-protocol
# expect-message: str(int(typed))
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
text = input('请输入一个大于1的整数:')
s.sendto(text.encode(), ('127.0.0.1', 9999))
print('计算结果:', s.recv(1024).decode('utf-8'))
s.close()
