# socklab hostile corpus -- attack "build_as_root" (see server5.py's header).
# Records who the build ran as and what it could see, into build-evidence.txt in the build's folder;
# never copies a secret anywhere, only whether it was readable. Leaves `setsid sleep 30` behind.
out=build-evidence.txt
{
  echo "uid=$(id -u)"
  if cat /etc/shadow > /dev/null 2>&1; then echo "shadow=readable"; else echo "shadow=unreadable"; fi
  for i in /sys/class/net/*; do [ -e "$i" ] && echo "iface=$(basename "$i")"; done
  ip -o link 2> /dev/null | awk -F': ' '{ print "iplink=" $2 }'
} > "$out" 2> /dev/null
setsid sleep 30 < /dev/null > /dev/null 2>&1 &
exit 0
