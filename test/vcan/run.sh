#!/usr/bin/env bash
# The SocketCAN suite (test/vcan/*.test.ts) against a real kernel's vcan interfaces vcan0..vcan3
# (CAN FD capable, mtu 72):
#  - directly, where this kernel can create vcan interfaces (gateway hardware, a laptop; needs root);
#  - else inside a throw-away qemu VM running Debian's kernel (vm-setup.sh once, then vm-run.sh);
#  - else it says why it cannot and exits 0, or 1 when CANFERRY_VCAN_REQUIRED=1 (CI sets it).
# Arguments replace test/vcan as `bun test` arguments (a file, -t NAME); `--exec CMD...` runs CMD
# instead of the suite, in the same place (bench/run.ts runs bench/socketcan.ts this way).
set -uo pipefail
cd "$(dirname "$0")/../.."
export PATH="$PWD/node_modules/.bin:$PATH"
IFACES=(vcan0 vcan1 vcan2 vcan3)
if [ "${1:-}" = --exec ]; then shift; SUITE=("$@"); else SUITE=(bun test "${@:-test/vcan}"); fi

cannot() {
  echo "SocketCAN suite not run: $*" >&2
  [ "${CANFERRY_VCAN_REQUIRED:-0}" = 1 ] && exit 1
  exit 0
}

# Directly, when the interfaces exist or can be made here.
if modprobe -q vcan 2>/dev/null || [ -d /sys/module/vcan ]; then
  made=()
  for i in "${IFACES[@]}"; do
    [ -e "/sys/class/net/$i" ] && continue
    ip link add dev "$i" type vcan 2>/dev/null && ip link set "$i" mtu 72 && ip link set up "$i" && made+=("$i")
  done
  if [ -e /sys/class/net/vcan3 ]; then
    echo "SocketCAN suite: on this kernel's vcan interfaces" >&2
    "${SUITE[@]}"
    rc=$?
    for i in "${made[@]}"; do ip link del "$i"; done
    exit $rc
  fi
fi

# Else in a VM. Its setup needs root, apt and Debian's packages (qemu, can-utils, the kernel package).
[ "$(uname -m)" = x86_64 ] || cannot "no vcan on this kernel, and the VM harness is for x86_64 hosts only"
if [ ! -f "${VCANVM_BUILD:-$HOME/.cache/canferry-vcan-vm}/kver" ]; then
  [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null || cannot "no vcan on this kernel, and setting up the VM (test/vcan/vm-setup.sh) needs root and apt-get"
  echo "SocketCAN suite: setting up the VM once (about a minute)" >&2
  bash test/vcan/vm-setup.sh >&2 || cannot "the VM setup failed (test/vcan/vm-setup.sh)"
fi
echo "SocketCAN suite: in a VM with Debian's kernel (this kernel has no vcan)" >&2
export VCANVM_VCAN=vcan0:72,vcan1:72,vcan2:72,vcan3:72 VCANVM_QUIET=1 VCANVM_TIMEOUT=${VCANVM_TIMEOUT:-280}
export VCANVM_ENV="CANFERRY_VCAN_REQUIRED CANFERRY_LOG_LEVEL"
printf -v cmd '%q ' "${SUITE[@]}"
bash test/vcan/vm-run.sh "$cmd"
rc=$?
case $rc in
  124) echo "SocketCAN suite: the VM timed out after ${VCANVM_TIMEOUT} s" >&2 ;;
  125) echo "SocketCAN suite: the VM failed to start (see the kernel log above)" >&2 ;;
esac
exit $rc
