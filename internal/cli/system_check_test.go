package cli

import (
	"strings"
	"testing"
)

func TestSystemCheck(t *testing.T) {
	f := newFakeEngine(t)
	f.json("GET /berth/check", 200, `{"Checked":["containers","images"],"Problems":[]}`)
	if r := f.berth("", "system", "check"); r.code != 0 || r.out != "No problems found (checked containers, images)\n" {
		t.Fatalf("clean: %+v", r)
	}
	f.json("POST /berth/check", 200, `{"Checked":["images"],"Problems":[
		{"Area":"images","Subject":"sha256:ab","Problem":"blob of 3 bytes that no image references","Repaired":true},
		{"Area":"images","Subject":"sha256:cd","Problem":"config blob is missing"}]}`)
	r := f.berth("", "system", "check", "--repair")
	want := "images: sha256:ab: blob of 3 bytes that no image references (repaired)\n" +
		"images: sha256:cd: config blob is missing (not repaired: needs a decision)\n"
	if r.code != 1 || r.out != want || !strings.Contains(r.err, "2 problems found") {
		t.Fatalf("problems: %+v", r)
	}
	if q := f.last("/berth/check").query; q != "repair=1" {
		t.Fatalf("repair query %q", q)
	}
	if r := f.berth("", "system", "check", "extra"); r.code == 0 {
		t.Fatal("an argument was accepted")
	}
}

func TestSystemCheckOnDocker(t *testing.T) {
	f := newFakeEngine(t) // answers 404, as dockerd does for /berth/check
	if r := f.berth("", "system", "check"); r.code != 1 || !strings.Contains(r.err, "has no store check") {
		t.Fatalf("%+v", r)
	}
}
