package container

import (
	"reflect"
	"strings"
	"testing"

	apicontainer "github.com/moby/moby/api/types/container"
)

func TestParseIDList(t *testing.T) {
	got, err := parseIDList("0-2,5")
	if err != nil || !reflect.DeepEqual(got, map[int]bool{0: true, 1: true, 2: true, 5: true}) {
		t.Errorf("got %v %v", got, err)
	}
	for _, bad := range []string{"", "a", "3-1", "1,,2", "-1"} {
		if _, err := parseIDList(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestCheckUpdate(t *testing.T) {
	refused := map[string]apicontainer.Resources{
		"Minimum memory limit allowed is 6MB":                                 {Memory: 1 << 20},
		"Minimum memory reservation allowed is 6MB":                           {MemoryReservation: 1 << 20},
		"Conflicting options: Nano CPUs and CPU Quota cannot both be set":     {NanoCPUs: 1e9, CPUQuota: 50000},
		"CPU cfs period can not be less than 1ms":                             {CPUPeriod: 10},
		"Invalid QoS settings: linux does not support Maximum IO Bandwidth":   {IOMaximumBandwidth: 1},
		"Requested CPUs are not available - requested 0-4095":                 {CpusetCpus: "0-4095"},
		"Invalid value x for cpuset mems":                                     {CpusetMems: "x"},
		"invalid resources: negative values are not allowed":                  {CPUShares: -1},
		"Minimum memory limit can not be less than memory reservation limit":  {Memory: 8 << 20, MemoryReservation: 16 << 20},
		"Minimum memoryswap limit should be larger than memory limit, see us": {Memory: 16 << 20, MemorySwap: 8 << 20},
	}
	for want, r := range refused {
		if _, err := CheckUpdate(&r, apicontainer.RestartPolicy{}); err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("want %q, got %v", want, err)
		}
	}
	r := apicontainer.Resources{CPUPercent: 50, Memory: 64 << 20}
	warnings, err := CheckUpdate(&r, apicontainer.RestartPolicy{Name: apicontainer.RestartPolicyAlways})
	if err != nil || r.CPUPercent != 0 || len(warnings) != 1 || !strings.Contains(warnings[0], "CPU percent") {
		t.Errorf("cpu percent: %v %v %+v", warnings, err, r)
	}
}

func TestMergeUpdate(t *testing.T) {
	pids := int64(10)
	hc := &apicontainer.HostConfig{Resources: apicontainer.Resources{Memory: 64 << 20, CPUShares: 100}}
	err := MergeUpdate(hc, apicontainer.Resources{CPUShares: 512, PidsLimit: &pids, CpusetCpus: "0"},
		apicontainer.RestartPolicy{Name: apicontainer.RestartPolicyOnFailure, MaximumRetryCount: 2})
	if err != nil {
		t.Fatal(err)
	}
	r := hc.Resources
	if r.Memory != 64<<20 || r.CPUShares != 512 || *r.PidsLimit != 10 || r.CpusetCpus != "0" || hc.RestartPolicy.MaximumRetryCount != 2 {
		t.Errorf("merged %+v %+v", r, hc.RestartPolicy)
	}
	pids = 20 // the stored limit is a copy
	if *hc.PidsLimit != 10 {
		t.Error("pids limit shared with the request")
	}
	hc.NanoCPUs = 1e9
	if err := MergeUpdate(hc, apicontainer.Resources{CPUQuota: 1000}, apicontainer.RestartPolicy{}); err == nil ||
		err.Error() != "Conflicting options: CPU Quota cannot be updated as NanoCPUs has already been set" {
		t.Errorf("quota over nano cpus: %v", err)
	}
	hc.AutoRemove = true
	if err := MergeUpdate(hc, apicontainer.Resources{}, apicontainer.RestartPolicy{Name: apicontainer.RestartPolicyAlways}); err == nil {
		t.Error("restart policy on an AutoRemove container accepted")
	}
}
