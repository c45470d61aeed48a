package network

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"

	"github.com/moby/moby/api/types/network"
)

// ipamConfigs groups --subnet, --ip-range, --gateway and --aux-address into
// one pool per subnet. Each range, gateway and auxiliary address must fall
// in exactly one given subnet; the checks and their wording follow the
// docker CLI, which validates before asking the daemon.
func ipamConfigs(subnets, ranges, gateways []string, aux map[string]string) ([]network.IPAMConfig, error) {
	if len(subnets) < len(ranges) || len(subnets) < len(gateways) {
		return nil, errors.New("every ip-range or gateway must have a corresponding subnet")
	}
	pools := make([]network.IPAMConfig, 0, len(subnets))
	for i, s := range subnets {
		for _, prev := range subnets[:i] {
			a, err := inSubnet(s, prev)
			if err != nil {
				return nil, err
			}
			b, err := inSubnet(prev, s)
			if err != nil {
				return nil, err
			}
			if a || b {
				return nil, errors.New("multiple overlapping subnet configuration is not supported")
			}
		}
		// The docker CLI leaves a malformed lone subnet to the daemon; our
		// typed request cannot carry one, so it fails here instead.
		if _, _, err := net.ParseCIDR(s); err != nil {
			return nil, fmt.Errorf("invalid subnet: %w", err)
		}
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return nil, fmt.Errorf("invalid subnet: %w", err)
		}
		pools = append(pools, network.IPAMConfig{Subnet: p})
	}
	for _, r := range ranges {
		i, err := owner(subnets, r, "range")
		if err != nil {
			return nil, err
		}
		if pools[i].IPRange.IsValid() {
			return nil, fmt.Errorf("cannot configure multiple ranges (%s, %s) on the same subnet (%s)", r, pools[i].IPRange, subnets[i])
		}
		if pools[i].IPRange, err = netip.ParsePrefix(r); err != nil {
			return nil, fmt.Errorf("invalid ip-range: %w", err)
		}
	}
	for _, g := range gateways {
		i, err := owner(subnets, g, "gateway")
		if err != nil {
			return nil, err
		}
		if pools[i].Gateway.IsValid() {
			return nil, fmt.Errorf("cannot configure multiple gateways (%s, %s) for the same subnet (%s)", g, pools[i].Gateway, subnets[i])
		}
		if pools[i].Gateway, err = netip.ParseAddr(g); err != nil {
			return nil, fmt.Errorf("invalid gateway: %w", err)
		}
	}
	for name, a := range aux {
		i, err := owner(subnets, a, "aux-address")
		if err != nil {
			return nil, err
		}
		addr, err := netip.ParseAddr(a)
		if err != nil {
			return nil, fmt.Errorf("invalid aux-address: %w", err)
		}
		if pools[i].AuxAddress == nil {
			pools[i].AuxAddress = map[string]netip.Addr{}
		}
		pools[i].AuxAddress[name] = addr
	}
	return pools, nil
}

// owner finds the subnet holding addr (an address or a CIDR).
func owner(subnets []string, addr, what string) (int, error) {
	for i, s := range subnets {
		ok, err := inSubnet(s, addr)
		if err != nil {
			return 0, err
		}
		if ok {
			return i, nil
		}
	}
	return 0, fmt.Errorf("no matching subnet for %s %s", what, addr)
}

// inSubnet reports whether subnet holds data's address. It parses with
// package net, as the docker CLI does, so that bad input fails with the
// same words.
func inSubnet(subnet, data string) (bool, error) {
	_, n, err := net.ParseCIDR(subnet)
	if err != nil {
		return false, fmt.Errorf("invalid subnet: %w", err)
	}
	var ip net.IP
	if strings.Contains(data, "/") {
		if ip, _, err = net.ParseCIDR(data); err != nil {
			return false, err
		}
	} else {
		ip = net.ParseIP(data)
	}
	return n.Contains(ip), nil
}
