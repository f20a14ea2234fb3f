// Package sarifcheck validates SARIF logs with the Microsoft SARIF Multitool
// (rule kinds "Sarif;Gh", GitHub ingestion rules included) and the SARIF
// 2.1.0 JSON Schema. Tests of any package use Validate; Run is the plain
// function underneath.
package sarifcheck

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/mfpscan/mfpscan/internal/testpeer"
)

// EnvMultitool names the environment variable that overrides the Multitool
// path.
const EnvMultitool = "MFPSCAN_SARIF_MULTITOOL"

// DefaultRelPath is where the npm package puts the Linux Multitool, relative
// to the repository root.
const DefaultRelPath = "tools/sarif/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"

// Problem is one Multitool finding about the validated log.
type Problem struct {
	RuleID  string `json:"rule_id"`
	Level   string `json:"level"`
	Message string `json:"message"`
}

func (p Problem) String() string { return p.Level + " " + p.RuleID + ": " + p.Message }

// Run validates sarifPath with the Multitool at multitoolPath and returns
// every problem it reports, each with its effective level ("error",
// "warning", "note").
func Run(ctx context.Context, multitoolPath, sarifPath string) ([]Problem, error) {
	tmp, err := os.MkdirTemp("", "sarifcheck-")
	if err != nil {
		return nil, fmt.Errorf("create temp dir: %w", err)
	}
	defer os.RemoveAll(tmp)
	out := filepath.Join(tmp, "validation.sarif")
	cmd := exec.CommandContext(ctx, multitoolPath, "validate", "--rule-kind", "Sarif;Gh",
		"--log", "ForceOverwrite", "-o", out, sarifPath)
	// The .NET runtime needs ICU unless told otherwise; CI images often lack it.
	cmd.Env = append(os.Environ(), "DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1")
	var combined bytes.Buffer
	cmd.Stdout, cmd.Stderr = &combined, &combined
	runErr := cmd.Run()
	raw, err := os.ReadFile(out)
	if err != nil {
		if runErr != nil {
			return nil, fmt.Errorf("run sarif multitool: %w: %s", runErr, combined.String())
		}
		return nil, fmt.Errorf("read multitool output: %w", err)
	}
	problems, err := parse(raw)
	if err != nil {
		return nil, err
	}
	if runErr != nil && len(problems) == 0 {
		return nil, fmt.Errorf("run sarif multitool: %w: %s", runErr, combined.String())
	}
	return problems, nil
}

type mtLog struct {
	Runs []struct {
		Tool struct {
			Driver struct {
				Rules []struct {
					ID                   string `json:"id"`
					DefaultConfiguration struct {
						Level string `json:"level"`
					} `json:"defaultConfiguration"`
					MessageStrings map[string]struct {
						Text string `json:"text"`
					} `json:"messageStrings"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Results []struct {
			RuleID    string `json:"ruleId"`
			RuleIndex *int   `json:"ruleIndex"`
			Level     string `json:"level"`
			Message   struct {
				Text      string   `json:"text"`
				ID        string   `json:"id"`
				Arguments []string `json:"arguments"`
			} `json:"message"`
		} `json:"results"`
	} `json:"runs"`
}

// parse reads the Multitool's own SARIF output. Its messages are usually
// templates (message.id + arguments) resolved against the rule's
// messageStrings, and its level defaults to the rule's configuration.
func parse(raw []byte) ([]Problem, error) {
	var log mtLog
	if err := json.Unmarshal(raw, &log); err != nil {
		return nil, fmt.Errorf("parse multitool output: %w", err)
	}
	var out []Problem
	for _, run := range log.Runs {
		rules := run.Tool.Driver.Rules
		for _, res := range run.Results {
			p := Problem{RuleID: res.RuleID, Level: res.Level, Message: res.Message.Text}
			idx := -1
			if res.RuleIndex != nil && *res.RuleIndex >= 0 && *res.RuleIndex < len(rules) {
				idx = *res.RuleIndex
			} else {
				for i, r := range rules {
					if r.ID == res.RuleID {
						idx = i
					}
				}
			}
			if idx >= 0 {
				if p.Level == "" {
					p.Level = rules[idx].DefaultConfiguration.Level
				}
				if p.Message == "" {
					p.Message = rules[idx].MessageStrings[res.Message.ID].Text
				}
			}
			if p.Level == "" {
				p.Level = "warning"
			}
			if p.Message == "" {
				p.Message = res.Message.ID
			}
			for i, a := range res.Message.Arguments {
				p.Message = strings.ReplaceAll(p.Message, fmt.Sprintf("{%d}", i), a)
			}
			out = append(out, p)
		}
	}
	return out, nil
}

// FindMultitool returns the Multitool path from $MFPSCAN_SARIF_MULTITOOL or
// DefaultRelPath under the nearest ancestor of the working directory that
// has it, making it executable when npm left the bit off.
func FindMultitool() (string, error) {
	if p := os.Getenv(EnvMultitool); p != "" {
		return p, ensureExecutable(p)
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("get working directory: %w", err)
	}
	for {
		p := filepath.Join(dir, filepath.FromSlash(DefaultRelPath))
		if _, err := os.Stat(p); err == nil {
			return p, ensureExecutable(p)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("sarif multitool not found (set %s or npm install @microsoft/sarif-multitool in tools/sarif)", EnvMultitool)
		}
		dir = parent
	}
}

func ensureExecutable(p string) error {
	fi, err := os.Stat(p)
	if err != nil {
		return fmt.Errorf("stat sarif multitool: %w", err)
	}
	if fi.Mode()&0o100 == 0 {
		if err := os.Chmod(p, fi.Mode()|0o100); err != nil {
			return fmt.Errorf("make sarif multitool executable: %w", err)
		}
	}
	return nil
}

// SchemaPath is the SARIF 2.1.0 JSON Schema shipped beside the Multitool.
func SchemaPath(multitoolPath string) string {
	return filepath.Join(filepath.Dir(multitoolPath), "sarif-2.1.0.json")
}

// CheckSchema validates a SARIF document against the JSON Schema file.
func CheckSchema(schemaPath string, doc []byte) error {
	sf, err := os.Open(schemaPath)
	if err != nil {
		return fmt.Errorf("open sarif schema: %w", err)
	}
	defer sf.Close()
	schemaDoc, err := jsonschema.UnmarshalJSON(sf)
	if err != nil {
		return fmt.Errorf("parse sarif schema: %w", err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("sarif-2.1.0.json", schemaDoc); err != nil {
		return fmt.Errorf("add sarif schema: %w", err)
	}
	sch, err := c.Compile("sarif-2.1.0.json")
	if err != nil {
		return fmt.Errorf("compile sarif schema: %w", err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return fmt.Errorf("parse sarif log: %w", err)
	}
	if err := sch.Validate(inst); err != nil {
		return fmt.Errorf("validate sarif against schema: %w", err)
	}
	return nil
}

// Validate fails t when the SARIF file at path breaks the 2.1.0 JSON Schema
// or draws any error-level result from the Multitool ("Sarif;Gh" rules). A
// missing Multitool skips t, except where peers are required (the full suite
// and CI), where it fails.
func Validate(t testing.TB, path string) {
	t.Helper()
	tool := Require(t)
	doc, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("sarifcheck: read %s: %v", path, err)
	}
	if err := CheckSchema(SchemaPath(tool), doc); err != nil {
		t.Errorf("sarifcheck: %s: %v", path, err)
	}
	problems, err := Run(context.Background(), tool, path)
	if err != nil {
		t.Fatalf("sarifcheck: %v", err)
	}
	var errs []string
	for _, p := range problems {
		if p.Level == "error" {
			errs = append(errs, p.String())
		} else {
			t.Logf("sarifcheck: %s", p)
		}
	}
	if len(errs) > 0 {
		t.Errorf("sarifcheck: %s: %d Multitool error(s):\n%s", path, len(errs), strings.Join(errs, "\n"))
	}
}

// Require returns the Multitool's path, or stops t through testpeer.Missing.
func Require(t testing.TB) string {
	t.Helper()
	tool, err := FindMultitool()
	if err != nil {
		testpeer.Missing(t, "SARIF Multitool", "npm ci in tools/sarif", err)
	}
	return tool
}
