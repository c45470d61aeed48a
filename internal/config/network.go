package config

import (
	"crypto/sha256"
	"encoding/hex"
)

// AddressPool is one entry of default-address-pools: subnets of Size
// bits are carved from Base.
type AddressPool struct {
	Base string `json:"base"`
	Size int    `json:"size"`
}

// DefaultBridge is the bridge name Finish gives a data root.
func DefaultBridge(dataRoot string) string { return defaultBridge(dataRoot) }

// defaultBridge is berth0 for the default data root; another data root
// gets its own name, so test daemons never collide on a bridge.
func defaultBridge(dataRoot string) string {
	if dataRoot == "/var/lib/berth" {
		return "berth0"
	}
	h := sha256.Sum256([]byte(dataRoot))
	return "bh" + hex.EncodeToString(h[:])[:10]
}

// IPForwardEnabled reads IPForward with its default.
func (c *Config) IPForwardEnabled() bool { return c.IPForward == nil || *c.IPForward }
