package cliconfig

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/mfpscan/mfpscan/internal/inputfile"
	"github.com/mfpscan/mfpscan/internal/usage"
)

// Setting is where one flag's value came from.
type Setting struct {
	Flag   *pflag.Flag
	Key    string // the key that set it, or the command's own key
	Origin string // "flag", "default", "env MFPSCAN_…", or a file path
}

// Value is the flag's value as config show prints it: a secret's password
// is redacted.
func (s Setting) Value() string {
	v := s.Flag.Value.String()
	if IsSecret(s.Flag) {
		return Redact(v)
	}
	return v
}

// Apply sets every flag of cmd that its command line did not set, from the
// highest source that has one of its keys, and marks it changed (a
// configured value counts as given). It returns where each value came from.
func (c *Config) Apply(cmd *cobra.Command) ([]Setting, error) {
	return c.apply(cmd, true)
}

func (c *Config) apply(cmd *cobra.Command, mark bool) ([]Setting, error) {
	var out []Setting
	for _, f := range Flags(cmd) {
		s, err := c.resolve(cmd, f)
		if err != nil {
			return nil, err
		}
		if mark && s.Origin != "flag" && s.Origin != "default" {
			f.Changed = true
		}
		out = append(out, s)
	}
	return out, nil
}

// Validate sets the flags of every command of a tree built only to be
// checked, so a wrong value under any command's key is refused whichever
// command runs. Nothing is marked changed there, so a persistent flag is
// checked under every command's keys.
func (c *Config) Validate(tree *cobra.Command) error {
	if Builtin(tree) {
		return nil
	}
	if _, err := c.apply(tree, false); err != nil {
		return err
	}
	for _, sub := range tree.Commands() {
		if err := c.Validate(sub); err != nil {
			return err
		}
	}
	return nil
}

func (c *Config) resolve(cmd *cobra.Command, f *pflag.Flag) (Setting, error) {
	keys := Keys(cmd, f)
	if f.Changed {
		return Setting{Flag: f, Key: keys[0], Origin: "flag"}, nil
	}
	for _, src := range c.sources {
		for _, key := range keys {
			v, usedKey, err := lookup(src, key, IsSecret(f))
			if err != nil {
				return Setting{}, err
			}
			if v == nil {
				continue
			}
			if err := set(f, v); err != nil {
				return Setting{}, usage.Errorf("%s: %w", src.describe(usedKey), err)
			}
			return Setting{Flag: f, Key: usedKey, Origin: src.origin(usedKey)}, nil
		}
	}
	return Setting{Flag: f, Key: keys[0], Origin: "default"}, nil
}

// lookup returns key's value in src, or for a secret the content of the
// file its -file key names. A null value is no value.
func lookup(src source, key string, secret bool) (any, string, error) {
	v := src.k.Get(key)
	if !secret {
		return v, key, nil
	}
	fileKey := key + fileSuffix
	p := src.k.Get(fileKey)
	switch {
	case p == nil:
		return v, key, nil
	case v != nil:
		return nil, "", usage.Errorf("%s: give %s or %s, not both", src.describe(key), key, fileKey)
	}
	path, ok := p.(string)
	if !ok || path == "" {
		return nil, "", usage.Errorf("%s: want a file path", src.describe(fileKey))
	}
	b, err := inputfile.Read(path, maxSecretSize)
	if err != nil {
		return nil, "", usage.Errorf("%s: %w", src.describe(fileKey), err)
	}
	// Secret files written with echo end in a newline that is no part of
	// the value.
	return strings.TrimRight(string(b), "\r\n"), fileKey, nil
}

// set gives f the value v from a file (any YAML value) or the environment
// (a string, read as on the command line).
func set(f *pflag.Flag, v any) error {
	typ := f.Value.Type()
	switch x := v.(type) {
	case []any:
		sv, ok := f.Value.(pflag.SliceValue)
		if !ok {
			return fmt.Errorf("want a %s, got a list", typ)
		}
		items := make([]string, len(x))
		for i, e := range x {
			s, err := scalar(e, typ)
			if err != nil {
				return fmt.Errorf("item %d: %w", i+1, err)
			}
			items[i] = s
		}
		if err := sv.Replace(items); err != nil {
			return fmt.Errorf("want a %s: %w", typ, err)
		}
		return nil
	}
	s, err := scalar(v, typ)
	if err != nil {
		return err
	}
	if err := f.Value.Set(s); err != nil {
		return fmt.Errorf("%q is not a valid %s: %w", s, typ, err)
	}
	return nil
}

func scalar(v any, typ string) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case bool:
		return strconv.FormatBool(x), nil
	case int:
		return strconv.Itoa(x), nil
	case int64:
		return strconv.FormatInt(x, 10), nil
	case uint64:
		return strconv.FormatUint(x, 10), nil
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64), nil
	case map[string]any:
		return "", fmt.Errorf("want a %s, got a mapping", typ)
	case []any:
		return "", fmt.Errorf("want a %s, got a list", typ)
	}
	return "", fmt.Errorf("want a %s, got %T %v (quote it)", typ, v, v)
}

// Redact hides the password of a URL value (user:password@host, or a
// password query parameter as libpq takes); anything else is shown as is.
func Redact(v string) string {
	u, err := url.Parse(v)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return v
	}
	if q := u.Query(); q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}
