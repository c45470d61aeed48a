package network

import (
	"github.com/vishvananda/netlink"
	bolt "go.etcd.io/bbolt"
)

// Purge removes from the host what a daemon's networks made: the bridge
// of every network recorded in db and the nftables table named after
// defaultBridge. It is for a data root being thrown away (tests); a
// daemon that merely stops keeps them for its running containers.
func Purge(db *bolt.DB, defaultBridge string) error {
	st, err := newStore(db)
	if err != nil {
		return err
	}
	nets, err := st.networks()
	if err != nil {
		return err
	}
	for _, n := range nets {
		if n.Bridge == "" {
			continue
		}
		if l, err := netlink.LinkByName(n.Bridge); err == nil {
			netlink.LinkDel(l)
		}
	}
	fw := firewall{table: "berth-" + defaultBridge}
	return fw.remove()
}
