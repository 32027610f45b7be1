#!/bin/sh
# A shard on a machine that can make neither namespaces nor the wrapper's network (a container without
# libsocket-wrapper) exits 75: the engine should send it to another machine, and no result is written.
# As root: socket_wrapper is hidden from the ordinary user cloudsdk in a mount namespace of this test's
# own, and the command runs under tests/fixture/no_namespaces (namespaces refused as Docker refuses them).
#   no_namespaces_retry.sh SOCKLAB NO_NAMESPACES SUBMISSION
# Exit 0 when socklab exits 75 and writes nothing; 77 (skipped) without root or the user cloudsdk.
set -u
socklab=$1 launcher=$2 submission=$3
[ "$(id -u)" = 0 ] && id cloudsdk >/dev/null 2>&1 || { echo "needs root and the user cloudsdk: skipped"; exit 77; }
lib=$(ls /usr/lib/*/libsocket_wrapper.so 2>/dev/null | head -n 1)
[ -n "$lib" ] || { echo "no libsocket_wrapper.so to hide: skipped"; exit 77; }
tmp=$(mktemp -d) && chmod 777 "$tmp" && trap 'rm -rf "$tmp"' EXIT
: > "$tmp/hidden" && chmod 000 "$tmp/hidden"
unshare -m --propagation private sh -c '
  mount --bind "$1" "$2" || exit 1
  shift 2
  exec "$@"' sh "$tmp/hidden" "$lib" \
  "$launcher" --user cloudsdk "$socklab" grade "$submission" --scenario 'ex5/*' --tag core --shard 1/1 \
  --results "$tmp/results" --out "$tmp/out" > "$tmp/log" 2>&1
rc=$?
cat "$tmp/log"
[ "$rc" = 75 ] || { echo "FAIL: exit $rc, not 75"; exit 1; }
grep -q "cannot make network namespaces" "$tmp/log" || { echo "FAIL: the reason is not said"; exit 1; }
[ -z "$(ls -A "$tmp/results" 2>/dev/null)" ] || { echo "FAIL: results were written"; exit 1; }
echo "ok: exit 75, reason said, no result written"
