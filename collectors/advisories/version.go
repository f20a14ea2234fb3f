package advisories

import (
	"fmt"
	"regexp"
	"strconv"
)

// Version is a Canon device firmware version "NN.NN": the major names the
// platform line on iR-ADV/DX/imagePRESS and is a plain counter on MF/LBP.
type Version struct {
	Major, Minor int
}

// reVersion accepts "03.07", "8.16", "R7.21", "V03.07", "Ver.47.07"; a
// letter prefix is dropped. Anything else (e.g. "0604", "GFC-015-04") is
// not a version this package can compare.
var reVersion = regexp.MustCompile(`^\s*(?:[A-Za-z]{1,3}\.?\s?)?([0-9]{1,3})\.([0-9]{1,3})\s*$`)

// ParseVersion parses a firmware version string.
func ParseVersion(s string) (Version, error) {
	if len(s) > 32 {
		return Version{}, fmt.Errorf("parse firmware version: %d bytes is too long", len(s))
	}
	m := reVersion.FindStringSubmatch(s)
	if m == nil {
		return Version{}, fmt.Errorf("parse firmware version %q: not NN.NN", s)
	}
	major, _ := strconv.Atoi(m[1])
	minor, _ := strconv.Atoi(m[2])
	return Version{Major: major, Minor: minor}, nil
}

// Compare returns -1, 0 or 1. Minors compare as numbers: Canon writes them
// with two digits (03.07 < 03.10).
func (v Version) Compare(o Version) int {
	switch {
	case v.Major != o.Major:
		return cmpInt(v.Major, o.Major)
	default:
		return cmpInt(v.Minor, o.Minor)
	}
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func (v Version) String() string { return fmt.Sprintf("%02d.%02d", v.Major, v.Minor) }
