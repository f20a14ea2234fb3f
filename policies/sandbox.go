package policies

import (
	"fmt"
	"sort"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
)

// The Rego sandbox. Policies judge collected facts; a custom rule must not
// reach the network or the file system, whatever it builds from the facts.
// The capabilities are therefore an allowlist: a builtin is offered only
// when builtinClass knows it and says it does no I/O. A builtin a later OPA
// adds is unknown, so it is left out until someone classifies it, and
// TestEveryOPABuiltinIsClassified fails to make them do so.

// builtinKind is what a builtin may do beyond computing its result.
type builtinKind int

const (
	// pure builtins compute their result from their arguments.
	pure builtinKind = iota + 1
	// nondeterministic builtins read the clock or a random source: no I/O,
	// but results may differ between runs.
	nondeterministic
	// timeZone builtins may read the system time-zone database for a zone
	// name given as an argument. Go's time.LoadLocation refuses names that
	// climb out of it ("..", absolute paths), so no other file is reachable.
	timeZone
	// output builtins write to OPA's print or trace hooks; the engine sets
	// none, so their output is dropped.
	output
	// withIO builtins reach the network, the file system or the process
	// environment. They are never offered.
	withIO
)

// builtinClass classifies every builtin of OPA v1.22.3. The reasons on the
// withIO entries are shown to a policy author who calls one.
var builtinClass = map[string]builtinKind{
	// I/O: never offered.
	"http.send":          withIO,
	"net.lookup_ip_addr": withIO,
	"opa.runtime":        withIO,
	"json.match_schema":  withIO,
	"json.verify_schema": withIO,

	"time.now_ns": nondeterministic, "rand.intn": nondeterministic, "uuid.rfc4122": nondeterministic,

	"time.add_date": timeZone, "time.clock": timeZone, "time.date": timeZone, "time.diff": timeZone,
	"time.format": timeZone, "time.parse_ns": timeZone, "time.weekday": timeZone,

	"print": output, "internal.print": output, "trace": output,
}

// withIOReason says, per withIO builtin, what it would reach.
var withIOReason = map[string]string{
	"http.send":          "sends HTTP requests",
	"net.lookup_ip_addr": "sends DNS queries",
	"opa.runtime":        "reads the process environment and configuration",
	"json.match_schema":  "fetches $ref schemas over the network and from files",
	"json.verify_schema": "fetches $ref schemas over the network and from files",
}

// pureBuiltins are the builtins of OPA v1.22.3 that compute their result
// from their arguments alone (deprecated ones included: Rego v1 refuses
// them anyway).
var pureBuiltins = []string{
	"abs", "all", "and", "any", "array.concat", "array.flatten", "array.reverse", "array.slice", "assign",
	"base64.decode", "base64.encode", "base64.is_valid", "base64url.decode", "base64url.encode", "base64url.encode_no_pad",
	"bits.and", "bits.lsh", "bits.negate", "bits.or", "bits.rsh", "bits.xor",
	"cast_array", "cast_boolean", "cast_null", "cast_object", "cast_set", "cast_string", "ceil", "concat", "contains", "count",
	"crypto.hmac.equal", "crypto.hmac.md5", "crypto.hmac.sha1", "crypto.hmac.sha256", "crypto.hmac.sha512",
	"crypto.md5", "crypto.parse_private_keys", "crypto.sha1", "crypto.sha256",
	"crypto.x509.parse_and_verify_certificates", "crypto.x509.parse_and_verify_certificates_with_options",
	"crypto.x509.parse_certificate_request", "crypto.x509.parse_certificates", "crypto.x509.parse_keypair",
	"crypto.x509.parse_rsa_private_key",
	"div", "endswith", "eq", "equal", "floor", "format_int", "glob.match", "glob.quote_meta",
	"graph.reachable", "graph.reachable_paths",
	"graphql.is_valid", "graphql.parse", "graphql.parse_and_verify", "graphql.parse_query", "graphql.parse_schema", "graphql.schema_is_valid",
	"gt", "gte", "hex.decode", "hex.encode", "indexof", "indexof_n",
	"internal.member_2", "internal.member_3", "internal.template_string", "internal.test_case", "intersection",
	"io.jwt.decode", "io.jwt.decode_verify", "io.jwt.encode_sign", "io.jwt.encode_sign_raw", "io.jwt.verify_eddsa",
	"io.jwt.verify_es256", "io.jwt.verify_es384", "io.jwt.verify_es512", "io.jwt.verify_hs256", "io.jwt.verify_hs384",
	"io.jwt.verify_hs512", "io.jwt.verify_ps256", "io.jwt.verify_ps384", "io.jwt.verify_ps512", "io.jwt.verify_rs256",
	"io.jwt.verify_rs384", "io.jwt.verify_rs512",
	"is_array", "is_boolean", "is_null", "is_number", "is_object", "is_set", "is_string",
	"json.filter", "json.is_valid", "json.marshal", "json.marshal_with_options", "json.patch", "json.remove", "json.unmarshal",
	"lower", "lt", "lte", "max", "min", "minus", "mul", "neq",
	"net.cidr_contains", "net.cidr_contains_matches", "net.cidr_expand", "net.cidr_intersects", "net.cidr_is_valid",
	"net.cidr_merge", "net.cidr_overlap",
	"numbers.range", "numbers.range_step", "object.filter", "object.get", "object.keys", "object.remove", "object.subset",
	"object.union", "object.union_n", "or", "plus", "product", "providers.aws.sign_req",
	"re_match", "regex.find_all_string_submatch_n", "regex.find_n", "regex.globs_match", "regex.is_valid", "regex.match",
	"regex.replace", "regex.split", "regex.template_match", "rego.metadata.chain", "rego.metadata.rule", "rego.parse_module",
	"rem", "replace", "round", "semver.compare", "semver.is_valid", "set_diff", "sort", "split", "sprintf", "startswith",
	"strings.any_prefix_match", "strings.any_suffix_match", "strings.count", "strings.render_template", "strings.replace_n",
	"strings.reverse", "strings.split_n", "substring", "sum",
	"time.parse_duration_ns", "time.parse_rfc3339_ns",
	"to_number", "trim", "trim_left", "trim_prefix", "trim_right", "trim_space", "trim_suffix", "type_name", "union",
	"units.parse", "units.parse_bytes", "upper", "uri.is_valid", "uri.parse",
	"urlquery.decode", "urlquery.decode_object", "urlquery.encode", "urlquery.encode_object", "uuid.parse", "walk",
	"yaml.is_valid", "yaml.marshal", "yaml.unmarshal",
}

func init() {
	for _, name := range pureBuiltins {
		builtinClass[name] = pure
	}
}

// classOf returns a builtin's kind; 0 means unclassified, which is denied.
func classOf(name string) builtinKind { return builtinClass[name] }

// Capabilities are the Rego capabilities of every policy mfpscan compiles:
// OPA's builtins that builtinClass knows and that do no I/O, and no network
// host at all. AllowNet is empty, not nil: OPA reads nil as "any host" for
// the remote schema references it resolves at compile time.
func Capabilities() *ast.Capabilities {
	caps := ast.CapabilitiesForThisVersion()
	kept := caps.Builtins[:0]
	for _, b := range caps.Builtins {
		if k := classOf(b.Name); k != 0 && k != withIO {
			kept = append(kept, b)
		}
	}
	caps.Builtins = kept
	caps.AllowNet = []string{}
	return caps
}

// deniedHint explains why a builtin a policy calls is missing, or "" when
// the builtin is not one OPA has.
func deniedHint(name string) string {
	if r, ok := withIOReason[name]; ok {
		return fmt.Sprintf("%s is disabled in mfpscan policies: it %s; policies may not do I/O", name, r)
	}
	if classOf(name) == 0 && ast.BuiltinMap[name] != nil {
		return fmt.Sprintf("%s is not offered to mfpscan policies: this build does not know whether it does I/O", name)
	}
	return ""
}

// undefinedFunction finds the name in OPA's "undefined function NAME"
// message.
func undefinedFunction(msg string) string {
	_, rest, ok := strings.Cut(msg, "undefined function ")
	if !ok {
		return ""
	}
	return strings.TrimRight(strings.Fields(rest + " ")[0], ",:;")
}

// checkSchemaAnnotations refuses `# schemas:` annotations whose inline
// schema could make OPA's JSON Schema loader fetch a document: a $ref that
// is not a fragment of the same document, or an $id that changes the base
// the fragments resolve against. OPA reads file:// references whatever
// AllowNet says, and resolves them at compile time, even for `policy list`.
// References to the schema set (schema.facts) stay allowed: that set only
// holds the embedded facts schema.
func checkSchemaAnnotations(modules map[string]*ast.Module) error {
	names := make([]string, 0, len(modules))
	for n := range modules {
		names = append(names, n)
	}
	sort.Strings(names)
	var problems []string
	for _, n := range names {
		for _, a := range modules[n].Annotations {
			for _, s := range a.Schemas {
				if s.Definition == nil {
					continue
				}
				if p := externalSchemaRef(*s.Definition, 0); p != "" {
					loc := strings.TrimPrefix(n, builtinPrefix)
					if a.Location != nil {
						loc = fmt.Sprintf("%s:%d", a.Location.File, a.Location.Row)
					}
					problems = append(problems, fmt.Sprintf("%s: schema annotation for %s: %s: policies may not load schemas from files or the network", loc, s.Path, p))
				}
			}
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("load policies: %d error(s):\n  %s", len(problems), strings.Join(problems, "\n  "))
	}
	return nil
}

// externalSchemaRef returns the first reference in a schema that points
// outside it, as `$ref "…"`, or "".
func externalSchemaRef(v any, depth int) string {
	if depth > maxDataDepth {
		return "schema nested too deeply"
	}
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			switch s, isStr := x[k].(string); {
			case k == "$ref" && isStr && !strings.HasPrefix(s, "#"):
				return fmt.Sprintf("$ref %q", s)
			case k == "$ref" && !isStr:
				return "$ref that is not a string"
			case (k == "$id" || k == "id") && isStr:
				return fmt.Sprintf("%s %q", k, s)
			case k == "$schema" && isStr && !strings.HasPrefix(s, "http://json-schema.org/"):
				return fmt.Sprintf("$schema %q", s)
			}
			if p := externalSchemaRef(x[k], depth+1); p != "" {
				return p
			}
		}
	case []any:
		for _, e := range x {
			if p := externalSchemaRef(e, depth+1); p != "" {
				return p
			}
		}
	}
	return ""
}
