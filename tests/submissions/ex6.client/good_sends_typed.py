# socklab sample: correct for the integers the tutorial asks for -- sends the typed text as it is, so
# " 0007" goes out with its spaces and leading zeros instead of str(int(typed))
# expect: fail ex6/typed-with-spaces
# expect-message: str(int(typed))
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
text = input('请输入一个大于1的整数:')
s.sendto(text.encode(), ('127.0.0.1', 9999))
print('计算结果:', s.recv(1024).decode('utf-8'))
s.close()
