package reports

import (
	"bytes"
	"strings"
	"testing"
)

// TestSummaryColourKeepsColumns checks that colour codes take no columns: the
// coloured table, once stripped of escapes, is the plain table.
func TestSummaryColourKeepsColumns(t *testing.T) {
	var plain, coloured bytes.Buffer
	if err := WriteSummary(&plain, fixtureRun(), false); err != nil {
		t.Fatal(err)
	}
	if err := WriteSummary(&coloured, fixtureRun(), true); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(coloured.String(), "\x1b[") {
		t.Fatal("colour requested but no escape written")
	}
	if strings.Contains(plain.String(), "\x1b") {
		t.Fatal("escape written without colour")
	}
	if got := escapeSeq.ReplaceAllString(coloured.String(), ""); got != plain.String() {
		t.Fatalf("coloured summary does not line up with the plain one:\n%s\nwant:\n%s", got, plain.String())
	}
}
