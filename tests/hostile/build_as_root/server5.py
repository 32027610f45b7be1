# socklab hostile corpus -- attack "build_as_root"
# Tries: socklab.toml's `build = "sh build.sh"` runs before any scenario; build.sh records the uid it
#   ran as, whether it could read /etc/shadow, the network interfaces it saw (ip link, /sys/class/net), and
#   leaves `setsid sleep 30` running. At run time this server reads build-evidence.txt (the build's
#   output, copied into its folder) and reports; then it serves the tutorial's UDP echo correctly.
# Defence: a submission's build runs inside the sandbox like its programs: never as root, with only
#   loopback, and nothing it starts outlives it (SPEC.md section 5, "The sandbox").
# Prints "SANDBOX-BROKEN: build_as_root: <evidence>"; the checker also looks for a leftover `sleep 30`.
import os
import socket
import sys
import threading
import time

ATTACK = 'build_as_root'
T0 = time.monotonic()


def broken(evidence):
    sys.stdout.write('SANDBOX-BROKEN: %s: %s\n' % (ATTACK, evidence))
    sys.stdout.flush()


def info(text):
    sys.stderr.write('HOSTILE-INFO: %s: %s\n' % (ATTACK, text))
    sys.stderr.flush()


def attack():
    try:
        with open('build-evidence.txt') as f:
            lines = [l.strip() for l in f if l.strip()]
    except OSError as e:
        info('no build-evidence.txt (%s): the build could not write its folder' % e.strerror)
        return
    info('build evidence: %s' % '; '.join(lines))
    for l in lines:
        key, _, value = l.partition('=')
        if key == 'uid' and value == '0':
            broken('the build ran as root (id -u = 0)')
        elif key == 'shadow' and value == 'readable':
            broken('the build could read /etc/shadow')
        elif key in ('iface', 'iplink') and value and value.split('@')[0] != 'lo':
            broken('the build saw network interface %s (%s)' % (value, key))


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
