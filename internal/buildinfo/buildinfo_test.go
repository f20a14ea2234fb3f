package buildinfo

import (
	"runtime/debug"
	"strings"
	"testing"
	"testing/fstest"
)

func TestFromBuildInfo(t *testing.T) {
	settings := func(kv ...string) []debug.BuildSetting {
		var s []debug.BuildSetting
		for i := 0; i < len(kv); i += 2 {
			s = append(s, debug.BuildSetting{Key: kv[i], Value: kv[i+1]})
		}
		return s
	}
	cases := []struct {
		name string
		bi   debug.BuildInfo
		want Info
	}{
		{"release", debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.2.3"},
			Settings: settings("CGO_ENABLED", "0", "-trimpath", "true", "vcs.revision", "abc", "vcs.time", "2026-11-30T03:15:00Z", "vcs.modified", "false")},
			Info{Version: "v1.2.3", Commit: "abc", CommitTime: "2026-11-30T03:15:00Z", GoVersion: "go1.26.8", CGO: "0", Trimpath: true}},
		{"dirty pseudo-version", debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.0.0-20261130031500-abcdef123456+dirty"},
			Settings: settings("CGO_ENABLED", "1", "vcs.revision", "abcdef123456")},
			Info{Version: "v0.0.0-20261130031500-abcdef123456+dirty", Commit: "abcdef123456", Modified: true, GoVersion: "go1.26.8", CGO: "1"}},
		{"no vcs", debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}},
			Info{Version: "dev", GoVersion: "go1.26.8"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := FromBuildInfo(&c.bi); got != c.want {
				t.Errorf("FromBuildInfo = %+v, want %+v", got, c.want)
			}
		})
	}
}

func TestRulesDigestChangesWithAnyRule(t *testing.T) {
	a := fstest.MapFS{"rego/rules/a.rego": {Data: []byte("package a")}, "data/defaults.yaml": {Data: []byte("x: 1")}}
	b := fstest.MapFS{"rego/rules/a.rego": {Data: []byte("package a ")}, "data/defaults.yaml": {Data: []byte("x: 1")}}
	da, err := rulesDigest(a)
	if err != nil {
		t.Fatal(err)
	}
	da2, _ := rulesDigest(a)
	db, _ := rulesDigest(b)
	if da != da2 || da == db || !strings.HasPrefix(da, "sha256:") {
		t.Errorf("digests: %s, %s (same input), %s (one byte added)", da, da2, db)
	}
}

func TestReadNamesEmbeddedCatalogue(t *testing.T) {
	in := Read()
	if in.Catalogue.Rules == "unknown" || in.Catalogue.Fingerprints == "unknown" || in.Catalogue.Advisories == "unknown" {
		t.Errorf("catalogue = %+v: an embedded file did not load", in.Catalogue)
	}
}
