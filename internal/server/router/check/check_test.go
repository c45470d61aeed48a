package check

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"testing"

	"github.com/berth/berth/internal/check"
	"github.com/berth/berth/internal/server/router"
)

type fakeBackend struct{ repaired *bool }

func (f fakeBackend) StoreCheck(_ context.Context, repair bool) check.Report {
	*f.repaired = repair
	return check.Report{Repair: repair, Checked: []string{"images"}, Problems: []check.Problem{{Area: "images", Subject: "x", Problem: "y"}}}
}

func TestRepairNeedsPost(t *testing.T) {
	for _, tc := range []struct {
		method, query string
		repair        bool
	}{{"GET", "?repair=1", false}, {"POST", "", false}, {"POST", "?repair=1", true}} {
		var got bool
		rt := NewRouter(fakeBackend{&got})
		var h router.HandlerFunc
		for _, r := range rt.Routes() {
			if r.Method == tc.method {
				h = r.Handler
			}
		}
		rec := httptest.NewRecorder()
		if err := h(context.Background(), rec, httptest.NewRequest(tc.method, "/berth/check"+tc.query, nil), nil); err != nil {
			t.Fatal(err)
		}
		var rep check.Report
		if err := json.NewDecoder(rec.Body).Decode(&rep); err != nil || rec.Code != 200 || len(rep.Problems) != 1 {
			t.Fatalf("%s %s: %d %v %+v", tc.method, tc.query, rec.Code, err, rep)
		}
		if got != tc.repair {
			t.Fatalf("%s %s: repair %v, want %v", tc.method, tc.query, got, tc.repair)
		}
	}
}
