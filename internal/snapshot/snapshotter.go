package snapshot

import "github.com/opencontainers/go-digest"

// Snapshotter keeps layer trees: the files of one image layer each, in
// overlayfs form, stacked on the tree of the layer below.
//
// # Vocabulary
//
//   - tree: one layer's files, as overlayfs reads them in a lowerdir
//     (whiteouts as 0/0 character devices, opaque directories marked with
//     the trusted.overlay.opaque attribute).
//   - chain ID: the name of a committed tree. It is the OCI image-spec
//     ChainID of the layer and every layer below it, so it names content:
//     two images share a tree exactly when they share a chain ID, and two
//     trees committed under one chain ID are the same.
//   - parent: the chain ID of the tree below; "" for a base layer. A
//     parent is committed before its children.
//   - pending: a tree being filled. It has no name and no reader sees it
//     until Commit gives it its chain ID, so a tree under its name is always
//     complete. Exactly one of Commit or Abort ends it.
//   - lowers: a tree's directory and those of all its parents, top first:
//     the order of overlayfs' lowerdir option.
//
// # Life cycle
//
// Begin → fill Dir → Commit(chain ID) → committed; or Begin → Abort. A
// committed tree never changes; Remove takes it away whole. Remove does not
// look for children: whether a tree is still needed (by an image, or by a
// tree above it) is the caller's decision, made by its garbage collection,
// and a tree whose parent is gone has no Lowers.
//
// # Example: unpacking an image and mounting it
//
// An image's layers are unpacked bottom up, each on the tree of the one
// below; a layer whose chain ID is already committed is skipped, since its
// tree is shared. (img is the image's config; chainID and layerTar stand
// for the caller's own helpers.)
//
//	parent := digest.Digest("")
//	for _, diffID := range img.RootFS.DiffIDs {
//		chain := chainID(parent, diffID)
//		if _, err := s.Stat(chain); err == nil {
//			parent = chain // already unpacked, by this or another image
//			continue
//		}
//		p, err := s.Begin()
//		if err != nil { ... }
//		defer p.Abort() // does nothing once committed
//		size, err := layer.Apply(ctx, p.Dir(), layerTar(diffID))
//		if err != nil { ... }
//		if _, err := p.Commit(Info{ChainID: chain, Parent: parent, DiffID: diffID, Size: size}); err != nil { ... }
//		parent = chain
//	}
//
// A container's root filesystem is then the image's trees under the
// container's own writable directory; a read-only view (the builder's) is
// the same mount without one:
//
//	lowers, err := s.Lowers(parent) // the top layer's chain ID
//	if err != nil { ... }
//	err = mount.Overlay{Lower: lowers, Upper: upper, Work: work, Target: rootfs}.Mount()
//
// Garbage collection walks the trees and removes those no image needs:
//
//	err := s.Walk(func(info Info) error {
//		if !needed[info.ChainID] {
//			return s.Remove(info.ChainID)
//		}
//		return nil
//	})
//
// # Errors and concurrency
//
// A chain ID that is no valid digest is an invalid argument; a tree that is
// not committed is not found (containerd/errdefs classes). Every method is
// safe to call from several goroutines; two pending trees committed under
// the same chain ID at once both succeed, and one of them is kept.
//
// The methods take no context: each is a few calls on the local filesystem
// that is not worth interrupting half way, and filling a pending tree, the
// long part, is the caller's own work under its own context.
type Snapshotter interface {
	Reader
	Writer
	Manager
}

// Reader finds committed trees; it is all a caller needs that only mounts
// or inspects images.
type Reader interface {
	// Stat returns the info of a committed tree.
	Stat(chainID digest.Digest) (Info, error)
	// Dir returns the directory holding a committed tree's own files.
	Dir(chainID digest.Digest) (string, error)
	// Lowers returns the directories of a committed tree and all its
	// parents, top first.
	Lowers(chainID digest.Digest) ([]string, error)
}

// Writer adds trees.
type Writer interface {
	// Begin returns a new, empty pending tree.
	Begin() (Pending, error)
}

// Manager lists and removes trees, for garbage collection and disk usage.
type Manager interface {
	// Walk calls fn once for every committed tree, in no particular order,
	// and stops at the first error fn returns, returning it. Pending trees
	// are not walked. It may also report, with only ChainID set, a tree a
	// crash left incomplete, so that the caller's collection removes it.
	Walk(fn func(Info) error) error
	// Remove deletes a committed tree, atomically: afterwards Stat finds
	// nothing, and a crash half way leaves no tree under its name. Removing
	// a tree that does not exist is not an error.
	Remove(chainID digest.Digest) error
}

// Pending is a tree being filled, found by nobody until it is committed.
type Pending interface {
	// Dir is the directory to fill, empty at first.
	Dir() string
	// Commit gives the tree the name info.ChainID, with the info (Created
	// is set to now when zero), and ends it: its Dir is gone afterwards,
	// whether Commit succeeds or fails. The parent must be committed (not
	// found otherwise). If a tree with this chain ID is committed already,
	// that one is kept and its info returned.
	Commit(info Info) (Info, error)
	// Abort throws the tree away. After Commit it does nothing, so that
	// `defer p.Abort()` cleans up on every error path.
	Abort()
}

var _ Snapshotter = (*Store)(nil)
