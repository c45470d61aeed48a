// Package spec turns a container's Config and HostConfig into the OCI
// runtime spec (config.json) that runc or crun runs, with the same security
// defaults and option semantics as Docker: capabilities, seccomp, masked
// paths, device rules, namespaces, cgroup resources, rlimits and the user
// the process runs as (looked up inside the container's root filesystem).
//
// The package only computes; it creates no files and touches no cgroups.
// The few facts it needs from the host (the capability bounding set, the
// cgroup version, the rlimits, the device nodes) are read when needed.
package spec
