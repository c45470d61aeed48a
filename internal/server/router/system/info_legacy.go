package system

import (
	"bytes"
	"context"
	"encoding/json"

	"github.com/berth/berth/internal/server/router"
	apisystem "github.com/moby/moby/api/types/system"
)

// infoForVersion shapes /info for the client's API version: fields newer
// than the client are left out, and fields the current types dropped but
// older clients read are put back, with the values Docker gives them.
func infoForVersion(ctx context.Context, info *apisystem.Info) (any, error) {
	if router.VersionBefore(ctx, "1.44") {
		for k, rt := range info.Runtimes {
			info.Runtimes[k] = apisystem.RuntimeWithStatus{Runtime: rt.Runtime} // Status is 1.44's
		}
	}
	if router.VersionBefore(ctx, "1.46") {
		info.Containerd = nil
	}
	if router.VersionBefore(ctx, "1.49") {
		info.FirewallBackend = nil
	}
	if router.VersionBefore(ctx, "1.50") {
		info.DiscoveredDevices = nil
	}
	if router.VersionBefore(ctx, "1.53") {
		info.NRI = nil
	}
	if !router.VersionBefore(ctx, "1.50") {
		return info, nil
	}
	b, err := json.Marshal(info)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber() // numbers pass through unchanged
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	// Always false before 1.50, when the fields went away.
	m["BridgeNfIptables"], m["BridgeNfIp6tables"] = false, false
	if router.VersionBefore(ctx, "1.49") {
		for key, commit := range map[string]apisystem.Commit{
			"ContainerdCommit": info.ContainerdCommit, "RuncCommit": info.RuncCommit, "InitCommit": info.InitCommit,
		} {
			m[key] = map[string]string{"ID": commit.ID, "Expected": commit.ID}
		}
	}
	if router.VersionBefore(ctx, "1.47") {
		rc, ok := m["RegistryConfig"].(map[string]any)
		if !ok {
			rc = map[string]any{}
			m["RegistryConfig"] = rc
		}
		rc["AllowNondistributableArtifactsCIDRs"] = nil
		rc["AllowNondistributableArtifactsHostnames"] = nil
	}
	return m, nil
}
