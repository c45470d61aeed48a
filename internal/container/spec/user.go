package spec

import (
	"bufio"
	"errors"
	"io/fs"
	"os"
	"strconv"
	"strings"

	securejoin "github.com/cyphar/filepath-securejoin"
)

// ExecUser is who a container's process runs as.
type ExecUser struct {
	UID, GID uint32
	// Groups are the supplementary groups: those listing the user in
	// /etc/group (only when no group was named) and then --group-add.
	Groups []uint32
	// Home is the user's home directory from /etc/passwd, "/" without one.
	Home string
}

type passwdEntry struct {
	name     string
	uid, gid uint32
	home     string
}

type groupEntry struct {
	name    string
	gid     uint32
	members []string
}

// readRootFile reads a file of the container's root filesystem without
// following a link out of it: /etc/passwd may be a symlink to anywhere.
// A missing file reads as empty.
func readRootFile(rootfs, name string) ([][]string, error) {
	p, err := securejoin.SecureJoin(rootfs, name)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var rows [][]string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		rows = append(rows, strings.Split(line, ":"))
	}
	return rows, sc.Err()
}

func parseID(s string) (uint32, bool) {
	n, err := strconv.ParseUint(s, 10, 32)
	return uint32(n), err == nil
}

func readPasswd(rootfs string) ([]passwdEntry, error) {
	rows, err := readRootFile(rootfs, "/etc/passwd")
	var out []passwdEntry
	for _, r := range rows {
		if len(r) < 7 {
			continue
		}
		uid, ok1 := parseID(r[2])
		gid, ok2 := parseID(r[3])
		if ok1 && ok2 {
			out = append(out, passwdEntry{name: r[0], uid: uid, gid: gid, home: r[5]})
		}
	}
	return out, err
}

func readGroup(rootfs string) ([]groupEntry, error) {
	rows, err := readRootFile(rootfs, "/etc/group")
	var out []groupEntry
	for _, r := range rows {
		if len(r) < 4 {
			continue
		}
		gid, ok := parseID(r[2])
		if !ok {
			continue
		}
		g := groupEntry{name: r[0], gid: gid}
		for _, m := range strings.Split(r[3], ",") {
			if m = strings.TrimSpace(m); m != "" {
				g.members = append(g.members, m)
			}
		}
		out = append(out, g)
	}
	return out, err
}

// LookupUser resolves "-u user[:group]" against the root filesystem's
// /etc/passwd and /etc/group, as Docker does: a name must exist there, a
// number need not; an empty user is root. groupAdd (--group-add) names or
// numbers more groups.
func LookupUser(rootfs, spec string, groupAdd []string) (ExecUser, error) {
	userArg, groupArg, _ := strings.Cut(spec, ":")
	users, err := readPasswd(rootfs)
	if err != nil {
		return ExecUser{}, err
	}
	u := ExecUser{Home: "/"}
	name := ""
	var matched *passwdEntry
	uidArg, numeric := parseID(userArg)
	for i := range users {
		e := &users[i]
		if userArg == "" && e.uid == 0 || numeric && e.uid == uidArg || !numeric && userArg != "" && e.name == userArg {
			matched = e
			break
		}
	}
	switch {
	case matched != nil:
		u.UID, u.GID, u.Home, name = matched.uid, matched.gid, matched.home, matched.name
	case userArg == "":
	default:
		if !numeric {
			return ExecUser{}, invalidf("unable to find user %s: no matching entries in passwd file", userArg)
		}
		u.UID = uidArg
	}
	if u.Home == "" {
		u.Home = "/"
	}

	groups, err := readGroup(rootfs)
	if err != nil {
		return ExecUser{}, err
	}
	if groupArg != "" {
		gid, err := findGroup(groups, groupArg)
		if err != nil {
			return ExecUser{}, err
		}
		u.GID = gid
	} else if name != "" {
		// Supplementary groups only in the implicit form, as runc's
		// user lookup (and so Docker) does.
		for _, g := range groups {
			for _, m := range g.members {
				if m == name {
					u.Groups = append(u.Groups, g.gid)
					break
				}
			}
		}
	}
	for _, ga := range groupAdd {
		gid, err := findGroup(groups, ga)
		if err != nil {
			return ExecUser{}, err
		}
		u.Groups = append(u.Groups, gid)
	}
	return u, nil
}

// findGroup resolves a group name or number; a number needs no entry.
func findGroup(groups []groupEntry, arg string) (uint32, error) {
	for _, g := range groups {
		if g.name == arg {
			return g.gid, nil
		}
	}
	if id, ok := parseID(arg); ok {
		return id, nil
	}
	return 0, invalidf("unable to find group %s: no matching entries in group file", arg)
}
