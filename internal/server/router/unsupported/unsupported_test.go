package unsupported_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/berth/berth/internal/server"
	"github.com/berth/berth/internal/server/router/unsupported"
)

func TestDockerAnswers(t *testing.T) {
	s, err := server.New(server.Config{}, unsupported.NewRouter())
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s)
	defer ts.Close()
	const notManager = `{"message":"This node is not a swarm manager. Use \"docker swarm init\" or \"docker swarm join\" to connect this node to swarm and try again."}`
	for _, c := range []struct{ method, path, want string }{
		{"GET", "/v1.50/swarm", "503 " + notManager},
		{"POST", "/swarm/init", "503 " + notManager},
		{"GET", "/services", "503 " + notManager},
		{"DELETE", "/v1.41/services/web", "503 " + notManager},
		{"GET", "/secrets", "503 " + notManager},
		{"POST", "/configs/create", "503 " + notManager},
		{"GET", "/nodes", "503 " + notManager},
		{"GET", "/tasks?filters=x", "503 " + notManager},
		{"POST", "/swarm/leave?force=1", `503 {"message":"This node is not part of a swarm"}`},
		{"GET", "/v1.50/plugins", "200 []"},
		{"GET", "/swarmish", `404 {"message":"page not found"}`},
	} {
		req, _ := http.NewRequest(c.method, ts.URL+c.path, nil)
		resp, err := ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if got := resp.Status[:3] + " " + strings.TrimSpace(string(body)); got != c.want {
			t.Errorf("%s %s: got %s, want %s", c.method, c.path, got, c.want)
		}
	}
}
