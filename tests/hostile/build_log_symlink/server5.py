# socklab hostile corpus -- attack "build_log_symlink" (beyond the brief's list)
# Tries: its folder holds a symlink .socklab-build.log -> /etc/socklab-build-log-pwned. socklab's build step
#   opens that name in the build folder, as root, with O_CREAT|O_TRUNC, following links, to collect the
#   build's output: any file of the machine is created or truncated and overwritten with what the build
#   prints (socklab.toml's build = "echo ..."). A lone server5.c (cc) goes through the same code. Then it
#   serves the tutorial's UDP echo correctly.
# Defence: socklab's own files in a submission's folder are opened without following links (O_NOFOLLOW,
#   O_EXCL, or kept outside the folder), and the build runs unprivileged in the sandbox.
# Prints "SANDBOX-BROKEN: build_log_symlink: ..." when the target exists; the checker also looks at /etc.
import os
import socket
import sys
import threading
import time

ATTACK = 'build_log_symlink'
T0 = time.monotonic()


def broken(evidence):
    sys.stdout.write('SANDBOX-BROKEN: %s: %s\n' % (ATTACK, evidence))
    sys.stdout.flush()


def info(text):
    sys.stderr.write('HOSTILE-INFO: %s: %s\n' % (ATTACK, text))
    sys.stderr.flush()


def attack():
    target = '/etc/socklab-build-log-pwned'
    try:
        st = os.lstat(target)
        with open(target, 'rb') as f:
            head = f.read(200).decode('utf-8', 'replace').strip()
        broken('socklab wrote %s (uid %d, mode %o) through the planted .socklab-build.log link: %r'
               % (target, st.st_uid, st.st_mode & 0o7777, head[:80]))
    except OSError as e:
        info('%s: %s' % (target, e.strerror))


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
