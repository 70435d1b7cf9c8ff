#!/bin/bash
# One-time setup for vm-run.sh on a Debian bookworm (x86_64) host: a kernel with SocketCAN for hosts
# whose own kernel has none. Idempotent; from the workplace's vcan-vm recipe (shared/vcan-vm).
#  - apt: qemu-system-x86 busybox-static can-utils kmod cpio xz-utils iproute2
#  - downloads Debian's stock kernel package (linux-image-6.1.*-amd64: CAN, can-raw, vcan as modules)
#  - extracts vmlinux (uncompressed, PVH-bootable) and builds build/initramfs.cpio.gz
#    (static busybox + the needed .ko files + /init)
# Output lives in $VCANVM_BUILD (default: $HOME/.cache/canferry-vcan-vm; about 60 s and 450 MB once).
# FORCE=1 re-downloads the kernel.
set -euo pipefail
OUT=${VCANVM_BUILD:-$HOME/.cache/canferry-vcan-vm}
mkdir -p "$OUT"

need=()
for p in qemu-system-x86 busybox-static can-utils kmod cpio xz-utils iproute2; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if ((${#need[@]})); then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# ---- kernel ------------------------------------------------------------------------------
if [ "${FORCE:-0}" = 1 ] || [ ! -s "$OUT/vmlinux" ] || [ ! -f "$OUT/kver" ]; then
  kpkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/{print $2; exit}')
  if [ -z "$kpkg" ]; then apt-get update -qq
    kpkg=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/{print $2; exit}'); fi
  rm -rf "$OUT/debs" "$OUT/kroot"; mkdir -p "$OUT/debs"
  (cd "$OUT/debs" && apt-get download "$kpkg" 2>&1 | grep -v -e unsandboxed -e '^Get:' -e '^Fetched' || true)
  dpkg-deb -x "$OUT"/debs/"$kpkg"_*.deb "$OUT/kroot"
  rm -rf "$OUT/debs"
  kver=${kpkg#linux-image-}
  depmod -b "$OUT/kroot" "$kver"
  cp "$OUT/kroot/boot/vmlinuz-$kver" "$OUT/vmlinuz"
  # Uncompressed ELF vmlinux with a PVH note: qemu boots it directly (no SeaBIOS/real-mode setup,
  # no xz decompression, which is slow under TCG). Same idea as linux/scripts/extract-vmlinux.
  rm -f "$OUT/vmlinux"
  for fmt in xz zstd gzip; do
    case $fmt in xz) magic=$'\xfd7zXZ'; dec="xz -dc --single-stream";;
                 zstd) magic=$'\x28\xb5\x2f\xfd'; dec="zstd -qdc";;
                 gzip) magic=$'\x1f\x8b\x08'; dec="gzip -dc";; esac
    off=$(LC_ALL=C grep -aboF "$magic" "$OUT/vmlinuz" | head -1 | cut -d: -f1) || true
    [ -n "$off" ] || continue
    tail -c +$((off+1)) "$OUT/vmlinuz" | $dec > "$OUT/vmlinux" 2>/dev/null || true
    [ "$(head -c4 "$OUT/vmlinux" | od -An -c | tr -d ' ')" = '177ELF' ] && break
    rm -f "$OUT/vmlinux"
  done
  [ -s "$OUT/vmlinux" ] || echo "warning: could not extract vmlinux; vm-run.sh will boot vmlinuz (slower, needs VCANVM_MACHINE=pc)" >&2
  echo "$kver" > "$OUT/kver"
fi
kver=$(cat "$OUT/kver")

# ---- initramfs ---------------------------------------------------------------------------
STAGE=$OUT/initramfs.d
rm -rf "$STAGE"; mkdir -p "$STAGE"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,mods,newroot}
cp /bin/busybox "$STAGE/bin/busybox"          # from busybox-static: no shared libs needed
: > "$STAGE/mods/order"
for m in virtio_pci virtio_mmio virtio_console 9pnet_virtio 9p can can-raw can-bcm can-gw can-isotp vcan vxcan; do
  modprobe -d "$OUT/kroot" -S "$kver" --show-depends "$m" | awk '$1=="insmod"{print $2}'
done | awk '!seen[$0]++' | while read -r ko; do
  base=$(basename "$ko"); base=${base%.xz}; base=${base%.zst}; base=${base%.gz}
  case "$ko" in              # busybox insmod can't read compressed modules: decompress here
    *.xz)  xz -dc "$ko" > "$STAGE/mods/$base" ;;
    *.zst) zstd -qdc "$ko" > "$STAGE/mods/$base" ;;
    *.gz)  gzip -dc "$ko" > "$STAGE/mods/$base" ;;
    *)     cp "$ko" "$STAGE/mods/$base" ;;
  esac
  echo "$base" >> "$STAGE/mods/order"
done

cat > "$STAGE/init" <<'INIT'
#!/bin/busybox sh
# PID 1 inside the VM. Kernel console (ttyS0) goes to a log file on the host; the user command's
# stdout/stderr go to /dev/hvc0 (virtio console) = stdout of vm-run.sh.
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc; mount -t sysfs sysfs /sys; mount -t devtmpfs devtmpfs /dev
OUTDEV=/dev/console
die() { echo "VCANVM_RESULT rc=125 ($*)"; echo 125 > /newroot/vcanvm/rc 2>/dev/null; sync; poweroff -f; sleep 9; }
for m in $(cat /mods/order); do insmod /mods/$m || die "insmod $m"; done
for i in $(seq 50); do [ -e /dev/hvc0 ] && break; sleep 0.02; done
[ -e /dev/hvc0 ] && OUTDEV=/dev/hvc0
exec >$OUTDEV 2>&1
# no \n -> \r\n on output (hvc resets termios on last close, so do it while stdout holds it open)
stty -F $OUTDEV -opost -echo 2>/dev/null
arg() { for w in $(cat /proc/cmdline); do case $w in vcanvm.$1=*) echo "${w#*=}";; esac; done; }
R=/newroot
mkdir -p $R/usr $R/etc $R/proc $R/sys $R/dev $R/tmp $R/run $R/root $R/var/tmp $R/home $R/vcanvm
for l in bin sbin lib lib64 lib32 libx32; do ln -s usr/$l $R/$l; done
for d in tmp run root var/tmp; do mount -t tmpfs tmpfs $R/$d; done
M9="trans=virtio,version=9p2000.L,msize=512000"
mount -t 9p -o $M9 vcanvm $R/vcanvm || die "mount ctl share"
i=0; while read -r p; do        # read-only host dirs: tags ro0..roN
  mkdir -p "$R$p"; mount -t 9p -o $M9,ro,cache=loose ro$i "$R$p" || die "mount $p"; i=$((i+1))
done < $R/vcanvm/ro_paths
i=0; while read -r p; do        # read-write host dirs: tags rw0..rwN (cache=mmap: mmap/dlopen work)
  mkdir -p "$R$p"; mount -t 9p -o $M9,cache=mmap rw$i "$R$p" || die "mount $p"; i=$((i+1))
done < $R/vcanvm/rw_paths
mount -t proc proc $R/proc; mount -t sysfs sysfs $R/sys; mount --rbind /dev $R/dev
mkdir -p $R/dev/pts $R/dev/shm; mount -t devpts devpts $R/dev/pts 2>/dev/null; mount -t tmpfs tmpfs $R/dev/shm
ip link set lo up
for kv in $(arg sysctl | tr , ' '); do sysctl -qw "$kv" || die "sysctl $kv"; done
vc=$(arg vcan)
if [ "$vc" != 0 ]; then
  for c in $(echo ${vc:-vcan0} | tr , ' '); do
    name=${c%%:*}; mtu=${c#*:}; [ "$mtu" = "$c" ] && mtu=16
    { ip link add dev $name type vcan && ip link set $name mtu $mtu && ip link set up $name; } || die "vcan $c"
  done
fi
[ "$(arg quiet)" = 1 ] || echo "VCANVM_BOOTED uptime=$(cut -d' ' -f1 /proc/uptime)"
chroot $R /usr/bin/env -i HOME=/root TERM=dumb LANG=C.UTF-8 \
  PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  /bin/sh /vcanvm/cmd.sh </dev/null
rc=$?
echo $rc > $R/vcanvm/rc
[ "$(arg quiet)" = 1 ] || echo "VCANVM_RESULT rc=$rc uptime=$(cut -d' ' -f1 /proc/uptime)"
sync; sleep 0.05            # let hvc0 drain
poweroff -f
INIT
chmod +x "$STAGE/init"
(cd "$STAGE" && find . | cpio -o -H newc --quiet | gzip -1 > "$OUT/initramfs.cpio.gz")
rm -rf "$OUT/kroot/usr/share" 2>/dev/null || true
echo "vcanvm setup ok: kernel $kver, $(du -h "$OUT/initramfs.cpio.gz" | cut -f1) initramfs; modules: $(tr '\n' ' ' < "$STAGE/mods/order")"
