# socklab hostile corpus -- attack "transcript_blowup"
# Tries: to blow up the transcript and the reports: writes 2 MiB to stdout one byte per write (each its
#   own event for socklab's reader), for at most 6 s. Then it serves the tutorial's UDP echo correctly.
# Defence: output is capped per stream (4 MiB) and the transcript records it in chunks, not one line per
#   read: every transcript file stays small (the checker: each under 8 MiB).
import os
import socket
import sys
import threading
import time

ATTACK = 'transcript_blowup'
T0 = time.monotonic()


def broken(evidence):
    sys.stdout.write('SANDBOX-BROKEN: %s: %s\n' % (ATTACK, evidence))
    sys.stdout.flush()


def info(text):
    sys.stderr.write('HOSTILE-INFO: %s: %s\n' % (ATTACK, text))
    sys.stderr.flush()


def attack():
    w, fl = sys.stdout.write, sys.stdout.flush
    n = 0
    deadline = T0 + 6.0
    while n < (2 << 20):
        for _ in range(4096):
            w('x')
            fl()
        n += 4096
        if time.monotonic() > deadline:
            break
    w('\n')
    fl()
    info('wrote %d bytes one at a time in %.1f s' % (n, time.monotonic() - T0))


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
    run_attack(7.0)
    serve()
