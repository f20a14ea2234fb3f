package reports

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/policies"
)

func TestMarkdownGolden(t *testing.T) {
	writeGolden(t, MarkdownWriter{}, fixtureRun())
}

func TestMarkdownEscape(t *testing.T) {
	tests := []struct{ in, want string }{
		{"iR-ADV C5535", "iR-ADV C5535"},
		{"a|b", `a\|b`},
		{"`code`", "\\`code\\`"},
		{"<script>alert(1)</script>", `\<script\>alert\(1\)\</script\>`},
		{"[x](https://evil)", `\[x\]\(https://evil\)`},
		{"# heading", `\# heading`},
		{"=== setext", `\=== setext`},
		{"- item", `\- item`},
		{"line1\nline2", "line1 line2"},
		{"\x1b[31mred\x1b[0m", "red"},
		{"&lt;", `\&lt;`},
		{"@team $x$", `\@team \$x\$`},
	}
	for _, tt := range tests {
		if got := MarkdownEscape(tt.in, 0); got != tt.want {
			t.Errorf("MarkdownEscape(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestMarkdownHostile checks that no device string brings raw HTML, a
// table break or a link into the summary.
func TestMarkdownHostile(t *testing.T) {
	run := fixtureRun()
	run.Devices = append(run.Devices, &facts.Device{Address: "127.77.0.99", Identity: facts.Identity{
		Vendor:   &facts.Attribute{Value: "| evil | row |"},
		Model:    &facts.Attribute{Value: "[click](https://x)\n# owned"},
		DeviceID: "<img src=x onerror=alert(1)>"}})
	run.Results = append(run.Results, policies.Result{RuleID: "MFP-RUI-001", Address: "127.77.0.99",
		DeviceID: "<img src=x onerror=alert(1)>", Status: policies.StatusFail, Severity: "high"})
	var buf bytes.Buffer
	if err := (MarkdownWriter{}).Write(&buf, run); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	// What survives once every backslash escape is removed is what a
	// Markdown renderer would interpret.
	bare := regexp.MustCompile(`\\.`).ReplaceAllString(out, "")
	for _, bad := range []string{"<img", "<script", "](", "\n# owned", "\x1b", "| evil |"} {
		if strings.Contains(bare, bad) {
			t.Errorf("summary contains unescaped %q:\n%s", bad, out)
		}
	}
	// Every table line keeps its column count despite pipes in device data.
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "127.77.0.99") {
			if n := strings.Count(line, "|") - strings.Count(line, `\|`); n != 10 {
				t.Errorf("device row has %d cell separators, want 10: %s", n, line)
			}
		}
	}
}

func TestMarkdownEmptyRun(t *testing.T) {
	var buf bytes.Buffer
	if err := (MarkdownWriter{}).Write(&buf, &Run{}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"0 device(s), 0 failed", "No devices were found.", "No rule failed."} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("empty summary lacks %q:\n%s", want, buf.String())
		}
	}
}

// FuzzMarkdownEscape checks that no device string, however hostile, leaves
// an unescaped Markdown or HTML metacharacter or a line break behind.
func FuzzMarkdownEscape(f *testing.F) {
	for _, s := range []string{xssTitle, xssAttr, ansiString, "| a | b |", "[x](javascript:1)", "# h\n=\n- i", "\\|", "<!-- c -->"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := MarkdownEscape(s, 200)
		if strings.ContainsAny(out, "\n\r\x1b") {
			t.Fatalf("line break or escape left in %q", out)
		}
		escaped := false
		for _, r := range out {
			switch {
			case escaped:
				escaped = false
			case r == '\\':
				escaped = true
			case r < 0x80 && strings.ContainsRune(mdSpecial, r):
				t.Fatalf("unescaped %q in %q (input %q)", r, out, s)
			}
		}
		if escaped {
			t.Fatalf("dangling backslash in %q", out)
		}
	})
}
