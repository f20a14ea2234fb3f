package reports

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestJSONGolden(t *testing.T) {
	raw := writeGolden(t, JSONWriter{}, fixtureRun())
	var f Findings
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatal(err)
	}
	if f.Summary.Devices != 4 || f.Summary.ByStatus["fail"] != 5 || f.Summary.ByStatus["waived"] != 1 ||
		f.Summary.BySeverity["critical"] != 2 || f.Summary.BySeverity["high"] != 3 || f.Summary.BySeverity["medium"] != 0 {
		t.Errorf("summary = %+v", f.Summary)
	}
	if f.Results[0].Address != "127.77.0.10" || f.Rules[0].ID != "MFP-FW-001" || len(f.ExpiredWaivers) != 1 {
		t.Errorf("order: first result %s, first rule %s", f.Results[0].Address, f.Rules[0].ID)
	}
	// Shuffled input gives the same bytes.
	r := fixtureRun()
	for i, j := 0, len(r.Results)-1; i < j; i, j = i+1, j-1 {
		r.Results[i], r.Results[j] = r.Results[j], r.Results[i]
	}
	r.Rules[0], r.Rules[3] = r.Rules[3], r.Rules[0]
	var again bytes.Buffer
	if err := (JSONWriter{}).Write(&again, r); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(raw, again.Bytes()) {
		t.Error("findings.json depends on input order")
	}
}

func TestJSONEmpty(t *testing.T) {
	var buf bytes.Buffer
	if err := (JSONWriter{}).Write(&buf, &Run{}); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{`"rules": []`, `"results": []`, `"expired_waivers": []`, `"targets": []`} {
		if !strings.Contains(buf.String(), s) {
			t.Errorf("empty findings lacks %s:\n%s", s, buf.String())
		}
	}
}

func TestSummaryGolden(t *testing.T) {
	var plain, colored bytes.Buffer
	if err := WriteSummary(&plain, fixtureRun(), false); err != nil {
		t.Fatal(err)
	}
	golden(t, "summary.txt", plain.Bytes())
	if bytes.ContainsAny(plain.Bytes(), "\x1b\x07") {
		t.Errorf("plain summary holds control bytes:\n%q", plain.String())
	}
	if err := WriteSummary(&colored, fixtureRun(), true); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(colored.String(), ansiRed) {
		t.Error("colored summary has no colour")
	}
	if strings.Contains(colored.String(), "\x1b]0;") || strings.Contains(colored.String(), "RED") {
		t.Errorf("device escape sequence reached the terminal:\n%q", colored.String())
	}
}

func TestSanitize(t *testing.T) {
	tests := []struct {
		in   string
		max  int
		want string
	}{
		{"plain", 0, "plain"},
		{"a\x1b[31mred\x1b[0m", 0, "ared"},
		{"t\x1b]0;title\x07x", 0, "tx"},
		{"bell\x07\x00nul", 0, "bellnul"},
		{"new\nline\ttab", 0, "new line tab"},
		{"rtl\u202eevil", 0, "rtlevil"},
		{"\u009b31m c1", 0, "31m c1"},
		{"dangling\x1b", 0, "dangling"},
		{strings.Repeat("x", 50), 10, strings.Repeat("x", 9) + "…"},
	}
	for _, tc := range tests {
		if got := Sanitize(tc.in, tc.max); got != tc.want {
			t.Errorf("Sanitize(%q, %d) = %q, want %q", tc.in, tc.max, got, tc.want)
		}
	}
}
