package usage

import (
	"errors"
	"fmt"
	"io/fs"
	"testing"
)

func TestUsage(t *testing.T) {
	err := Errorf("read %s: %w", "x.yaml", fs.ErrNotExist)
	if err.Error() != "read x.yaml: file does not exist" || !errors.Is(err, fs.ErrNotExist) || !Is(err) {
		t.Fatalf("Errorf: %q, cause kept %v, typed %v", err, errors.Is(err, fs.ErrNotExist), Is(err))
	}
	wrapped := fmt.Errorf("scan: %w", err)
	var u *Error
	if !errors.As(wrapped, &u) || u != err {
		t.Fatal("errors.As does not find the usage error through a wrap")
	}
	if Wrap(wrapped) != wrapped {
		t.Error("Wrap of a usage error wraps it again")
	}
	if Wrap(nil) != nil {
		t.Error("Wrap(nil) is not nil")
	}
	plain := errors.New("dial: connection refused")
	if Is(plain) || !Is(Wrap(plain)) || Wrap(plain).Error() != plain.Error() {
		t.Error("Wrap does not mark a plain error, or changes its text")
	}
}
