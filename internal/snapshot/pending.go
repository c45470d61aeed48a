package snapshot

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/containerd/errdefs"
)

// pending is the Store's Pending: a directory under tmp/ holding fs/,
// renamed to the chain ID on Commit.
type pending struct {
	s    *Store
	base string
	done bool
}

// Begin creates an empty pending tree.
func (s *Store) Begin() (Pending, error) {
	base, err := os.MkdirTemp(s.tmpDir(), "new-")
	if err != nil {
		return nil, err
	}
	if err := os.Mkdir(filepath.Join(base, "fs"), 0o755); err != nil {
		os.RemoveAll(base)
		return nil, err
	}
	return &pending{s: s, base: base}, nil
}

func (p *pending) Dir() string { return filepath.Join(p.base, "fs") }

func (p *pending) Commit(info Info) (Info, error) {
	if p.done {
		return Info{}, errors.New("layer tree already committed or aborted")
	}
	p.done = true
	defer os.RemoveAll(p.base)
	if info.Parent != "" {
		if _, err := p.s.Stat(info.Parent); err != nil {
			return Info{}, fmt.Errorf("parent layer: %w", err)
		}
	}
	final, err := p.s.dir(info.ChainID)
	if err != nil {
		return Info{}, err
	}
	if info.Created.IsZero() {
		info.Created = time.Now().UTC()
	}
	data, err := json.Marshal(info)
	if err != nil {
		return Info{}, err
	}
	if err := os.WriteFile(filepath.Join(p.base, infoFile), data, 0o600); err != nil {
		return Info{}, err
	}
	// Held from the look at the final name to the rename, so that a tree
	// another goroutine commits meanwhile is never taken for a leftover.
	p.s.mu.Lock()
	defer p.s.mu.Unlock()
	if existing, err := readInfo(final); err == nil {
		return existing, nil
	} else if !errdefs.IsNotFound(err) {
		return Info{}, err
	}
	// A directory without info.json under the final name is a leftover of a
	// crash between rename and nothing: take its place.
	os.RemoveAll(final)
	if err := os.Rename(p.base, final); err != nil {
		if errors.Is(err, syscall.EEXIST) || errors.Is(err, syscall.ENOTEMPTY) {
			return readInfo(final)
		}
		return Info{}, err
	}
	return info, nil
}

func (p *pending) Abort() {
	if !p.done {
		p.done = true
		os.RemoveAll(p.base)
	}
}
