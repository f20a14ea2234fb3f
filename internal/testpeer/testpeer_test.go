package testpeer

import (
	"os/exec"
	"testing"
)

// fakeTB records how a helper stopped the test without stopping this one.
type fakeTB struct {
	testing.TB
	failed, skipped bool
}

func (f *fakeTB) Helper()               {}
func (f *fakeTB) Fatalf(string, ...any) { f.failed = true; panic(stop{}) }
func (f *fakeTB) Skipf(string, ...any)  { f.skipped = true; panic(stop{}) }

type stop struct{}

func run(fn func(testing.TB)) (f *fakeTB) {
	f = &fakeTB{}
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(stop); !ok {
				panic(r)
			}
		}
	}()
	fn(f)
	return f
}

func TestMissingSkipsUnlessRequired(t *testing.T) {
	const absent = "mfpscan-no-such-peer-binary"
	t.Setenv(EnvRequire, "")
	if f := run(func(tb testing.TB) { Path(tb, absent, "nothing") }); !f.skipped || f.failed {
		t.Errorf("not required: skipped %v failed %v, want a skip", f.skipped, f.failed)
	}
	t.Setenv(EnvRequire, "1")
	if f := run(func(tb testing.TB) { Path(tb, absent, "nothing") }); !f.failed || f.skipped {
		t.Errorf("required: skipped %v failed %v, want a failure", f.skipped, f.failed)
	}
	if f := run(func(tb testing.TB) { File(tb, "/nonexistent/peer", "nothing") }); !f.failed {
		t.Error("required: a missing file did not fail")
	}
}

func TestPathFindsInstalledProgram(t *testing.T) {
	want, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go binary on PATH to look up")
	}
	t.Setenv(EnvRequire, "1")
	var got string
	if f := run(func(tb testing.TB) { got = Path(tb, "go", "the Go toolchain") }); f.failed || f.skipped || got != want {
		t.Errorf("Path(go) = %q (failed %v skipped %v), want %q", got, f.failed, f.skipped, want)
	}
}
