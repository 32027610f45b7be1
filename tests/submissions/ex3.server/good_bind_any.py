# socklab sample: correct -- bound to 0.0.0.0 (every IPv4 address, gethostname()'s included), the texts
# written with sys.stdout.write and f-strings, the prompt through input(); not robust: a cut character or
# a vanished client stops it
# expect: fail ex3/long-line ex3/peer-disconnects
# expect-advice: ex3/long-line: decode-error
# expect-advice: ex3/peer-disconnects: end-when-done
import socket
import sys

LISTENING = '服务器处于监听状态中...'
HINT = '**提示,如果要退出,请输入esc后回车.'

with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
    server.bind(('0.0.0.0', 8888))
    server.listen(5)
    sys.stdout.write(f'{LISTENING}\r\n\n')
    conn, addr = server.accept()
    sys.stdout.write('已连接到客户端\n')
    sys.stdout.write(f'{HINT}\r\n\n')
    sys.stdout.flush()
    with conn:
        while (said := conn.recv(1024).decode()) != 'esc':
            if said:
                sys.stdout.write(f'客户端说:{said}\n')
            reply = input('服务器说:')
            conn.sendall(reply.encode())
            if reply == 'esc':
                break
