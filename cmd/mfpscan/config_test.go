package main

import (
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"gopkg.in/yaml.v3"

	"github.com/mfpscan/mfpscan/internal/cliconfig"
	"github.com/mfpscan/mfpscan/scanner"
)

// fullTree is the command tree as it runs, with cobra's completion command.
func fullTree() *cobra.Command {
	root := newRootCommand()
	root.InitDefaultCompletionCmd()
	return root
}

func eachCommand(c *cobra.Command, fn func(*cobra.Command)) {
	fn(c)
	for _, sub := range c.Commands() {
		eachCommand(sub, fn)
	}
}

// sample is a value for f different from its default: as YAML, as an
// environment variable, and as the command line that gives the same value.
func sample(t *testing.T, f *pflag.Flag) (file any, env string, fileArgs, envArgs []string) {
	arg := func(v string) string { return "--" + f.Name + "=" + v }
	one := func(v string) (any, string, []string, []string) {
		return v, v, []string{arg(v)}, []string{arg(v)}
	}
	switch f.Value.Type() {
	case "bool":
		return one(strconv.FormatBool(f.DefValue != "true"))
	case "string":
		return one("configured-" + f.Name)
	case "int", "int64", "uint64":
		if f.DefValue == "7" {
			return one("8")
		}
		return one("7")
	case "float64":
		return one("7.5")
	case "duration":
		return one("7s")
	case "stringSlice", "stringArray":
		return []any{"a", "b"}, "c", []string{arg("a"), arg("b")}, []string{arg("c")}
	}
	t.Errorf("--%s: no sample value for type %s; add one", f.Name, f.Value.Type())
	return nil, "", nil, nil
}

// nest turns "a.b.c: v" into a YAML mapping.
func nest(key string, v any) map[string]any {
	parts := strings.Split(key, ".")
	m := map[string]any{parts[len(parts)-1]: v}
	for i := len(parts) - 2; i >= 0; i-- {
		m = map[string]any{parts[i]: m}
	}
	return m
}

// applied builds a fresh tree, loads env into it, applies it to the command
// at path and returns the value of flag name.
func applied(t *testing.T, env cliconfig.Env, path []string, name string) (string, cliconfig.Setting) {
	t.Helper()
	root := fullTree()
	cmd, _, err := root.Find(path)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := cliconfig.Load(cliconfig.NewSchema(root), env, nil)
	if err != nil {
		t.Fatalf("%s --%s: load: %v", strings.Join(path, " "), name, err)
	}
	settings, err := cfg.Apply(cmd)
	if err != nil {
		t.Fatalf("%s --%s: apply: %v", strings.Join(path, " "), name, err)
	}
	for _, s := range settings {
		if s.Flag.Name == name {
			return s.Flag.Value.String(), s
		}
	}
	t.Fatalf("%s: no setting for --%s", strings.Join(path, " "), name)
	return "", cliconfig.Setting{}
}

// parsed is the value of flag name after the command line args.
func parsed(t *testing.T, path []string, name string, args []string) string {
	t.Helper()
	cmd, _, err := fullTree().Find(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.ParseFlags(args); err != nil {
		t.Fatalf("%s %v: %v", strings.Join(path, " "), args, err)
	}
	return cmd.Flags().Lookup(name).Value.String()
}

// TestEveryFlagHasAKeyAndRoundTrips walks every flag of every command,
// including flags added after this test was written: each has at least one
// key, and a value given under each of its keys, in a file or in the
// environment, reaches the flag exactly as the command line would set it.
func TestEveryFlagHasAKeyAndRoundTrips(t *testing.T) {
	root := fullTree()
	schema := cliconfig.NewSchema(root)
	// Variables that mean something else must stay free.
	if err := schema.Check(cliconfig.EnvConfig, scanner.EnvShardCount, "MFPSCAN_REQUIRE_PEERS", "MFPSCAN_SARIF_MULTITOOL", "MFPSCAN_TEST_RUN_MAIN"); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	flags := 0
	eachCommand(root, func(c *cobra.Command) {
		if cliconfig.Builtin(c) {
			return // help and completion take no configuration
		}
		path := strings.Fields(c.CommandPath())[1:]
		for _, f := range cliconfig.Flags(c) {
			flags++
			keys := cliconfig.Keys(c, f)
			if len(keys) == 0 {
				t.Errorf("%s --%s has no config key", c.CommandPath(), f.Name)
				continue
			}
			fileVal, envVal, fileArgs, envArgs := sample(t, f)
			for _, key := range keys {
				if schema.Keys[key] == nil {
					t.Errorf("%s --%s: key %s missing from the schema", c.CommandPath(), f.Name, key)
				}
				raw, err := yaml.Marshal(nest(key, fileVal))
				if err != nil {
					t.Fatal(err)
				}
				file := writeFile(t, dir, "c.yaml", string(raw))
				got, s := applied(t, cliconfig.Env{Environ: func() []string { return []string{cliconfig.EnvConfig + "=" + file} }}, path, f.Name)
				want := parsed(t, path, f.Name, fileArgs)
				if got != want || got == f.DefValue || s.Origin != file {
					t.Errorf("%s --%s from file key %s: %q (from %s), want %q", c.CommandPath(), f.Name, key, got, s.Origin, want)
				}
				envName := cliconfig.EnvName(key)
				got, s = applied(t, cliconfig.Env{Environ: func() []string { return []string{cliconfig.EnvConfig + "=", envName + "=" + envVal} }}, path, f.Name)
				want = parsed(t, path, f.Name, envArgs)
				if got != want || got == f.DefValue || s.Origin != "env "+envName {
					t.Errorf("%s --%s from %s: %q (from %s), want %q", c.CommandPath(), f.Name, envName, got, s.Origin, want)
				}
			}
		}
	})
	if flags < 100 {
		t.Errorf("only %d flags walked; the walk misses commands", flags)
	}
}

// TestConfigPrecedenceThroughTheCLI runs eval with a config file, an
// environment variable and flags: each level overrides the one below, and
// the values reach the run (the formats written, the exit code).
func TestConfigPrecedenceThroughTheCLI(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	facts := "../../testdata/reports/facts-127.77.0.10.json"
	cfgFile := writeFile(t, dir, "config.yaml", "no-history: true\nformat: json\nfail-on: none\neval:\n  fail-on: low\n  out: "+out+"\n")
	env := func(vars ...string) cliconfig.Env {
		return cliconfig.Env{Environ: func() []string { return vars }, SystemFile: cfgFile}
	}

	// The file alone: eval.fail-on low beats the top-level none.
	if code, _, msg := runCLIWith(t, env(), "eval", facts, "--quiet"); code != exitFindings {
		t.Fatalf("file: exit %d (%s), want %d from eval.fail-on low", code, msg, exitFindings)
	}
	if _, err := os.Stat(filepath.Join(out, "findings.json")); err != nil {
		t.Fatalf("out and format from the file not used: %v", err)
	}
	if _, err := os.Stat(filepath.Join(out, "report.html")); err == nil {
		t.Fatal("report.html written: format json from the file not used")
	}
	// The environment beats the file.
	if code, _, msg := runCLIWith(t, env("MFPSCAN_FAIL_ON=none"), "eval", facts, "--quiet"); code != exitOK {
		t.Fatalf("env: exit %d (%s), want 0 from MFPSCAN_FAIL_ON=none", code, msg)
	}
	// The command line beats the environment.
	if code, _, msg := runCLIWith(t, env("MFPSCAN_FAIL_ON=none"), "eval", facts, "--quiet", "--fail-on", "low"); code != exitFindings {
		t.Fatalf("flag: exit %d (%s), want %d from --fail-on low", code, msg, exitFindings)
	}
	// A broken config breaks no help and no shell completion.
	broken := writeFile(t, dir, "broken.yaml", "rat: 1\n")
	for _, args := range [][]string{{"help", "scan"}, {"completion", "bash"}, {"__complete", "scan", "--ra"}} {
		if code, _, msg := runCLIWith(t, cliconfig.Env{SystemFile: broken}, args...); code != exitOK {
			t.Errorf("%v with a broken config: exit %d (%s)", args, code, msg)
		}
	}
	if code, _, msg := runCLIWith(t, cliconfig.Env{SystemFile: broken}, "version"); code != exitUsage || !strings.Contains(msg, "unknown key rat") {
		t.Errorf("version with a broken config: exit %d (%s), want 2 naming the key", code, msg)
	}
	if code, _, _ := runCLIWith(t, env(), "config", "show", "sacn"); code != exitUsage {
		t.Errorf("config show of an unknown command: exit %d, want 2", code)
	}
	// config show tells where each came from.
	code, stdout, msg := runCLIWith(t, env("MFPSCAN_FAIL_ON=none"), "config", "show", "eval")
	if code != exitOK {
		t.Fatalf("config show: exit %d (%s)", code, msg)
	}
	for _, want := range []string{"fail-on  ", "env MFPSCAN_FAIL_ON", "eval.out ", cfgFile, "eval.eval-timeout", "default"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("config show eval lacks %q:\n%s", want, stdout)
		}
	}
}

// TestBadConfigExitsTwoAndSendsNothing: a wrong key or value in the file or
// the environment stops a scan before any packet, with exit code 2 naming
// the file and key or the variable.
func TestBadConfigExitsTwoAndSendsNothing(t *testing.T) {
	dir := t.TempDir()
	port, accepted := countingListener(t)
	cases := []struct {
		name, body string
		vars       []string
		want       string
	}{
		{"unknown key", "scan:\n  rat: 5\n", nil, "unknown key scan.rat"},
		{"wrong type", "scan:\n  rate: fast\n", nil, "key scan.rate"},
		{"other command's key", "eval:\n  rate: 5\n", nil, "unknown key eval.rate"},
		{"bad env", "", []string{"MFPSCAN_TIMEOUT=soon"}, "environment MFPSCAN_TIMEOUT"},
	}
	for _, c := range cases {
		file := writeFile(t, dir, "config.yaml", c.body)
		env := cliconfig.Env{Environ: func() []string { return c.vars }, SystemFile: file}
		code, _, msg := runCLIWith(t, env, "scan", "127.0.0.1", "--ports", port, "--out", filepath.Join(dir, "out"), "--no-history", "--quiet")
		if code != exitUsage || !strings.Contains(msg, c.want) || (c.vars == nil && !strings.Contains(msg, file)) {
			t.Errorf("%s: exit %d, %q; want 2 naming %q", c.name, code, msg, c.want)
		}
	}
	if n := accepted.Load(); n != 0 {
		t.Errorf("%d connections made despite a bad config", n)
	}
}

// TestPackagedExampleConfigIsRead loads the /etc/mfpscan/config.yaml the
// Debian package installs through the real loader: it is valid, and the
// settings it makes reach the nightly scan.
func TestPackagedExampleConfigIsRead(t *testing.T) {
	example := "../../deploy/debian/config.yaml"
	raw, err := os.ReadFile(example)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), "not read") {
		t.Error("the packaged config still says it is not read")
	}
	env := cliconfig.Env{SystemFile: example}
	code, stdout, msg := runCLIWith(t, env, "config", "show", "scan")
	if code != exitOK {
		t.Fatalf("config show with the packaged config: exit %d: %s", code, msg)
	}
	var fromFile []string
	for _, line := range strings.Split(stdout, "\n") {
		if strings.HasSuffix(line, example) {
			fromFile = append(fromFile, strings.Fields(line)[0])
		}
	}
	for _, want := range []string{"scan.fail-on", "scan.format"} {
		if !slices.Contains(fromFile, want) {
			t.Errorf("the packaged config does not set %s (set from it: %v)\n%s", want, fromFile, stdout)
		}
	}
	// Every key of the example, commented out or not, is a real key:
	// uncommenting one never gives "unknown key".
	schema := cliconfig.NewSchema(fullTree())
	keyLine := regexp.MustCompile(`^( *)(# )?([a-z][a-z0-9-]*):( |$)`)
	section, seen := "", 0
	for _, line := range strings.Split(string(raw), "\n") {
		m := keyLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		key := m[3]
		if m[1] == "" {
			if schema.Sections[key] {
				section = key
				continue
			}
			section = ""
		} else if section != "" {
			key = section + "." + key
		}
		seen++
		if schema.Keys[key] == nil {
			t.Errorf("the packaged config shows %s, which is no key", key)
		}
	}
	if seen < 15 {
		t.Errorf("only %d keys found in the packaged config; the parse is wrong", seen)
	}
}

// TestDocumentedConfigExamplesLoad loads every config file example of the
// README and docs/INTEGRATIONS.md (a YAML block whose first line names a
// config.yaml, and the config.yaml of a ConfigMap) through the real loader,
// so the documentation never shows a key that is refused.
func TestDocumentedConfigExamplesLoad(t *testing.T) {
	block := regexp.MustCompile("(?s)```yaml\n(.*?)```")
	checked := 0
	for _, doc := range []string{"../../README.md", "../../docs/INTEGRATIONS.md"} {
		raw, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range block.FindAllStringSubmatch(string(raw), -1) {
			var examples []string
			first, _, _ := strings.Cut(m[1], "\n")
			if strings.HasPrefix(first, "#") && strings.Contains(first, "config.yaml") {
				examples = append(examples, m[1])
			}
			for _, part := range strings.Split(m[1], "\n---\n") {
				var cm struct {
					Kind string            `yaml:"kind"`
					Data map[string]string `yaml:"data"`
				}
				if yaml.Unmarshal([]byte(part), &cm) == nil && cm.Kind == "ConfigMap" && cm.Data["config.yaml"] != "" {
					examples = append(examples, cm.Data["config.yaml"])
				}
			}
			for _, ex := range examples {
				checked++
				file := writeFile(t, t.TempDir(), "config.yaml", ex)
				// Paths the examples name need not exist here: show reads
				// values without opening them.
				if code, _, msg := runCLIWith(t, cliconfig.Env{SystemFile: file}, "config", "show", "scan"); code != exitOK {
					t.Errorf("%s: example config refused: %s\n%s", doc, msg, ex)
				}
			}
		}
	}
	if checked < 4 {
		t.Errorf("only %d config examples found in the docs", checked)
	}
}

// TestConfigShowYAMLRoundTrips: the YAML that config show writes is a config
// file giving the same settings, so it can start a new one.
func TestConfigShowYAMLRoundTrips(t *testing.T) {
	dir := t.TempDir()
	first := writeFile(t, dir, "first.yaml", "rate: 250\nshard-seed: 18446744073709551615\nscan:\n  exclude: [10.0.0.1]\n  probe-pjl: true\n  timeout: 2s\n")
	code, out, msg := runCLIWith(t, cliconfig.Env{SystemFile: first}, "config", "show", "scan", "--format", "yaml")
	if code != exitOK {
		t.Fatalf("config show --format yaml: exit %d: %s", code, msg)
	}
	second := writeFile(t, dir, "second.yaml", out)
	table := func(file string) map[string]string {
		code, out, msg := runCLIWith(t, cliconfig.Env{SystemFile: file}, "config", "show", "scan")
		if code != exitOK {
			t.Fatalf("config show with %s: exit %d: %s\n%s", file, code, msg, out)
		}
		m := map[string]string{}
		for _, line := range strings.Split(out, "\n")[2:] {
			if f := strings.Fields(line); len(f) >= 2 {
				key := strings.TrimPrefix(f[0], "scan.") // defaults name the section key
				m[key] = strings.Join(f[1:len(f)-1], " ")
			}
		}
		return m
	}
	want, got := table(first), table(second)
	if len(want) < 30 || !reflect.DeepEqual(got, want) {
		t.Errorf("settings from the YAML written:\n%v\nwant:\n%v\nyaml:\n%s", got, want, out)
	}
	if want["rate"] != "250" || want["probe-pjl"] != "true" || want["shard-seed"] != "18446744073709551615" {
		t.Errorf("first file not applied: %v", want)
	}
}
