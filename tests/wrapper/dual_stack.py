#!/usr/bin/env python3
"""libsocklab_dual_stack.so under socket_wrapper: IPv6 sockets reach IPv4 as in a Linux namespace.

    dual_stack.py --socket-wrapper LIB [--shim LIB]

Runs itself again with the libraries preloaded (the shim first) and a socket folder of its own, then
checks each case as a namespace has it: a server on `::` (dual stack) and one on ::ffff:127.0.0.1 take
an IPv4 client and see it as ::ffff:127.0.0.1, TCP and UDP; an IPv6 client reaches an IPv4 server
through ::ffff:127.0.0.1; a server on `::` with IPV6_V6ONLY set does not take IPv4. Without --shim the
same checks show what socket_wrapper alone does (they fail). Exit 77 where socket_wrapper is missing."""
import argparse
import os
import socket
import subprocess
import sys
import tempfile
import threading

MAPPED = "::ffff:127.0.0.1"


def serve_tcp_once(srv, seen):
    c, a = srv.accept()
    seen["peer"] = a[:2]
    seen["local"] = c.getsockname()[:2]
    seen["domain"] = c.family
    c.sendall(b"Hello," + c.recv(100))
    c.close()


def tcp_case(bind_to, port, v6only=None):
    """An AF_INET6 server bound to bind_to; an IPv4 client. Returns what each side saw."""
    srv = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    if v6only is not None:
        srv.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, v6only)
    srv.bind((bind_to, port))
    srv.listen(5)
    seen = {"bound": srv.getsockname()[:2]}
    t = threading.Thread(target=serve_tcp_once, args=(srv, seen), daemon=True)
    t.start()
    with socket.create_connection(("127.0.0.1", port), timeout=3) as c:
        c.sendall(b"a")
        seen["reply"] = c.recv(100)
    t.join(3)
    srv.close()
    return seen


def udp_case(bind_to, port):
    srv = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    srv.bind((bind_to, port))
    c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    c.settimeout(3)
    c.sendto(b"a", ("127.0.0.1", port))
    srv.settimeout(3)
    data, addr = srv.recvfrom(100)
    srv.sendto(b"Hello," + data, addr)
    reply, source = c.recvfrom(100)
    c.close()
    srv.close()
    return {"peer": addr[:2], "reply": reply, "source": source}


def v6_client_case(port):
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.bind(("127.0.0.1", port))
    srv.listen(5)
    seen = {}
    t = threading.Thread(target=serve_tcp_once, args=(srv, seen), daemon=True)
    t.start()
    c = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    c.settimeout(3)
    c.connect((MAPPED, port))
    c.sendall(b"b")
    seen["reply"] = c.recv(100)
    seen["client_peer"] = c.getpeername()[:2]
    c.close()
    t.join(3)
    srv.close()
    return seen


def check(name, got, want, problems):
    ok = all(got.get(k) == v for k, v in want.items())
    print(f"{'ok  ' if ok else 'FAIL'} {name}: {got}")
    if not ok:
        problems.append(f"{name}: expected {want}")


def run_cases():
    problems = []
    cases = [
        ("tcp on :: (dual stack)", lambda: tcp_case("::", 9101),
         {"peer": (MAPPED, None), "bound": ("::", 9101), "local": (MAPPED, 9101), "reply": b"Hello,a"}),
        ("tcp on ::ffff:127.0.0.1", lambda: tcp_case(MAPPED, 9102),
         {"peer": (MAPPED, None), "bound": (MAPPED, 9102), "reply": b"Hello,a", "domain": socket.AF_INET6}),
        ("udp on :: (dual stack)", lambda: udp_case("::", 9103),
         {"peer": (MAPPED, None), "reply": b"Hello,a", "source": ("127.0.0.1", 9103)}),
        ("udp on ::ffff:127.0.0.1", lambda: udp_case(MAPPED, 9104),
         {"peer": (MAPPED, None), "reply": b"Hello,a", "source": ("127.0.0.1", 9104)}),
        ("an IPv6 client to ::ffff:127.0.0.1", lambda: v6_client_case(9105),
         {"reply": b"Hello,b", "peer": ("127.0.0.1", None), "client_peer": (MAPPED, 9105)}),
    ]
    for name, run, want in cases:
        try:
            got = run()
        except OSError as e:
            got = {"error": repr(e)}
        # a peer's port is the kernel's (socket_wrapper's) choice: compare its address only
        for k in ("peer",):
            if k in got and want.get(k, (None, None))[1] is None:
                got[k] = (got[k][0], None)
        check(name, got, want, problems)
    try:
        tcp_case("::", 9106, v6only=1)
        problems.append("tcp on :: with IPV6_V6ONLY: an IPv4 client got through")
        print("FAIL tcp on :: with IPV6_V6ONLY reached over IPv4")
    except OSError as e:
        print(f"ok   tcp on :: with IPV6_V6ONLY is IPv6 only: {e!r}")
    return 1 if problems else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--socket-wrapper", required=True)
    ap.add_argument("--shim", default="")
    ap.add_argument("--inside", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.inside:
        return run_cases()
    if not os.path.exists(args.socket_wrapper):
        print(f"{args.socket_wrapper} is not installed")
        return 77
    with tempfile.TemporaryDirectory(prefix="socklab-dual-stack-") as folder:
        preload = ([args.shim] if args.shim else []) + [args.socket_wrapper]
        env = dict(os.environ, LD_PRELOAD=":".join(preload), SOCKET_WRAPPER_DIR=folder,
                   SOCKET_WRAPPER_DEFAULT_IFACE="1")
        return subprocess.run([sys.executable, __file__, "--inside", "--socket-wrapper", args.socket_wrapper],
                              env=env, timeout=60).returncode


if __name__ == "__main__":
    sys.exit(main())
