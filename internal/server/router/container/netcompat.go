package container

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"

	"github.com/berth/berth/internal/server/router"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
)

// endpointsForVersion shapes each network's entry as older API versions
// had it: before 1.45 the short ID is one of the aliases on user-defined
// networks (docker-compose 1.29 looks for it); before 1.44 there are no
// DNSNames.
func endpointsForVersion(ctx context.Context, c *container.InspectResponse) {
	if c.NetworkSettings == nil {
		return
	}
	for _, es := range c.NetworkSettings.Networks {
		if es == nil {
			continue
		}
		if router.VersionBefore(ctx, "1.45") && len(es.DNSNames) > 0 && len(c.ID) >= 12 && !slices.Contains(es.Aliases, c.ID[:12]) {
			es.Aliases = append(es.Aliases, c.ID[:12])
		}
		if router.VersionBefore(ctx, "1.44") {
			es.DNSNames = nil
		}
	}
}

// legacyNetworkFields are the top-level NetworkSettings fields API
// versions before 1.52 carry: the container's own network's endpoint
// (its network mode's), as Docker fills them.
type legacyNetworkFields struct {
	EndpointID          string
	Gateway             string
	GlobalIPv6Address   string
	GlobalIPv6PrefixLen int
	IPAddress           string
	IPPrefixLen         int
	IPv6Gateway         string
	MacAddress          string
}

func legacyFieldsOf(c *container.InspectResponse) legacyNetworkFields {
	var f legacyNetworkFields
	if c.NetworkSettings == nil || c.HostConfig == nil {
		return f
	}
	name := string(c.HostConfig.NetworkMode)
	if name == "" || name == network.NetworkDefault {
		name = network.NetworkBridge
	}
	es := c.NetworkSettings.Networks[name]
	if es == nil {
		return f
	}
	f.EndpointID, f.IPPrefixLen, f.GlobalIPv6PrefixLen = es.EndpointID, es.IPPrefixLen, es.GlobalIPv6PrefixLen
	if es.IPAddress.IsValid() {
		f.IPAddress = es.IPAddress.String()
	}
	if es.Gateway.IsValid() {
		f.Gateway = es.Gateway.String()
	}
	if es.GlobalIPv6Address.IsValid() {
		f.GlobalIPv6Address = es.GlobalIPv6Address.String()
	}
	if es.IPv6Gateway.IsValid() {
		f.IPv6Gateway = es.IPv6Gateway.String()
	}
	if len(es.MacAddress) > 0 {
		f.MacAddress = es.MacAddress.String()
	}
	return f
}

// writeInspect writes the container, with the legacy fields merged into
// NetworkSettings for clients of API versions before 1.52.
func writeInspect(ctx context.Context, w http.ResponseWriter, c *container.InspectResponse) error {
	endpointsForVersion(ctx, c)
	if !router.VersionBefore(ctx, "1.52") || c.NetworkSettings == nil {
		return router.WriteJSON(w, http.StatusOK, c)
	}
	body, err := json.Marshal(c)
	if err != nil {
		return err
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(body, &top); err != nil {
		return err
	}
	var ns map[string]json.RawMessage
	if err := json.Unmarshal(top["NetworkSettings"], &ns); err != nil {
		return err
	}
	legacy, err := json.Marshal(legacyFieldsOf(c))
	if err != nil {
		return err
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(legacy, &fields); err != nil {
		return err
	}
	for k, v := range fields {
		ns[k] = v
	}
	if top["NetworkSettings"], err = json.Marshal(ns); err != nil {
		return err
	}
	return router.WriteJSON(w, http.StatusOK, top)
}
