package container

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"

	"github.com/berth/berth/internal/backend"

	"github.com/berth/berth/internal/server/router"
	"github.com/containerd/errdefs"
	"github.com/distribution/reference"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
)

// errEmptyConfig is Docker's answer to a create without a config.
var errEmptyConfig = errdefs.ErrInvalidArgument.WithMessage("config cannot be empty in order to create a container")

// createBody is container.CreateRequest plus the fields that the current
// types dropped but clients still read back or need moved: API < 1.44
// clients give the MAC address in Config. Fields nobody knows are ignored,
// as Docker does: clients send a top-level Runtime, KernelMemory (docker
// CLI 28, docker-py) or extra keys in NetworkingConfig, and a 400 for them
// would break those clients.
type createBody struct {
	container.CreateRequest
	MacAddress string `json:",omitempty"`
}

func (cr *Router) create(ctx context.Context, w http.ResponseWriter, r *http.Request, _ map[string]string) error {
	name := r.URL.Query().Get("name")
	if name != "" {
		if err := checkName(name); err != nil {
			return err
		}
	}
	var body createBody
	if err := readJSON(r, &body, false); err != nil {
		if errors.Is(err, errNoBody) {
			// Docker decodes the body whatever its length.
			return errdefs.ErrInvalidArgument.WithMessage("invalid JSON: EOF")
		}
		return err
	}
	req := &body.CreateRequest
	if req.Config == nil {
		return errEmptyConfig
	}
	if req.HostConfig == nil {
		req.HostConfig = &container.HostConfig{}
	}
	if req.NetworkingConfig == nil {
		req.NetworkingConfig = &network.NetworkingConfig{}
	}
	shapeCreate(ctx, req)
	var warnings []string
	if body.MacAddress != "" {
		warn, err := moveMACAddress(ctx, req, body.MacAddress)
		if err != nil {
			return err
		}
		if warn != "" {
			warnings = append(warnings, warn)
		}
	}
	platform := ""
	if !router.VersionBefore(ctx, "1.41") {
		platform = r.URL.Query().Get("platform")
	}
	resp, err := cr.backend.ContainerCreate(ctx, name, req, platform)
	if err != nil {
		return err
	}
	resp.Warnings = nonNil(append(resp.Warnings, warnings...))
	return router.WriteJSON(w, http.StatusCreated, resp)
}

// shapeCreate drops what a client of an older API version cannot have
// meant: a field it did not know about keeps its default.
func shapeCreate(ctx context.Context, req *container.CreateRequest) {
	hc := req.HostConfig
	if router.VersionBefore(ctx, "1.40") && hc.IpcMode.IsEmpty() {
		hc.IpcMode = container.IPCModeShareable // the default those clients knew
	}
	if router.VersionBefore(ctx, "1.25") {
		hc.AutoRemove = false
	}
	if router.VersionBefore(ctx, "1.42") {
		hc.ConsoleSize = [2]uint{}
	}
	if router.VersionBefore(ctx, "1.43") {
		hc.Annotations = nil
	}
	if router.VersionBefore(ctx, "1.44") && req.Healthcheck != nil {
		req.Healthcheck.StartInterval = 0
	}
	if hc.PidsLimit != nil && *hc.PidsLimit <= 0 {
		hc.PidsLimit = nil // 0 and -1 both mean unlimited
	}
}

// moveMACAddress puts a container-wide MAC address (API < 1.44, and
// tolerated later with a warning) on the endpoint of the container's
// network, where the current types keep it.
func moveMACAddress(ctx context.Context, req *container.CreateRequest, mac string) (warning string, err error) {
	hw, err := net.ParseMAC(mac)
	if err != nil {
		return "", errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid MAC address %q", mac))
	}
	mode := req.HostConfig.NetworkMode
	if !mode.IsDefault() && !mode.IsBridge() && !mode.IsUserDefined() && mode != "" {
		return "", errdefs.ErrInvalidArgument.WithMessage("conflicting options: mac-address and the network mode")
	}
	netName := mode.NetworkName()
	if mode == "" || mode.IsDefault() {
		netName = network.NetworkBridge
	}
	eps := req.NetworkingConfig.EndpointsConfig
	if eps == nil {
		eps = map[string]*network.EndpointSettings{}
		req.NetworkingConfig.EndpointsConfig = eps
	}
	ep := eps[netName]
	if ep == nil {
		ep = &network.EndpointSettings{}
		eps[netName] = ep
	}
	switch {
	case len(ep.MacAddress) == 0:
		ep.MacAddress = network.HardwareAddr(hw)
	case net.HardwareAddr(ep.MacAddress).String() != hw.String():
		return "", errdefs.ErrInvalidArgument.WithMessage("the container-wide MAC address must match the endpoint-specific MAC address for the main network, or be left empty")
	}
	if router.VersionBefore(ctx, "1.44") {
		return "", nil
	}
	return "The container-wide MacAddress field is now deprecated. It should be specified in EndpointsConfig instead.", nil
}

func (cr *Router) update(ctx context.Context, w http.ResponseWriter, r *http.Request, vars map[string]string) error {
	var cfg container.UpdateConfig
	if err := readJSON(r, &cfg, false); err != nil && !errors.Is(err, errNoBody) {
		return err
	}
	if router.VersionBefore(ctx, "1.40") {
		cfg.PidsLimit = nil
	}
	if cfg.PidsLimit != nil && *cfg.PidsLimit <= 0 {
		var unlimited int64
		cfg.PidsLimit = &unlimited // here 0 means "remove the limit", not "keep it"
	}
	resp, err := cr.backend.ContainerUpdate(ctx, vars["name"], &cfg)
	if err != nil {
		return err
	}
	resp.Warnings = nonNil(resp.Warnings)
	return router.WriteJSON(w, http.StatusOK, resp)
}

// commit answers POST /commit?container=&repo=&tag=...; the body, a
// container.Config merged over the container's, may be empty or "null".
func (cr *Router) commit(ctx context.Context, w http.ResponseWriter, r *http.Request, _ map[string]string) error {
	q := r.URL.Query()
	var cfg *container.Config
	if err := readJSON(r, &cfg, false); err != nil && !errors.Is(err, errNoBody) {
		return err
	}
	opts := backend.CommitOptions{
		Repo:    q.Get("repo"),
		Tag:     q.Get("tag"),
		Comment: q.Get("comment"),
		Author:  q.Get("author"),
		Changes: q["changes"],
		Pause:   router.BoolValueOrDefault(r, "pause", true),
		Config:  cfg,
	}
	if err := commitRef(&opts); err != nil {
		return err
	}
	id, err := cr.backend.ContainerCommit(ctx, q.Get("container"), opts)
	if err != nil {
		return err
	}
	return router.WriteJSON(w, http.StatusCreated, container.CommitResponse{ID: id})
}

// commitRef checks the repository and tag to give the new image, and moves
// a tag written into the repository ("a/b:1.0") to Tag. Without a
// repository the tag is ignored, as Docker does.
func commitRef(o *backend.CommitOptions) error {
	if o.Repo == "" {
		o.Tag = ""
		return nil
	}
	named, err := reference.ParseNormalizedNamed(o.Repo)
	if err != nil {
		return errdefs.ErrInvalidArgument.WithMessage(err.Error())
	}
	if _, ok := named.(reference.Digested); ok {
		return errdefs.ErrInvalidArgument.WithMessage("cannot import digest reference")
	}
	if t, ok := named.(reference.Tagged); ok && o.Tag == "" {
		o.Tag = t.Tag()
	}
	named = reference.TrimNamed(named)
	if o.Tag != "" {
		if _, err := reference.WithTag(named, o.Tag); err != nil {
			return errdefs.ErrInvalidArgument.WithMessage(err.Error())
		}
	}
	o.Repo = reference.FamiliarName(named)
	return nil
}
