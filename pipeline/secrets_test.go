package pipeline

import (
	"bytes"
	"context"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mfpscan/mfpscan/lab"
)

// TestNoSecretsInOutputs scans the lab with the credential checks and an
// operator-supplied community, then searches every file written and the
// debug log for the values tried.
func TestNoSecretsInOutputs(t *testing.T) {
	_, lc := startTestLab(t)
	out := t.TempDir()
	cfg := labScanConfig(t, lc, out)
	const customCommunity = "s3cr3t-c0mmunity-x9"
	cfg.Collect.CheckDefaultCredentials = true
	cfg.Collect.Communities = []string{customCommunity}
	cfg.Formats = []string{"sarif", "html", "json", "csv"}
	var logBuf bytes.Buffer
	cfg.Log = slog.New(slog.NewTextHandler(&logBuf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	var stdout bytes.Buffer
	cfg.Stdout = &stdout
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	if err := Scan(ctx, cfg); err != nil {
		t.Fatalf("Scan: %v", err)
	}

	secrets := []string{lab.DefaultSystemManagerPIN, "MeapSmsLogin", customCommunity, lab.HardenedPassword, "mfpscan@"}
	outputs := map[string][]byte{"log": logBuf.Bytes(), "stdout": stdout.Bytes()}
	err := filepath.WalkDir(out, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		outputs[path] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(outputs) < 6 {
		t.Fatalf("only %d outputs written", len(outputs))
	}
	for name, content := range outputs {
		for _, s := range secrets {
			if bytes.Contains(content, []byte(s)) {
				i := bytes.Index(content, []byte(s))
				t.Errorf("%s contains the secret %q: …%s…", name, s, content[max(0, i-80):min(len(content), i+40)])
			}
		}
	}
	// The checks did run: the factory accepts its default System Manager PIN.
	facts, _ := os.ReadFile(filepath.Join(out, "findings.json"))
	if !strings.Contains(string(facts), "MFP-CRED-001") || !strings.Contains(string(outputs[filepath.Join(out, "findings.json")]), `"status": "fail"`) {
		t.Error("credential rules did not evaluate")
	}
}
