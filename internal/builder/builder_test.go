package builder

import (
	"strings"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
)

func TestParseErrorsNameTheLine(t *testing.T) {
	_, err := parse([]byte("FROM busybox\nFOO bar\n"))
	if err == nil || !strings.Contains(err.Error(), "line 2") || !strings.Contains(err.Error(), "unknown instruction: FOO") {
		t.Fatalf("got %v", err)
	}
}

func TestNeededStages(t *testing.T) {
	df, err := parse([]byte("FROM busybox AS a\nFROM busybox AS b\nFROM a AS c\nCOPY --from=b /x /x\nFROM busybox AS d\n"))
	if err != nil {
		t.Fatal(err)
	}
	b := &build{df: df, metaEnv: map[string]string{}}
	got, err := b.needed(2)
	if err != nil || len(got) != 3 || got[0] != 0 || got[1] != 1 || got[2] != 2 {
		t.Fatalf("needed(c) = %v, %v", got, err)
	}
}

func TestHeredocScript(t *testing.T) {
	files := []instructions.ShellInlineFile{{Name: "EOF", Data: "echo a\necho b\n"}}
	if got := heredocScript("<<EOF", files); got != "echo a\necho b\n" {
		t.Fatalf("bare heredoc: %q", got)
	}
	if got := heredocScript("cat <<EOF", files); got != "cat <<EOF\necho a\necho b\nEOF\n" {
		t.Fatalf("heredoc as stdin: %q", got)
	}
}

func TestCacheKeyIgnoresNothingButOrder(t *testing.T) {
	if cacheKey("a", "x") == cacheKey("b", "x") || cacheKey("a", "x") == cacheKey("a", "y") {
		t.Fatal("cache key does not cover parent and step")
	}
}
