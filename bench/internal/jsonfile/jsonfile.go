// Package jsonfile stores and loads the small JSON files the benchmark tools
// hand each other (the lab's truth, a measurement): written atomically, so
// a script polling for a file never reads half of it, and read with a size
// cap, so a wrong path cannot make a tool read without end.
package jsonfile

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/mfpscan/mfpscan/reports"
)

// Write stores v at path as indented JSON, atomically.
func Write(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("encode %s: %w", path, err)
	}
	return reports.WriteFileAtomic(path, func(w io.Writer) error {
		_, err := w.Write(append(b, '\n'))
		return err
	})
}

// Decode reads at most limit bytes of JSON from r into v; more is an error.
func Decode(r io.Reader, limit int64, v any) error {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return fmt.Errorf("read: %w", err)
	}
	if int64(len(b)) > limit {
		return fmt.Errorf("read: larger than %d bytes", limit)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("decode: %w", err)
	}
	return nil
}

// Read is Decode of the file at path.
func Read(path string, limit int64, v any) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	defer f.Close()
	if err := Decode(f, limit, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}
