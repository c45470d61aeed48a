package container

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"math/big"
	"regexp"

	"github.com/containerd/errdefs"
)

// validName is Docker's rule for container names.
var validName = regexp.MustCompile(`^/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$`)

// CheckName refuses a name Docker would refuse.
func CheckName(name string) error {
	if !validName.MatchString(name) {
		return errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("Invalid container name (%s), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed", name))
	}
	return nil
}

// NewID returns a random 64-hex-digit container ID that does not look like
// a number (Docker avoids all-digit short IDs, which read as PIDs).
func NewID() string {
	b := make([]byte, 32)
	for {
		rand.Read(b)
		id := hex.EncodeToString(b)
		for _, r := range id[:12] {
			if r > '9' {
				return id
			}
		}
	}
}

// Harbour words for generated names, "adjective_noun" as Docker's are.
var (
	adjectives = []string{"brave", "calm", "clever", "eager", "gentle", "happy", "jolly", "keen", "lively", "merry",
		"nimble", "patient", "proud", "quiet", "quick", "sharp", "steady", "swift", "tidy", "vivid", "bold", "bright",
		"busy", "cosy", "daring", "fair", "fond", "grand", "hardy", "humble", "kind", "lucid", "loyal", "modest",
		"neat", "noble", "plucky", "rosy", "sunny", "trusty", "witty", "zesty", "amber", "azure", "coral", "misty"}
	nouns = []string{"anchor", "beacon", "bollard", "buoy", "cabin", "capstan", "cargo", "compass", "crane", "dock",
		"ferry", "galley", "harbor", "hawser", "helm", "hull", "jetty", "keel", "lantern", "lighthouse", "mast",
		"mooring", "oar", "pier", "pilot", "quay", "rudder", "sail", "schooner", "skiff", "slipway", "tug", "wharf",
		"yawl", "barge", "cutter", "dinghy", "dory", "ketch", "lighter", "pontoon", "punt", "sloop", "tender"}
)

// GenerateName picks an unused random name; after a few collisions it adds
// a number, as Docker does.
func GenerateName(inUse func(string) bool) string {
	for i := 0; ; i++ {
		name := pick(adjectives) + "_" + pick(nouns)
		if i > 10 {
			name = fmt.Sprintf("%s%d", name, pickN(10))
		}
		if !inUse(name) {
			return name
		}
	}
}

func pick(words []string) string { return words[pickN(len(words))] }

func pickN(n int) int {
	v, _ := rand.Int(rand.Reader, big.NewInt(int64(n)))
	return int(v.Int64())
}
