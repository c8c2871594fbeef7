#!/bin/sh
# tools/deps.sh - install the Debian/Ubuntu packages sublet needs, if any is missing.
#
#   tools/deps.sh pkg...      (called by `make deps`)
#
# Checks each package with dpkg-query first, so a machine that has everything does
# nothing. Installs with apt-get as root, through sudo otherwise; with neither it prints
# the exact command to run and fails.
set -eu

missing=""
for pkg in "$@"; do
	status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
	case "$status" in
	*"install ok installed"*) ;;
	*) missing="$missing $pkg" ;;
	esac
done
[ -z "$missing" ] && exit 0

cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends$missing"
echo "deps: missing packages:$missing"
if [ "$(id -u)" -eq 0 ]; then
	sh -c "export DEBIAN_FRONTEND=noninteractive; $cmd"
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
	sudo sh -c "export DEBIAN_FRONTEND=noninteractive; $cmd"
else
	echo "deps: run this as root, then try again:" >&2
	echo "  sudo sh -c '$cmd'" >&2
	exit 1
fi
