package cliconfig

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/knadh/koanf/parsers/yaml"
	"github.com/knadh/koanf/providers/env/v2"
	"github.com/knadh/koanf/providers/rawbytes"
	"github.com/knadh/koanf/v2"

	"github.com/mfpscan/mfpscan/internal/inputfile"
	"github.com/mfpscan/mfpscan/internal/usage"
)

const (
	// EnvConfig names the config file, as --config does; set and empty, it
	// turns the config files off.
	EnvConfig = EnvPrefix + "CONFIG"
	// SystemFile is the machine-wide config file.
	SystemFile = "/etc/mfpscan/config.yaml"
	// MaxFileSize caps a config file: it holds settings, not data.
	MaxFileSize = 1 << 20
	// maxSecretSize caps a -file secret.
	maxSecretSize = 64 << 10
)

// Env is where the configuration comes from, so tests can give their own:
// the zero Env reads no file and no environment variable.
type Env struct {
	// Environ lists the environment as KEY=VALUE; nil is an empty one.
	Environ func() []string
	// SystemFile is read first when no config file is named; "" skips it.
	SystemFile string
	// UserConfigDir is the user's config directory (os.UserConfigDir);
	// DIR/mfpscan/config.yaml is read after SystemFile. Nil skips it.
	UserConfigDir func() (string, error)
}

func (e Env) lookup(name string) (string, bool) {
	if e.Environ == nil {
		return "", false
	}
	for _, kv := range e.Environ() {
		if k, v, ok := strings.Cut(kv, "="); ok && k == name {
			return v, true
		}
	}
	return "", false
}

// File is one config file considered, read or not.
type File struct {
	Path string
	Read bool   // false: absent (only default locations may be)
	Why  string // how it was chosen: --config, MFPSCAN_CONFIG, default, user
	Note string // why a default location was not read
}

// source is one layer: the environment or one config file.
type source struct {
	file string // "" for the environment
	k    *koanf.Koanf
}

func (s source) describe(key string) string {
	if s.file == "" {
		return "environment " + EnvName(key)
	}
	return "config file " + s.file + ": key " + key
}

// origin is what config show prints as a value's source.
func (s source) origin(key string) string {
	if s.file == "" {
		return "env " + EnvName(key)
	}
	return s.file
}

// Config is the loaded configuration of one run.
type Config struct {
	schema  *Schema
	sources []source // highest precedence first
	Files   []File
}

// Load reads the environment and the config files of e, checking every key
// against the schema of the tree under root. explicit is the value of
// --config when the command line gave it.
func Load(schema *Schema, e Env, explicit *string) (*Config, error) {
	c := &Config{schema: schema}
	envK := koanf.New(".")
	err := envK.Load(env.Provider(".", env.Opt{
		Prefix:      EnvPrefix,
		EnvironFunc: func() []string { return environ(e) },
		TransformFunc: func(k, v string) (string, any) {
			// Unknown MFPSCAN_* variables are other tools' (the test
			// suite's): only the keys' own are read.
			return schema.byEnv[k], v
		},
	}), nil)
	if err != nil {
		return nil, usage.Errorf("read the environment: %w", err)
	}
	files, err := e.files(explicit)
	if err != nil {
		return nil, err
	}
	c.sources = append(c.sources, source{k: envK})
	// The last file named wins: read them in reverse for precedence order.
	for i := len(files) - 1; i >= 0; i-- {
		f := &files[i]
		k, err := readFile(f)
		if err != nil {
			return nil, err
		}
		if k == nil {
			continue
		}
		if err := schema.checkFile(f.Path, k); err != nil {
			return nil, err
		}
		c.sources = append(c.sources, source{file: f.Path, k: k})
	}
	c.Files = files
	return c, nil
}

func environ(e Env) []string {
	if e.Environ == nil {
		return nil
	}
	return e.Environ()
}

// files lists the config files to read, lowest precedence first.
func (e Env) files(explicit *string) ([]File, error) {
	named, why := "", ""
	switch v, ok := e.lookup(EnvConfig); {
	case explicit != nil:
		named, why = *explicit, "--config"
	case ok:
		named, why = v, EnvConfig
	default:
		var out []File
		if e.SystemFile != "" {
			out = append(out, File{Path: e.SystemFile, Why: "default"})
		}
		if e.UserConfigDir != nil {
			if dir, err := e.UserConfigDir(); err == nil && dir != "" {
				p := filepath.Join(dir, "mfpscan", "config.yaml")
				if p != e.SystemFile {
					out = append(out, File{Path: p, Why: "user"})
				}
			}
		}
		return out, nil
	}
	if named == "" {
		return nil, nil // explicitly none
	}
	return []File{{Path: named, Why: why}}, nil
}

// readFile reads and parses f; nil without error is a default location that
// does not exist.
func readFile(f *File) (*koanf.Koanf, error) {
	b, err := inputfile.Read(f.Path, MaxFileSize)
	switch {
	case err == nil:
	case f.Why != "--config" && f.Why != EnvConfig && (errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)):
		f.Note = "not present"
		return nil, nil
	case f.Why == "user" && errors.Is(err, fs.ErrPermission):
		// A service with ProtectHome= cannot see its home: that is no
		// config the operator wrote for it.
		f.Note = "not readable"
		return nil, nil
	default:
		return nil, usage.Errorf("config file (%s): %w", f.Why, err)
	}
	k := koanf.New(".")
	if err := k.Load(rawbytes.Provider(b), yaml.Parser()); err != nil {
		return nil, usage.Errorf("config file %s: %w", f.Path, err)
	}
	f.Read = true
	return k, nil
}

// checkFile refuses a key the schema does not know. A section may be left
// empty (every setting in it commented out).
func (s *Schema) checkFile(path string, k *koanf.Koanf) error {
	for _, key := range k.Keys() {
		if _, ok := s.Keys[key]; ok {
			continue
		}
		v := k.Get(key)
		if m, isMap := v.(map[string]any); s.Sections[key] && (v == nil || isMap && len(m) == 0) {
			continue
		}
		for p := key; strings.Contains(p, "."); {
			p = p[:strings.LastIndex(p, ".")]
			if sk, ok := s.Keys[p]; ok {
				return usage.Errorf("config file %s: key %s: want a %s, got a mapping", path, p, sk.Type)
			}
		}
		return usage.Errorf("config file %s: unknown key %s%s", path, key, s.hint(key))
	}
	return nil
}

// hint suggests where a misplaced key belongs: the same name in a section
// or at the top level.
func (s *Schema) hint(key string) string {
	name := key[strings.LastIndex(key, ".")+1:]
	var where []string
	for _, k := range s.Sorted() {
		if k.Key == name || strings.HasSuffix(k.Key, "."+name) {
			where = append(where, k.Key)
		}
	}
	if len(where) == 0 {
		return " (mfpscan config keys lists them)"
	}
	if len(where) > 4 {
		where = append(where[:4], "...")
	}
	return fmt.Sprintf(" (known: %s)", strings.Join(where, ", "))
}
