package scanner

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// fakeResolver answers from a fixed table and never touches DNS.
func fakeResolver(table map[string][]string) Resolver {
	return func(_ context.Context, host string) ([]netip.Addr, error) {
		list, ok := table[host]
		if !ok {
			return nil, fmt.Errorf("no such host %s", host)
		}
		var out []netip.Addr
		for _, s := range list {
			out = append(out, netip.MustParseAddr(s))
		}
		return out, nil
	}
}

func addrs(ss ...string) []netip.Addr {
	out := make([]netip.Addr, len(ss))
	for i, s := range ss {
		out[i] = netip.MustParseAddr(s)
	}
	return out
}

func collect(ts *TargetSet) []netip.Addr { return slices.Collect(ts.All()) }

func TestParseTargetsForms(t *testing.T) {
	res := fakeResolver(map[string][]string{
		"printer.example.test": {"192.0.2.7", "2001:db8::7"},
		"mfp-2.example.test":   {"::ffff:192.0.2.9"},
	})
	tests := []struct {
		name     string
		specs    []string
		excludes []string
		want     []netip.Addr
	}{
		{"single v4", []string{"192.0.2.1"}, nil, addrs("192.0.2.1")},
		{"single v6", []string{"2001:db8::1"}, nil, addrs("2001:db8::1")},
		{"v4-mapped v6 unmapped", []string{"::ffff:192.0.2.1"}, nil, addrs("192.0.2.1")},
		{"cidr /30", []string{"10.0.0.0/30"}, nil, addrs("10.0.0.0", "10.0.0.1", "10.0.0.2", "10.0.0.3")},
		{"cidr host bits masked", []string{"10.0.0.5/31"}, nil, addrs("10.0.0.4", "10.0.0.5")},
		{"cidr /32", []string{"10.0.0.5/32"}, nil, addrs("10.0.0.5")},
		{"v6 cidr /126", []string{"2001:db8::/126"}, nil, addrs("2001:db8::", "2001:db8::1", "2001:db8::2", "2001:db8::3")},
		{"full range", []string{"10.1.2.10-10.1.2.12"}, nil, addrs("10.1.2.10", "10.1.2.11", "10.1.2.12")},
		{"short range", []string{"10.1.2.254-255"}, nil, addrs("10.1.2.254", "10.1.2.255")},
		{"range across octet", []string{"10.1.2.255-10.1.3.1"}, nil, addrs("10.1.2.255", "10.1.3.0", "10.1.3.1")},
		{"v6 range", []string{"2001:db8::fe-2001:db8::101"}, nil, addrs("2001:db8::fe", "2001:db8::ff", "2001:db8::100", "2001:db8::101")},
		{"host name", []string{"printer.example.test"}, nil, addrs("192.0.2.7", "2001:db8::7")},
		{"host name mapped", []string{"mfp-2.example.test"}, nil, addrs("192.0.2.9")},
		{"duplicates removed", []string{"10.0.0.1", "10.0.0.1", "10.0.0.0/31", "10.0.0.1-2"}, nil, addrs("10.0.0.0", "10.0.0.1", "10.0.0.2")},
		{"v4 before v6 sorted", []string{"2001:db8::1", "10.0.0.2", "10.0.0.1"}, nil, addrs("10.0.0.1", "10.0.0.2", "2001:db8::1")},
		{"exclude middle", []string{"10.0.0.0/29"}, []string{"10.0.0.2-4"}, addrs("10.0.0.0", "10.0.0.1", "10.0.0.5", "10.0.0.6", "10.0.0.7")},
		{"exclude edges", []string{"10.0.0.0/30"}, []string{"10.0.0.0", "10.0.0.3"}, addrs("10.0.0.1", "10.0.0.2")},
		{"exclude several in one span", []string{"10.0.0.0/29"}, []string{"10.0.0.1", "10.0.0.3", "10.0.0.6/31"}, addrs("10.0.0.0", "10.0.0.2", "10.0.0.4", "10.0.0.5")},
		{"exclude spanning two includes", []string{"10.0.0.0/31", "10.0.0.4/31"}, []string{"10.0.0.1-10.0.0.4"}, addrs("10.0.0.0", "10.0.0.5")},
		{"exclude v6 only", []string{"10.0.0.1", "2001:db8::1"}, []string{"2001:db8::/64"}, addrs("10.0.0.1")},
		{"exclude host name", []string{"192.0.2.6-8"}, []string{"printer.example.test"}, addrs("192.0.2.6", "192.0.2.8")},
		{"exclude everything", []string{"10.0.0.0/30"}, []string{"10.0.0.0/24"}, nil},
		{"whitespace trimmed", []string{"  10.0.0.1 "}, nil, addrs("10.0.0.1")},
		{"top of v4 space", []string{"255.255.255.254/31"}, nil, addrs("255.255.255.254", "255.255.255.255")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts, err := ParseTargets(tt.specs, tt.excludes, TargetOptions{Resolver: res})
			if err != nil {
				t.Fatalf("ParseTargets: %v", err)
			}
			got := collect(ts)
			if diff := cmp.Diff(tt.want, got, cmp.Comparer(func(a, b netip.Addr) bool { return a == b })); diff != "" {
				t.Errorf("addresses (-want +got):\n%s", diff)
			}
			if ts.Count() != uint64(len(tt.want)) {
				t.Errorf("Count() = %d, want %d", ts.Count(), len(tt.want))
			}
			for _, a := range tt.want {
				if !ts.Contains(a) {
					t.Errorf("Contains(%s) = false", a)
				}
			}
		})
	}
}

func TestParseTargetsResolutionRecorded(t *testing.T) {
	res := fakeResolver(map[string][]string{"a.test": {"192.0.2.1"}, "b.test": {"192.0.2.1"}})
	ts, err := ParseTargets([]string{"a.test"}, []string{"b.test"}, TargetOptions{Resolver: res})
	if err != nil {
		t.Fatal(err)
	}
	want := []Resolution{
		{Host: "a.test", Addrs: addrs("192.0.2.1")},
		{Host: "b.test", Addrs: addrs("192.0.2.1"), Exclude: true},
	}
	if diff := cmp.Diff(want, ts.Resolved, cmp.Comparer(func(a, b netip.Addr) bool { return a == b })); diff != "" {
		t.Errorf("Resolved (-want +got):\n%s", diff)
	}
	if ts.Count() != 0 {
		t.Errorf("Count() = %d, want 0", ts.Count())
	}
}

func TestParseTargetsErrors(t *testing.T) {
	res := fakeResolver(map[string][]string{"empty.test": {}})
	tests := []struct {
		name     string
		specs    []string
		excludes []string
		opts     TargetOptions
		want     string
	}{
		{"no targets", nil, nil, TargetOptions{}, "no targets"},
		{"bad octet", []string{"10.0.0.300"}, nil, TargetOptions{}, `parse target "10.0.0.300": invalid address`},
		{"bad cidr", []string{"10.0.0.0/33"}, nil, TargetOptions{}, `parse target "10.0.0.0/33": invalid CIDR`},
		{"bad short range", []string{"10.0.0.1-300"}, nil, TargetOptions{}, "want 0-255"},
		{"reversed range", []string{"10.0.0.9-3"}, nil, TargetOptions{}, "before its start"},
		{"mixed family range", []string{"10.0.0.1-2001:db8::1"}, nil, TargetOptions{}, "mixes IPv4 and IPv6"},
		{"empty", []string{"  "}, nil, TargetOptions{}, "empty target"},
		{"zone", []string{"fe80::1%eth0"}, nil, TargetOptions{}, "zoned"},
		{"bad host char", []string{"bad_host!name"}, nil, TargetOptions{}, "invalid host name"},
		{"unknown host", []string{"nowhere.test"}, nil, TargetOptions{Resolver: res}, `parse target "nowhere.test": resolve host name`},
		{"no addresses", []string{"empty.test"}, nil, TargetOptions{Resolver: res}, "no addresses"},
		{"bad exclude", []string{"10.0.0.0/24"}, []string{"10.0.0.999"}, TargetOptions{}, `parse target "10.0.0.999"`},
		{"too large", []string{"10.0.0.0/8"}, nil, TargetOptions{}, "16777216 addresses exceed --max-hosts 65536; pass --yes-large-sweep to confirm"},
		{"custom max", []string{"10.0.0.0/24"}, nil, TargetOptions{MaxHosts: 100}, "256 addresses exceed --max-hosts 100"},
		{"wide v6", []string{"2001:db8::/56"}, nil, TargetOptions{MaxHosts: math.MaxUint64}, "wider than /64; pass --yes-large-sweep"},
		{"nested file missing", []string{"@/nonexistent/targets.txt"}, nil, TargetOptions{}, "read target file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.Resolver = cmpOr(tt.opts.Resolver, res)
			_, err := ParseTargets(tt.specs, tt.excludes, tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func cmpOr(a, b Resolver) Resolver {
	if a != nil {
		return a
	}
	return b
}

func TestParseTargetsLargeSweep(t *testing.T) {
	_, err := ParseTargets([]string{"10.0.0.0/8"}, nil, TargetOptions{})
	if !errors.Is(err, ErrLargeSweep) {
		t.Fatalf("error = %v, want ErrLargeSweep", err)
	}
	// Exclusions count before the guard: a /15 minus a /16 fits.
	ts, err := ParseTargets([]string{"10.0.0.0/15"}, []string{"10.1.0.0/16"}, TargetOptions{})
	if err != nil {
		t.Fatalf("ParseTargets: %v", err)
	}
	if ts.Count() != 65536 {
		t.Errorf("Count() = %d, want 65536", ts.Count())
	}
	ts, err = ParseTargets([]string{"10.0.0.0/8"}, nil, TargetOptions{AllowLarge: true})
	if err != nil {
		t.Fatalf("ParseTargets with AllowLarge: %v", err)
	}
	if ts.Count() != 1<<24 {
		t.Errorf("Count() = %d, want %d", ts.Count(), 1<<24)
	}
	ts, err = ParseTargets([]string{"2001:db8::/48"}, nil, TargetOptions{AllowLarge: true})
	if err != nil {
		t.Fatalf("ParseTargets v6 /48: %v", err)
	}
	if ts.Count() != math.MaxUint64 {
		t.Errorf("Count() = %d, want saturated MaxUint64", ts.Count())
	}
	first := slices.Collect(take(ts.All(), 2))
	if want := addrs("2001:db8::", "2001:db8::1"); !slices.Equal(first, want) {
		t.Errorf("first addresses = %v, want %v", first, want)
	}
}

func TestParseTargetsFile(t *testing.T) {
	dir := t.TempDir()
	list := filepath.Join(dir, "targets.txt")
	body := "# office printers\n10.0.0.1\n\n  10.0.0.4/31  # floor 2\n10.0.0.1\n"
	if err := os.WriteFile(list, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	ex := filepath.Join(dir, "exclude.txt")
	if err := os.WriteFile(ex, []byte("10.0.0.5\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ts, err := ParseTargets([]string{"@" + list, "10.0.0.9"}, []string{"@" + ex}, TargetOptions{})
	if err != nil {
		t.Fatalf("ParseTargets: %v", err)
	}
	if got, want := collect(ts), addrs("10.0.0.1", "10.0.0.4", "10.0.0.9"); !slices.Equal(got, want) {
		t.Errorf("addresses = %v, want %v", got, want)
	}

	bad := filepath.Join(dir, "bad.txt")
	if err := os.WriteFile(bad, []byte("10.0.0.1\n# ok\n10.0.0.300\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = ParseTargets([]string{"@" + bad}, nil, TargetOptions{})
	want := bad + `:3: parse target "10.0.0.300"`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error = %v, want it to contain %q", err, want)
	}

	nested := filepath.Join(dir, "nested.txt")
	if err := os.WriteFile(nested, []byte("@"+list+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = ParseTargets([]string{"@" + nested}, nil, TargetOptions{})
	if err == nil || !strings.Contains(err.Error(), nested+":1: nested") {
		t.Errorf("error = %v, want nested-file error naming %s:1", err, nested)
	}

	long := filepath.Join(dir, "long.txt")
	if err := os.WriteFile(long, []byte(strings.Repeat("1", maxLineLen+10)), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err = ParseTargets([]string{"@" + long}, nil, TargetOptions{}); err == nil {
		t.Error("over-long line accepted")
	}
}

func TestTargetsFromTestdata(t *testing.T) {
	ts, err := ParseTargets([]string{"@../testdata/targets/office.txt"}, []string{"@../testdata/targets/exclude.txt"}, TargetOptions{})
	if err != nil {
		t.Fatalf("ParseTargets: %v", err)
	}
	// office.txt: 192.0.2.0/28 (16) + 198.51.100.10-20 (11) + 2001:db8::10 (1) + 192.0.2.3 (dup);
	// exclude.txt removes 192.0.2.0, 192.0.2.15 and 198.51.100.15.
	if ts.Count() != 25 {
		t.Errorf("Count() = %d, want 25", ts.Count())
	}
	if ts.Contains(netip.MustParseAddr("198.51.100.15")) {
		t.Error("excluded address still present")
	}
}

func TestShuffledIsPermutation(t *testing.T) {
	for _, spec := range [][]string{{"10.0.0.1"}, {"10.0.0.0/31"}, {"10.0.0.0/30", "10.0.1.0-10.0.1.6"}, {"10.0.0.0/22"}, {"10.0.0.0/24", "2001:db8::/120"}} {
		ts, err := ParseTargets(spec, []string{"10.0.0.7"}, TargetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		want := collect(ts)
		for seed := uint64(0); seed < 3; seed++ {
			got := slices.Collect(ts.Shuffled(seed))
			if len(got) > 16 && slices.Equal(got, want) {
				t.Errorf("%v seed %d: shuffled order equals sorted order", spec, seed)
			}
			slices.SortFunc(got, netip.Addr.Compare)
			if !slices.Equal(got, want) {
				t.Errorf("%v seed %d: shuffled set differs from All (%d vs %d addresses)", spec, seed, len(got), len(want))
			}
		}
	}
	ts, _ := ParseTargets([]string{"10.0.0.0/24"}, nil, TargetOptions{})
	a, b := slices.Collect(ts.Shuffled(1)), slices.Collect(ts.Shuffled(2))
	if slices.Equal(a, b) {
		t.Error("different seeds gave the same order")
	}
	if c := slices.Collect(ts.Shuffled(1)); !slices.Equal(a, c) {
		t.Error("same seed gave different orders")
	}
}

func TestShuffledHugeSetStreams(t *testing.T) {
	ts, err := ParseTargets([]string{"10.0.0.0/8", "2001:db8::/64"}, nil, TargetOptions{AllowLarge: true})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[netip.Addr]bool{}
	for a := range take(ts.Shuffled(42), 1000) {
		if seen[a] {
			t.Fatalf("address %s yielded twice", a)
		}
		if !ts.Contains(a) {
			t.Fatalf("address %s not in set", a)
		}
		seen[a] = true
	}
	if len(seen) != 1000 {
		t.Errorf("got %d addresses, want 1000", len(seen))
	}
}

func TestPrefixes(t *testing.T) {
	ts, err := ParseTargets([]string{"10.0.0.1-10.0.0.6", "2001:db8::/127"}, nil, TargetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range ts.Prefixes() {
		got = append(got, p.String())
	}
	want := []string{"10.0.0.1/32", "10.0.0.2/31", "10.0.0.4/31", "10.0.0.6/32", "2001:db8::/127"}
	if !slices.Equal(got, want) {
		t.Errorf("Prefixes() = %v, want %v", got, want)
	}
	all, _ := ParseTargets([]string{"0.0.0.0/0"}, nil, TargetOptions{AllowLarge: true})
	if p := all.Prefixes(); len(p) != 1 || p[0].String() != "0.0.0.0/0" {
		t.Errorf("Prefixes() of 0.0.0.0/0 = %v", p)
	}
}

func take[T any](seq func(func(T) bool), n int) func(func(T) bool) {
	return func(yield func(T) bool) {
		i := 0
		for v := range seq {
			if i >= n || !yield(v) {
				return
			}
			i++
		}
	}
}

func FuzzParseTargets(f *testing.F) {
	for _, s := range []string{
		"10.0.0.1", "10.0.0.0/24", "10.1.2.10-50", "10.1.2.10-10.1.2.50", "2001:db8::/120",
		"2001:db8::1-2001:db8::ff", "printer.example.test", "::ffff:10.0.0.1", "10.0.0.300", "-", "1-", "/",
	} {
		f.Add(s, "10.0.0.5")
	}
	res := fakeResolver(map[string][]string{"printer.example.test": {"192.0.2.7"}})
	f.Fuzz(func(t *testing.T, spec, exclude string) {
		if strings.HasPrefix(spec, "@") || strings.HasPrefix(exclude, "@") {
			return // files are covered by TestParseTargetsFile
		}
		ts, err := ParseTargets([]string{spec}, []string{exclude}, TargetOptions{Resolver: res, MaxHosts: 4096})
		if err != nil {
			return
		}
		if ts.Count() > 4096 {
			t.Fatalf("Count() = %d exceeds MaxHosts", ts.Count())
		}
		n := uint64(0)
		for a := range ts.Shuffled(7) {
			if !ts.Contains(a) {
				t.Fatalf("Shuffled yielded %s outside the set", a)
			}
			n++
		}
		if n != ts.Count() {
			t.Fatalf("Shuffled yielded %d, Count() = %d", n, ts.Count())
		}
	})
}
