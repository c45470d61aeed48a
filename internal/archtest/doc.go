// Package archtest holds the tests that keep the code shaped as
// docs/ARCHITECTURE.md says: which package may import which, and that every
// package says what it is for.
package archtest
