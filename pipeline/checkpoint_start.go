package pipeline

import (
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mfpscan/mfpscan/facts"
)

// checkpoint is what a scan starts from: its journal, and when resuming,
// the addresses of the devices an earlier run finished (not probed again;
// their documents stay on disk, named by the journal, until the reports).
type checkpoint struct {
	j         *journal
	skip      []netip.Addr
	startedAt time.Time
}

// startCheckpoint prepares --out for a scan, before any probe:
//
//   - --resume: the journal must be an interrupted scan made with the same
//     targets and options; its finished devices are loaded (each facts file
//     checked against its recorded SHA-256), facts files it does not name
//     (devices cut short by the interrupt) are removed so they are probed
//     and written again, and new entries are appended.
//   - a new scan into a directory holding a completed run replaces it: the
//     facts and reports its journal names are removed first, so `eval` or
//     `report --from` never read a stale device. An interrupted run there is
//     kept unless --force (it can still be resumed), and so are facts files
//     no journal names (an older version's, or eval's): refused without
//     --force, removed with it. Nothing is removed before every check
//     passed.
//
// Temporary files a killed run left behind are removed in every case.
func startCheckpoint(cfg Config, now time.Time) (*checkpoint, error) {
	dir := cfg.OutDir
	if dir == StdoutOut {
		// Streaming to standard output leaves no directory to journal in:
		// such a run cannot be resumed, and says so up front.
		if cfg.Resume {
			return nil, Usagef("--resume needs the output directory of the interrupted scan, not --out -")
		}
		return &checkpoint{startedAt: now}, nil
	}
	prev, readErr := readJournal(dir)
	if cfg.Resume {
		return resumeCheckpoint(cfg, prev, readErr)
	}
	if readErr != nil && !cfg.Force {
		return nil, Usage(readErr)
	}
	if prev != nil && prev.complete == nil && !cfg.Force {
		return nil, Usagef("%s holds an interrupted scan (%d device(s) finished, started %s): continue it with --resume %s, or pass --force to discard it",
			dir, len(prev.finished), prev.header.StartedAt.Format(time.RFC3339), dir)
	}
	stray, err := strayFacts(dir, prev)
	if err != nil {
		return nil, err
	}
	if len(stray) > 0 && !cfg.Force {
		return nil, Usagef("%s holds %d facts file(s) no scan journal names (e.g. %s, from an older mfpscan or an eval): a new scan would mix them with its own; pass --force to remove them, or choose another --out",
			filepath.Join(dir, "facts"), len(stray), filepath.Base(stray[0]))
	}
	var remove []string
	if prev != nil {
		for _, l := range prev.finished {
			remove = append(remove, filepath.Join(dir, filepath.FromSlash(l.Facts)))
		}
		if prev.complete != nil {
			for _, r := range prev.complete.Reports {
				if filepath.IsLocal(filepath.FromSlash(r)) {
					remove = append(remove, filepath.Join(dir, filepath.FromSlash(r)))
				}
			}
		}
	}
	remove = append(remove, stray...)
	if readErr != nil || prev != nil {
		remove = append(remove, filepath.Join(dir, JournalName))
	}
	if err := removeAll(append(remove, staleTemps(dir)...)); err != nil {
		return nil, err
	}
	j, err := createJournal(dir, journalHeader{
		Journal: journalVersion, Version: Version, StartedAt: now.UTC(),
		Targets: cfg.Targets, Excludes: cfg.Excludes, Shard: shardMeta(cfg), Digest: configDigest(cfg),
	})
	if err != nil {
		return nil, fmt.Errorf("start scan journal: %w", err)
	}
	return &checkpoint{j: j, startedAt: now}, nil
}

func resumeCheckpoint(cfg Config, prev *journal, readErr error) (*checkpoint, error) {
	dir := cfg.OutDir
	switch {
	case readErr != nil:
		return nil, Usagef("--resume: %v", readErr)
	case prev == nil:
		return nil, Usagef("--resume %s: no scan journal (%s) there, nothing to resume", dir, JournalName)
	case prev.complete != nil:
		return nil, Usagef("--resume %s: that scan completed at %s; nothing to resume (its reports are there)", dir, prev.complete.FinishedAt.Format(time.RFC3339))
	case prev.header.Digest != configDigest(cfg):
		return nil, Usagef("--resume %s: the scan there was made with other targets or options (targets %s%s); resume with the same command line, or start a new scan with --force or another --out",
			dir, strings.Join(prev.header.Targets, " "), describeShard(prev.header.Shard))
	}
	skip, err := prev.checkFinished()
	if err != nil {
		return nil, Usagef("--resume %s: %v; nothing was changed", dir, err)
	}
	stray, err := strayFacts(dir, prev)
	if err != nil {
		return nil, err
	}
	if err := removeAll(append(stray, staleTemps(dir)...)); err != nil {
		return nil, err
	}
	if err := prev.open(); err != nil {
		return nil, err
	}
	return &checkpoint{j: prev, skip: skip, startedAt: prev.header.StartedAt}, nil
}

func describeShard(s *facts.Shard) string {
	if s == nil {
		return ", unsharded"
	}
	return fmt.Sprintf(", shard %d/%d seed %d", s.K, s.N, s.Seed)
}

// strayFacts lists the facts files in dir/facts that j does not name as
// finished (all of them when j is nil).
func strayFacts(dir string, j *journal) ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(dir, "facts"))
	if err != nil && !os.IsNotExist(err) {
		return nil, Usagef("read %s: %v", filepath.Join(dir, "facts"), err)
	}
	named := map[string]bool{}
	if j != nil {
		for _, l := range j.finished {
			named[filepath.Base(filepath.FromSlash(l.Facts))] = true
		}
	}
	var out []string
	for _, e := range entries {
		if !e.IsDir() && strings.EqualFold(filepath.Ext(e.Name()), ".json") && !strings.HasPrefix(e.Name(), ".") && !named[e.Name()] {
			out = append(out, filepath.Join(dir, "facts", e.Name()))
		}
	}
	return out, nil
}

// staleTemps lists the temporary files (".NAME.tmp-*", see
// reports.WriteFileAtomic) a killed run left in dir and dir/facts.
func staleTemps(dir string) []string {
	var out []string
	for _, d := range []string{dir, filepath.Join(dir, "facts")} {
		m, _ := filepath.Glob(filepath.Join(d, ".*.tmp-*"))
		out = append(out, m...)
	}
	return out
}

func removeAll(paths []string) error {
	for _, p := range paths {
		if err := os.Remove(p); err != nil && !os.IsNotExist(err) {
			return fmt.Errorf("remove %s of the previous run: %w", p, err)
		}
	}
	return nil
}
