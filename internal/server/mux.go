package server

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/berth/berth/internal/server/router"
)

// versionPrefix matches the optional "/v1.NN" in front of every path.
var versionPrefix = regexp.MustCompile(`^/v([0-9.]+)(/.*)$`)

// compiledRoute is a Route with its pattern turned into a regexp.
type compiledRoute struct {
	router.Route
	re    *regexp.Regexp
	names []string
}

// compile turns "/images/{name:.*}/json" into ^/images/(.*)/json$ and
// "/x/{id}" into ^/x/([^/]+)$.
func compile(rt router.Route) (compiledRoute, error) {
	var b strings.Builder
	var names []string
	b.WriteString("^")
	rest := rt.Path
	for {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			b.WriteString(regexp.QuoteMeta(rest))
			break
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			return compiledRoute{}, fmt.Errorf("route %q: unclosed '{'", rt.Path)
		}
		b.WriteString(regexp.QuoteMeta(rest[:i]))
		name, pattern, ok := strings.Cut(rest[i+1:i+j], ":")
		if !ok {
			pattern = "[^/]+"
		}
		b.WriteString("(" + pattern + ")")
		names = append(names, name)
		rest = rest[i+j+1:]
	}
	b.WriteString("$")
	re, err := regexp.Compile(b.String())
	if err != nil {
		return compiledRoute{}, fmt.Errorf("route %q: %w", rt.Path, err)
	}
	return compiledRoute{Route: rt, re: re, names: names}, nil
}

// match finds the first route for method and path. When the path is known
// but no route has the method, it returns allowed methods instead.
func match(routes []compiledRoute, method, path string) (rt *compiledRoute, vars map[string]string, allowed []string) {
	for i := range routes {
		m := routes[i].re.FindStringSubmatch(path)
		if m == nil {
			continue
		}
		if routes[i].Method != "" && routes[i].Method != method {
			allowed = append(allowed, routes[i].Method)
			continue
		}
		vars = make(map[string]string, len(m))
		for k, name := range routes[i].names {
			vars[name] = m[k+1]
		}
		return &routes[i], vars, nil
	}
	return nil, nil, allowed
}

// splitVersion separates "/v1.50/images/json" into "1.50" and
// "/images/json"; a path without a prefix yields "".
func splitVersion(path string) (version, rest string) {
	if m := versionPrefix.FindStringSubmatch(path); m != nil {
		return m[1], m[2]
	}
	return "", path
}
