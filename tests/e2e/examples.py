#!/usr/bin/env python3
"""End-to-end checks of the reference programs: each example's server and client run as real
processes on real loopback sockets, and what they print is compared with what the tutorial's own
Python prints for the same run (tests/e2e/expected/, captured from the tutorial's code).
The `*_bad_input` cases throw what a careless or hostile client sends at each server, then check
that it still answers correctly.

Usage: examples.py --bin DIR CASE      (CASE: one of the functions named case_*, without the prefix)

Each case runs in a network namespace of its own when `unshare` allows it (root, or unprivileged
user namespaces), so the tutorial's fixed ports never clash under `ctest -j`; CTest also serialises
cases that share a port, for machines where namespaces are not available.
"""
import argparse
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
EXPECTED = HERE / "expected"
DEADLINE = 20.0  # seconds any single wait may take before the case fails


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


def show(data: bytes) -> str:
    """Bytes as a reader needs to see them: \\r and \\n visible, other invisible bytes escaped."""
    return repr(data)[2:-1]


def normalized(data: bytes) -> bytes:
    """Ports of client sockets and descriptor numbers vary by run: replace them by N."""
    data = re.sub(rb"\('127\.0\.0\.1', \d+\)", b"('127.0.0.1', N)", data)
    return re.sub(rb"fd=\d+", b"fd=N", data)


def compare(what: str, actual: bytes, expected: bytes):
    a, e = normalized(actual), normalized(expected)
    if a == e:
        return
    at = next((i for i, (x, y) in enumerate(zip(a, e)) if x != y), min(len(a), len(e)))
    raise Failure(f"{what} differs at byte {at}\n  Expected: {show(e)}\n  Actual:   {show(a)}\n"
                  f"  first difference: expected {show(e[at:at + 20])!s} got {show(a[at:at + 20])!s}")


PROGRAMS = []  # every program a case started, for --show


class Program:
    """A child process whose stdout and stderr are collected as they come."""

    def __init__(self, argv, stdin_data=None, cwd=None):
        PROGRAMS.append(self)
        self.argv = argv
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     cwd=cwd, start_new_session=True)
        self.out = bytearray()
        self.err = bytearray()
        self.lock = threading.Condition()
        self.readers = [threading.Thread(target=self._read, args=(self.proc.stdout, self.out), daemon=True),
                        threading.Thread(target=self._read, args=(self.proc.stderr, self.err), daemon=True)]
        for r in self.readers:
            r.start()
        if stdin_data is not None:
            self.type(stdin_data)
            self.close_stdin()

    def _read(self, stream, buf):
        while True:
            chunk = os.read(stream.fileno(), 65536)
            with self.lock:
                if not chunk:
                    self.lock.notify_all()
                    return
                buf.extend(chunk)
                self.lock.notify_all()

    def wait_output(self, text: bytes, count=1):
        """Waits until stdout holds `text` `count` times."""
        end = time.monotonic() + DEADLINE
        with self.lock:
            while self.out.count(text) < count:
                left = end - time.monotonic()
                check(left > 0 and self.proc.poll() is None or self.out.count(text) >= count,
                      f"{self.name()}: waited for {show(text)} on stdout; it printed {show(bytes(self.out))}"
                      f" (stderr {show(bytes(self.err))})")
                self.lock.wait(min(max(left, 0.01), 0.1))

    def type(self, data: bytes):
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def close_stdin(self):
        self.proc.stdin.close()

    def wait(self, timeout=DEADLINE) -> int:
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise Failure(f"{self.name()} did not exit within {timeout} s; it printed {show(bytes(self.out))}")
        for r in self.readers:
            r.join(DEADLINE)
        return rc

    def stop(self) -> int:
        """SIGINT, as Ctrl-C: the reference servers stop cleanly with exit 0."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        return self.wait(5)

    def kill(self):
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait()

    def name(self):
        return Path(self.argv[0]).name


def bound(proto: str, port: int) -> bool:
    """Whether a socket is bound (UDP) or listening (TCP) on `port`, read from /proc: a probe
    connection or datagram would be taken for a client by the one-shot servers."""
    for table in (f"/proc/net/{proto}", f"/proc/net/{proto}6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if int(fields[1].split(":")[1], 16) == port and (proto == "udp" or fields[3] == "0A"):
                return True
    return False


def start_server(argv, proto, port, **kw) -> Program:
    server = Program(argv, **kw)
    end = time.monotonic() + DEADLINE
    while not bound(proto, port):
        check(server.proc.poll() is None, f"{server.name()} exited with {server.proc.returncode} before binding"
                                          f" port {port}: {show(bytes(server.err))}")
        check(time.monotonic() < end, f"{server.name()} did not bind port {port} within {DEADLINE} s")
        time.sleep(0.005)
    return server


def expect_clean_stop(server: Program):
    rc = server.stop()
    # The tutorial's Python dies of KeyboardInterrupt: its exit status is not judged.
    check(rc == 0 or server.argv[0] == sys.executable, f"{server.name()} exited with {rc} on SIGINT (expected 0); stderr {show(bytes(server.err))}")


def tcp_request(port: int, data: bytes, then="read") -> bytes:
    """Connects, sends `data`, then reads the answer until the server closes ("read"), closes at
    once ("close") or resets the connection ("reset")."""
    with socket.create_connection(("127.0.0.1", port), timeout=DEADLINE) as c:
        try:
            c.sendall(data)
        except (ConnectionResetError, BrokenPipeError):  # the server stopped reading: expected of a flood
            return b""
        if then == "reset":
            c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        if then != "read":
            return b""
        chunks = []
        while True:
            try:
                d = c.recv(65536)
            except ConnectionResetError:  # unread request bytes make the server's close a reset
                break
            if not d:
                break
            chunks.append(d)
        return b"".join(chunks)


def udp_exchange(port: int, data: bytes) -> bytes:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
        u.settimeout(DEADLINE)
        u.sendto(data, ("127.0.0.1", port))
        return u.recv(65535)


PAGE = ('HTTP/1.1 200 OK\r\n\r\n<html><head><title>客户端请求</title></head><body><meta charset="utf-8">'
        '<h1>Hello World</h1></body></html>').encode()


# ---- the tutorial's runs

def case_ex1(b):
    server = start_server([*b("ex1_http_server")], "tcp", 12345)
    curl = Program(["curl", "-s", "-i", "http://127.0.0.1:12345/"])
    check(curl.wait() == 0, f"curl failed: {show(bytes(curl.err))}")
    compare("curl -i output", bytes(curl.out), (EXPECTED / "ex1.curl-i.stdout").read_bytes())
    server.wait_output(b"\r\n\r\n\n")
    expect_clean_stop(server)
    compare("server stdout", bytes(server.out), (EXPECTED / "ex1.server1.stdout").read_bytes())


def http_peer(listener, response: bytes, requests: list, keep_open=False):
    c, _ = listener.accept()
    with c:
        c.settimeout(DEADLINE)
        request = b""
        while b"\r\n\r\n" not in request:
            d = c.recv(4096)
            if not d:
                break
            request += d
        requests.append(request)
        c.sendall(response)
        if keep_open:  # a keep-alive server: it closes only after the client did
            while c.recv(4096):
                pass


def case_ex2(b):
    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = listener.getsockname()[1]
        requests = []
        header = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Test: yes"
        expected = (EXPECTED / "ex2.client2.stdout").read_bytes()
        # The tutorial's run (the server closes), then a keep-alive server: the client stops at Content-Length.
        for response, keep_open, printed in [
                (header + b"\r\n\r\n<html>page</html>", False, expected),
                (header + b"\r\nContent-Length: 17\r\n\r\n<html>page</html>", True,
                 expected.replace(b"yes\n", b"yes\r\nContent-Length: 17\n"))]:
            requests = []
            peer = threading.Thread(target=http_peer, args=(listener, response, requests, keep_open), daemon=True)
            peer.start()
            with tempfile.TemporaryDirectory() as cwd:
                client = Program([*b("ex2_http_client"), "--host", "127.0.0.1", "--port", str(port)], cwd=cwd)
                check(client.wait() == 0, f"client exited non-zero: {show(bytes(client.err))}")
                compare("client stdout", bytes(client.out), printed)
                saved = (Path(cwd) / "baidu.html").read_bytes()
                check(saved == b"<html>page</html>", f"baidu.html holds {show(saved)}")
            peer.join(DEADLINE)
            check(requests == [f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n".encode()],
                  f"request was {requests!r}")


def case_ex3(b):
    server = start_server([*b("ex3_chat_server"), "--host", "127.0.0.1"], "tcp", 8888)
    client = Program([*b("ex3_chat_client"), "--host", "127.0.0.1"])
    client.wait_output("客户端说:".encode())
    client.type(b"hi\n")
    server.wait_output("服务器说:".encode())
    server.type("你好\n".encode())
    client.wait_output("客户端说:".encode(), 2)
    client.type(b"esc\n")
    check(client.wait() == 0, "client exit code")
    check(server.wait() == 0, "server exit code")
    compare("client stdout", bytes(client.out), (EXPECTED / "ex3.client3.typed-hi-esc.stdout").read_bytes())
    compare("server stdout", bytes(server.out), (EXPECTED / "ex3.server3.typed-nihao.stdout").read_bytes())


def case_ex4(b):
    server = start_server([*b("ex4_hello_server")], "tcp", 9999)
    client = Program([*b("ex4_hello_client")])
    check(client.wait() == 0, f"client exited non-zero: {show(bytes(client.err))}")
    compare("client stdout", bytes(client.out), (EXPECTED / "ex4.client4.stdout").read_bytes())
    server.wait_output(b" closed\n")
    expect_clean_stop(server)
    compare("server stdout", bytes(server.out), (EXPECTED / "ex4.server4.stdout").read_bytes())


def case_ex5(b):
    server = start_server([*b("ex5_echo_server")], "udp", 9999)
    client = Program([*b("ex5_echo_client")])
    check(client.wait() == 0, f"client exited non-zero: {show(bytes(client.err))}")
    compare("client stdout", bytes(client.out), (EXPECTED / "ex5.client5.stdout").read_bytes())
    expect_clean_stop(server)
    compare("server stdout", bytes(server.out), (EXPECTED / "ex5.server5.stdout").read_bytes())


def case_ex6(b):
    server = start_server([*b("ex6_factorial_server")], "udp", 9999)
    client = Program([*b("ex6_factorial_client")], stdin_data=b"5\n")
    check(client.wait() == 0, f"client exited non-zero: {show(bytes(client.err))}")
    check(server.wait() == 0, "server exit code")
    compare("client stdout", bytes(client.out), (EXPECTED / "ex6.client6.stdin-5.stdout").read_bytes())
    compare("server stdout", bytes(server.out), (EXPECTED / "ex6.server6.stdin-5.stdout").read_bytes())


# ---- what the reference deliberately does better

def case_ex1_bad_input(b):
    server = start_server([*b("ex1_http_server")], "tcp", 12345)
    rng = random.Random(1)
    tcp_request(12345, b"", "close")                         # connect and close
    tcp_request(12345, b"GET / HTTP/1.1\r\n", "reset")       # reset
    tcp_request(12345, bytes(rng.getrandbits(8) for _ in range(1 << 20)))  # 1 MiB of random bytes
    answer = tcp_request(12345, b"GET /\xff\xfe HTTP/1.1\r\n\r\n")  # not UTF-8
    check(answer == PAGE, f"after bad requests the server answered {show(answer)}")
    split = b"G" * 1023 + "好".encode()                      # a character cut at byte 1024
    check(tcp_request(12345, split) == PAGE, "split character")
    check(tcp_request(12345, b"GET / HTTP/1.1\r\n\r\n") == PAGE, "the next request is not answered")
    server.wait_output(b"GET / HTTP/1.1\r\n\r\n\n")
    expect_clean_stop(server)
    check("GET /\ufffd\ufffd HTTP/1.1".encode() in server.out, "non-UTF-8 bytes are not printed as U+FFFD")
    check(("G" * 1023 + "\ufffd\n").encode() in server.out, "a cut character is not printed as U+FFFD")


def case_ex2_no_blank_line(b):
    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = listener.getsockname()[1]
        peer = threading.Thread(target=http_peer, args=(listener, b"HTTP/1.1 200 OK\r\nX: y", []), daemon=True)
        peer.start()
        with tempfile.TemporaryDirectory() as cwd:
            client = Program([*b("ex2_http_client"), "--host", "127.0.0.1", "--port", str(port)], cwd=cwd)
            rc = client.wait()
            check(rc == 1, f"exit {rc}, expected 1")
            check(b"no blank line" in client.err, f"stderr: {show(bytes(client.err))}")
            check(not (Path(cwd) / "baidu.html").exists(), "a file was saved for a broken response")
    client = Program([*b("ex2_http_client"), "--host", "127.0.0.1", "--port", str(port)])
    check(client.wait() == 1 and b"connect 127.0.0.1:" in client.err and b"refused" in client.err,
          f"connection refused: {show(bytes(client.err))}")


def case_ex3_disconnect(b):
    # The client goes away while the server waits for its message; then a non-UTF-8 message.
    server = start_server([*b("ex3_chat_server"), "--host", "127.0.0.1"], "tcp", 8888)
    with socket.create_connection(("127.0.0.1", 8888)) as c:
        c.sendall(b"\xff\xfehi")
        server.wait_output("服务器说:".encode())
    check(server.wait() == 0, f"server exit after disconnect; stderr {show(bytes(server.err))}")
    check("客户端说:\ufffd\ufffdhi\n".encode() in server.out, f"server printed {show(bytes(server.out))}")
    check(server.out.endswith("服务器说:对方已断开连接.\n".encode()), f"server printed {show(bytes(server.out))}")
    # The client's stdin ends: that is "esc"; an empty line is not sent.
    server = start_server([*b("ex3_chat_server"), "--host", "127.0.0.1"], "tcp", 8888)
    client = Program([*b("ex3_chat_client"), "--host", "127.0.0.1"])
    client.wait_output("客户端说:".encode())
    client.type(b"\n")
    client.wait_output("客户端说:".encode(), 2)
    client.close_stdin()
    check(client.wait() == 0, "client exit on end of stdin")
    check(server.wait() == 0, "server exit after esc")
    check(b"\xe8\xaf\xb4:esc" not in server.out and server.out.endswith("\r\n\n".encode()),
          f"server printed {show(bytes(server.out))}")


def case_ex4_bad_input(b):
    server = start_server([*b("ex4_hello_server"), "--delay", "0.01"], "tcp", 9999)
    tcp_request(9999, b"", "close")
    tcp_request(9999, b"Tracy", "reset")
    rng = random.Random(2)
    flood = threading.Thread(target=tcp_request, args=(9999, bytes(rng.getrandbits(8) for _ in range(1 << 20)), "close"))
    flood.start()
    with socket.create_connection(("127.0.0.1", 9999), timeout=DEADLINE) as c:
        got = b""
        for message, reply in [(None, b"Welcome!"), (b"\xff\xfe", b"Hello,\xff\xfe!"), (b"Sarah", b"Hello,Sarah!")]:
            if message:
                c.sendall(message)
            while len(got) < len(reply):
                got += c.recv(1024)
            check(got == reply, f"expected {show(reply)}, got {show(got)}")
            got = b""
        c.sendall(b"exit")
        check(c.recv(1024) == b"", "exit did not close the connection")
    flood.join(60)
    client = Program([*b("ex4_hello_client")])
    check(client.wait() == 0, "a normal client after the bad ones")
    expect_clean_stop(server)


def case_ex5_bad_input(b):
    server = start_server([*b("ex5_echo_server")], "udp", 9999)
    check(udp_exchange(9999, b"") == b"Hello,", "empty datagram")
    check(udp_exchange(9999, b"x" * 2000) == b"Hello," + b"x" * 1024, "oversize datagram: recvfrom(1024) keeps 1024")
    check(udp_exchange(9999, b"\x00'\\\xff") == b"Hello,\x00'\\\xff", "binary datagram")
    client = Program([*b("ex5_echo_client")])
    check(client.wait() == 0, "a normal client after the bad datagrams")
    expect_clean_stop(server)
    check(b"b'' ('127.0.0.1', " in server.out and b"b\"\\x00'\\\\\\xff\" ('127.0.0.1', " in server.out,
          f"server printed {show(bytes(server.out))}")


def case_ex6_bad_input(b):
    for request, reply in [(b"abc", b"error: invalid literal for int() with base 10: b'abc'"), (b"-3", b"1"),
                           (b" 7\n", b"5040"), (b"17230", b"error: 17230! does not fit in one UDP datagram (n <= 17229)")]:
        server = start_server([*b("ex6_factorial_server")], "udp", 9999)
        got = udp_exchange(9999, request)
        check(got == reply, f"request {show(request)}: expected {show(reply)}, got {show(got)}")
        check(server.wait() == 0, f"server exit after {show(request)}")
    # The client refuses what is not an integer, and sends nothing.
    client = Program([*b("ex6_factorial_client")], stdin_data=b"abc\n")
    check(client.wait() == 2 and b"not an integer: 'abc'" in client.err, f"client: {show(bytes(client.err))}")
    # 1000! has 2,568 digits: more than the tutorial's recv(1024) holds.
    server = start_server([*b("ex6_factorial_server")], "udp", 9999)
    client = Program([*b("ex6_factorial_client")], stdin_data=b"1000\n")
    check(client.wait() == 0, "client for 1000")
    digits = client.out.split(b": ")[-1].strip()
    check(len(digits) == 2568 and digits.startswith(b"402387260077"), f"1000! came as {len(digits)} digits")
    check(server.wait() == 0, "server exit")


def in_own_network_namespace(argv) -> bool:
    """Re-runs this script in a fresh network namespace when possible; True if it did."""
    if os.environ.get("SOCKLAB_E2E_NETNS") or not shutil.which("unshare"):
        return False
    # A PID namespace too where possible: whatever a case leaves running dies with it.
    for flags in (["-n", "--pid", "--fork", "--kill-child"], ["-Urn", "--pid", "--fork", "--kill-child"], ["-n"],
                  ["-Urn"]):
        if subprocess.run(["unshare", *flags, "true"], capture_output=True).returncode == 0:
            env = dict(os.environ, SOCKLAB_E2E_NETNS="1")
            script = "ip link set lo up 2>/dev/null; exec \"$@\""
            sys.exit(subprocess.run(["unshare", *flags, "sh", "-c", script, "sh", sys.executable, *argv],
                                    env=env).returncode)
    return False


def main():
    cases = {name[5:]: f for name, f in globals().items() if name.startswith("case_")}
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", required=True, type=Path, help="folder holding the built programs")
    parser.add_argument("--python", type=Path, metavar="DIR",
                        help="run the tutorial's Python files (server1.py ... client6.py) from DIR instead of the"
                             " reference programs, for the roles --swap names")
    parser.add_argument("--swap", choices=["server", "client", "both"], default="both")
    parser.add_argument("--show", action="store_true", help="print what every program printed")
    parser.add_argument("case", choices=sorted(cases))
    args = parser.parse_args()
    in_own_network_namespace([str(Path(__file__).resolve()), *sys.argv[1:]])

    def binary(name):
        """The command line that runs program `name`."""
        number, role = name[2], "server" if name.endswith("_server") else "client"
        if args.python and args.swap in (role, "both"):
            return [sys.executable, str(args.python.resolve() / f"{role}{number}.py")]
        for sub in ("servers", "clients", "."):
            p = args.bin.resolve() / sub / name
            if p.exists():
                return [str(p)]
        raise Failure(f"no program {name} under {args.bin}")

    try:
        cases[args.case](binary)
        verdict = 0
    except (Failure, OSError) as e:
        print(f"FAIL {args.case}: {e}", file=sys.stderr)
        verdict = 1
    finally:
        for p in PROGRAMS:
            if p.proc.poll() is None:
                p.kill()
    if args.show:
        show_programs()
    if verdict == 0:
        print(f"PASS {args.case}: what each side printed matches the tutorial's Python")
    return verdict


def show_programs():
    for p in PROGRAMS:
        print(f"--- {' '.join(Path(a).name if i == 0 else a for i, a in enumerate(p.argv))}"
              f" (exit {p.proc.returncode}) ---")
        for stream, data in (("stdout", p.out), ("stderr", p.err)):
            for line in bytes(data).decode("utf-8", "replace").splitlines(keepends=True):
                print(f"{stream} | {line.rstrip(chr(10))}")
    print("---")


if __name__ == "__main__":
    sys.exit(main())
