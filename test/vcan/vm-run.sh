#!/bin/bash
# Run a command inside a throw-away qemu VM running Debian's 6.1 kernel (which has SocketCAN),
# with vcan0 already created and up. From the workplace's vcan-vm recipe (shared/vcan-vm); test/vcan/run.sh
# is the entry point that uses it.
#
#   test/vcan/vm-run.sh 'bun test test/vcan'
#
# - The command runs under bash as root, cwd = the host's $PWD (must lie inside a shared dir).
# - Its stdout+stderr stream to this script's stdout; its exit code is this script's exit code
#   (124 = VM timed out, 125 = VM/infrastructure failure; then the kernel log tail goes to stderr).
# - VM filesystem: host /usr and /etc read-only (so host binaries work: bun/node/candump/ip ...),
#   $VCANVM_SHARE read-write at the same absolute path, tmpfs /tmp /root /run /var/tmp.
#   If <first share>/node_modules/.bin exists it is put first on PATH.
#
# Knobs (environment):
#   VCANVM_BUILD    where vm-setup.sh put the kernel and initramfs      default: $HOME/.cache/canferry-vcan-vm
#   VCANVM_SHARE    host dirs shared read-write, space separated         default: $PWD
#   VCANVM_RO       host dirs shared read-only                            default: "/usr /etc" (+ /opt)
#   VCANVM_VCAN     ifaces to create: name[:mtu],...  (mtu 72 = CAN FD)   default: vcan0   ("0": none)
#   VCANVM_SYSCTL   sysctls to set first, comma separated, e.g. net.core.rmem_default=8388608
#   VCANVM_ENV      names of host env vars to pass into the VM (space separated)
#   VCANVM_TIMEOUT  seconds for the whole VM run (default 300)
#   VCANVM_MEM      MiB (default 2048)        VCANVM_SMP   vCPUs (default 2)
#   VCANVM_ACCEL    tcg|kvm  (default: kvm only with kvm_intel/kvm_amd loaded, else tcg)
#   VCANVM_MACHINE  microvm|pc (default microvm: ~1 s faster boot)
#   VCANVM_APPEND   extra kernel command line
#   VCANVM_QUIET=1  no VCANVM_BOOTED/VCANVM_RESULT lines, no timing line on stderr
set -uo pipefail
VCANVM_DIR=$(cd "$(dirname "$0")" && pwd)
B=${VCANVM_BUILD:-$HOME/.cache/canferry-vcan-vm}
if [ ! -f "$B/initramfs.cpio.gz" ] || [ ! -f "$B/kver" ]; then
  "$VCANVM_DIR/vm-setup.sh" >&2 || exit 125
fi
[ $# -ge 1 ] || { echo "usage: $0 'command'" >&2; exit 2; }

SHARE=${VCANVM_SHARE:-$PWD}
RO=${VCANVM_RO:-"/usr /etc$( [ -d /opt ] && echo ' /opt')"}
TMO=${VCANVM_TIMEOUT:-300}
MACHINE=${VCANVM_MACHINE:-microvm}
QUIET=${VCANVM_QUIET:-0}
if [ -z "${VCANVM_ACCEL:-}" ]; then
  # NB: /dev/kvm may be backed by kvm_pvm (PVM nested virt, e.g. Firecracker sandboxes). That only
  # runs PVM-enabled guest kernels; a stock kernel triple-faults at boot. So require real VMX/SVM.
  if [ -w /dev/kvm ] && { [ -d /sys/module/kvm_intel ] || [ -d /sys/module/kvm_amd ]; }; then
    VCANVM_ACCEL=kvm; else VCANVM_ACCEL=tcg; fi
fi
TSC=""
if [ "$VCANVM_ACCEL" = kvm ]; then ACC=(-accel kvm -cpu host); else
  ACC=(-accel tcg,thread=multi -cpu max)
  # Under TCG the guest TSC ticks at the host TSC rate, but the guest's PIT-based TSC calibration
  # randomly fails (~5% of boots); microvm has no HPET/PM timer fallback and then hangs at boot.
  # Tell the kernel the frequency instead.
  khz=$(awk -F: '/^cpu MHz/{printf "%d", $2*1000; exit}' /proc/cpuinfo 2>/dev/null)
  [ -n "$khz" ] && [ "$khz" -gt 100000 ] && TSC="tsc_early_khz=$khz"
fi
KERNEL=$B/vmlinux; [ -s "$KERNEL" ] || { KERNEL=$B/vmlinuz; MACHINE=pc; }
if [ "$MACHINE" = microvm ]; then MACH=(-M microvm); DEV=device; NOPCI=pci=off; else MACH=(-M pc); DEV=pci; NOPCI=; fi

CTL=$(mktemp -d "${TMPDIR:-/tmp}/vcanvm-run.XXXXXX") || exit 125
trap 'rm -rf "$CTL"' EXIT
: > "$CTL/ro_paths"; : > "$CTL/rw_paths"
FS=()
# share ro|rw "extra fsdev options" DIR...: one 9p share per directory, tagged ro0.. or rw0..
share() {
  local kind=$1 opts=$2 i=0 d; shift 2
  for d in "$@"; do
    d=$(realpath "$d") || exit 125
    FS+=(-fsdev "local,id=$kind$i,path=$d,security_model=none${opts},multidevs=remap"
         -device "virtio-9p-$DEV,fsdev=$kind$i,mount_tag=$kind$i")
    echo "$d" >> "$CTL/${kind}_paths"; i=$((i+1))
  done
}
# shellcheck disable=SC2086 # word splitting of the space-separated lists is the point
share ro ",readonly=on" $RO
# shellcheck disable=SC2086
share rw "" $SHARE
FS+=(-fsdev "local,id=ctl,path=$CTL,security_model=none" -device "virtio-9p-$DEV,fsdev=ctl,mount_tag=vcanvm")

{ # /vcanvm/cmd.sh: env + cwd prelude, then the user command (kept verbatim in cmd.user)
  [ -t 1 ] || echo 'export NO_COLOR=1'   # stdout inside the VM is a tty (hvc0); host side may not be
  for v in ${VCANVM_ENV:-}; do [ -n "${!v+x}" ] && printf 'export %s=%q\n' "$v" "${!v}"; done
  first=$(head -n1 "$CTL/rw_paths")
  [ -n "$first" ] && [ -d "$first/node_modules/.bin" ] && printf 'export PATH=%q:$PATH\n' "$first/node_modules/.bin"
  wd=$PWD; inside=0
  while read -r d; do case "$wd/" in "$d"/*|"$d//") inside=1;; esac; done < <(cat "$CTL/rw_paths" "$CTL/ro_paths")
  if [ $inside = 0 ]; then echo "vcanvm: note: $PWD is not shared into the VM; running in $first" >&2; wd=$first; fi
  printf 'cd %q || exit 126\n' "$wd"
  echo 'exec bash /vcanvm/cmd.user'
} > "$CTL/cmd.sh"
printf '%s\n' "$*" > "$CTL/cmd.user"

APPEND="console=ttyS0 loglevel=4 panic=-1 rdinit=/init mitigations=off no_timer_check tsc=reliable"
APPEND+=" nokaslr apparmor=0 security=none audit=0 8250.nr_uarts=1 i8042.noaux i8042.nokbd $NOPCI $TSC"
APPEND+=" vcanvm.vcan=${VCANVM_VCAN:-vcan0} vcanvm.quiet=$QUIET"
[ -n "${VCANVM_SYSCTL:-}" ] && APPEND+=" vcanvm.sysctl=${VCANVM_SYSCTL// /,}"
APPEND+=" ${VCANVM_APPEND:-}"

QEMU=(qemu-system-x86_64 "${MACH[@]}" "${ACC[@]}" -m "${VCANVM_MEM:-2048}" -smp "${VCANVM_SMP:-2}"
  -nodefaults -no-user-config -display none -no-reboot
  -serial "file:$CTL/kernel.log"                      # kernel console -> file (shown on failure)
  -chardev stdio,id=out,signal=off -device "virtio-serial-$DEV,max_ports=1"
  -device virtconsole,chardev=out                     # /dev/hvc0 in the VM -> our stdout
  -kernel "$KERNEL" -initrd "$B/initramfs.cpio.gz" -append "$APPEND" "${FS[@]}")
[ "${VCANVM_DEBUG:-0}" = 1 ] && { printf '%q ' "${QEMU[@]}"; echo; } >&2
t0=$(date +%s.%N)
timeout -k 5 "$TMO" "${QEMU[@]}" </dev/null
qrc=$?
t1=$(date +%s.%N)
if [ -s "$CTL/rc" ]; then rc=$(cat "$CTL/rc"); elif [ $qrc = 124 ] || [ $qrc = 137 ]; then rc=124; else rc=125; fi
if [ ! -s "$CTL/rc" ] || [ "$rc" = 125 ]; then
  echo "vcanvm: VM failed (qemu rc=$qrc); kernel log tail:" >&2; tail -n 30 "$CTL/kernel.log" >&2
fi
[ "$QUIET" = 1 ] || echo "vcanvm: accel=$VCANVM_ACCEL machine=$MACHINE rc=$rc wall=$(awk "BEGIN{printf \"%.2f\", $t1-$t0}")s" >&2
exit "$rc"
