package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestJSONLStreamsTheLab scans the simulated lab fleet (demo, loopback
// only) with --format jsonl -o -, and evaluates the facts of a normal run
// the same way: standard output holds nothing but JSON lines, each device
// before its findings, and the findings are exactly the failed, waived and
// review results of the run's findings.json.
func TestJSONLStreamsTheLab(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the lab fleet")
	}
	dir := t.TempDir()
	t.Chdir(dir)
	t.Setenv("XDG_STATE_HOME", filepath.Join(dir, "state"))
	if code, _, msg := runCLI(t, "demo", "--no-history", "--out", "run", "--format", "json"); code != exitOK {
		t.Fatalf("demo: exit %d: %s", code, msg)
	}
	raw, err := os.ReadFile(filepath.Join("run", "findings.json"))
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Summary struct{ Devices int }
		Results []struct {
			Address string `json:"address"`
			RuleID  string `json:"rule_id"`
			Status  string `json:"status"`
		}
	}
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, r := range f.Results {
		if r.Status == "fail" || r.Status == "waived" || r.Status == "review" {
			want = append(want, r.Address+" "+r.RuleID+" "+r.Status)
		}
	}
	if f.Summary.Devices == 0 || len(want) == 0 {
		t.Fatalf("the lab run found %d device(s), %d finding(s): nothing to compare", f.Summary.Devices, len(want))
	}
	for _, args := range [][]string{
		{"demo", "--no-history", "--format", "jsonl", "-o", "-"},
		{"eval", filepath.Join("run", "facts"), "--no-history", "--format", "jsonl", "--out", "-"},
	} {
		code, out, msg := runCLI(t, args...)
		if code != exitOK {
			t.Fatalf("%v: exit %d: %s", args, code, msg)
		}
		devices, got := readJSONL(t, args[0], out)
		if devices != f.Summary.Devices {
			t.Errorf("%s: %d device lines, want %d", args[0], devices, f.Summary.Devices)
		}
		if args[0] == "demo" {
			// A second sweep of the lab is a new run: on a loaded machine a
			// probe may time out in one run and not the other. That turns a
			// verdict into review, never into another verdict.
			if diff := verdictChanges(got, want); len(diff) > 0 {
				t.Errorf("demo: findings differ from findings.json beyond a timed-out probe's review: %v", diff)
			}
			continue
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s: findings differ from findings.json:\n got %d: %v\nwant %d: %v", args[0], len(got), got, len(want), want)
		}
		if _, err := os.Stat("-"); err == nil {
			t.Fatalf("%v created a file named -", args)
		}
	}
}

// verdictChanges lists the results ("address rule status", a missing one
// being a pass or not applicable) that two runs decided differently, except
// where one of them is review.
func verdictChanges(a, b []string) []string {
	status := func(xs []string) map[string]string {
		m := make(map[string]string, len(xs))
		for _, x := range xs {
			i := strings.LastIndexByte(x, ' ')
			m[x[:i]] = x[i+1:]
		}
		return m
	}
	sa, sb := status(a), status(b)
	keys := map[string]bool{}
	for _, m := range []map[string]string{sa, sb} {
		for k := range m {
			keys[k] = true
		}
	}
	var out []string
	for k := range keys {
		x, y := sa[k], sb[k]
		if x == y || x == "review" || y == "review" {
			continue
		}
		out = append(out, fmt.Sprintf("%s: %q vs %q", k, x, y))
	}
	slices.Sort(out)
	return out
}

// readJSONL checks every line of out is a JSON object with a type, that
// each finding follows its device's line and that a summary ends the
// stream; it returns the device count and the findings as
// "address rule status".
func readJSONL(t *testing.T, name, out string) (int, []string) {
	t.Helper()
	devices, current := 0, ""
	var findings []string
	var last string
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var o struct {
			Type    string `json:"type"`
			Address string `json:"address"`
			RuleID  string `json:"rule_id"`
			Status  string `json:"status"`
		}
		if err := json.Unmarshal(sc.Bytes(), &o); err != nil {
			t.Fatalf("%s: stdout line is not JSON: %q: %v", name, sc.Text(), err)
		}
		last = o.Type
		switch o.Type {
		case "device":
			devices++
			current = o.Address
		case "finding":
			if o.Address != current {
				t.Errorf("%s: finding of %s after the line of device %q", name, o.Address, current)
			}
			findings = append(findings, o.Address+" "+o.RuleID+" "+o.Status)
		case "summary":
		default:
			t.Errorf("%s: line of unknown type %q", name, o.Type)
		}
	}
	if last != "summary" {
		t.Errorf("%s: the stream ends with a %q line, want the summary", name, last)
	}
	return devices, findings
}

func TestVerdictChanges(t *testing.T) {
	a := []string{"127.0.0.2 MFP-A fail", "127.0.0.2 MFP-B review", "127.0.0.3 MFP-C fail"}
	b := []string{"127.0.0.2 MFP-A fail", "127.0.0.2 MFP-D review", "127.0.0.3 MFP-C waived", "127.0.0.4 MFP-E fail"}
	got := verdictChanges(a, b)
	want := []string{`127.0.0.3 MFP-C: "fail" vs "waived"`, `127.0.0.4 MFP-E: "" vs "fail"`}
	if !slices.Equal(got, want) {
		t.Fatalf("verdictChanges = %q, want %q", got, want)
	}
}
