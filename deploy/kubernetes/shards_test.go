package kubernetes

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/mfpscan/mfpscan/lab"
	"github.com/mfpscan/mfpscan/lab/labtest"
	"github.com/mfpscan/mfpscan/policies"
	"github.com/mfpscan/mfpscan/reports/reportstest"
)

// manifestTarget is the sweep the example manifests name; the test swaps it
// for the lab's loopback subnet and refuses to run if any of it is left.
const manifestTarget = "10.20.0.0/20"

func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "mfpscan")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/mfpscan")
	cmd.Dir = "../.."
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// writeConfigMaps writes each ConfigMap's keys where the pods mount them;
// the paths the config file names move with them.
func writeConfigMaps(t *testing.T, objs []object, etc string) {
	t.Helper()
	dirs := map[string]string{"mfpscan-config": "config", "mfpscan-policy": "policy", "mfpscan-waivers": "waivers", "mfpscan-data": "data"}
	for _, o := range objs {
		cm, ok := o.obj.(*corev1.ConfigMap)
		if !ok {
			continue
		}
		sub, ok := dirs[cm.Name]
		if !ok {
			t.Fatalf("ConfigMap %s: the test does not know where it is mounted", cm.Name)
		}
		dir := filepath.Join(etc, sub)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for k, v := range cm.Data {
			v = strings.ReplaceAll(v, "/etc/mfpscan", etc)
			if err := os.WriteFile(filepath.Join(dir, k), []byte(v), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// localArgs turns a container's args into a local command line: the
// volumes become directories of the test, the targets the lab.
func localArgs(t *testing.T, args []string, runs, etc string, lc lab.Config) []string {
	t.Helper()
	var out []string
	for _, a := range args {
		a = strings.ReplaceAll(a, manifestTarget, lc.Subnet.String())
		a = strings.ReplaceAll(a, "/runs", runs)
		a = strings.ReplaceAll(a, "/etc/mfpscan", etc)
		out = append(out, a)
	}
	if slices.ContainsFunc(out, func(a string) bool { return strings.Contains(a, "10.20.") }) {
		t.Fatalf("a non-loopback target survived the substitution: %v", out)
	}
	return out
}

func run(t *testing.T, bin string, env []string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(bin, args...)
	// The pod's environment only: no JOB_COMPLETION_INDEX leaks from the
	// test's own environment into the unsharded run, and no config file of
	// the machine's (MFPSCAN_CONFIG set and empty reads none).
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "MFPSCAN_CONFIG="}, env...)
	return cmd
}

// TestShardsMergeEqualsOneRun runs the Indexed Job's shards as local
// processes, each with the environment Kubernetes gives its pod, against the
// lab, merges them with the merge Job's arguments, and compares the merged
// findings with one unsharded run of the same sweep.
func TestShardsMergeEqualsOneRun(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and sweeps the lab")
	}
	objs := loadManifests(t)
	var shardJob, mergeJob *batchv1.Job
	for _, o := range objs {
		if j, ok := o.obj.(*batchv1.Job); ok {
			if j.Spec.CompletionMode != nil && *j.Spec.CompletionMode == batchv1.IndexedCompletion {
				shardJob = j
			} else {
				mergeJob = j
			}
		}
	}
	if shardJob == nil || mergeJob == nil {
		t.Fatal("job-shards.yaml or job-merge.yaml missing")
	}
	bin := buildBinary(t)
	_, lc := labtest.Start(t)
	tmp := t.TempDir()
	runs, etc := filepath.Join(tmp, "runs"), filepath.Join(tmp, "etc")
	writeConfigMaps(t, objs, etc)

	c := shardJob.Spec.Template.Spec.Containers[0]
	// The lab serves its ports shifted and answers at once on loopback.
	extra := []string{"--lab-port-offset", fmt.Sprint(lc.PortOffset), "--rate", "5000", "--timeout", "1s", "--host-timeout", "30s"}
	n := int(*shardJob.Spec.Completions)
	var env, configEnv []string
	for _, e := range c.Env {
		v := strings.ReplaceAll(e.Value, "/etc/mfpscan", etc)
		env = append(env, e.Name+"="+v)
		if e.Name == "MFPSCAN_CONFIG" {
			configEnv = append(configEnv, e.Name+"="+v)
		}
	}
	if configEnv == nil {
		t.Fatal("the shard pods read no MFPSCAN_CONFIG")
	}
	procs := make([]*exec.Cmd, n)
	outs := make([]*strings.Builder, n)
	for k := range n {
		// Kubernetes expands $(JOB_COMPLETION_INDEX) in args from the env
		// the Job controller adds to every pod.
		args := localArgs(t, c.Args, runs, etc, lc)
		for i := range args {
			args[i] = strings.ReplaceAll(args[i], "$(JOB_COMPLETION_INDEX)", fmt.Sprint(k))
		}
		procs[k] = run(t, bin, append(slices.Clone(env), fmt.Sprintf("JOB_COMPLETION_INDEX=%d", k)), append(args, extra...)...)
		outs[k] = &strings.Builder{}
		procs[k].Stdout, procs[k].Stderr = outs[k], outs[k]
		if err := procs[k].Start(); err != nil {
			t.Fatal(err)
		}
	}
	single := localArgs(t, c.Args, runs, etc, lc)
	for i, a := range single {
		if strings.Contains(a, "$(JOB_COMPLETION_INDEX)") {
			single[i] = "--out=" + filepath.Join(tmp, "single")
		}
	}
	// The unsharded run reads the same config, without the shard count.
	if out, err := run(t, bin, configEnv, append(single, extra...)...).CombinedOutput(); err != nil {
		t.Fatalf("unsharded scan: %v\n%s", err, out)
	}
	for k, p := range procs {
		if err := p.Wait(); err != nil {
			t.Fatalf("shard %d: %v\n%s", k, err, outs[k])
		}
	}
	mc := mergeJob.Spec.Template.Spec.Containers[0]
	var mergeEnv []string
	for _, e := range mc.Env {
		mergeEnv = append(mergeEnv, e.Name+"="+strings.ReplaceAll(e.Value, "/etc/mfpscan", etc))
	}
	if out, err := run(t, bin, mergeEnv, localArgs(t, mc.Args, runs, etc, lc)...).CombinedOutput(); err != nil {
		t.Fatalf("merge: %v\n%s", err, out)
	}

	want := resultsOf(t, filepath.Join(tmp, "single"))
	got := resultsOf(t, filepath.Join(runs, "merged"))
	if len(want) == 0 {
		t.Fatal("the unsharded run has no results: the lab was not reached")
	}
	// The lab has a handful of devices in a /24, so a shard may hold none;
	// but one shard holding them all would mean the split does not spread.
	busy := 0
	for k := range n {
		if len(resultsOf(t, filepath.Join(runs, fmt.Sprintf("shard-%d", k)))) > 0 {
			busy++
		}
	}
	if busy < 2 {
		t.Errorf("only %d of %d shards found devices", busy, n)
	}
	if !reflect.DeepEqual(got, want) {
		for k, w := range want {
			if g, ok := got[k]; !ok || !reflect.DeepEqual(g, w) {
				t.Errorf("%v: merged %+v, unsharded %+v", k, g, w)
			}
		}
		for k := range got {
			if _, ok := want[k]; !ok {
				t.Errorf("%v: only in the merge", k)
			}
		}
	}
	// The merge takes its formats from the config file alone: the HTML
	// report shows the file was read.
	for _, name := range []string{"results.sarif", "report.html"} {
		if _, err := os.Stat(filepath.Join(runs, "merged", name)); err != nil {
			t.Errorf("merged %s: %v", name, err)
		}
	}
}

type resultKey struct{ Address, Rule string }

// outcome is what a result says, without run-specific details.
type outcome struct {
	DeviceID string
	Status   policies.Status
	Severity string
	Messages []string
	Reasons  []string
}

func resultsOf(t *testing.T, dir string) map[resultKey]outcome {
	t.Helper()
	f := reportstest.Findings(t, dir)
	out := map[resultKey]outcome{}
	for _, r := range f.Results {
		o := outcome{DeviceID: r.DeviceID, Status: r.Status, Severity: r.Severity, Reasons: r.Reasons}
		for _, fd := range r.Findings {
			o.Messages = append(o.Messages, fd.Message)
		}
		out[resultKey{r.Address, r.RuleID}] = o
	}
	return out
}
