package pipeline

import (
	"bytes"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mfpscan/mfpscan/lab"
)

// TestNoSecretsInOutputs scans the lab with the credential checks and an
// operator-supplied community, then searches every file written and the
// debug log for the values tried.
func TestNoSecretsInOutputs(t *testing.T) {
	const customCommunity = "s3cr3t-c0mmunity-x9"
	var logBuf, stdout bytes.Buffer
	_, cfg := scanTestLab(t, func(cfg *Config) {
		cfg.Collect.CheckDefaultCredentials = true
		cfg.Collect.Communities = []string{customCommunity}
		cfg.Formats = []string{"sarif", "html", "json", "csv"}
		cfg.Log = slog.New(slog.NewTextHandler(&logBuf, &slog.HandlerOptions{Level: slog.LevelDebug}))
		cfg.Stdout = &stdout
	})
	out := cfg.OutDir

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
