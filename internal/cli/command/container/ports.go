package container

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/moby/moby/api/types/network"
)

// parsePorts reads -p [IP:][HOST_PORT:]CONTAINER_PORT[/PROTO] and --expose
// PORT[-PORT][/PROTO], ranges included.
func parsePorts(publish, expose []string) (network.PortSet, network.PortMap, error) {
	exposed := network.PortSet{}
	bindings := network.PortMap{}
	for _, e := range expose {
		ports, err := portRange(e)
		if err != nil {
			return nil, nil, err
		}
		for _, p := range ports {
			exposed[p] = struct{}{}
		}
	}
	for _, spec := range publish {
		rest, proto, _ := strings.Cut(spec, "/")
		if proto == "" {
			proto = "tcp"
		}
		var ip, hostPort, ctrPort string
		if i := strings.LastIndex(rest, ":"); i < 0 {
			ctrPort = rest
		} else {
			ctrPort = rest[i+1:]
			head := rest[:i]
			if j := strings.LastIndex(head, ":"); j < 0 {
				hostPort = head
			} else {
				ip, hostPort = strings.Trim(head[:j], "[]"), head[j+1:]
			}
		}
		if ctrPort == "" {
			return nil, nil, fmt.Errorf("no port specified: %s<empty>", spec)
		}
		ctr, err := portRange(ctrPort + "/" + proto)
		if err != nil {
			return nil, nil, err
		}
		var addr netip.Addr
		if ip != "" {
			if addr, err = netip.ParseAddr(ip); err != nil {
				return nil, nil, fmt.Errorf("invalid IP address: %s", ip)
			}
		}
		hosts := []string{hostPort}
		if strings.Contains(hostPort, "-") && len(ctr) > 1 {
			lo, hi, err := bounds(hostPort)
			if err != nil {
				return nil, nil, err
			}
			if hi-lo+1 != len(ctr) {
				return nil, nil, fmt.Errorf("invalid ranges specified for container and host Ports: %s and %s", ctrPort, hostPort)
			}
			hosts = hosts[:0]
			for n := lo; n <= hi; n++ {
				hosts = append(hosts, strconv.Itoa(n))
			}
		}
		for i, p := range ctr {
			h := hosts[0]
			if len(hosts) > 1 {
				h = hosts[i]
			}
			exposed[p] = struct{}{}
			bindings[p] = append(bindings[p], network.PortBinding{HostIP: addr, HostPort: h})
		}
	}
	return exposed, bindings, nil
}

// portRange expands "80-82/udp" into its ports.
func portRange(s string) ([]network.Port, error) {
	num, proto, _ := strings.Cut(s, "/")
	if proto == "" {
		proto = "tcp"
	}
	lo, hi, err := bounds(num)
	if err != nil {
		return nil, err
	}
	var out []network.Port
	for n := lo; n <= hi; n++ {
		p, err := network.ParsePort(strconv.Itoa(n) + "/" + proto)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// bounds reads "N" or "N-M".
func bounds(s string) (int, int, error) {
	a, b, isRange := strings.Cut(s, "-")
	lo, err := strconv.ParseUint(a, 10, 16)
	if err != nil {
		return 0, 0, fmt.Errorf("invalid containerPort: %s", s)
	}
	hi := lo
	if isRange {
		if hi, err = strconv.ParseUint(b, 10, 16); err != nil || hi < lo {
			return 0, 0, fmt.Errorf("invalid range specified for port: %s", s)
		}
	}
	return int(lo), int(hi), nil
}
