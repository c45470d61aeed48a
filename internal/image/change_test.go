package image

import (
	"reflect"
	"strings"
	"testing"

	"github.com/containerd/errdefs"
	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
)

func TestApplyChanges(t *testing.T) {
	var cfg dockerspec.DockerOCIImageConfig
	err := ApplyChanges(&cfg, []string{
		`ENV PATH=/bin A=1`,
		`ENV B=$A-x`,
		`CMD ["sh", "-c", "echo hi"]`,
		`ENTRYPOINT /bin/init --now`,
		`WORKDIR /srv`,
		`WORKDIR app`,
		`USER nobody:nogroup`,
		`EXPOSE 80 53/udp`,
		`LABEL a=b "c d"=e`,
		`VOLUME /data`,
		`STOPSIGNAL SIGINT`,
	})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(cfg.Env, []string{"PATH=/bin", "A=1", "B=1-x"}) {
		t.Errorf("env %v", cfg.Env)
	}
	if !reflect.DeepEqual(cfg.Cmd, []string{"sh", "-c", "echo hi"}) {
		t.Errorf("cmd %v", cfg.Cmd)
	}
	if !reflect.DeepEqual(cfg.Entrypoint, []string{"/bin/sh", "-c", "/bin/init --now"}) {
		t.Errorf("entrypoint %v", cfg.Entrypoint)
	}
	if cfg.WorkingDir != "/srv/app" || cfg.User != "nobody:nogroup" || cfg.StopSignal != "SIGINT" {
		t.Errorf("workdir %q user %q stopsignal %q", cfg.WorkingDir, cfg.User, cfg.StopSignal)
	}
	if _, ok := cfg.ExposedPorts["80/tcp"]; !ok {
		t.Errorf("ports %v", cfg.ExposedPorts)
	}
	if _, ok := cfg.ExposedPorts["53/udp"]; !ok {
		t.Errorf("ports %v", cfg.ExposedPorts)
	}
	if cfg.Labels["c d"] != "e" || cfg.Labels["a"] != "b" {
		t.Errorf("labels %v", cfg.Labels)
	}
	if _, ok := cfg.Volumes["/data"]; !ok {
		t.Errorf("volumes %v", cfg.Volumes)
	}
}

func TestApplyChangesRefuses(t *testing.T) {
	for _, bad := range []string{"RUN rm -rf /", "FROM scratch", "BOGUS x"} {
		var cfg dockerspec.DockerOCIImageConfig
		err := ApplyChanges(&cfg, []string{bad})
		if !errdefs.IsInvalidArgument(err) {
			t.Errorf("%q: want invalid argument, got %v", bad, err)
		}
	}
	var cfg dockerspec.DockerOCIImageConfig
	err := ApplyChanges(&cfg, []string{"RUN true"})
	if err == nil || !strings.Contains(err.Error(), "RUN is not a valid change command") {
		t.Errorf("want Docker's words, got %v", err)
	}
}
