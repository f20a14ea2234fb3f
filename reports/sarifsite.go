package reports

import (
	"encoding/json"
	"errors"
	"os"
	"strings"

	"github.com/mfpscan/mfpscan/internal/inputfile"
)

// ReadSARIFSite reads the site of a one-run results.sarif back from the
// category mfpscan wrote ("mfpscan/<site>/"), and the exit code its
// invocation recorded; a directory without results.sarif has no site. The
// log is walked as a stream, its results and artifacts skipped one by one,
// so a log of any size is read in the memory of its largest result.
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
	dec := json.NewDecoder(fh)
	err = objectFields(dec, func(key string) error {
		if key != "runs" {
			return skipElements(dec)
		}
		return arrayElements(dec, func() error {
			runs++
			return objectFields(dec, func(key string) error {
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
				return skipElements(dec)
			})
		})
	})
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

// skipElements reads past the next value. An array or object is read one
// element at a time, so skipping a log's results holds one result, and
// each element is skipped by the decoder's scanner rather than token by
// token, which is several times faster.
func skipElements(dec *json.Decoder) error {
	t, err := dec.Token()
	if err != nil {
		return err
	}
	d, ok := t.(json.Delim)
	if !ok {
		return nil
	}
	var raw json.RawMessage
	for dec.More() {
		if d == '{' {
			if _, err := dec.Token(); err != nil {
				return err
			}
		}
		if err := dec.Decode(&raw); err != nil {
			return err
		}
	}
	_, err = dec.Token()
	return err
}
