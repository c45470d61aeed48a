package network

import (
	"fmt"
)

// classed is an errdefs class that can carry Docker's exact words.
type classed interface{ WithMessage(string) error }

// errf makes an error of class with exactly the formatted message, which
// clients compare with Docker's.
func errf(class classed, format string, args ...any) error {
	return class.WithMessage(fmt.Sprintf(format, args...))
}
