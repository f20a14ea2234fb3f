package pipeline

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/internal/inputfile"
	"github.com/mfpscan/mfpscan/internal/parallel"
	"github.com/mfpscan/mfpscan/reports"
)

// JournalName is the scan journal in the output directory: one JSON line
// of header (what was scanned, with which options), then one line per
// finished device, then a last line when the run completed. It is JSON
// Lines, not *.json, so `eval DIR` never mistakes it for a facts document.
const JournalName = "scan-journal.jsonl"

// journalVersion is the layout of the journal; a resume refuses others.
const journalVersion = 1

// maxJournalLine bounds one journal line: entries are a few hundred bytes,
// the header holds the target list.
const maxJournalLine = 4 << 20

// journalHeader is the first line of the journal.
type journalHeader struct {
	Journal   int          `json:"mfpscan_journal"`
	Version   string       `json:"version"`
	StartedAt time.Time    `json:"started_at"`
	Targets   []string     `json:"targets"`
	Excludes  []string     `json:"excludes,omitempty"`
	Shard     *facts.Shard `json:"shard,omitempty"`
	// Digest is the SHA-256 of every option that decides what is probed
	// and collected (configDigest); a resume with other options would mix
	// two different scans in one report.
	Digest string `json:"config_digest"`
}

// journalLine is any later line: a finished device, or the end of a
// completed run.
type journalLine struct {
	Device string `json:"device,omitempty"`
	Facts  string `json:"facts,omitempty"`
	SHA256 string `json:"sha256,omitempty"`
	// Complete marks the end of a run that was not interrupted; Reports
	// are the report files it wrote, relative to the output directory.
	Complete   bool      `json:"complete,omitempty"`
	FinishedAt time.Time `json:"finished_at,omitzero"`
	Reports    []string  `json:"reports,omitempty"`
}

// journal is an open scan journal: finished devices are appended as they
// complete, each after its facts file is durably in place, so a crash at
// any point leaves a journal that names only whole files.
type journal struct {
	dir    string
	header journalHeader
	// finished maps each finished address to its journal entry: the
	// earlier run's when resuming, then this run's as devices complete
	// (under mu).
	finished map[string]journalLine
	complete *journalLine

	mu  sync.Mutex
	f   *os.File
	err error // the first write failure; checkpointing stops after it
}

// configDigest hashes the options that decide what a scan probes and
// collects. Secrets (communities, passwords) enter only through the hash.
// Rate, timeouts and report options are left out: a resume may be run
// gentler, and reports are rebuilt from all devices at the end anyway.
func configDigest(cfg Config) string {
	v := struct {
		Targets, Excludes, NmapArgs  []string
		Engine                       string
		Shard                        *facts.Shard
		Ports                        []int
		Roles                        any
		PortOffset                   int
		Communities, Secrets         []string
		DefaultCredentials, ProbePJL bool
		Advisories                   []byte
		Attestations                 string
	}{
		cfg.Targets, cfg.Excludes, cfg.NmapArgs, cfg.Engine, shardMeta(cfg), cfg.Ports, cfg.Roles, cfg.PortOffset,
		cfg.Collect.Communities, cfg.Collect.Secrets, cfg.Collect.CheckDefaultCredentials, cfg.Collect.ProbePJL,
		cfg.Collect.AdvisoryData, cfg.Attestations,
	}
	b, err := json.Marshal(v)
	if err != nil {
		// Every field is plain data; this cannot fail.
		panic(fmt.Sprintf("encode config digest: %v", err))
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// shardMeta is the shard recorded in the scan metadata (nil: unsharded).
func shardMeta(cfg Config) *facts.Shard {
	if !cfg.Shard.Enabled() {
		return nil
	}
	return &facts.Shard{K: cfg.Shard.K, N: cfg.Shard.N, Seed: cfg.Shard.Seed}
}

// readJournal reads dir's journal; (nil, nil) when there is none. A line
// that does not parse, a torn last line, or a header of another layout is
// an error naming the line: nothing is changed, the facts already written
// stay where they are.
func readJournal(dir string) (*journal, error) {
	path := filepath.Join(dir, JournalName)
	raw, err := inputfile.Read(path, 1<<30)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read scan journal: %w", err)
	}
	j := &journal{dir: dir, finished: map[string]journalLine{}}
	bad := func(line int, format string, args ...any) error {
		return fmt.Errorf("scan journal %s line %d: %s; it was not changed, and the facts files in %s stay as they are (start a new scan with --force, or into another --out)",
			path, line, fmt.Sprintf(format, args...), filepath.Join(dir, "facts"))
	}
	if len(raw) > 0 && raw[len(raw)-1] != '\n' {
		n := bytes.Count(raw, []byte{'\n'}) + 1
		return nil, bad(n, "truncated (the last line has no end)")
	}
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(nil, maxJournalLine)
	n := 0
	for sc.Scan() {
		n++
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.DisallowUnknownFields()
		if n == 1 {
			if err := dec.Decode(&j.header); err != nil {
				return nil, bad(n, "not a journal header: %v", err)
			}
			if j.header.Journal != journalVersion {
				return nil, bad(n, "journal layout %d, this mfpscan reads %d", j.header.Journal, journalVersion)
			}
			continue
		}
		var l journalLine
		if err := dec.Decode(&l); err != nil {
			return nil, bad(n, "%v", err)
		}
		if j.complete != nil {
			return nil, bad(n, "an entry after the end of the run")
		}
		switch {
		case l.Complete:
			j.complete = &l
		case l.Device == "" || l.Facts != reports.FactsFileName(l.Device) || len(l.SHA256) != 64:
			return nil, bad(n, "not a finished-device entry")
		default:
			if _, dup := j.finished[l.Device]; dup {
				return nil, bad(n, "device %s recorded twice", l.Device)
			}
			j.finished[l.Device] = l
		}
	}
	if err := sc.Err(); err != nil {
		return nil, bad(n+1, "%v", err)
	}
	if n == 0 {
		return nil, bad(1, "empty")
	}
	return j, nil
}

// checkFinished reads the facts file of every finished device and checks
// it is the one the journal recorded (its SHA-256) and valid, before any
// probe of a resumed scan. The documents are not kept: the reports read
// them again, batch by batch, once the sweep is over (readFinished). It
// returns the finished addresses, which the resumed sweep leaves out.
func (j *journal) checkFinished() ([]netip.Addr, error) {
	addrs := make([]netip.Addr, 0, len(j.finished))
	for addr, l := range j.finished {
		path := filepath.Join(j.dir, filepath.FromSlash(l.Facts))
		raw, err := inputfile.Read(path, facts.MaxFileBytes)
		if err != nil {
			return nil, fmt.Errorf("read the facts of finished device %s: %w", addr, err)
		}
		if err := facts.Validate(raw); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if _, err := decodeFinished(path, raw, l); err != nil {
			return nil, err
		}
		if a, err := netip.ParseAddr(addr); err == nil {
			addrs = append(addrs, a)
		}
	}
	return addrs, nil
}

// decodeFinished decodes a finished device's facts file and checks it is
// the document the journal recorded.
func decodeFinished(path string, raw []byte, l journalLine) (*facts.Device, error) {
	var d facts.Device
	if err := json.Unmarshal(raw, &d); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if sum, err := deviceDigest(&d); err != nil || sum != l.SHA256 {
		return nil, fmt.Errorf("facts file %s is not the document the journal recorded (SHA-256 differs)", path)
	}
	if d.Address != l.Device {
		return nil, fmt.Errorf("%s: holds device %s, the journal says %s", path, d.Address, l.Device)
	}
	return &d, nil
}

// finishedAddrs lists every finished device (an earlier run's and this
// one's) in address order: the index the reports are fed from.
func (j *journal) finishedAddrs() []string {
	j.mu.Lock()
	defer j.mu.Unlock()
	out := make([]string, 0, len(j.finished))
	for a := range j.finished {
		out = append(out, a)
	}
	slices.SortFunc(out, facts.CompareAddress)
	return out
}

// readFinished reads back the facts files of finished devices, in the
// order of addrs, on GOMAXPROCS workers. Each is checked against its
// journal entry: the reports state what the journal recorded.
func (j *journal) readFinished(addrs []string) ([]*facts.Device, error) {
	docs := make([]*facts.Device, len(addrs))
	err := parallel.Each(len(addrs), func(i int) error {
		var err error
		docs[i], err = j.readOne(addrs[i])
		return err
	})
	if err != nil {
		return nil, err
	}
	return docs, nil
}

func (j *journal) readOne(addr string) (*facts.Device, error) {
	j.mu.Lock()
	l, ok := j.finished[addr]
	j.mu.Unlock()
	if !ok {
		return nil, fmt.Errorf("device %s is not in the scan journal", addr)
	}
	path := filepath.Join(j.dir, filepath.FromSlash(l.Facts))
	raw, err := inputfile.Read(path, facts.MaxFileBytes)
	if err != nil {
		return nil, fmt.Errorf("read the facts of finished device %s: %w", addr, err)
	}
	return decodeFinished(path, raw, l)
}

// createJournal starts a fresh journal in dir: the header is written
// atomically, so a journal never exists without one.
func createJournal(dir string, h journalHeader) (*journal, error) {
	path := filepath.Join(dir, JournalName)
	line, err := json.Marshal(h)
	if err != nil {
		return nil, fmt.Errorf("encode scan journal: %w", err)
	}
	if err := reports.WriteFileAtomic(path, func(w io.Writer) error {
		_, err := w.Write(append(line, '\n'))
		return err
	}); err != nil {
		return nil, err
	}
	j := &journal{dir: dir, header: h, finished: map[string]journalLine{}}
	return j, j.open()
}

// open opens the journal for appending.
func (j *journal) open() error {
	f, err := os.OpenFile(filepath.Join(j.dir, JournalName), os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return fmt.Errorf("open scan journal: %w", err)
	}
	j.f = f
	return nil
}

// append writes one line and syncs it. Each line goes out in one write
// with O_APPEND, so concurrent workers never interleave and a killed
// process leaves whole lines only.
func (j *journal) append(l journalLine) error {
	b, err := json.Marshal(l)
	if err != nil {
		return fmt.Errorf("encode journal entry: %w", err)
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.err != nil {
		return j.err
	}
	if _, err := j.f.Write(append(b, '\n')); err != nil {
		j.err = fmt.Errorf("append to scan journal: %w", err)
		return j.err
	}
	if err := j.f.Sync(); err != nil {
		j.err = fmt.Errorf("sync scan journal: %w", err)
		return j.err
	}
	return nil
}

// record writes a finished device's facts file atomically, then its
// journal entry, and adds it to the finished devices the reports are read
// back from. A device cut short by the interrupt is not recorded: a resume
// probes it again (and this run's reports take it from memory).
func (j *journal) record(doc *facts.Device) error {
	if j == nil || doc.Incomplete {
		return nil
	}
	text, err := reports.EncodeFacts(doc)
	if err != nil {
		return err
	}
	rel := reports.FactsFileName(doc.Address)
	if err := reports.WriteFileAtomic(filepath.Join(j.dir, filepath.FromSlash(rel)), func(w io.Writer) error {
		_, err := w.Write(text)
		return err
	}); err != nil {
		return err
	}
	sum, err := deviceDigest(doc)
	if err != nil {
		return err
	}
	l := journalLine{Device: doc.Address, Facts: rel, SHA256: sum}
	if err := j.append(l); err != nil {
		return err
	}
	j.mu.Lock()
	j.finished[doc.Address] = l
	j.mu.Unlock()
	return nil
}

// deviceDigest is the SHA-256 of the device's facts text without its scan
// section: the final reports rewrite each facts file with the run's end
// time, and that must not make a finished device look tampered with.
func deviceDigest(doc *facts.Device) (string, error) {
	bare := *doc
	bare.Scan = nil
	text, err := reports.EncodeFacts(&bare)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(text)
	return hex.EncodeToString(sum[:]), nil
}

// finish marks the run complete, naming the reports it wrote.
func (j *journal) finish(at time.Time, written []string) error {
	if j == nil {
		return nil
	}
	var rel []string
	for _, p := range written {
		if r, err := filepath.Rel(j.dir, p); err == nil && !strings.HasPrefix(r, "facts"+string(filepath.Separator)) {
			rel = append(rel, filepath.ToSlash(r))
		}
	}
	return j.append(journalLine{Complete: true, FinishedAt: at.UTC(), Reports: rel})
}

func (j *journal) close() {
	if j != nil && j.f != nil {
		_ = j.f.Close()
	}
}
