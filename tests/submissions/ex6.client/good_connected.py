# socklab sample: correct -- a connected UDP socket (connect, then send and recv without an address), the
# result printed with an f-string; not robust: no timeout, and recv(1024) cuts long results
# expect: fail ex6/request-dropped ex6/reply-dropped ex6/thousand-lossy ex6/thousand ex6/not-an-integer
# expect-advice: ex6/reply-dropped: hang-after-loss
# expect-advice: ex6/request-dropped: hang-after-loss
# expect-advice: ex6/thousand-lossy: hang-after-loss
import socket

number = int(input('请输入一个大于1的整数:'))
with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
    s.connect(('127.0.0.1', 9999))
    s.send(f'{number}'.encode())
    print(f"计算结果: {s.recv(1024).decode('utf-8')}")
