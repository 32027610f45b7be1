# socklab hostile corpus -- attack "memory_hog"
# Tries: to take more memory than a run may hold: before it binds its socket, maps (populated) and touches 256 MiB
#   at a time until it holds 2560 MiB (past the 2048 MiB socklab allows a run), and holds it while it serves.
#   The bound is a size, not a time: on a loaded machine the allocation only takes longer (socklab's guard on
#   `wait server listening` waits for it, lengthened by the program's wait for a CPU); 60 s bound it for the
#   machine's sake, and it stops by itself when /proc/meminfo's MemAvailable falls below 4 GiB. Reports each
#   step on stderr ("HOSTILE-INFO: memory_hog: touched N MiB"). Then it serves the tutorial's UDP echo
#   correctly.
# Defence: memory is limited per run (a memory cgroup where the machine has one, else RLIMIT_DATA/AS far
#   below the machine's RAM): this program is stopped (or its allocation fails) long before it holds a
#   sizeable part of the machine, and a victim graded at the same time keeps its points.
# The checker fails the attack when one run touched more than its --max-run-memory-mib, the OOM killer
#   fired, or the victims lost points.
import mmap
import os
import socket
import sys
import threading
import time

ATTACK = 'memory_hog'
T0 = time.monotonic()


def broken(evidence):
    sys.stdout.write('SANDBOX-BROKEN: %s: %s\n' % (ATTACK, evidence))
    sys.stdout.flush()


def info(text):
    sys.stderr.write('HOSTILE-INFO: %s: %s\n' % (ATTACK, text))
    sys.stderr.flush()


def available_mib():
    try:
        with open('/proc/meminfo') as f:
            for line in f:
                if line.startswith('MemAvailable:'):
                    return int(line.split()[1]) // 1024
    except (OSError, ValueError):
        pass
    return 1 << 30


HELD = []


def attack():
    step = 256 << 20
    while len(HELD) * 256 < 2560 and time.monotonic() < T0 + 60.0:
        if available_mib() < 4096:
            info('stopped by itself: MemAvailable below 4 GiB')
            break
        try:
            # Populated by the kernel in one call (a page fault per page costs three times as long, and on
            # a loaded machine that was the difference between passing 2048 MiB within the guard or not),
            # then written a byte a page, so that every page is this process's own.
            b = mmap.mmap(-1, step, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS | getattr(mmap, 'MAP_POPULATE', 0))
        except (MemoryError, OSError) as e:
            info('%s after %d MiB' % (type(e).__name__, len(HELD) * 256))
            break
        b[::4096] = b'\x01' * len(range(0, step, 4096))
        HELD.append(b)
        info('touched %d MiB' % (len(HELD) * 256))


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
    run_attack(60.0)
    serve()
