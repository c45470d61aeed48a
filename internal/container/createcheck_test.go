package container

import (
	"testing"

	"github.com/containerd/errdefs"
	apicontainer "github.com/moby/moby/api/types/container"
)

func TestCheckConfig(t *testing.T) {
	for _, tc := range []struct {
		cfg  apicontainer.Config
		want string
	}{
		{apicontainer.Config{Env: []string{"A=1", ""}}, "invalid environment variable: "},
		{apicontainer.Config{Env: []string{"=x"}}, "invalid environment variable: =x"},
		{apicontainer.Config{WorkingDir: "rel/dir"}, "the working directory 'rel/dir' is invalid, it needs to be an absolute path"},
	} {
		if err := CheckConfig(&tc.cfg); !errdefs.IsInvalidArgument(err) || err.Error() != tc.want {
			t.Errorf("%+v: %v, want %q", tc.cfg, err, tc.want)
		}
	}
	cfg := apicontainer.Config{WorkingDir: "/a//b/../c/", Env: []string{"A", "B="}}
	if err := CheckConfig(&cfg); err != nil || cfg.WorkingDir != "/a/c" {
		t.Errorf("clean: %v %q", err, cfg.WorkingDir)
	}
}

func TestCheckHostConfigModes(t *testing.T) {
	for want, hc := range map[string]apicontainer.HostConfig{
		"invalid IPC mode: bogus": {IpcMode: "bogus"},
		"invalid PID mode: bogus": {PidMode: "bogus"},
		"invalid UTS mode: bogus": {UTSMode: "bogus"},
		"invalid Annotations: the empty string is not permitted as an annotation key": {Annotations: map[string]string{"": "x"}},
	} {
		if _, err := CheckHostConfig(&hc); !errdefs.IsInvalidArgument(err) || err.Error() != want {
			t.Errorf("%q: got %v", want, err)
		}
	}
	ok := apicontainer.HostConfig{IpcMode: "container:x", PidMode: "host", UTSMode: "host"}
	if _, err := CheckHostConfig(&ok); err != nil {
		t.Error(err)
	}
}

func TestSetHostConfigDefaults(t *testing.T) {
	hc := apicontainer.HostConfig{ReadonlyPaths: []string{}}
	SetHostConfigDefaults(&hc, []string{"/proc/kcore"}, []string{"/proc/sys"})
	if len(hc.MaskedPaths) != 1 || hc.ReadonlyPaths == nil || len(hc.ReadonlyPaths) != 0 || hc.IpcMode != "private" {
		t.Errorf("defaults: %+v %+v %q", hc.MaskedPaths, hc.ReadonlyPaths, hc.IpcMode)
	}
	priv := apicontainer.HostConfig{Privileged: true, IpcMode: "shareable"}
	SetHostConfigDefaults(&priv, []string{"/proc/kcore"}, []string{"/proc/sys"})
	if priv.MaskedPaths != nil || priv.ReadonlyPaths != nil || priv.IpcMode != "shareable" {
		t.Errorf("privileged: %+v", priv)
	}
}
