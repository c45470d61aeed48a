package builder

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"os"
	"testing"
)

// benchContext is the tar bench/build.sh sends: a 50 MB file and 2,000
// small ones.
func benchContext(b *testing.B) []byte {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	big := make([]byte, 50<<20)
	rand.Read(big)
	tw.WriteHeader(&tar.Header{Name: "Dockerfile", Mode: 0o644, Size: 4})
	tw.Write([]byte("FROM"))
	tw.WriteHeader(&tar.Header{Name: "big.bin", Mode: 0o644, Size: int64(len(big))})
	tw.Write(big)
	tw.WriteHeader(&tar.Header{Name: "src/", Mode: 0o755, Typeflag: tar.TypeDir})
	for i := 1; i <= 2000; i++ {
		data := fmt.Sprintf("file %d\n", i)
		tw.WriteHeader(&tar.Header{Name: fmt.Sprintf("src/f%d.txt", i), Mode: 0o644, Size: int64(len(data))})
		tw.Write([]byte(data))
	}
	tw.Close()
	return buf.Bytes()
}

func BenchmarkUnpackContext(b *testing.B) {
	data := benchContext(b)
	tmp := b.TempDir()
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		bc, err := unpackContext(context.Background(), bytes.NewReader(data), tmp, "Dockerfile")
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		os.RemoveAll(bc.dir)
		b.StartTimer()
	}
}
