// Package archtest holds the tests that keep the code shaped as
// docs/ARCHITECTURE.md says. One table (table_test.go) gives each package
// the module packages and the outside libraries it may import; the tests
// check every file's imports against it (outside ones through `go list`,
// offline), check that berth-shim is built from the standard library,
// golang.org/x/sys and the runtime spec only, that every package says what
// it is for, that no package has a grab-bag name, and that the document's
// package table names exactly the packages of the module.
package archtest
