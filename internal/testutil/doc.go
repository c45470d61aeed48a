// Package testutil starts real berthd processes for tests and makes the
// offline fixtures they need: a busybox root filesystem built from the host's
// busybox-static and hand-made docker-archive and OCI-layout tarballs.
//
// Everything here talks to berthd the way a user would, through its socket,
// the Go client, the docker CLI or the berth CLI, so the integration tests
// exercise the same paths as real clients.
package testutil
