package container

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// checkCpuset refuses a --cpuset-cpus or --cpuset-mems list that is
// malformed or names a CPU (memory node) the host does not have online.
func checkCpuset(list, what, onlineFile string) error {
	if list == "" {
		return nil
	}
	want, err := parseIDList(list)
	if err != nil {
		return fmt.Errorf("Invalid value %s for cpuset %s: %v", list, what, err)
	}
	data, err := os.ReadFile(onlineFile)
	if err != nil {
		return nil // the host does not say; let the runtime judge
	}
	online := strings.TrimSpace(string(data))
	have, err := parseIDList(online)
	if err != nil {
		return nil
	}
	for id := range want {
		if !have[id] {
			if what == "cpus" {
				return fmt.Errorf("Requested CPUs are not available - requested %s, available: %s", list, online)
			}
			return fmt.Errorf("Requested memory nodes are not available - requested %s, available: %s", list, online)
		}
	}
	return nil
}

// parseIDList reads the kernel's list format: "0-3,5".
func parseIDList(s string) (map[int]bool, error) {
	out := map[int]bool{}
	for _, part := range strings.Split(s, ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		a, err1 := strconv.Atoi(lo)
		b, err2 := a, error(nil)
		if isRange {
			b, err2 = strconv.Atoi(hi)
		}
		if err1 != nil || err2 != nil || a < 0 || b < a {
			return nil, fmt.Errorf("invalid format: %s", s)
		}
		for i := a; i <= b; i++ {
			out[i] = true
		}
	}
	return out, nil
}
