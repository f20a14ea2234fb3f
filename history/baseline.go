package history

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// baselinePart is how much of a SARIF log one baseline_parts row holds.
// Storing a baseline holds one part at a time, in Go and in the database
// driver, instead of the whole log (over 200 MB at 10,000 devices) twice.
const baselinePart = 1 << 20

// storeBaseline makes sarif the site's baseline, unless the site already
// has one of a newer (or the same) run, within tx.
func (s *sqlStore) storeBaseline(ctx context.Context, tx *sql.Tx, site string, runID int64, sarif io.Reader) error {
	if err := s.takeTurns(ctx, tx, lockBaselines); err != nil {
		return fmt.Errorf("lock baselines: %w", err)
	}
	var cur int64
	err := tx.QueryRowContext(ctx, s.d.rebind(`SELECT run_id FROM baselines WHERE site = ?`), site).Scan(&cur)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return err
	case cur >= runID:
		return nil
	}
	if err := s.exec(ctx, tx, `INSERT INTO baselines (site, run_id, sarif) VALUES (?, ?, '')
		ON CONFLICT (site) DO UPDATE SET run_id = excluded.run_id, sarif = ''`, site, runID); err != nil {
		return err
	}
	if err := s.exec(ctx, tx, `DELETE FROM baseline_parts WHERE site = ?`, site); err != nil {
		return err
	}
	buf := make([]byte, baselinePart)
	held := 0 // bytes of an incomplete character carried to the next part
	for part := 0; ; part++ {
		n, err := io.ReadFull(sarif, buf[held:])
		n += held
		end := errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
		if err != nil && !end {
			return fmt.Errorf("read SARIF log: %w", err)
		}
		cut := n
		if !end {
			cut = completeRunes(buf[:n])
		}
		if cut > 0 {
			if err := s.exec(ctx, tx, `INSERT INTO baseline_parts (site, part, sarif) VALUES (?, ?, ?)`, site, part, string(buf[:cut])); err != nil {
				return err
			}
		}
		if end {
			return nil
		}
		held = copy(buf, buf[cut:n])
	}
}

// completeRunes is how much of b ends on a whole UTF-8 character: a part
// is a TEXT value, which PostgreSQL refuses to hold half a character.
func completeRunes(b []byte) int {
	i := len(b) - 1
	for i > 0 && i > len(b)-utf8.UTFMax && !utf8.RuneStart(b[i]) {
		i--
	}
	if i < 0 || utf8.FullRune(b[i:]) {
		return len(b)
	}
	return i
}

// baselineParts copies a baseline stored in parts to w, one part at a time.
func (s *sqlStore) baselineParts(ctx context.Context, site string, w io.Writer) error {
	rows, err := s.db.QueryContext(ctx, s.d.rebind(`SELECT sarif FROM baseline_parts WHERE site = ? ORDER BY part`), site)
	if err != nil {
		return err
	}
	defer rows.Close()
	var part sql.RawBytes
	for rows.Next() {
		if err := rows.Scan(&part); err != nil {
			return err
		}
		if _, err := w.Write(part); err != nil {
			return fmt.Errorf("copy baseline: %w", err)
		}
	}
	return rows.Err()
}
