// Package usage is the one way any stage says "the operator's input is
// wrong" (a flag, a target, a policy, a facts file): an *Error, found with
// errors.As, which the CLI maps to exit code 2. It imports nothing of the
// project, so reports, pipeline and the CLI all share it.
package usage

import (
	"errors"
	"fmt"
)

// Error is an input mistake; nothing was sent on the network because of it.
// Its text is the underlying error's, without a prefix.
type Error struct{ err error }

func (e *Error) Error() string { return e.err.Error() }
func (e *Error) Unwrap() error { return e.err }

// Errorf returns a usage error formatted like fmt.Errorf (%w keeps the cause).
func Errorf(format string, args ...any) error {
	return &Error{fmt.Errorf(format, args...)}
}

// Wrap marks err as a usage error; nil stays nil and an error that already
// is one is returned as it is.
func Wrap(err error) error {
	if err == nil || Is(err) {
		return err
	}
	return &Error{err}
}

// Is reports whether err is or wraps a usage error.
func Is(err error) bool {
	var u *Error
	return errors.As(err, &u)
}
