package cli

import (
	"net/http"
	"strings"
	"testing"
)

const (
	busyboxID  = "sha256:65ad0d468eb1c558bf7f4e64e790f586e9eda649ee9f130cd0e835b292bbc5ac"
	danglingID = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
)

const imageList = `[
 {"Id":"` + busyboxID + `","ParentId":"","RepoTags":["busybox:latest"],"RepoDigests":["busybox@sha256:1111111111111111111111111111111111111111111111111111111111111111"],"Created":1700000000,"Size":4261550,"SharedSize":-1,"Labels":{},"Containers":-1},
 {"Id":"` + danglingID + `","ParentId":"","RepoTags":[],"RepoDigests":[],"Created":1600000000,"Size":123456789,"SharedSize":-1,"Labels":{},"Containers":-1}
]`

func TestImages(t *testing.T) {
	f := newFakeEngine(t)
	f.json("GET /images/json", 200, imageList)
	for _, args := range [][]string{
		{"images"},
		{"image", "ls"},
		{"images", "-q"},
		{"images", "--digests"},
		{"images", "--no-trunc"},
		{"images", "--format", "{{.Repository}}:{{.Tag}} {{.ID}} {{upper .Size}}"},
		{"images", "--format", "table {{.ID}}\t{{lower .Repository}}"},
		{"images", "--format", "json"},
		{"images", "--format", "{{json .Containers}} {{truncate .ID 4}} {{pad .Tag 1 1}}|{{join (split .Repository \"b\") \"-\"}}"},
	} {
		f.sameAsDocker("", args...)
	}
	got := f.berth("", "images")
	want := "REPOSITORY   TAG       IMAGE ID       CREATED       SIZE\n" +
		"busybox      latest    65ad0d468eb1   "
	if !strings.HasPrefix(got.out, want) || !strings.Contains(got.out, "<none>       <none>    0123456789ab") {
		t.Errorf("images table:\n%s", got.out)
	}
	if !strings.Contains(got.out, "4.26MB") || !strings.Contains(got.out, "123MB") {
		t.Errorf("sizes not shown with 3 digits:\n%s", got.out)
	}
}

func TestImagesFilters(t *testing.T) {
	f := newFakeEngine(t)
	f.json("GET /images/json", 200, `[]`)
	r := f.berth("", "images", "-a", "-f", "dangling=true", "busybox:1")
	if r.code != 0 || r.out != "REPOSITORY   TAG       IMAGE ID   CREATED   SIZE\n" {
		t.Fatalf("empty list: %+v", r)
	}
	q := f.last("/images/json").query
	for _, want := range []string{"all=1", "dangling", "reference", "busybox%3A1"} {
		if !strings.Contains(q, want) {
			t.Errorf("query %q lacks %q", q, want)
		}
	}
	f.sameAsDocker("", "images", "-f", "nonsense")
}

func TestImageInspect(t *testing.T) {
	f := newFakeEngine(t)
	f.json("GET /images/busybox/json", 200, `{"Id":"`+busyboxID+`","RepoTags":["busybox:latest"],"Created":"2024-01-01T00:00:00Z","Size":4261550,"Config":{"Cmd":["sh"]},"Os":"linux","Architecture":"amd64","Future":{"x":1}}`+"\n")
	f.json("GET /images/nope/json", 404, `{"message":"No such image: nope"}`)
	f.sameAsDocker("", "image", "inspect", "busybox")
	f.sameAsDocker("", "inspect", "busybox")
	f.sameAsDocker("", "image", "inspect", "--format", "{{.Id}} {{json .Config.Cmd}} {{.Os}}", "busybox")
	f.sameAsDocker("", "image", "inspect", "--format", "{{.Future.x}}", "busybox")
	f.sameAsDocker("", "image", "inspect", "--format", "json", "busybox")
	r := f.sameAsDocker("", "image", "inspect", "nope")
	if r.code != 1 || r.err != "Error response from daemon: No such image: nope\n" || r.out != "[]\n" {
		t.Errorf("missing image: %+v", r)
	}
	f.sameAsDocker("", "image", "inspect", "busybox", "nope")
	f.sameAsDocker("", "image", "inspect", "--format", "{{", "busybox")
}

func TestRemoveAndTag(t *testing.T) {
	f := newFakeEngine(t)
	f.json("DELETE /images/busybox", 200, `[{"Untagged":"busybox:latest"},{"Untagged":"busybox@sha256:1111111111111111111111111111111111111111111111111111111111111111"},{"Deleted":"`+busyboxID+`"}]`)
	f.json("DELETE /images/nope", 404, `{"message":"No such image: nope"}`)
	f.json("DELETE /images/used", 409, `{"message":"conflict: unable to remove repository reference \"used\" (must force) - container 123 is using its referenced image 456"}`)
	r := f.sameAsDocker("", "rmi", "busybox")
	if r.out != "Untagged: busybox:latest\nUntagged: busybox@sha256:1111111111111111111111111111111111111111111111111111111111111111\nDeleted: "+busyboxID+"\n" {
		t.Errorf("rmi: %+v", r)
	}
	f.sameAsDocker("", "image", "rm", "nope")
	f.sameAsDocker("", "rmi", "-f", "nope", "busybox")
	f.sameAsDocker("", "rmi", "used")
	f.sameAsDocker("", "rmi", "--no-prune", "busybox")
	if q := f.last("/images/busybox").query; !strings.Contains(q, "noprune=1") {
		t.Errorf("--no-prune not sent: %q", q)
	}
	f.sameAsDocker("", "rmi")

	f.json("POST /images/busybox/tag", 201, ``)
	f.json("POST /images/nope/tag", 404, `{"message":"No such image: nope"}`)
	r = f.sameAsDocker("", "tag", "busybox", "example.com/me/bb:v1")
	if r.code != 0 || r.out != "" {
		t.Errorf("tag: %+v", r)
	}
	if q := f.last("/images/busybox/tag").query; q != "repo=example.com%2Fme%2Fbb&tag=v1" {
		t.Errorf("tag query %q", q)
	}
	f.sameAsDocker("", "image", "tag", "nope", "x")
	f.sameAsDocker("", "tag", "busybox", "Bad:Name")
	f.sameAsDocker("", "tag", "busybox")
}

func TestPrune(t *testing.T) {
	f := newFakeEngine(t)
	f.json("POST /images/prune", 200, `{"ImagesDeleted":[{"Untagged":"old:1"},{"Deleted":"`+danglingID+`"}],"SpaceReclaimed":123456789}`)
	r := f.sameAsDocker("", "image", "prune", "-f")
	if !strings.Contains(r.out, "Deleted Images:\nuntagged: old:1\ndeleted: "+danglingID+"\n\nTotal reclaimed space: 123.5MB\n") {
		t.Errorf("prune: %+v", r)
	}
	if q := f.last("/images/prune").query; !strings.Contains(q, "dangling") || !strings.Contains(q, "true") {
		t.Errorf("prune query %q", q)
	}
	f.sameAsDocker("y\n", "image", "prune", "-a", "--filter", "until=24h")
	if q := f.last("/images/prune").query; !strings.Contains(q, "until") || !strings.Contains(q, "false") {
		t.Errorf("prune -a query %q", q)
	}
	f.sameAsDocker("n\n", "image", "prune")
	f.sameAsDocker("", "image", "prune")
	f.json("POST /images/prune", 200, `{"ImagesDeleted":null,"SpaceReclaimed":0}`)
	f.sameAsDocker("", "image", "prune", "-f")
}

func TestHistory(t *testing.T) {
	f := newFakeEngine(t)
	f.json("GET /images/busybox/history", 200, `[
 {"Id":"`+busyboxID+`","Created":1700000000,"CreatedBy":"/bin/sh -c #(nop)  CMD [\"sh\"]","Tags":["busybox:latest"],"Size":0,"Comment":""},
 {"Id":"<missing>","Created":1700000000,"CreatedBy":"/bin/sh -c #(nop) ADD file:7e9002edaafd4e4579b65c8f0aaabde1aeb7fd3f8d95579f7fd3443cef785fd1 in / ","Tags":null,"Size":4261550,"Comment":"imported"},
 {"Id":"<missing>","Created":0,"CreatedBy":"","Tags":null,"Size":0,"Comment":""}]`)
	f.json("GET /images/nope/history", 404, `{"message":"No such image: nope"}`)
	for _, args := range [][]string{
		{"history", "busybox"},
		{"image", "history", "--no-trunc", "busybox"},
		{"history", "-q", "busybox"},
		{"history", "-H=false", "busybox"},
		{"history", "--format", "{{.ID}}|{{.CreatedBy}}|{{.Size}}", "busybox"},
		{"history", "--format", "json", "busybox"},
		{"history", "nope"},
	} {
		f.sameAsDocker("", args...)
	}
}

func TestEngineErrors(t *testing.T) {
	f := newFakeEngine(t)
	f.json("GET /images/json", http.StatusInternalServerError, `{"message":"boom"}`)
	r := f.sameAsDocker("", "images")
	if r.code != 1 || r.err != "Error response from daemon: boom\n" {
		t.Errorf("%+v", r)
	}
}

func TestImagesHint(t *testing.T) {
	f := newFakeEngine(t)
	f.json("GET /images/json", 200, `[]`)
	r := f.sameAsDocker("", "images", "ls")
	if !strings.Contains(r.err, `did you mean "berth image ls"?`) {
		t.Errorf("no hint: %+v", r)
	}
	f.sameAsDocker("", "image", "ls", "ls")
}
