#!/bin/sh
# tools/mkiso.sh - build a hybrid BIOS + UEFI boot ISO for a kernel and a command line.
#
#   tools/mkiso.sh <kernel.elf> <out.iso> "<kernel command line>" [module.elf ...]
#
# Stages <out>.d/ (the kernel, GRUB's menu from iso/grub.cfg, any modules, which GRUB
# loads as multiboot2 modules named by their file name) and runs grub-mkrescue with only
# the GRUB modules sublet needs, so the image stays a few MB; the staging directory and
# grub-mkrescue's log are removed once the image is made. Used by `make iso` (GRUB's line is
# then CMDLINE) and by tools/ktest_runner.py and tools/bench.py, which build one ISO with an
# empty line and pass each boot's command line through QEMU's fw_cfg instead.
set -eu

if [ $# -lt 3 ]; then
	echo "usage: $0 <kernel.elf> <out.iso> <cmdline> [module ...]" >&2
	exit 2
fi
elf=$1
out=$2
cmdline=$3
shift 3
top=$(cd "$(dirname "$0")/.." && pwd)
stage="${out%.iso}.d"

rm -rf "$stage"
mkdir -p "$stage/boot/grub" "$stage/boot/modules"
cp "$elf" "$stage/boot/sublet.elf"

modlines=""
for m in "$@"; do
	name=$(basename "$m")
	cp "$m" "$stage/boot/modules/$name"
	modlines="$modlines	module2 /boot/modules/$name $name
"
done

# Fill the template in Python: the command line may hold characters sed and the shell
# would treat specially.
CMDLINE="$cmdline" MODULES="$modlines" python3 -c '
import os, sys
text = open(sys.argv[1]).read()
text = text.replace("@CMDLINE@", os.environ["CMDLINE"])
text = text.replace("@MODULES@\n", os.environ["MODULES"])
open(sys.argv[2], "w").write(text)
' "$top/iso/grub.cfg" "$stage/boot/grub/grub.cfg"

# The GRUB modules the menu above uses; everything else is left out of the image.
modules="multiboot2 normal iso9660 part_msdos part_gpt fat configfile echo test boot"
if ! grub-mkrescue -o "$out" --install-modules="$modules" --locales= --fonts= --themes= \
	--compress=xz "$stage" >"$out.log" 2>&1; then
	cat "$out.log" >&2
	echo "mkiso: grub-mkrescue failed (see above)" >&2
	exit 1
fi
rm -rf "$stage" "$out.log"
