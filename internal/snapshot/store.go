// Package snapshot keeps layer trees: one directory per image layer, holding
// that layer's files in overlayfs form, keyed by the layer's chain ID so that
// every image containing the same layer on the same parents shares one copy.
// Snapshotter is the contract (its vocabulary, life cycle and a worked
// example); Store implements it in a directory, and snapshottest checks any
// implementation against it.
package snapshot

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/containerd/errdefs"
	"github.com/opencontainers/go-digest"
)

// Info describes a committed layer tree.
type Info struct {
	ChainID digest.Digest `json:"chainId"`
	Parent  digest.Digest `json:"parent,omitempty"` // chain ID of the layer below; empty for a base layer
	DiffID  digest.Digest `json:"diffId"`           // digest of the uncompressed layer tar
	Size    int64         `json:"size"`             // apparent size of this layer's files
	Created time.Time     `json:"created"`
}

// Store is a Snapshotter in a directory: <root>/<chain hex>/fs holds a
// tree's files and info.json its Info; <root>/tmp holds pending trees and
// trees being removed.
type Store struct {
	root string
	mu   sync.Mutex // orders Commit's and Remove's changes of final names
}

const infoFile = "info.json"

// New opens the store at root and removes trees that were being filled or
// removed when a previous process died.
func New(root string) (*Store, error) {
	s := &Store{root: root}
	if err := os.RemoveAll(s.tmpDir()); err != nil {
		return nil, fmt.Errorf("clearing interrupted layer trees: %w", err)
	}
	if err := os.MkdirAll(s.tmpDir(), 0o700); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Store) tmpDir() string { return filepath.Join(s.root, "tmp") }

func (s *Store) dir(chainID digest.Digest) (string, error) {
	if err := chainID.Validate(); err != nil {
		return "", errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid chain ID %q", chainID))
	}
	return filepath.Join(s.root, chainID.Encoded()), nil
}

// Stat returns the info of a committed tree.
func (s *Store) Stat(chainID digest.Digest) (Info, error) {
	d, err := s.dir(chainID)
	if err != nil {
		return Info{}, err
	}
	return readInfo(d)
}

func readInfo(dir string) (Info, error) {
	var info Info
	data, err := os.ReadFile(filepath.Join(dir, infoFile))
	if errors.Is(err, fs.ErrNotExist) {
		return info, errdefs.ErrNotFound.WithMessage(fmt.Sprintf("layer %s", filepath.Base(dir)))
	}
	if err != nil {
		return info, err
	}
	if err := json.Unmarshal(data, &info); err != nil {
		return info, fmt.Errorf("layer %s: corrupt %s: %w", filepath.Base(dir), infoFile, err)
	}
	return info, nil
}

// Dir returns the directory holding the files of a committed tree.
func (s *Store) Dir(chainID digest.Digest) (string, error) {
	d, err := s.dir(chainID)
	if err != nil {
		return "", err
	}
	if _, err := readInfo(d); err != nil {
		return "", err
	}
	return filepath.Join(d, "fs"), nil
}

// Lowers returns the file directories of chainID and all its parents, top
// first: the order of overlayfs' lowerdir option.
func (s *Store) Lowers(chainID digest.Digest) ([]string, error) {
	var dirs []string
	for c := chainID; c != ""; {
		info, err := s.Stat(c)
		if err != nil {
			return nil, err
		}
		d, _ := s.dir(c)
		dirs = append(dirs, filepath.Join(d, "fs"))
		c = info.Parent
	}
	return dirs, nil
}

// Walk calls fn for every committed tree.
func (s *Store) Walk(fn func(Info) error) error {
	entries, err := os.ReadDir(s.root)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if !e.IsDir() || e.Name() == "tmp" {
			continue
		}
		info, err := readInfo(filepath.Join(s.root, e.Name()))
		if err != nil {
			// Not a committed tree: nothing else writes here, so it is a
			// leftover that Remove will reclaim through the caller's GC.
			info = Info{ChainID: digest.NewDigestFromEncoded(digest.SHA256, e.Name())}
		}
		if err := fn(info); err != nil {
			return err
		}
	}
	return nil
}

// Remove deletes a tree. It is first renamed out of its name so that a crash
// half way leaves garbage under tmp/, never a half tree under a valid name.
func (s *Store) Remove(chainID digest.Digest) error {
	d, err := s.dir(chainID)
	if err != nil {
		return err
	}
	doomed, err := os.MkdirTemp(s.tmpDir(), "rm-")
	if err != nil {
		return err
	}
	target := filepath.Join(doomed, "x")
	s.mu.Lock()
	err = os.Rename(d, target)
	s.mu.Unlock()
	if err != nil {
		os.Remove(doomed)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return err
	}
	return os.RemoveAll(doomed)
}
