package testfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// fatalTB records a Fatal instead of stopping the goroutine, so the tests
// can see that a bad file fails the caller.
type fatalTB struct {
	testing.TB
	failed bool
}

func (f *fatalTB) Helper()               {}
func (f *fatalTB) Fatal(...any)          { f.failed = true; panic(f) }
func (f *fatalTB) Fatalf(string, ...any) { f.failed = true; panic(f) }

func fails(t *testing.T, load func(testing.TB)) bool {
	t.Helper()
	tb := &fatalTB{TB: t}
	func() {
		defer func() {
			if r := recover(); r != nil && r != tb {
				panic(r)
			}
		}()
		load(tb)
	}()
	return tb.failed
}

func TestDevices(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good.json", `[{"address":"127.0.0.1"},{"address":"127.0.0.2"}]`)
	if docs := Devices(t, good); len(docs) != 2 || docs[1].Address != "127.0.0.2" {
		t.Errorf("Devices = %+v", docs)
	}
	for name, body := range map[string]string{"empty.json": `[]`, "broken.json": `[{`, "object.json": `{}`} {
		p := write(name, body)
		if !fails(t, func(tb testing.TB) { Devices(tb, p) }) {
			t.Errorf("%s: no failure", name)
		}
	}
	if !fails(t, func(tb testing.TB) { Read(tb, filepath.Join(dir, "missing")) }) {
		t.Error("missing file: no failure")
	}
}

func TestParse(t *testing.T) {
	p := filepath.Join(t.TempDir(), "n.txt")
	if err := os.WriteFile(p, []byte("12345"), 0o600); err != nil {
		t.Fatal(err)
	}
	size := func(r io.Reader) (int, error) {
		b, err := io.ReadAll(r)
		return len(b), err
	}
	if n := Parse(t, p, size); n != 5 {
		t.Errorf("Parse = %d, want 5", n)
	}
	refuse := func(io.Reader) (int, error) { return 0, errors.New("refused") }
	if !fails(t, func(tb testing.TB) { Parse(tb, p, refuse) }) {
		t.Error("parse error: no failure")
	}
	if !fails(t, func(tb testing.TB) { Parse(tb, p+".missing", size) }) {
		t.Error("missing file: no failure")
	}
}

func TestTestdata(t *testing.T) {
	want, err := os.ReadFile("../../testdata/http/nginx_welcome.html")
	if err != nil {
		t.Fatal(err)
	}
	if got := Testdata(t, "http", "nginx_welcome.html"); string(got) != string(want) {
		t.Errorf("Testdata read %d bytes, want the %d of the file", len(got), len(want))
	}
	if !fails(t, func(tb testing.TB) { Testdata(tb, "http", "no-such-page.html") }) {
		t.Error("a missing testdata file did not fail the test")
	}
}

func TestInline(t *testing.T) {
	if got := Inline(t, "http", "<title>x</title>"); string(got) != "<title>x</title>" {
		t.Errorf("Inline of a literal = %q", got)
	}
	if got, want := Inline(t, "http", "@nginx_welcome.html"), Testdata(t, "http", "nginx_welcome.html"); string(got) != string(want) {
		t.Errorf("Inline of @nginx_welcome.html read %d bytes, want the %d of the file", len(got), len(want))
	}
	if !fails(t, func(tb testing.TB) { Inline(tb, "http", "@no-such-page.html") }) {
		t.Error("a missing @ file did not fail the test")
	}
}
