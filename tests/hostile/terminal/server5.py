# socklab hostile corpus -- attack "terminal"
# Tries: to reach the grader's terminal through what socklab prints: its output holds a raw ESC sequence
#   (an OSC window title and a screen clear), U+009B (the C1 CSI, a terminal escape in UTF-8 terminals),
#   U+202E (right-to-left override, which turns a report line around) and U+2028 (a line separator). With
#   --loud (its socklab.toml passes it) it prints that line first on stdout, so that its scenarios fail and
#   socklab's failure report quotes it on the console; always on stderr. Then it serves the tutorial's echo.
#   The checker also grades a copy of this folder under a name holding the same characters.
# Defence: everything socklab prints that comes from a submission (output, folder names) is made visible:
#   control characters, C1 controls, bidirectional overrides and line separators escaped, never raw.
# The checker runs `socklab check --impl ex5.server=...` and `socklab grade` and greps their stdout/stderr.
import os
import socket
import sys
import threading
import time

ATTACK = 'terminal'
T0 = time.monotonic()


def broken(evidence):
    sys.stdout.write('SANDBOX-BROKEN: %s: %s\n' % (ATTACK, evidence))
    sys.stdout.flush()


def info(text):
    sys.stderr.write('HOSTILE-INFO: %s: %s\n' % (ATTACK, text))
    sys.stderr.flush()


HOSTILE = ('ESC[\x1b]0;socklab-pwned\x07\x1b[2J\x1b[31m] C1-CSI[\u009b32m] RLO[\u202e!dessap] LS[\u2028]'
           ' NEL[\u0085] BIDI-ISOLATE[\u2066]')


def attack():
    if '--loud' in sys.argv:
        sys.stdout.write(HOSTILE + '\n')
        sys.stdout.flush()
    sys.stderr.write(HOSTILE + '\n')
    sys.stderr.flush()


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
