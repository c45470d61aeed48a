#!/usr/bin/env bash
# Installs what `make test` needs and is not there yet (`make test` runs
# it first). Only Debian's packages are fetched; Go modules come from the
# Go module proxy when the tests build. Safe to run again: it installs
# nothing that is already installed.
#
# What each package is for:
#   busybox-static          the offline test images (and the README's)
#   crun, runc, tini        run containers; --init
#   docker-registry         registry tests and the README's push/pull
#   apache2-utils           htpasswd, for the registry auth tests
#   docker-compose          docker-compose 1.29 against berthd
#   python3-docker          docker-py against berthd
#   procps                  ps, for `top`
#   curl                    the README's published-port example
#   ca-certificates, make   building and running the tests
# The docker CLI comes with docker.io when no docker is on PATH (its
# dockerd is installed but not started).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=hack/apt.sh
. hack/apt.sh

packages=(busybox-static crun runc tini docker-registry apache2-utils docker-compose python3-docker procps curl ca-certificates make)
if ! command -v docker >/dev/null; then
	echo "test-deps.sh: no docker CLI on PATH; the docker CLI tests need one"
	packages+=(docker.io)
fi
if [ "$(id -u)" -ne 0 ] && [ "${CI:-}" != true ]; then
	# Without root nothing can be installed; the unit tests still run, and
	# each test that needs a missing package skips, naming it.
	mapfile -t missing < <(apt_missing "${packages[@]}")
	if [ "${#missing[@]}" -gt 0 ]; then
		echo "test-deps.sh: not root, so not installing: ${missing[*]}; tests that need them will skip" >&2
	else
		echo "test-deps.sh: Debian packages present: ${packages[*]}"
	fi
else
	apt_install_missing test-deps.sh "${packages[@]}"
fi

export PATH="${PATH}:/usr/local/go/bin"
if ! command -v go >/dev/null; then
	echo "test-deps.sh: Go not found on PATH nor in /usr/local/go/bin" >&2
	exit 1
fi
