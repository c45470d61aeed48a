# Sourced by hack/install.sh and hack/test-deps.sh: installs the Debian
# packages that are missing, and only those, so running a script twice
# touches nothing the second time.
#
#   apt_missing PKG...          prints the packages that are not installed
#   apt_install_missing WHO PKG...
#                               installs them (root needed); WHO prefixes
#                               the messages. Services that packages ship
#                               (docker-registry's) are not started: the
#                               tests run their own instances.

apt_missing() {
	local p
	for p in "$@"; do
		if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
			echo "$p"
		fi
	done
}

apt_install_missing() {
	local who="$1"
	shift
	local missing
	mapfile -t missing < <(apt_missing "$@")
	if [ "${#missing[@]}" -eq 0 ]; then
		echo "$who: Debian packages present: $*"
		return 0
	fi
	if [ "$(id -u)" -ne 0 ]; then
		echo "$who: missing Debian packages: ${missing[*]}" >&2
		echo "$who: run this as root to install them (as a user with sudo: sudo $0), or: apt-get install ${missing[*]}" >&2
		return 1
	fi
	echo "$who: installing Debian packages: ${missing[*]}"
	# policy-rc.d answering 101 keeps maintainer scripts from starting
	# services; an existing one is the administrator's and is left alone.
	local policy=/usr/sbin/policy-rc.d made_policy=""
	if [ ! -e "$policy" ]; then
		printf '#!/bin/sh\nexit 101\n' >"$policy"
		chmod 0755 "$policy"
		made_policy=1
	fi
	local rc=0
	DEBIAN_FRONTEND=noninteractive apt-get update -q || rc=$?
	if [ "$rc" -eq 0 ]; then
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" || rc=$?
	fi
	if [ -n "$made_policy" ]; then
		rm -f "$policy"
	fi
	return "$rc"
}
