package container

import (
	"errors"
	"fmt"
	"net/netip"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
)

// networkingConfig turns --network-alias, --link, --ip and --ip6 into the
// endpoint settings of the container's first network, as docker's CLI
// does: aliases and links are endpoint settings only on a user-defined
// network (on the default bridge --link is a legacy link, sent in
// HostConfig.Links alone). The network mode always gets an endpoint, even
// "default", as docker sends it. Addresses must parse: the API's types
// cannot carry one that does not.
func (o *containerOptions) networkingConfig(mode container.NetworkMode) (*network.NetworkingConfig, error) {
	cfg := &network.NetworkingConfig{}
	userDefined := mode.IsUserDefined()
	aliases := o.aliases.Values()
	if len(aliases) > 0 && !userDefined {
		return nil, errors.New("network-scoped aliases are only supported for user-defined networks")
	}
	ep := &network.EndpointSettings{Aliases: aliases}
	if userDefined {
		ep.Links = o.links.Values()
	}
	if o.ipv4 != "" || o.ipv6 != "" {
		ep.IPAMConfig = &network.EndpointIPAMConfig{}
		if o.ipv4 != "" {
			a, err := netip.ParseAddr(o.ipv4)
			if err != nil || !a.Is4() {
				return nil, fmt.Errorf("invalid IPv4 address: %s", o.ipv4)
			}
			ep.IPAMConfig.IPv4Address = a
		}
		if o.ipv6 != "" {
			a, err := netip.ParseAddr(o.ipv6)
			if err != nil || !a.Is6() {
				return nil, fmt.Errorf("invalid IPv6 address: %s", o.ipv6)
			}
			ep.IPAMConfig.IPv6Address = a
		}
	}
	cfg.EndpointsConfig = map[string]*network.EndpointSettings{string(mode): ep}
	return cfg, nil
}
