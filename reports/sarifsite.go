package reports

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"os"
	"strings"

	"github.com/mfpscan/mfpscan/internal/inputfile"
)

// ReadSARIFSite reads the site of a one-run results.sarif back from the
// category mfpscan wrote ("mfpscan/<site>/"), and the exit code its
// invocation recorded; a directory without results.sarif has no site. The
// log is walked as a stream, its results and artifacts skipped one by one,
// so a log of any size is read in the memory of its largest result
// (bounded by maxStreamValue).
func ReadSARIFSite(path string) (site string, exit int, err error) {
	fh, err := inputfile.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return "", 0, nil
	}
	if err != nil {
		return "", 0, badInput("read %v", err)
	}
	defer fh.Close()
	var (
		runs  int
		id    string
		exits []int
	)
	budget := newBudget(bufio.NewReaderSize(fh, 64<<10))
	dec := json.NewDecoder(budget)
	err = objectFields(dec, func(key string) error {
		budget.reset()
		if key != "runs" {
			return skipValue(dec, budget)
		}
		return arrayElements(dec, func() error {
			runs++
			return objectFields(dec, func(key string) error {
				budget.reset()
				switch key {
				case "automationDetails":
					var ad struct {
						ID string `json:"id"`
					}
					err := dec.Decode(&ad)
					id = ad.ID
					return err
				case "invocations":
					var inv []struct {
						ExitCode int `json:"exitCode"`
					}
					err := dec.Decode(&inv)
					exits = exits[:0]
					for _, i := range inv {
						exits = append(exits, i.ExitCode)
					}
					return err
				}
				return skipValue(dec, budget)
			})
		})
	})
	if err == nil {
		if _, end := dec.Token(); end != io.EOF {
			err = errors.New("data after the log")
		}
	}
	if err != nil {
		return "", 0, badInput("read %s: %v", path, err)
	}
	if runs != 1 {
		return "", 0, badInput("read %s: %d runs, want the 1 a scan writes (merge the scan directories, not a merged output)", path, runs)
	}
	if len(exits) > 0 {
		exit = exits[0]
	}
	return strings.TrimSuffix(strings.TrimPrefix(id, "mfpscan/"), "/"), exit, nil
}
