package registry

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/containerd/errdefs"
)

// SearchResult is one repository a registry's search index returned.
type SearchResult struct {
	StarCount   int    `json:"star_count"`
	IsOfficial  bool   `json:"is_official"`
	Name        string `json:"name"`
	IsAutomated bool   `json:"is_automated"`
	Description string `json:"description"`
}

// searchResults is the v1 search answer.
type searchResults struct {
	Query      string         `json:"query"`
	NumResults int            `json:"num_results"`
	Results    []SearchResult `json:"results"`
}

// DefaultSearchLimit is how many results a search asks for when the
// client gives no limit.
const DefaultSearchLimit = 25

// Search asks the search index of the registry a term names (Docker Hub's
// for a term without a registry host) for matching repositories, over the
// v1 search API every Docker client's `search` uses. Loopback and insecure
// registries are asked over http.
func (c *Client) Search(ctx context.Context, term string, limit int) ([]SearchResult, error) {
	if strings.Contains(term, "://") {
		return nil, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid repository name: repository name (%s) should not have a scheme", term))
	}
	if limit == 0 {
		limit = DefaultSearchLimit
	}
	if limit < 1 || limit > 100 {
		return nil, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("limit %d is outside the range of [1, 100]", limit))
	}
	host, remote := splitSearchTerm(term)
	base := "https://" + host + "/v1/"
	if host == "docker.io" {
		base = "https://index.docker.io/v1/"
		remote = strings.TrimPrefix(remote, "library/")
	} else if c.Insecure(host) {
		base = "http://" + host + "/v1/"
	}
	rt, err := c.transport(host)
	if err != nil {
		return nil, err
	}
	u := base + "search?q=" + url.QueryEscape(remote) + "&n=" + strconv.Itoa(limit)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, http.NoBody)
	if err != nil {
		return nil, errdefs.ErrInvalidArgument.WithMessage("error building request: " + err.Error())
	}
	if c.cfg.UserAgent != "" {
		req.Header.Set("User-Agent", c.cfg.UserAgent)
	}
	resp, err := (&http.Client{Transport: rt}).Do(req)
	if err != nil {
		return nil, err // a system error (500), in the transport's words
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, errdefs.ErrUnknown.WithMessage(fmt.Sprintf("unexpected status code %d", resp.StatusCode))
	}
	var res searchResults
	if err := json.NewDecoder(resp.Body).Decode(&res); err != nil {
		return nil, fmt.Errorf("error decoding registry search results: %w", err)
	}
	return res.Results, nil
}

// splitSearchTerm separates a registry host from the repository part of a
// search term; a first component without a dot or port that is not
// "localhost" is a Docker Hub name.
func splitSearchTerm(term string) (host, remote string) {
	parts := strings.SplitN(term, "/", 2)
	if len(parts) == 1 || (!strings.ContainsAny(parts[0], ".:") && parts[0] != "localhost") {
		return "docker.io", term
	}
	return parts[0], parts[1]
}
