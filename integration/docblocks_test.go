package integration

import (
	"bufio"
	"os"
	"strings"
	"testing"
)

// docBlock is one ```sh code block of a Markdown page.
type docBlock struct {
	File string
	Line int // the line of the opening fence, 1-based
	Text string
}

// shellBlocks returns a page's ```sh blocks in order. Other blocks
// (```console, plain ```) are shown to readers only and not returned.
func shellBlocks(name string, data string) []docBlock {
	var (
		blocks []docBlock
		cur    *docBlock
		body   strings.Builder
	)
	sc := bufio.NewScanner(strings.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		switch {
		case cur == nil && strings.HasPrefix(trimmed, "```"):
			if strings.TrimSpace(strings.TrimPrefix(trimmed, "```")) == "sh" {
				cur = &docBlock{File: name, Line: n}
				body.Reset()
			} else {
				// Skip a block that is not run, fence to fence.
				for n++; sc.Scan(); n++ {
					if strings.HasPrefix(strings.TrimSpace(sc.Text()), "```") {
						break
					}
				}
			}
		case cur != nil && strings.HasPrefix(trimmed, "```"):
			cur.Text = body.String()
			blocks = append(blocks, *cur)
			cur = nil
		case cur != nil:
			body.WriteString(line)
			body.WriteByte('\n')
		}
	}
	return blocks
}

func TestShellBlocks(t *testing.T) {
	page := "# T\n\n```sh\necho one\necho two\n```\n\n```console\nberth run -it busybox sh\n```\n\n" +
		"```\nplain\n```\n\ntext with ```sh inline``` \n\n  ```sh\n  echo indented\n  ```\n"
	got := shellBlocks("t.md", page)
	if len(got) != 2 {
		t.Fatalf("%d blocks, want 2: %+v", len(got), got)
	}
	if got[0].Text != "echo one\necho two\n" || got[0].Line != 3 {
		t.Errorf("first block %+v", got[0])
	}
	if got[1].Text != "  echo indented\n" {
		t.Errorf("second block %q", got[1].Text)
	}
}

// TestDocsHaveShellBlocks keeps the docs test honest: the pages it is
// meant to run do have blocks it runs.
func TestDocsHaveShellBlocks(t *testing.T) {
	for _, page := range docPages(t) {
		data, err := os.ReadFile(page)
		if err != nil {
			t.Fatal(err)
		}
		if page != "../docs/ARCHITECTURE.md" && len(shellBlocks(page, string(data))) == 0 {
			t.Errorf("%s has no ```sh block", page)
		}
	}
}
