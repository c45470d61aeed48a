package builder

import (
	"archive/tar"
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"strings"
	"syscall"
	"time"

	securejoin "github.com/cyphar/filepath-securejoin"
	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
)

// workdir is a WORKDIR step: the config's new working directory and, as in
// Docker's classic builder, the directory itself (root's, 0755) when the
// image lacks it, so a later `COPY x .` copies into it rather than making
// a file of that name.
func (s *stage) workdir(cfg dockerspec.DockerOCIImageConfig, text string) error {
	data, _ := json.Marshal(cfg)
	k, hit := s.cached("workdir\x00" + string(data))
	if hit {
		return nil
	}
	missing, err := s.missingDirs(cfg.WorkingDir)
	if err != nil {
		return err
	}
	req := CommitRequest{Parent: s.img, Config: cfg, CreatedBy: "/bin/sh -c #(nop) " + text}
	if len(missing) > 0 {
		var buf bytes.Buffer
		tw := tar.NewWriter(&buf)
		now := time.Now().UTC()
		for _, d := range missing {
			h := &tar.Header{Typeflag: tar.TypeDir, Name: d + "/", Mode: 0o755, ModTime: now, Format: tar.FormatPAX}
			if err := tw.WriteHeader(h); err != nil {
				return err
			}
		}
		if err := tw.Close(); err != nil {
			return err
		}
		req.Layer = &buf
	}
	img, err := s.b.be.Commit(s.b.ctx, req)
	if err != nil {
		return err
	}
	return s.made(k, img)
}

// missingDirs lists the components of dir (absolute) that the stage's image
// lacks, outermost first, as relative slash paths. Links in the image are
// resolved inside its root, never out of it.
func (s *stage) missingDirs(dir string) ([]string, error) {
	parts := strings.Split(strings.Trim(dir, "/"), "/")
	if len(parts) == 1 && parts[0] == "" {
		return nil, nil
	}
	var root string
	if s.img.ID != "" {
		r, release, err := s.b.be.View(s.b.ctx, s.img)
		if err != nil {
			return nil, err
		}
		defer release()
		root = r
	}
	for i := range parts {
		rel := strings.Join(parts[:i+1], "/")
		if root != "" {
			p, err := securejoin.SecureJoin(root, rel)
			if err != nil {
				return nil, err
			}
			if _, err := os.Stat(p); err == nil {
				continue
			} else if !errors.Is(err, fs.ErrNotExist) {
				return nil, err
			}
		}
		out := make([]string, 0, len(parts)-i)
		for j := i; j < len(parts); j++ {
			out = append(out, strings.Join(parts[:j+1], "/"))
		}
		return out, nil
	}
	return nil, nil
}

// imageHasDir reports whether the stage's image has a directory at dir
// (absolute; links resolved inside the image's root).
func (s *stage) imageHasDir(dir string) (bool, error) {
	if s.img.ID == "" || strings.Trim(dir, "/") == "" {
		return strings.Trim(dir, "/") == "", nil
	}
	root, release, err := s.b.be.View(s.b.ctx, s.img)
	if err != nil {
		return false, err
	}
	defer release()
	p, err := securejoin.SecureJoin(root, dir)
	if err != nil {
		return false, err
	}
	st, err := os.Stat(p)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return false, nil
	}
	return err == nil && st.IsDir(), err
}
