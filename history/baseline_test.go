package history

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestCompleteRunes(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int
	}{
		{"", 0},
		{"abc", 3},
		{"ab\xc3", 2},            // é cut after its first byte
		{"ab\xc3\xa9", 4},        // é whole
		{"a\xe2\x82", 1},         // € cut after two bytes
		{"a\xf0\x9f\x96\xa8", 5}, // 🖨 whole
		{"a\xf0\x9f\x96", 1},     // 🖨 cut after three bytes
		{"\xff\xfe", 2},          // not UTF-8: nothing to wait for
	} {
		if got := completeRunes([]byte(c.in)); got != c.want {
			t.Errorf("completeRunes(%q) = %d, want %d", c.in, got, c.want)
		}
	}
}

// partRows counts a site's baseline parts.
func partRows(t *testing.T, s Store, site string) int {
	t.Helper()
	var n int
	if err := s.(*sqlStore).db.QueryRow(s.(*sqlStore).d.rebind(`SELECT COUNT(*) FROM baseline_parts WHERE site = ?`), site).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestBaselineInParts: a log of several parts, with characters of every
// length across the parts' boundaries, reads back byte for byte; a newer
// run's log replaces it and leaves none of its parts; an older one does
// not; pruning the run drops the parts.
func TestBaselineInParts(t *testing.T) {
	forEach(t, func(t *testing.T, target string) {
		ctx := context.Background()
		s := mustOpen(t, target)
		// 1, 2, 3 and 4-byte characters: whatever the offset, some cross
		// a part boundary.
		unit := `{"text":"é € 🖨 x"}`
		big := []byte(strings.Repeat(unit, 2*baselinePart/len(unit)+7))
		if !utf8.Valid(big) {
			t.Fatal("test log is not UTF-8")
		}
		var ids []int64
		for run := range 2 {
			// Recorded without a log: SetBaseline keeps one after the reports.
			id := beginTestRun(t, s, run)
			if err := s.FinishRun(ctx, id, RunEnd{FinishedAt: t0.Add(time.Duration(run) * time.Hour)}); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
		}
		if err := s.SetBaseline(ctx, ids[1], bytes.NewReader(big)); err != nil {
			t.Fatal(err)
		}
		got, id, err := s.Baseline(ctx, "hq")
		if err != nil || id != ids[1] || !bytes.Equal(got, big) {
			t.Fatalf("baseline: %d bytes of run %d (%v), want the %d bytes of run %d", len(got), id, err, len(big), ids[1])
		}
		if n := partRows(t, s, "hq"); n != 3 {
			t.Errorf("%d parts for a log of %d bytes, want 3", n, len(big))
		}
		// An older run's log does not replace a newer one's.
		if err := s.SetBaseline(ctx, ids[0], strings.NewReader(`{"old":1}`)); err != nil {
			t.Fatal(err)
		}
		if got, _, _ := s.Baseline(ctx, "hq"); !bytes.Equal(got, big) {
			t.Errorf("an older run's log replaced the baseline: %.40s", got)
		}
		// FinishRun of a newer run keeps its log, and no part of the old.
		id, err = record(ctx, s, "hq", 2, 2)
		if err != nil {
			t.Fatal(err)
		}
		if got, gotID, err := s.Baseline(ctx, "hq"); err != nil || gotID != id || string(got) != `{"run":2}` {
			t.Errorf("baseline after a newer run = %s of run %d (%v)", got, gotID, err)
		}
		if n := partRows(t, s, "hq"); n != 1 {
			t.Errorf("%d parts after the baseline was replaced by a one-part log", n)
		}
		if _, err := s.Prune(ctx, PruneOptions{Keep: 1, OlderThan: t0.Add(100 * time.Hour)}); err != nil {
			t.Fatal(err)
		}
		if b, _, err := s.Baseline(ctx, "hq"); err != nil || b != nil || partRows(t, s, "hq") != 0 {
			t.Errorf("after pruning every run: baseline %.40s (%v), %d parts", b, err, partRows(t, s, "hq"))
		}
	})
}

// TestBaselineStoredWhole: a baseline stored whole, before schema 4,
// still reads.
func TestBaselineStoredWhole(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t, backends[0].new(t))
	id, err := record(ctx, s, "hq", 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.(*sqlStore).db.Exec(`UPDATE baselines SET sarif = '{"whole":1}'`); err != nil {
		t.Fatal(err)
	}
	if got, gotID, err := s.Baseline(ctx, "hq"); err != nil || gotID != id || string(got) != `{"whole":1}` {
		t.Errorf("baseline = %s of run %d (%v)", got, gotID, err)
	}
}
