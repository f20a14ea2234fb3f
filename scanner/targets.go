package scanner

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/mfpscan/mfpscan/internal/inputfile"
)

// DefaultMaxHosts is the sweep size above which confirmation is needed.
const DefaultMaxHosts = 65536

// Bounds on target input, so a hostile or mistaken file cannot exhaust
// memory or stall the parser.
const (
	maxSpecLen      = 512
	maxFileLines    = 1 << 20
	maxLineLen      = 4096
	maxHostNameLen  = 253
	defaultResolveT = 5 * time.Second
)

// Resolver looks a host name up. It is injectable so tests never touch DNS.
type Resolver func(ctx context.Context, host string) ([]netip.Addr, error)

// TargetOptions tune ParseTargets.
type TargetOptions struct {
	// MaxHosts is the largest sweep accepted without AllowLarge; 0 means
	// DefaultMaxHosts.
	MaxHosts uint64
	// AllowLarge confirms a sweep above MaxHosts or an IPv6 prefix wider
	// than /64 (--yes-large-sweep).
	AllowLarge bool
	// Resolver resolves host names; nil uses the system resolver.
	Resolver Resolver
	// ResolveTimeout bounds each name lookup; 0 means 5s.
	ResolveTimeout time.Duration
	// OpenFile opens @file lists; nil uses os.Open.
	OpenFile func(name string) (io.ReadCloser, error)
}

// ErrLargeSweep marks a target set refused for its size; the CLI maps it to a
// usage error.
var ErrLargeSweep = errors.New("large sweep not confirmed")

// ParseTargets builds the set of addresses named by specs minus excludes.
// See ParseTargetsContext.
func ParseTargets(specs []string, excludes []string, opts TargetOptions) (*TargetSet, error) {
	return ParseTargetsContext(context.Background(), specs, excludes, opts)
}

// ParseTargetsContext builds the set of addresses named by specs minus
// excludes. Each spec is an IPv4 or IPv6 address, a CIDR prefix, a range
// ("10.1.2.10-10.1.2.50" or "10.1.2.10-50"), a host name (resolved once), or
// "@file" naming a list with one spec per line ("#" comments allowed).
// Excludes use the same grammar. Nothing is sent to any target.
func ParseTargetsContext(ctx context.Context, specs []string, excludes []string, opts TargetOptions) (*TargetSet, error) {
	if len(specs) == 0 {
		return nil, errors.New("parse targets: no targets given")
	}
	p := &parser{ctx: ctx, opts: opts}
	inc, err := p.parseAll(specs, false)
	if err != nil {
		return nil, err
	}
	ex, err := p.parseAll(excludes, true)
	if err != nil {
		return nil, err
	}
	ts := newTargetSet(subtract(normalise(inc), normalise(ex)))
	ts.Resolved = p.resolved
	if opts.AllowLarge {
		return ts, nil
	}
	if p.wideV6 != "" {
		return nil, fmt.Errorf("IPv6 prefix %s is wider than /64; pass --yes-large-sweep to confirm: %w", p.wideV6, ErrLargeSweep)
	}
	limit := opts.MaxHosts
	if limit == 0 {
		limit = DefaultMaxHosts
	}
	if ts.Count() > limit {
		return nil, fmt.Errorf("%d addresses exceed --max-hosts %d; pass --yes-large-sweep to confirm: %w", ts.Count(), limit, ErrLargeSweep)
	}
	return ts, nil
}

type parser struct {
	ctx      context.Context
	opts     TargetOptions
	resolved []Resolution
	wideV6   string
}

func (p *parser) parseAll(specs []string, exclude bool) ([]span, error) {
	var out []span
	for _, spec := range specs {
		spec = strings.TrimSpace(spec)
		if name, ok := strings.CutPrefix(spec, "@"); ok {
			got, err := p.parseFile(name, exclude)
			if err != nil {
				return nil, err
			}
			out = append(out, got...)
			continue
		}
		got, err := p.parseOne(spec, exclude)
		if err != nil {
			return nil, err
		}
		out = append(out, got...)
	}
	return out, nil
}

func (p *parser) parseFile(name string, exclude bool) ([]span, error) {
	open := p.opts.OpenFile
	if open == nil {
		// A regular file only: a FIFO would block the run before it starts.
		open = func(name string) (io.ReadCloser, error) { return inputfile.Open(name) }
	}
	f, err := open(name)
	if err != nil {
		return nil, fmt.Errorf("read target file: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 256), maxLineLen)
	var out []span
	line := 0
	for sc.Scan() {
		line++
		if line > maxFileLines {
			return nil, fmt.Errorf("read target file %s: more than %d lines", name, maxFileLines)
		}
		text, _, _ := strings.Cut(sc.Text(), "#")
		text = strings.TrimSpace(text)
		if text == "" {
			continue
		}
		if strings.HasPrefix(text, "@") {
			return nil, fmt.Errorf("%s:%d: nested @file lists are not allowed", name, line)
		}
		got, err := p.parseOne(text, exclude)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, line, err)
		}
		out = append(out, got...)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read target file %s:%d: %w", name, line+1, err)
	}
	return out, nil
}

// parseOne parses one spec that is not an @file.
func (p *parser) parseOne(spec string, exclude bool) ([]span, error) {
	s, err := p.parseSpec(spec, exclude)
	if err != nil {
		return nil, fmt.Errorf("parse target %q: %w", truncate(spec), err)
	}
	return s, nil
}

func (p *parser) parseSpec(spec string, exclude bool) ([]span, error) {
	switch {
	case spec == "":
		return nil, errors.New("empty target")
	case len(spec) > maxSpecLen:
		return nil, fmt.Errorf("longer than %d characters", maxSpecLen)
	case strings.Contains(spec, "%"):
		return nil, errors.New("zoned IPv6 addresses are not supported")
	case strings.Contains(spec, "/"):
		pfx, err := netip.ParsePrefix(spec)
		if err != nil {
			return nil, fmt.Errorf("invalid CIDR: %w", err)
		}
		if pfx.Addr().Is4In6() {
			pfx = netip.PrefixFrom(pfx.Addr().Unmap(), max(pfx.Bits()-96, 0))
		}
		if !pfx.Addr().Is4() && pfx.Bits() < 64 && !exclude && p.wideV6 == "" {
			p.wideV6 = pfx.String()
		}
		return []span{prefixSpan(pfx)}, nil
	case strings.Contains(spec, "-") && looksNumeric(spec):
		r, err := parseRange(spec)
		if err != nil {
			return nil, err
		}
		return []span{r}, nil
	}
	if a, err := netip.ParseAddr(spec); err == nil {
		a = a.Unmap()
		v := u128From(a)
		return []span{{v4: a.Is4(), lo: v, hi: v}}, nil
	} else if looksNumeric(spec) {
		return nil, fmt.Errorf("invalid address: %w", err)
	}
	return p.resolve(spec, exclude)
}

// looksNumeric tells addresses and ranges from host names: a name has a
// letter outside the hex digits, or a label that is not all hex/digits.
func looksNumeric(s string) bool {
	if strings.Contains(s, ":") {
		return true
	}
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c == '.' || c == '-') {
			return false
		}
	}
	return true
}

func parseRange(spec string) (span, error) {
	left, right, _ := strings.Cut(spec, "-")
	left, right = strings.TrimSpace(left), strings.TrimSpace(right)
	lo, err := netip.ParseAddr(left)
	if err != nil {
		return span{}, fmt.Errorf("invalid range start: %w", err)
	}
	lo = lo.Unmap()
	var hi netip.Addr
	if lo.Is4() && !strings.ContainsAny(right, ".:") {
		n, err := strconv.ParseUint(right, 10, 8)
		if err != nil {
			return span{}, fmt.Errorf("invalid range end %q: want 0-255 or a full address", right)
		}
		b := lo.As4()
		b[3] = byte(n)
		hi = netip.AddrFrom4(b)
	} else {
		hi, err = netip.ParseAddr(right)
		if err != nil {
			return span{}, fmt.Errorf("invalid range end: %w", err)
		}
		hi = hi.Unmap()
	}
	if lo.Is4() != hi.Is4() {
		return span{}, errors.New("range mixes IPv4 and IPv6")
	}
	if hi.Less(lo) {
		return span{}, errors.New("range end is before its start")
	}
	return span{v4: lo.Is4(), lo: u128From(lo), hi: u128From(hi)}, nil
}

func (p *parser) resolve(host string, exclude bool) ([]span, error) {
	if err := validHostName(host); err != nil {
		return nil, err
	}
	lookup := p.opts.Resolver
	if lookup == nil {
		lookup = systemResolver
	}
	timeout := p.opts.ResolveTimeout
	if timeout <= 0 {
		timeout = defaultResolveT
	}
	ctx, cancel := context.WithTimeout(p.ctx, timeout)
	defer cancel()
	addrs, err := lookup(ctx, host)
	if err != nil {
		return nil, fmt.Errorf("resolve host name: %w", err)
	}
	if len(addrs) == 0 {
		return nil, errors.New("resolve host name: no addresses")
	}
	res := Resolution{Host: host, Exclude: exclude}
	out := make([]span, 0, len(addrs))
	for _, a := range addrs {
		a = a.Unmap().WithZone("")
		res.Addrs = append(res.Addrs, a)
		v := u128From(a)
		out = append(out, span{v4: a.Is4(), lo: v, hi: v})
	}
	p.resolved = append(p.resolved, res)
	return out, nil
}

func systemResolver(ctx context.Context, host string) ([]netip.Addr, error) {
	return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
}

func validHostName(h string) error {
	if len(h) > maxHostNameLen {
		return fmt.Errorf("host name longer than %d characters", maxHostNameLen)
	}
	for _, label := range strings.Split(strings.TrimSuffix(h, "."), ".") {
		if label == "" || len(label) > 63 {
			return errors.New("invalid host name: bad label length")
		}
		for _, c := range label {
			ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
			if !ok {
				return fmt.Errorf("invalid host name: character %q", c)
			}
		}
		if label[0] == '-' || label[len(label)-1] == '-' {
			return errors.New("invalid host name: label starts or ends with '-'")
		}
	}
	return nil
}

func truncate(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}
