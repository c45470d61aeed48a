package shim

import (
	"os"
)

// stdio is the pipes of a process without a terminal: the child ends go to
// the runtime, the shim keeps the others.
type stdio struct {
	in, out, err                *os.File // shim's ends; in is nil without stdin
	childIn, childOut, childErr *os.File
}

func newStdio(withStdin bool) (*stdio, error) {
	s := &stdio{}
	var err error
	if withStdin {
		if s.childIn, s.in, err = os.Pipe(); err != nil {
			return nil, err
		}
	}
	if s.out, s.childOut, err = os.Pipe(); err != nil {
		s.closeChild()
		s.closeParent()
		return nil, err
	}
	if s.err, s.childErr, err = os.Pipe(); err != nil {
		s.closeChild()
		s.closeParent()
		return nil, err
	}
	return s, nil
}

// closeChild closes the ends the runtime passed on, so that the shim sees
// EOF once the container's processes are gone.
func (s *stdio) closeChild() {
	for _, f := range []*os.File{s.childIn, s.childOut, s.childErr} {
		if f != nil {
			f.Close()
		}
	}
}

func (s *stdio) closeParent() {
	for _, f := range []*os.File{s.in, s.out, s.err} {
		if f != nil {
			f.Close()
		}
	}
}

// pump starts copying stdout and stderr to emit; the returned channels
// close at each stream's end, after which the read ends are closed.
func (s *stdio) pump(emit func(stream byte, p []byte)) []chan struct{} {
	var chs []chan struct{}
	for stream, f := range map[byte]*os.File{StreamStdout: s.out, StreamStderr: s.err} {
		d := make(chan struct{})
		inner := make(chan struct{})
		go pump(f, func(p []byte) { emit(stream, p) }, inner)
		go func() { <-inner; f.Close(); close(d) }()
		chs = append(chs, d)
	}
	return chs
}
