package integration

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/berth/berth/internal/check"
	"github.com/berth/berth/internal/testutil"
)

// storeCheck runs the daemon's store check through its endpoint; with
// repair it repairs too.
func storeCheck(t *testing.T, d *testutil.Daemon, repair bool) check.Report {
	t.Helper()
	method, url := http.MethodGet, testutil.BaseURL+"/berth/check"
	if repair {
		method, url = http.MethodPost, url+"?repair=1"
	}
	req, err := http.NewRequestWithContext(t.Context(), method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := d.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var rep check.Report
	if err := json.NewDecoder(resp.Body).Decode(&rep); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("store check: %d %v", resp.StatusCode, err)
	}
	return rep
}

// requireClean fails the test with every problem the store check finds.
func requireClean(t *testing.T, d *testutil.Daemon, after string) {
	t.Helper()
	for _, p := range storeCheck(t, d, false).Problems {
		t.Errorf("after %s: %v", after, p)
	}
}
