# socklab hostile corpus -- attack "unix_socket"
# Tries: to connect to the machine's UNIX sockets: the checker's root-owned listeners (mode 0666)
#   /tmp/socklab-hostile.sock, /run/socklab-hostile.sock and the abstract @socklab-hostile, and any other
#   socket file in /tmp and /run (connect and close, nothing sent). Then it serves the tutorial's UDP echo
#   correctly.
# Defence: a run sees only loopback in a network namespace of its own (which also hides abstract sockets)
#   and private /tmp and /run, so no socket of the machine is reachable (SPEC.md section 5, "The sandbox").
# Prints "SANDBOX-BROKEN: unix_socket: <socket>" for every connection made.
import os
import socket
import sys
import threading
import time

ATTACK = 'unix_socket'
T0 = time.monotonic()


def broken(evidence):
    sys.stdout.write('SANDBOX-BROKEN: %s: %s\n' % (ATTACK, evidence))
    sys.stdout.flush()


def info(text):
    sys.stderr.write('HOSTILE-INFO: %s: %s\n' % (ATTACK, text))
    sys.stderr.flush()


def attack():
    import stat
    targets = ['/tmp/socklab-hostile.sock', '/run/socklab-hostile.sock', '\0socklab-hostile']
    for root in ('/tmp', '/run'):
        for d, dirs, files in os.walk(root):
            if d.count(os.sep) > 3 or time.monotonic() > T0 + 1.5:
                dirs[:] = []
            for n in files + dirs:
                p = os.path.join(d, n)
                try:
                    if stat.S_ISSOCK(os.lstat(p).st_mode) and p not in targets:
                        targets.append(p)
                except OSError:
                    pass
    import errno
    for t in targets[:40]:
        if time.monotonic() > T0 + 3.0:
            break
        shown = '@' + t[1:] if t.startswith('\0') else t
        result = None
        for kind in (socket.SOCK_STREAM, socket.SOCK_SEQPACKET, socket.SOCK_DGRAM):
            s = socket.socket(socket.AF_UNIX, kind)
            s.settimeout(0.5)
            try:
                s.connect(t)
                result = 'connected'
                break
            except OSError as e:
                result = e.strerror
                if e.errno != errno.EPROTOTYPE:
                    break
            finally:
                s.close()
        if result == 'connected':
            broken("connected to the machine's UNIX socket %s" % shown)
        else:
            info('%s: %s' % (shown, result))


def run_attack(limit_s):
    def guarded():
        try:
            attack()
        except BaseException as e:  # an attack never stops the server
            info('attack stopped: %r' % (e,))
    t = threading.Thread(target=guarded, daemon=True)
    t.start()
    t.join(limit_s)


def serve():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(('127.0.0.1', 9999))
    while True:
        data, addr = s.recvfrom(1024)
        print(data, addr)
        s.sendto(b'Hello,' + data, addr)


if __name__ == '__main__':
    run_attack(4.0)
    serve()
