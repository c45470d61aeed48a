package builder

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/containerd/errdefs"
)

var time0 time.Time

// owner resolves --chown's user[:group]; names are looked up in the
// stage image's /etc/passwd and /etc/group. The default owner is root.
func (s *stage) owner(chown string) (int, int, error) {
	if chown == "" {
		return 0, 0, nil
	}
	user, group, hasGroup := strings.Cut(chown, ":")
	uid, uerr := strconv.Atoi(user)
	gid := uid
	var gerr error
	if hasGroup {
		gid, gerr = strconv.Atoi(group)
	}
	if uerr == nil && gerr == nil {
		return uid, gid, nil
	}
	if s.img.ID == "" {
		return 0, 0, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("unable to convert uid/gid chown string to host mapping: %s: no /etc/passwd", chown))
	}
	dir, release, err := s.b.be.View(s.b.ctx, s.img)
	if err != nil {
		return 0, 0, err
	}
	defer release()
	if uerr != nil {
		id, pgid, ok := lookupID(filepath.Join(dir, "etc/passwd"), user)
		if !ok {
			return 0, 0, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("unable to convert uid/gid chown string to host mapping: can't find uid for user %s", user))
		}
		uid = id
		if !hasGroup {
			gid = pgid
		}
	}
	if hasGroup && gerr != nil {
		id, _, ok := lookupID(filepath.Join(dir, "etc/group"), group)
		if !ok {
			return 0, 0, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("unable to convert uid/gid chown string to host mapping: can't find gid for group %s", group))
		}
		gid = id
	}
	return uid, gid, nil
}

// lookupID finds name in a passwd- or group-format file: its ID (field 3)
// and, for passwd, its primary group (field 4).
func lookupID(file, name string) (int, int, bool) {
	f, err := os.Open(file)
	if err != nil {
		return 0, 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Split(sc.Text(), ":")
		if len(fields) < 3 || fields[0] != name {
			continue
		}
		id, err := strconv.Atoi(fields[2])
		if err != nil {
			return 0, 0, false
		}
		g := id
		if len(fields) > 3 {
			if v, err := strconv.Atoi(fields[3]); err == nil {
				g = v
			}
		}
		return id, g, true
	}
	return 0, 0, false
}
