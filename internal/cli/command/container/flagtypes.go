package container

import (
	"fmt"
	"math/big"
	"strings"

	"github.com/berth/berth/internal/cli/command"
	units "github.com/docker/go-units"
)

// namedList is a repeatable flag whose type docker names differently in
// help output ("ulimit", "mount", "network", "map").
type namedList struct {
	command.ListOpt
	typ string
}

func (l *namedList) Type() string { return l.typ }

// memBytes is a size flag such as -m 512m; docker calls the type "bytes".
type memBytes int64

func (m *memBytes) Set(s string) error {
	v, err := units.RAMInBytes(s)
	*m = memBytes(v)
	return err
}

func (m *memBytes) String() string {
	if *m == 0 {
		return "0"
	}
	return units.BytesSize(float64(*m))
}

func (m *memBytes) Type() string { return "bytes" }

// swapBytes is --memory-swap: a size, or -1 for unlimited swap.
type swapBytes int64

func (m *swapBytes) Set(s string) error {
	if s == "-1" {
		*m = -1
		return nil
	}
	v, err := units.RAMInBytes(s)
	*m = swapBytes(v)
	return err
}

func (m *swapBytes) String() string { return fmt.Sprint(int64(*m)) }
func (m *swapBytes) Type() string   { return "bytes" }

// nanoCPUs is --cpus: a decimal number of CPUs sent as billionths.
type nanoCPUs int64

func (n *nanoCPUs) Set(s string) error {
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return fmt.Errorf("failed to parse %v as a rational number", s)
	}
	nano := r.Mul(r, big.NewRat(1e9, 1))
	if !nano.IsInt() {
		return fmt.Errorf("value is too precise")
	}
	*n = nanoCPUs(nano.Num().Int64())
	return nil
}

func (n *nanoCPUs) String() string {
	if *n == 0 {
		return ""
	}
	return big.NewRat(int64(*n), 1e9).FloatString(3)
}

func (n *nanoCPUs) Type() string { return "decimal" }

// keyValues splits k=v entries into a map; a bare key maps to "".
func keyValues(entries []string) map[string]string {
	if len(entries) == 0 {
		return nil
	}
	m := make(map[string]string, len(entries))
	for _, e := range entries {
		k, v, _ := strings.Cut(e, "=")
		m[k] = v
	}
	return m
}

// envList is -e: docker refuses a variable without a name when the flag
// is parsed ("invalid environment variable: =x").
type envList struct{ command.ListOpt }

func (l *envList) Set(s string) error {
	if name, _, _ := strings.Cut(s, "="); strings.TrimSpace(name) == "" {
		return fmt.Errorf("invalid environment variable: %s", s)
	}
	return l.ListOpt.Set(s)
}
