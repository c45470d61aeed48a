package jsonlog

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"
	"time"
)

func benchWrite(b *testing.B, line []byte, opts Options) {
	w := newWriter(b, filepath.Join(b.TempDir(), "c-json.log"), opts)
	now := time.Now()
	b.SetBytes(int64(len(line)))
	b.ReportAllocs()
	for b.Loop() {
		if err := w.Write("stdout", line, now); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWrite(b *testing.B) {
	plain := []byte("2025-03-04 05:06:07 INFO request served in 12ms path=/index.html status=200\n")
	special := []byte("<html>\t\"quoted\" & caf\xc3\xa9 \xff \u2028 back\\slash\r\n")
	b.Run("plain", func(b *testing.B) { benchWrite(b, plain, Options{}) })
	b.Run("escapes", func(b *testing.B) { benchWrite(b, special, Options{}) })
	b.Run("16KiB", func(b *testing.B) { benchWrite(b, bytes.Repeat(plain[:64], 256), Options{}) })
	b.Run("rotating", func(b *testing.B) { benchWrite(b, plain, Options{MaxSize: 1 << 20, MaxFiles: 3}) })
}

func BenchmarkEncode(b *testing.B) {
	line := []byte("2025-03-04 05:06:07 INFO request served in 12ms path=/index.html status=200\n")
	buf := make([]byte, 0, 1024)
	now := time.Now()
	b.SetBytes(int64(len(line)))
	b.ReportAllocs()
	for b.Loop() {
		buf, _ = appendEntry(buf[:0], "stdout", line, now)
	}
}

func BenchmarkRead(b *testing.B) {
	path := filepath.Join(b.TempDir(), "c-json.log")
	w := newWriter(b, path, Options{})
	writeLines(b, w, 0, 10000)
	b.ReportAllocs()
	for b.Loop() {
		entries, errc := Read(context.Background(), path, ReadOptions{Tail: -1}, nil)
		n := 0
		for range entries {
			n++
		}
		if err := <-errc; err != nil || n != 10000 {
			b.Fatal(n, err)
		}
	}
}
