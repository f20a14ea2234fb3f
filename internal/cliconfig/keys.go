// Package cliconfig gives every flag of a cobra command tree a key in a
// YAML config file and an MFPSCAN_* environment variable, and sets the flags
// the command line left alone from them: flag > environment > file > default.
//
// Keys are derived from the flag set itself, so a flag added later has its
// key without a list to maintain:
//
//   - every flag has the key SECTION.NAME, SECTION being the command path
//     without the program name ("scan.rate", "history.runs.limit");
//   - a flag registered through Shared (it means the same in every command
//     that has it) and every persistent flag of the root also has the
//     top-level key NAME ("rate", "site", "log-level"), which serves every
//     command that has the flag;
//   - NAME is the flag's long name unless SetKey gave another (a key must
//     not also be a command's section);
//   - a flag marked Secret also takes NAME-file: a file whose content is the
//     value, so the secret is in neither the file nor the process list;
//   - the environment variable of a key is MFPSCAN_ followed by the key in
//     capitals with '.' and '-' as '_' (MFPSCAN_RATE, MFPSCAN_SCAN_RATE).
//
// In each source the most specific key wins (scan.rate over rate); between
// sources the precedence wins (an environment variable over any file).
package cliconfig

import (
	"fmt"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// EnvPrefix starts every environment variable the configuration reads.
const EnvPrefix = "MFPSCAN_"

// Flag annotations carry the key rules, so they travel with the flag into
// whatever command registers it.
const (
	annShared = "mfpscan.config/shared"
	annKey    = "mfpscan.config/key"
	annSecret = "mfpscan.config/secret"
	annNone   = "mfpscan.config/none"
)

// fileSuffix turns a secret's key into the key of the file holding it.
const fileSuffix = "-file"

func annotate(f *pflag.Flag, name string) {
	if f.Annotations == nil {
		f.Annotations = map[string][]string{}
	}
	f.Annotations[name] = []string{"true"}
}

func has(f *pflag.Flag, name string) bool {
	_, ok := f.Annotations[name]
	return ok
}

// Shared registers flags through register and marks them shared: each also
// gets a top-level key. Use it for flag sets that several commands register
// with the same meaning.
func Shared(fs *pflag.FlagSet, register func(*pflag.FlagSet)) {
	tmp := pflag.NewFlagSet("", pflag.ContinueOnError)
	register(tmp)
	tmp.VisitAll(func(f *pflag.Flag) { annotate(f, annShared) })
	fs.AddFlagSet(tmp)
}

// SetKey gives flag name the key NAME key instead of its long name.
func SetKey(fs *pflag.FlagSet, name, key string) {
	if f := fs.Lookup(name); f != nil {
		if f.Annotations == nil {
			f.Annotations = map[string][]string{}
		}
		f.Annotations[annKey] = []string{key}
	}
}

// Secret marks flag name as holding a secret: `config show` redacts it and
// its key also takes a -file form.
func Secret(fs *pflag.FlagSet, name string) {
	if f := fs.Lookup(name); f != nil {
		annotate(f, annSecret)
	}
}

// NoKey excludes flag name from the configuration (--config itself,
// --version).
func NoKey(fs *pflag.FlagSet, name string) {
	if f := fs.Lookup(name); f != nil {
		annotate(f, annNone)
	}
}

// Name is the key name of f inside a section.
func Name(f *pflag.Flag) string {
	if k := f.Annotations[annKey]; len(k) == 1 {
		return k[0]
	}
	return f.Name
}

// IsSecret reports whether f was marked Secret.
func IsSecret(f *pflag.Flag) bool { return has(f, annSecret) }

// configurable reports whether f has a key at all.
func configurable(f *pflag.Flag) bool {
	return f.Name != "help" && !has(f, annNone)
}

// EnvName is the environment variable of key.
func EnvName(key string) string {
	return EnvPrefix + strings.NewReplacer(".", "_", "-", "_").Replace(strings.ToUpper(key))
}

// Builtin reports whether c is one of cobra's own commands (help,
// completion and the hidden __complete): they take no configuration, so a
// broken config file never breaks help or shell completion.
func Builtin(c *cobra.Command) bool {
	for ; c != nil && c.HasParent(); c = c.Parent() {
		if n := c.Name(); n == "help" || n == "completion" || strings.HasPrefix(n, "__") {
			return true
		}
	}
	return false
}

// section is the command path without the program name.
func section(c *cobra.Command) []string {
	return strings.Fields(c.CommandPath())[1:]
}

// Flags is every flag of c that has keys: its own and those inherited.
func Flags(c *cobra.Command) []*pflag.Flag {
	var out []*pflag.Flag
	seen := map[*pflag.Flag]bool{}
	add := func(f *pflag.Flag) {
		if !seen[f] && configurable(f) {
			seen[f] = true
			out = append(out, f)
		}
	}
	c.LocalFlags().VisitAll(add)
	c.InheritedFlags().VisitAll(add)
	return out
}

// topLevel reports whether f has a top-level key.
func topLevel(c *cobra.Command, f *pflag.Flag) bool {
	return has(f, annShared) || c.Root().PersistentFlags().Lookup(f.Name) == f
}

// owner is the command that declares f: the farthest ancestor holding it
// as a persistent flag, else c. An inherited flag is set under its owner's
// section (history.format serves every history subcommand).
func owner(c *cobra.Command, f *pflag.Flag) *cobra.Command {
	o := c
	for p := c.Parent(); p != nil; p = p.Parent() {
		if p.PersistentFlags().Lookup(f.Name) == f {
			o = p
		}
	}
	return o
}

// Keys lists the keys that can set f for command c, most specific
// first: the owner's section, then the top level. A persistent flag of the
// root has only its top-level key.
func Keys(c *cobra.Command, f *pflag.Flag) []string {
	name := Name(f)
	var out []string
	if sec := section(owner(c, f)); len(sec) > 0 {
		out = append(out, strings.Join(sec, ".")+"."+name)
	}
	if topLevel(c, f) {
		out = append(out, name)
	}
	return out
}

// Key describes one configuration key.
type Key struct {
	Key    string
	Env    string
	Type   string // the flag's value type: string, duration, stringArray...
	Secret bool   // the key of a secret: redacted by config show
	File   bool   // the -file form of a secret: its value is a path
	Usage  string
	// Commands are the command paths the key applies to.
	Commands []string
}

// Schema is every key of a command tree, and every section.
type Schema struct {
	Keys     map[string]*Key
	Sections map[string]bool
	byEnv    map[string]string
}

// NewSchema walks the tree under root.
func NewSchema(root *cobra.Command) *Schema {
	s := &Schema{Keys: map[string]*Key{}, Sections: map[string]bool{}, byEnv: map[string]string{}}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if Builtin(c) {
			return
		}
		if sec := section(c); len(sec) > 0 {
			s.Sections[strings.Join(sec, ".")] = true
		}
		for _, f := range Flags(c) {
			for _, k := range Keys(c, f) {
				s.add(c, f, k, false)
				if IsSecret(f) {
					s.add(c, f, k+fileSuffix, true)
				}
			}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	return s
}

func (s *Schema) add(c *cobra.Command, f *pflag.Flag, key string, file bool) {
	k := s.Keys[key]
	if k == nil {
		typ := f.Value.Type()
		if file {
			typ = "file"
		}
		k = &Key{Key: key, Env: EnvName(key), Type: typ, Secret: IsSecret(f) && !file, File: file, Usage: f.Usage}
		s.Keys[key] = k
		s.byEnv[k.Env] = key
	}
	k.Commands = append(k.Commands, c.CommandPath())
}

// Sorted returns the keys in order.
func (s *Schema) Sorted() []*Key {
	out := make([]*Key, 0, len(s.Keys))
	for _, k := range s.Keys {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// Check finds what would make keys ambiguous: a key that is also a section
// or another key's parent (a YAML value cannot be both a scalar and a
// mapping), and two keys with one environment variable.
func (s *Schema) Check(reserved ...string) error {
	env := map[string]string{}
	for _, r := range reserved {
		env[r] = "(reserved)"
	}
	for _, k := range s.Sorted() {
		if other, ok := env[k.Env]; ok {
			return fmt.Errorf("keys %s and %s share the environment variable %s", other, k.Key, k.Env)
		}
		env[k.Env] = k.Key
		if s.Sections[k.Key] {
			return fmt.Errorf("key %s is also a command's section", k.Key)
		}
		for p := k.Key; strings.Contains(p, "."); {
			p = p[:strings.LastIndex(p, ".")]
			if _, ok := s.Keys[p]; ok {
				return fmt.Errorf("key %s is the parent of key %s", p, k.Key)
			}
		}
	}
	return nil
}
