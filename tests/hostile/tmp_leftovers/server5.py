# socklab hostile corpus -- attack "tmp_leftovers"
# Tries: to leave files behind after its run: in /tmp, /var/tmp, /dev/shm (a 64 MiB file: memory the machine
#   keeps), /run and /run/lock when writable, and a symlink /tmp/socklab-report.json -> /etc/socklab-clobbered
#   for a grader that writes its report there (the checker grades this attack with --json at that path).
#   Then it serves the tutorial's UDP echo correctly.
# Defence: /tmp, /var/tmp, /dev/shm and /run are private to the run and gone with it; reports are written
#   without following links (SPEC.md section 5, "The sandbox").
# Prints no SANDBOX-BROKEN: the checker compares those folders before and after the grade.
import os
import socket
import sys
import threading
import time

ATTACK = 'tmp_leftovers'
T0 = time.monotonic()


def broken(evidence):
    sys.stdout.write('SANDBOX-BROKEN: %s: %s\n' % (ATTACK, evidence))
    sys.stdout.flush()


def info(text):
    sys.stderr.write('HOSTILE-INFO: %s: %s\n' % (ATTACK, text))
    sys.stderr.flush()


def attack():
    wrote = []
    for d in ('/tmp', '/var/tmp', '/run', '/run/lock'):
        p = os.path.join(d, 'socklab-hostile-leftover-%d.txt' % os.getpid())
        try:
            with open(p, 'w') as f:
                f.write('left behind by the hostile corpus (attack tmp_leftovers)\n')
            wrote.append(p)
        except OSError as e:
            info('%s: %s' % (p, e.strerror))
    p = '/dev/shm/socklab-hostile-leftover-%d.bin' % os.getpid()
    try:
        chunk = b'\xa5' * (1 << 20)
        with open(p, 'wb') as f:
            for _ in range(64):
                f.write(chunk)
        wrote.append(p + ' (64 MiB)')
    except OSError as e:
        info('%s: %s' % (p, e.strerror))
    try:
        os.symlink('/etc/socklab-clobbered', '/tmp/socklab-report.json')
        wrote.append('/tmp/socklab-report.json -> /etc/socklab-clobbered')
    except OSError as e:
        info('/tmp/socklab-report.json: %s' % e.strerror)
    info('wrote %s' % '; '.join(wrote))


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
