package testutil

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"testing"
)

// LayeredFile is the file that layer i (1-based, counted from the bottom
// of the layers LayeredImage stacks on busybox) adds, and LayeredContent
// what it holds, so a test can read back any layer's file.
func LayeredFile(i int) string    { return fmt.Sprintf("/layers/%03d", i) }
func LayeredContent(i int) string { return fmt.Sprintf("layer %d\n", i) }

// LayeredImage returns a `docker save` tarball of one image tagged ref:
// the busybox root filesystem, then n small layers, layer i adding
// LayeredFile(i). Many layers make an overlay lowerdir list longer than
// the one page the legacy mount options allow (about 45 layers under a
// test's data root), which is what such an image is for.
func LayeredImage(t testing.TB, ref string, n int) []byte {
	t.Helper()
	layers := [][]byte{BusyboxRootfs(t)}
	for i := 1; i <= n; i++ {
		layers = append(layers, LayerTar(t, map[string]string{LayeredFile(i): LayeredContent(i)}))
	}
	return DockerArchive(t, layers, ImageConfig(layers), []string{ref})
}

// LoadLayeredImage loads LayeredImage(ref, n) into d through /images/load.
func LoadLayeredImage(t testing.TB, d *Daemon, ref string, n int) {
	t.Helper()
	archive := LayeredImage(t, ref, n)
	res, err := d.Client().ImageLoad(t.Context(), bytes.NewReader(archive))
	if err != nil {
		t.Fatalf("load %s: %v", ref, err)
	}
	defer res.Close()
	if err := streamError(res); err != nil {
		t.Fatalf("load %s: %v", ref, err)
	}
}

// streamError reads a JSON message stream to its end and returns the
// error it reports, if any.
func streamError(r io.Reader) error {
	dec := json.NewDecoder(r)
	for {
		var m struct {
			Error       string `json:"error"`
			ErrorDetail *struct {
				Message string `json:"message"`
			} `json:"errorDetail"`
		}
		if err := dec.Decode(&m); err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
		if m.ErrorDetail != nil && m.ErrorDetail.Message != "" {
			return errors.New(m.ErrorDetail.Message)
		}
		if m.Error != "" {
			return errors.New(m.Error)
		}
	}
}
