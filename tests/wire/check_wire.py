#!/usr/bin/python3
"""The wire, as a student is meant to see it: `socklab check --scenario ex4/tutorial-run --out D` leaves
D/ex4/tutorial-run.pcap, a classic pcap file, in which the handshakes, the "Hello,Michael!" segment and the
closes are found (read here with nothing but the standard library, as tshark would), and the transcript
tells the same segments between the actors that own their ports; ex2/big-page's 1 MiB transfer is captured
whole, or the transcript says where the capture was cut.

With --launcher (tests/fixture/no_namespaces) socklab runs where namespaces are refused, under
--isolation wrapper, as the ordinary --user when this runs as root: the same checks hold of the wire
socket_wrapper records, and tshark (where installed) opens the pcap and finds the handshake."""
import argparse
import os
import pwd
import re
import shutil
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

problems = []


def check(cond, what):
    if not cond:
        problems.append(what)


def segments(pcap: bytes):
    """(source port, destination port, flags, payload) of every TCP segment over IPv4 in an Ethernet pcap."""
    magic, _, _, _, _, _, link = struct.unpack("<IHHiIII", pcap[:24])
    assert magic == 0xA1B2C3D4 and link == 1, "a little-endian Ethernet pcap"
    at, out = 24, []
    while at + 16 <= len(pcap):
        _, _, incl, _ = struct.unpack("<IIII", pcap[at:at + 16])
        frame = pcap[at + 16:at + 16 + incl]
        at += 16 + incl
        if frame[12:14] != b"\x08\x00" or frame[23] != 6:
            continue
        ip = frame[14:]
        ihl, total = (ip[0] & 15) * 4, struct.unpack(">H", ip[2:4])[0]
        tcp = ip[ihl:total]
        sport, dport = struct.unpack(">HH", tcp[:4])
        out.append((sport, dport, tcp[13], tcp[(tcp[12] >> 4) * 4:]))
    return out


def tshark_sees(pcap: Path):
    """What tshark reads in the pcap: (SYN, ACK, source port, destination port, payload hex) per TCP segment."""
    run = subprocess.run(["tshark", "-r", str(pcap), "-T", "fields", "-e", "tcp.flags.syn", "-e", "tcp.flags.ack",
                          "-e", "tcp.srcport", "-e", "tcp.dstport", "-e", "tcp.payload"],
                         capture_output=True, text=True, timeout=60)
    check(run.returncode == 0, f"tshark opens {pcap.name}: {run.stderr[-300:]}")
    return [line.split("\t") for line in run.stdout.splitlines() if line.count("\t") == 4]


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--socklab", required=True)
    ap.add_argument("--launcher", help="run socklab through this (tests/fixture/no_namespaces): the wrapper's wire")
    ap.add_argument("--user", default="cloudsdk", help="with --launcher as root: the ordinary user to run as")
    args = ap.parse_args()
    launch = []
    if args.launcher:
        launch = [os.path.abspath(args.launcher)]
        if os.getuid() == 0:
            try:
                pwd.getpwnam(args.user)
            except KeyError:
                print(f"no user {args.user} here to run as")
                return 77
            if subprocess.run(["runuser", "-u", args.user, "--", "test", "-x", args.socklab]).returncode != 0:
                print(f"{args.user} cannot run {args.socklab} (a folder above it is closed to other users)")
                return 77
            launch += ["--user", args.user]
    with tempfile.TemporaryDirectory() as tmp:
        os.chmod(tmp, 0o777)  # the ordinary user writes its transcripts here
        run = subprocess.run(launch + [os.path.abspath(args.socklab), "check", "--scenario", "ex4/tutorial-run",
                                       "--out", tmp], capture_output=True, text=True, timeout=120)
        check(run.returncode == 0, f"ex4/tutorial-run passes: {run.stdout[-500:]}")
        if args.launcher:
            check("isolation: wrapper" in run.stdout, f"the run took the wrapper: {run.stdout[-300:]}")
        pcap = Path(tmp, "ex4", "tutorial-run.pcap")
        check(pcap.exists(), "a pcap beside the transcript")
        if pcap.exists() and shutil.which("tshark"):
            seen = tshark_sees(pcap)
            check(any(s[0] == "1" and s[1] == "0" and s[3] == "9999" for s in seen), "tshark: a SYN to 9999")
            check(any(s[0] == "1" and s[1] == "1" and s[2] == "9999" for s in seen), "tshark: the SYN-ACK from 9999")
            check(any(s[2] == "9999" and s[4].replace(":", "") == b"Hello,Michael!".hex() for s in seen),
                  "tshark: the Hello,Michael! segment")
        if pcap.exists():
            segs = segments(pcap.read_bytes())
            SYN, FIN, ACK = 0x02, 0x01, 0x10
            check(sum(1 for s in segs if s[2] & SYN and not s[2] & ACK and s[1] == 9999) == 2,
                  "two handshakes (the client's and the next one's) open on port 9999")
            check(sum(1 for s in segs if s[2] & SYN and s[2] & ACK and s[0] == 9999) == 2, "both answered SYN-ACK")
            check(any(s[0] == 9999 and s[3] == b"Hello,Michael!" for s in segs), "the Hello,Michael! segment")
            check(any(s[2] & FIN and s[1] == 9999 for s in segs) and any(s[2] & FIN and s[0] == 9999 for s in segs),
                  "closes in both directions")
        log = Path(tmp, "ex4", "tutorial-run.log").read_text(encoding="utf-8")
        for line in ["wire client → server SYN", "wire server → client SYN-ACK",
                     'wire server → client "Hello,Michael!" (14 bytes)', "wire client → server FIN",
                     "wire server → client FIN", "wire next → server SYN"]:
            check(re.search(r"\] " + re.escape(line) + "$", log, re.M), f"the transcript says {line!r}")

        big = subprocess.run(launch + [os.path.abspath(args.socklab), "check", "--scenario", "ex2/big-page", "--out",
                                       tmp], capture_output=True, text=True, timeout=120)
        check(big.returncode == 0, f"ex2/big-page passes: {big.stdout[-500:]}")
        big_log = Path(tmp, "ex2", "big-page.log").read_text(encoding="utf-8")
        big_pcap = Path(tmp, "ex2", "big-page.pcap")
        check(big_pcap.exists(), "a pcap beside ex2/big-page's transcript")
        payload = sum(len(s[3]) for s in segments(big_pcap.read_bytes())) if big_pcap.exists() else 0
        check(payload >= 1 << 20 or "capture cut at" in big_log or "faster than the capture" in big_log,
              f"the 1 MiB page is captured whole ({payload} bytes of TCP payload) or the cut is said")
    for p in problems:
        print("FAIL " + p)
    if problems and not shutil.which("tshark"):
        print("(tshark is not installed: its checks were left out)")
    print(f"{1 if problems else 0} failed" if problems else "wire: all checks passed")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
