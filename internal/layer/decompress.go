package layer

import (
	"bufio"
	"bytes"
	"compress/bzip2"
	"io"

	"github.com/containerd/errdefs"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

var (
	gzipMagic = []byte{0x1f, 0x8b}
	zstdMagic = []byte{0x28, 0xb5, 0x2f, 0xfd}
	xzMagic   = []byte{0xfd, '7', 'z', 'X', 'Z', 0x00}
)

// Decompress returns the uncompressed stream of r, detecting gzip, zstd or plain tar by magic
// bytes (bzip2 too, as docker load accepts it). Close releases the decompressor, not r.
// xz is refused with errdefs.ErrNotImplemented: no xz decoder is among our dependencies and
// Berth never runs an external one.
func Decompress(r io.Reader) (io.ReadCloser, error) {
	br := bufio.NewReader(r)
	// A short stream is simply not compressed; Peek's error only says there are fewer bytes.
	magic, _ := br.Peek(10)
	switch {
	case bytes.HasPrefix(magic, gzipMagic):
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, errdefs.ErrInvalidArgument.WithMessage("reading gzip header: " + err.Error())
		}
		return zr, nil
	case bytes.HasPrefix(magic, zstdMagic):
		// One goroutine: layers are decoded as a stream and the extraction is the bottleneck.
		zr, err := zstd.NewReader(br, zstd.WithDecoderConcurrency(1))
		if err != nil {
			return nil, errdefs.ErrInvalidArgument.WithMessage("reading zstd header: " + err.Error())
		}
		return zr.IOReadCloser(), nil
	case isBzip2(magic):
		return io.NopCloser(bzip2.NewReader(br)), nil
	case bytes.HasPrefix(magic, xzMagic):
		return nil, errdefs.ErrNotImplemented.WithMessage("xz-compressed layers are not supported")
	}
	return io.NopCloser(br), nil
}

// isBzip2 checks the block or end-of-stream magic after "BZh" and the level digit: "BZh" alone
// could be the start of a plain tar whose first file is named that way.
func isBzip2(magic []byte) bool {
	if len(magic) < 10 || string(magic[:3]) != "BZh" || magic[3] < '1' || magic[3] > '9' {
		return false
	}
	block := []byte{0x31, 0x41, 0x59, 0x26, 0x53, 0x59}
	end := []byte{0x17, 0x72, 0x45, 0x38, 0x50, 0x90}
	return bytes.Equal(magic[4:], block) || bytes.Equal(magic[4:], end)
}
