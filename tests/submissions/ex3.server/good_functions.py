# socklab sample: correct -- the same chat split into functions; not robust: a cut character or a vanished client stops it
# expect: fail ex3/long-line ex3/peer-disconnects
# expect-message: ex3/long-line: UnicodeDecodeError
# expect-message: ex3/peer-disconnects: recv returns b''
# expect-advice: ex3/long-line: decode-error
# expect-advice: ex3/peer-disconnects: end-when-done
import socket


def listen():
    server = socket.socket()
    server.bind((socket.gethostname(), 8888))
    server.listen(5)
    print('服务器处于监听状态中...\r\n')
    return server


def chat(conn):
    print('已连接到客户端')
    print('**提示,如果要退出,请输入esc后回车.\r\n')
    message = conn.recv(1024).decode()
    while message != 'esc':
        if message:
            print('客户端说:' + message)
        answer = input('服务器说:')
        conn.send(answer.encode())
        if answer == 'esc':
            return
        message = conn.recv(1024).decode()


server = listen()
conn, addr = server.accept()
chat(conn)
conn.close()
server.close()
