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

// Pending is a layer tree being filled. Exactly one of Commit or Abort must
// be called.
type Pending struct {
	s    *Store
	base string
}

// Begin creates an empty pending tree.
func (s *Store) Begin() (*Pending, error) {
	base, err := os.MkdirTemp(s.tmpDir(), "new-")
	if err != nil {
		return nil, err
	}
	if err := os.Mkdir(filepath.Join(base, "fs"), 0o755); err != nil {
		os.RemoveAll(base)
		return nil, err
	}
	return &Pending{s: s, base: base}, nil
}

// Dir is the directory to fill.
func (p *Pending) Dir() string { return filepath.Join(p.base, "fs") }

// Commit gives the tree its chain ID. The parent, if any, must be committed.
// If another tree with the same chain ID was committed meanwhile, this one is
// dropped and the existing one's info returned: a chain ID names content, so
// both are the same.
func (p *Pending) Commit(info Info) (Info, error) {
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
	if existing, err := readInfo(final); err == nil {
		return existing, nil
	} else if !errdefs.IsNotFound(err) {
		return Info{}, err
	}
	// A directory without info.json under the final name is a leftover of a
	// crash between rename and nothing: take its place.
	os.RemoveAll(final)
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
	if err := os.Rename(p.base, final); err != nil {
		if errors.Is(err, syscall.EEXIST) || errors.Is(err, syscall.ENOTEMPTY) {
			return readInfo(final)
		}
		return Info{}, err
	}
	return info, nil
}

// Abort throws the pending tree away.
func (p *Pending) Abort() { os.RemoveAll(p.base) }
