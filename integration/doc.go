// Package integration holds Berth's API-level tests: each starts a real
// berthd on temporary roots (see internal/testutil) and drives it through the
// Go client, raw HTTP and the docker CLI, one file per area. They need root
// and skip without it; `make test` runs them after the unit tests.
package integration
