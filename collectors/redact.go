package collectors

import (
	"context"
	"log/slog"
	"reflect"
	"slices"
	"strings"

	"github.com/mfpscan/mfpscan/facts"
)

// Redacted replaces a configured secret found in collected text.
const Redacted = "[redacted]"

// secrets are the operator's configured secrets that a device might echo
// back (a sysDescr or banner repeating the community it was asked with).
// Longest first, so a secret containing another is replaced whole.
func (o Options) secrets() []string {
	var out []string
	for _, s := range append(append([]string(nil), o.Communities...), o.Secrets...) {
		if s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	slices.SortFunc(out, func(a, b string) int { return len(b) - len(a) })
	return out
}

// redactString replaces every secret in s.
func redactString(s string, secrets []string) string {
	for _, sec := range secrets {
		if strings.Contains(s, sec) {
			s = strings.ReplaceAll(s, sec, Redacted)
		}
	}
	return s
}

// RedactDocument replaces every occurrence of a secret in every string of
// doc (values and map keys, at any depth), so nothing a device echoes back
// reaches facts, reports or logs. It is the engine's last step.
func RedactDocument(doc *facts.Device, secrets []string) {
	if doc == nil || len(secrets) == 0 {
		return
	}
	redactValue(reflect.ValueOf(doc).Elem(), secrets)
}

func redactValue(v reflect.Value, secrets []string) {
	switch v.Kind() {
	case reflect.String:
		if v.CanSet() {
			v.SetString(redactString(v.String(), secrets))
		}
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			if v.Kind() == reflect.Interface {
				// Values inside an interface are not settable: rebuild.
				inner := reflect.New(v.Elem().Type()).Elem()
				inner.Set(v.Elem())
				redactValue(inner, secrets)
				if v.CanSet() {
					v.Set(inner)
				}
				return
			}
			redactValue(v.Elem(), secrets)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				redactValue(v.Field(i), secrets)
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			redactValue(v.Index(i), secrets)
		}
	case reflect.Map:
		if v.IsNil() {
			return
		}
		type kv struct{ k, v reflect.Value }
		var entries []kv
		iter := v.MapRange()
		for iter.Next() {
			k := reflect.New(iter.Key().Type()).Elem()
			k.Set(iter.Key())
			val := reflect.New(iter.Value().Type()).Elem()
			val.Set(iter.Value())
			entries = append(entries, kv{k, val})
		}
		for _, e := range entries {
			v.SetMapIndex(e.k, reflect.Value{})
		}
		for _, e := range entries {
			redactValue(e.k, secrets)
			redactValue(e.v, secrets)
			v.SetMapIndex(e.k, e.v)
		}
	}
}

// redactHandler rewrites log records so that a secret in a message or an
// attribute (an error quoting a device reply) never reaches the log.
type redactHandler struct {
	inner   slog.Handler
	secrets []string
}

func newRedactLogger(l *slog.Logger, secrets []string) *slog.Logger {
	if len(secrets) == 0 {
		return l
	}
	return slog.New(redactHandler{inner: l.Handler(), secrets: secrets})
}

func (h redactHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.inner.Enabled(ctx, l)
}

func (h redactHandler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, redactString(r.Message, h.secrets), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(h.attr(a))
		return true
	})
	return h.inner.Handle(ctx, out)
}

func (h redactHandler) attr(a slog.Attr) slog.Attr {
	a.Key = redactString(a.Key, h.secrets)
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindGroup:
		attrs := v.Group()
		red := make([]slog.Attr, len(attrs))
		for i, g := range attrs {
			red[i] = h.attr(g)
		}
		a.Value = slog.GroupValue(red...)
	case slog.KindString:
		a.Value = slog.StringValue(redactString(v.String(), h.secrets))
	case slog.KindAny:
		// Errors, stack traces and anything else: their text.
		a.Value = slog.StringValue(redactString(v.String(), h.secrets))
	default:
		a.Value = v
	}
	return a
}

func (h redactHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	red := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		red[i] = h.attr(a)
	}
	return redactHandler{inner: h.inner.WithAttrs(red), secrets: h.secrets}
}

func (h redactHandler) WithGroup(name string) slog.Handler {
	return redactHandler{inner: h.inner.WithGroup(name), secrets: h.secrets}
}
