package reports

import (
	"encoding/json"
	"fmt"
	"io"
)

// Walking a large JSON document with encoding/json's tokenizer, for logs
// that must not be held whole (a --baseline SARIF log).

// openValue reads the next token, which must open delim ('{' or '['), or
// be null when nullable; isNull reports the null.
func openValue(dec *json.Decoder, delim json.Delim, nullable bool) (isNull bool, err error) {
	t, err := dec.Token()
	if err != nil {
		return false, err
	}
	switch {
	case t == delim:
		return false, nil
	case t == nil && nullable:
		return true, nil
	}
	return false, fmt.Errorf("want %q at offset %d, found %v", delim, dec.InputOffset(), t)
}

// objectFields reads an object, calling field with each key; field must
// read the member's value.
func objectFields(dec *json.Decoder, field func(key string) error) error {
	if _, err := openValue(dec, '{', false); err != nil {
		return err
	}
	return members(dec, field)
}

// members reads an object's members after its '{', up to its '}'.
func members(dec *json.Decoder, field func(key string) error) error {
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		key, ok := t.(string)
		if !ok {
			return fmt.Errorf("want an object key at offset %d", dec.InputOffset())
		}
		if err := field(key); err != nil {
			return err
		}
	}
	_, err := dec.Token() // '}'
	return err
}

// arrayElements reads an array (null counts as empty), calling element
// for each; element must read it.
func arrayElements(dec *json.Decoder, element func() error) error {
	null, err := openValue(dec, '[', true)
	if err != nil || null {
		return err
	}
	for dec.More() {
		if err := element(); err != nil {
			return err
		}
	}
	_, err = dec.Token() // ']'
	return err
}

// skipValue reads past the next value. An array or object is read one
// element at a time, each by the decoder's scanner, which refuses nesting
// over 10,000 levels; walking tokens instead would grow the decoder's
// bracket stack with every '[' of a hostile file. budget, when not nil, is
// reset before each element, so one element is what it bounds.
func skipValue(dec *json.Decoder, budget *budgetReader) error {
	t, err := dec.Token()
	if err != nil {
		return err
	}
	d, ok := t.(json.Delim)
	if !ok {
		return nil
	}
	var raw json.RawMessage
	for dec.More() {
		budget.reset()
		if d == '{' {
			if _, err := dec.Token(); err != nil {
				return err
			}
		}
		if err := dec.Decode(&raw); err != nil {
			return err
		}
	}
	_, err = dec.Token()
	return err
}

// maxStreamValue bounds one value of a document read as a stream (a
// result, a member of the header, an element skipped): the decoder holds a
// whole value before decoding it. No result or rule list comes near.
const maxStreamValue = 64 << 20

// budgetReader fails once more than limit bytes were read since its last
// reset. Reset at the start of each value, it bounds what the decoder
// buffers for one value, which a file's size cap alone does not once the
// file may be gigabytes.
type budgetReader struct {
	r        io.Reader
	n, limit int64
}

func newBudget(r io.Reader) *budgetReader { return &budgetReader{r: r, limit: maxStreamValue} }

func (b *budgetReader) Read(p []byte) (int, error) {
	if b.n >= b.limit {
		return 0, fmt.Errorf("a single value of more than %d MiB", b.limit>>20)
	}
	if rest := b.limit - b.n; int64(len(p)) > rest {
		p = p[:rest]
	}
	n, err := b.r.Read(p)
	b.n += int64(n)
	return n, err
}

// reset starts the budget of a new value; a nil budget does nothing.
func (b *budgetReader) reset() {
	if b != nil {
		b.n = 0
	}
}
