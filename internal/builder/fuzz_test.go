package builder

import (
	"testing"

	"github.com/containerd/errdefs"
)

// FuzzParse: any Dockerfile either parses, with a target stage the builder
// can pick, or is refused as an invalid argument; nothing panics.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"FROM busybox\nRUN echo hi\n",
		"ARG V=1\nFROM busybox:${V} AS base\nENV A=b\nFROM base\nCOPY --from=base /a /b\nCMD [\"sh\"]\n",
		"# escape=`\nFROM busybox\nRUN echo `\n  done\n",
		"FROM busybox\nRUN <<EOF\necho heredoc\nEOF\n",
		"FROM busybox\nONBUILD RUN true\nHEALTHCHECK --interval=5s CMD true\nEXPOSE 80/tcp\nUSER 1:1\n",
		"FROM scratch\nADD --chown=1:1 a /\nSHELL [\"/bin/sh\",\"-c\"]\nSTOPSIGNAL KILL\nVOLUME /v\nWORKDIR /w\nLABEL a=b\n",
		"FROM busybox\nFOO bar\n", "", "FROM", "RUN x", "FROM a AS b\nFROM b AS a\n",
	} {
		f.Add([]byte(s), "")
	}
	f.Fuzz(func(t *testing.T, data []byte, target string) {
		df, err := parse(data)
		if err != nil {
			if !errdefs.IsInvalidArgument(err) {
				t.Fatalf("parse: %v is not an invalid argument", err)
			}
			return
		}
		i, err := df.target(target)
		if err != nil {
			if !errdefs.IsInvalidArgument(err) {
				t.Fatalf("target(%q): %v", target, err)
			}
			return
		}
		if i < 0 || i >= len(df.stages) {
			t.Fatalf("target %q is stage %d of %d", target, i, len(df.stages))
		}
		for n := range df.stages {
			df.stageIndex(df.stages[n].Name, n)
		}
	})
}
