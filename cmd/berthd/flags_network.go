package main

import (
	"strconv"
	"strings"

	"github.com/berth/berth/internal/config"
)

// parseAddressPool reads dockerd's base=CIDR,size=N; a malformed entry
// is left for the daemon to reject with the rest of the pools.
func parseAddressPool(s string) config.AddressPool {
	var p config.AddressPool
	for _, kv := range strings.Split(s, ",") {
		k, v, _ := strings.Cut(kv, "=")
		switch k {
		case "base":
			p.Base = v
		case "size":
			p.Size, _ = strconv.Atoi(v)
		}
	}
	return p
}
