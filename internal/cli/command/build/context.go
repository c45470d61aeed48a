package build

import (
	"archive/tar"
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/moby/patternmatcher"
	"github.com/moby/patternmatcher/ignorefile"
)

// stdinDockerfile is the name a Dockerfile read from stdin (-f -) takes in
// the context sent to the daemon.
const stdinDockerfile = ".berth-stdin.Dockerfile"

// openContext returns the context to send, as a stream, and the
// Dockerfile's name inside it. src is a directory, a tarball (plain or
// compressed, sent as is) or "-" (stdin: a tarball or a Dockerfile).
func openContext(stdin io.Reader, src, file string) (io.ReadCloser, string, error) {
	if src == "-" {
		if file == "-" {
			return nil, "", errors.New("invalid argument: can't use stdin for both build context and dockerfile")
		}
		br := bufio.NewReader(stdin)
		if looksLikeArchive(br) {
			return io.NopCloser(br), file, nil
		}
		data, err := io.ReadAll(br)
		if err != nil {
			return nil, "", err
		}
		return tarOf(map[string][]byte{"Dockerfile": data}), "Dockerfile", nil
	}
	fi, err := os.Stat(src)
	if err != nil {
		return nil, "", fmt.Errorf("unable to prepare context: %w", err)
	}
	if !fi.IsDir() {
		f, err := os.Open(src)
		return f, file, err
	}
	var extra []byte
	dockerfile := file
	switch {
	case file == "-":
		if extra, err = io.ReadAll(stdin); err != nil {
			return nil, "", err
		}
		dockerfile = stdinDockerfile
	case file == "":
		dockerfile = "Dockerfile"
	case filepath.IsAbs(file):
		rel, err := filepath.Rel(src, file)
		if err != nil || strings.HasPrefix(rel, "..") {
			// A Dockerfile outside the context travels inside it.
			if extra, err = os.ReadFile(file); err != nil {
				return nil, "", err
			}
			dockerfile = stdinDockerfile
		} else {
			dockerfile = rel
		}
	}
	pm, err := ignoreMatcher(src, dockerfile)
	if err != nil {
		return nil, "", err
	}
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(writeDir(pw, src, pm, dockerfile, extra)) }()
	return pr, filepath.ToSlash(dockerfile), nil
}

func looksLikeArchive(br *bufio.Reader) bool {
	magic, _ := br.Peek(512)
	if bytes.HasPrefix(magic, []byte{0x1f, 0x8b}) || bytes.HasPrefix(magic, []byte("BZh")) || bytes.HasPrefix(magic, []byte{0xfd, '7', 'z', 'X', 'Z'}) {
		return true
	}
	_, err := tar.NewReader(bytes.NewReader(magic)).Next()
	return err == nil && len(magic) == 512
}

func tarOf(files map[string][]byte) io.ReadCloser {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for name, data := range files {
		tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(data)), ModTime: time.Now()})
		tw.Write(data)
	}
	tw.Close()
	return io.NopCloser(&buf)
}

func ignoreMatcher(dir, dockerfile string) (*patternmatcher.PatternMatcher, error) {
	for _, name := range []string{dockerfile + ".dockerignore", ".dockerignore"} {
		f, err := os.Open(filepath.Join(dir, name))
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		defer f.Close()
		patterns, err := ignorefile.ReadAll(f)
		if err != nil {
			return nil, err
		}
		return patternmatcher.New(patterns)
	}
	return nil, nil
}

// writeDir streams the directory as a tar, leaving out what the ignore
// file excludes (never the Dockerfile or the ignore file itself).
func writeDir(w io.Writer, dir string, pm *patternmatcher.PatternMatcher, dockerfile string, extra []byte) error {
	tw := tar.NewWriter(w)
	err := filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if rel == "." {
			return nil
		}
		slash := filepath.ToSlash(rel)
		if pm != nil && slash != ".dockerignore" && slash != filepath.ToSlash(dockerfile) {
			skip, err := pm.MatchesOrParentMatches(slash)
			if err != nil {
				return err
			}
			if skip {
				if fi.IsDir() && !pm.Exclusions() {
					return filepath.SkipDir
				}
				return nil
			}
		}
		link := ""
		if fi.Mode()&os.ModeSymlink != 0 {
			if link, err = os.Readlink(p); err != nil {
				return err
			}
		}
		hdr, err := tar.FileInfoHeader(fi, link)
		if err != nil {
			return err
		}
		hdr.Name, hdr.Uid, hdr.Gid, hdr.Uname, hdr.Gname = slash, 0, 0, "", ""
		if fi.IsDir() {
			hdr.Name += "/"
		}
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		if !fi.Mode().IsRegular() {
			return nil
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		_, err = io.CopyN(tw, f, hdr.Size)
		return err
	})
	if err != nil {
		return err
	}
	if extra != nil {
		if err := tw.WriteHeader(&tar.Header{Name: stdinDockerfile, Mode: 0o644, Size: int64(len(extra)), ModTime: time.Now()}); err != nil {
			return err
		}
		if _, err := tw.Write(extra); err != nil {
			return err
		}
	}
	return tw.Close()
}
