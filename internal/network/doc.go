// Package network gives containers their network: records of networks and
// endpoints with address management persisted in bbolt, drivers behind one
// interface (bridge, null; overlay can be added later), Berth's own
// nftables table for masquerade and published ports, and an embedded DNS
// resolver for user-defined networks.
package network
