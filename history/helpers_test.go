package history

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"os"
	"testing"
	"time"
)

func openPostgresAdmin(dsn string) (*sql.DB, error) {
	return sql.Open("pgx", dsn)
}

var t0 = time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)

var rules = []Result{
	{RuleID: "tls.legacy", Severity: "high", KeyPoint: 5},
	{RuleID: "snmp.default", Severity: "critical", KeyPoint: 3},
	{RuleID: "fw.current", Severity: "medium", KeyPoint: 9},
}

// results gives device i in a run: rule j fails when (i+j+run)%3 == 0.
func results(i, run int) []Result {
	out := make([]Result, len(rules))
	for j, r := range rules {
		r.Status = "pass"
		if (i+j+run)%3 == 0 {
			r.Status = "fail"
		}
		out[j] = r
	}
	return out
}

func device(i int) Device {
	return Device{ID: fmt.Sprintf("serial:SN%04d", i), Address: fmt.Sprintf("127.77.0.%d", i+10), Vendor: "Canon", Model: "iR-ADV C5535", Serial: fmt.Sprintf("SN%04d", i), Firmware: "1.0"}
}

// record writes a whole run of n devices and returns its id.
func record(ctx context.Context, s Store, site string, run, n int) (int64, error) {
	id, err := s.BeginRun(ctx, Run{Site: site, StartedAt: t0.Add(time.Duration(run) * time.Hour), Targets: []string{"127.77.0.0/24"}, Tool: "mfpscan", ToolVersion: "test", CatalogueVersion: "c1"})
	if err != nil {
		return 0, err
	}
	for i := range n {
		if err := s.RecordDevice(ctx, id, device(i), results(i, run)); err != nil {
			return 0, err
		}
	}
	return id, s.FinishRun(ctx, id, RunEnd{FinishedAt: t0.Add(time.Duration(run)*time.Hour + time.Minute), ExitStatus: 1, SARIF: []byte(fmt.Sprintf(`{"run":%d}`, run))})
}

// recordRuns records runs 0 to runs-1 of site, each of n devices, failing
// the test if the store refuses one.
func recordRuns(t *testing.T, s Store, site string, runs, n int) {
	t.Helper()
	for run := range runs {
		if _, err := record(context.Background(), s, site, run, n); err != nil {
			t.Fatal(err)
		}
	}
}

// runWriter is the subprocess a test kills: it records devices of a run,
// says so on stdout, then waits on stdin forever (until killed).
func runWriter(dsn string) int {
	ctx := context.Background()
	s, err := Open(ctx, dsn)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 3
	}
	id, err := s.BeginRun(ctx, Run{Site: "killed", StartedAt: t0.Add(100 * time.Hour), Tool: "mfpscan"})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 3
	}
	// More devices than a batch, so some rows are written before the kill.
	for i := range batchDevices + 5 {
		if err := s.RecordDevice(ctx, id, device(i), results(i, 100)); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 3
		}
	}
	fmt.Println("recorded", id)
	_, _ = bufio.NewReader(os.Stdin).ReadString('\n')
	return 0
}
