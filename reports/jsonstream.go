package reports

import (
	"encoding/json"
	"fmt"
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

// skipValue reads past the next value whatever its size, holding no more
// than one token.
func skipValue(dec *json.Decoder) error {
	depth := 0
	for {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		switch t {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
		if depth == 0 {
			return nil
		}
	}
}
