package shim

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestMemory measures the shims of 20 sleeping containers. It is a
// measurement, not a check: run it with BERTH_SHIM_MEMORY=1 and -v.
func TestMemory(t *testing.T) {
	if os.Getenv("BERTH_SHIM_MEMORY") == "" {
		t.Skip("set BERTH_SHIM_MEMORY=1 to measure")
	}
	const n = 20
	var shims []*fixture
	for i := 0; i < n; i++ {
		f := launch(t, newConfig(t, false, "sleep", "1000"))
		if err := f.client.Start(ctxT(t)); err != nil {
			t.Fatal(err)
		}
		shims = append(shims, f)
	}
	time.Sleep(2 * time.Second) // let the GC settle
	var rss, pss int
	for _, f := range shims {
		r, p := smapsRollup(t, f.client.Process().Pid)
		rss += r
		pss += p
	}
	t.Logf("%d shims: RSS %d KiB each (avg), PSS %d KiB each (avg)", n, rss/n, pss/n)
}

func smapsRollup(t *testing.T, pid int) (rss, pss int) {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/smaps_rollup")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 2 {
			continue
		}
		v, _ := strconv.Atoi(fields[1])
		switch fields[0] {
		case "Rss:":
			rss = v
		case "Pss:":
			pss = v
		}
	}
	return rss, pss
}
