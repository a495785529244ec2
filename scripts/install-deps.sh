#!/bin/sh
# Install the Debian packages uiommufd needs to build, test and benchmark,
# but only those that are missing.  Runs apt-get as root, or through sudo.
set -eu
pkgs="make meson ninja-build gcc libc6-dev clang libclang-rt-14-dev pkg-config libcmocka-dev gnuplot-nox python3"
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "uiommufd: installing missing packages:$missing"
if [ "$(id -u)" -eq 0 ]; then
	SUDO=""
elif command -v sudo >/dev/null 2>&1; then
	SUDO="sudo"
else
	echo "uiommufd: need root (or sudo) to install:$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
