package cli

import (
	"strings"
	"testing"
)

func TestCompletionScripts(t *testing.T) {
	f := newFakeEngine(t)
	for shell, head := range map[string]string{
		"bash":       "# bash completion V2 for berth",
		"zsh":        "#compdef berth",
		"fish":       "# fish completion for berth",
		"powershell": "# powershell completion for berth",
	} {
		r := f.berth("", "completion", shell)
		if r.code != 0 || !strings.HasPrefix(r.out, head) || !strings.Contains(r.out, "__complete") {
			t.Errorf("completion %s: exit %d, stderr %q, output starts %q", shell, r.code, r.err, r.out[:min(len(r.out), 60)])
		}
	}
	// docker prints its help on stdout, naming itself there too.
	for _, args := range [][]string{{"completion"}, {"completion", "nosuchshell"}, {"completion", "bash", "--help"}} {
		got := f.berth("", args...)
		want, ok := f.docker("", args...)
		if !ok {
			break
		}
		want.out = strings.ReplaceAll(want.out, "docker", "berth")
		want.err = strings.ReplaceAll(want.err, "docker", "berth")
		if args[len(args)-1] == "--help" {
			// The long texts say how to load the script, each in its words.
			got.out, want.out = firstLine(got.out), firstLine(want.out)
		}
		if got != want {
			t.Errorf("berth %v: %+v\ndocker: %+v", args, got, want)
		}
	}
	if r := f.berth("", "--help"); strings.Contains(r.out+r.err, "completion") {
		t.Errorf("completion is listed in --help; docker hides it:\n%s", r.out+r.err)
	}
}

// complete asks berth for the candidates of the last word, as the shell
// scripts do, and returns them without cobra's directive line.
func complete(f *fakeEngine, words ...string) []string {
	r := f.berth("", append([]string{"__complete"}, words...)...)
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(r.out), "\n") {
		if l != "" && !strings.HasPrefix(l, ":") {
			name, _, _ := strings.Cut(l, "\t")
			out = append(out, name)
		}
	}
	return out
}

func TestCompletionOfNames(t *testing.T) {
	f := newFakeEngine(t)
	f.json("GET /containers/json", 200, `[{"Id":"`+ctrID+`","Names":["/web"]},{"Id":"b","Names":["/db"]}]`)
	f.json("GET /images/json", 200, `[{"Id":"sha256:1","RepoTags":["busybox:latest"]},{"Id":"sha256:2","RepoTags":["<none>:<none>"]}]`)
	f.json("GET /networks", 200, `[{"Name":"bridge"},{"Name":"app"}]`)
	f.json("GET /volumes", 200, `{"Volumes":[{"Name":"data"}]}`)
	for _, c := range []struct {
		words []string
		want  string
	}{
		{[]string{"stop", ""}, "web db"},
		{[]string{"stop", "web", ""}, "web db"},
		{[]string{"container", "logs", ""}, "web db"},
		{[]string{"logs", "web", ""}, ""},
		{[]string{"run", ""}, "busybox:latest"},
		{[]string{"tag", ""}, "busybox:latest"},
		{[]string{"network", "connect", ""}, "bridge app"},
		{[]string{"network", "connect", "app", ""}, "web db"},
		{[]string{"volume", "rm", ""}, "data"},
		{[]string{"volume", "create", ""}, ""},
		{[]string{"ps", ""}, ""},
	} {
		if got := strings.Join(complete(f, c.words...), " "); got != c.want {
			t.Errorf("complete %q = %q, want %q", c.words, got, c.want)
		}
	}
	// A daemon that cannot be reached completes nothing, quietly.
	r := f.berth("", "-H", "unix:///nonexistent.sock", "__complete", "stop", "")
	if r.code != 0 || strings.Contains(r.out, "web") {
		t.Errorf("unreachable daemon: %+v", r)
	}
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}
