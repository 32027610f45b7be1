# socklab sample: correct for the tutorial's behaviour -- prompt written by hand, the line read from sys.stdin; not robust: int() of bad input raises, recv(1024) cuts long results
# expect: fail ex6/not-an-integer ex6/thousand
import socket
import sys

sys.stdout.write('请输入一个大于1的整数:')
sys.stdout.flush()
number = int(sys.stdin.readline())
client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
client.sendto(str(number).encode(), ('127.0.0.1', 9999))
reply = client.recv(1024)
print('计算结果:', reply.decode('utf-8'))
client.close()
