package httpui

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"

	"github.com/mfpscan/mfpscan/collectors"
	"github.com/mfpscan/mfpscan/facts"
)

const (
	// maxBody caps every body read: a device streaming an endless or huge
	// body costs at most this much.
	maxBody = 256 << 10
	// maxProbeBody caps the well-known page reads, whose contents are only
	// classified, never stored.
	maxProbeBody = 64 << 10
	maxRedirects = 3
)

// wellKnownPages are requested without a session on Canon Remote UIs only,
// status only. They show status, counters and the portal: pages a locked
// down UI keeps behind its login.
var wellKnownPages = []string{
	"/rps/nativetop.cgi",
	"/sysmonitor/",
	"/portal_top.html",
	"/d_counter.html",
	// The MEAP Service Management Service login (iR-ADV, usually on
	// 8000/8443): its answer lets the opt-in MEAP SMS check (MFP-CRED-004)
	// find the page instead of never running.
	"/sms/",
}

// New returns the HTTP / Remote UI collector.
func New() collectors.Collector {
	return collectors.NewPortPairCollector("http", collectors.RoleHTTP, collectors.RoleHTTPS, visit)
}

func visit(ctx context.Context, env *collectors.Env, t *collectors.Target, p collectors.RolePort, log *collectors.ProbeLog, out *facts.Device) (facts.Status, string) {
	svc := collectPort(ctx, env, t, p.Port, p.Secure, log)
	out.HTTP = append(out.HTTP, svc)
	addHints(out, svc)
	return svc.Status, svc.Reason
}

// fetch GETs u and reads at most limit bytes of the body within one
// timeout, so neither a slow drip nor an endless body can stall the scan.
func fetch(ctx context.Context, env *collectors.Env, c *http.Client, u *url.URL, limit int64) (Page, error) {
	ctx, cancel := context.WithTimeout(ctx, env.Timeout())
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return Page{}, fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("User-Agent", "mfpscan")
	resp, err := c.Do(req)
	if err != nil {
		return Page{}, fmt.Errorf("get %s: %w", u.Path, err)
	}
	defer resp.Body.Close()
	// A body that stalls or breaks off keeps what arrived: the headers
	// already prove the port answers.
	body, _ := io.ReadAll(io.LimitReader(resp.Body, limit))
	page := Page{StatusCode: resp.StatusCode, Header: resp.Header, Body: body}
	page.Title = ParseTitle(page.Body)
	return page, nil
}

func baseURL(addr netip.Addr, port int, useTLS bool) *url.URL {
	scheme := "http"
	if useTLS {
		scheme = "https"
	}
	return &url.URL{Scheme: scheme, Host: net.JoinHostPort(addr.String(), strconv.Itoa(port)), Path: "/"}
}

// sameHost resolves a Location against base and returns the URL to follow,
// or nil when it leaves the target address. Canon Catwalk servers send
// "https://null:8443/": the placeholder host means this device.
func sameHost(base *url.URL, addr netip.Addr, location string) *url.URL {
	loc, err := base.Parse(location)
	if err != nil || (loc.Scheme != "http" && loc.Scheme != "https") {
		return nil
	}
	h := loc.Hostname()
	if h == "null" || h == "" {
		port := loc.Port()
		if port == "" {
			port = map[string]string{"http": "80", "https": "443"}[loc.Scheme]
		}
		loc.Host = net.JoinHostPort(addr.String(), port)
		return loc
	}
	if a, err := netip.ParseAddr(h); err == nil && a.Unmap() == addr.Unmap() {
		return loc
	}
	return nil
}

func collectPort(ctx context.Context, env *collectors.Env, t *collectors.Target, port int, useTLS bool, log *collectors.ProbeLog) facts.HTTPService {
	addr := t.Addr
	svc := facts.HTTPService{Port: port, TLS: useTLS}
	c := env.HTTPClient()
	u := baseURL(addr, port, useTLS)
	first, err := fetch(ctx, env, c, u, maxBody)
	log.Sent("GET /", port, "tcp", err)
	if err != nil {
		svc.Status, svc.Reason = collectors.Classify(err)
		return svc
	}
	svc.Status = facts.StatusOK
	svc.StatusCode = first.StatusCode
	svc.Server = Sanitize(first.Header.Get("Server"), 120)
	svc.RedirectLocation = Sanitize(first.Header.Get("Location"), 300)
	// HSTS only means something over TLS (browsers ignore it on plain
	// HTTP); RedirectsToHTTPS only on plain ports.
	if useTLS {
		svc.HSTS = facts.Bool(first.Header.Get("Strict-Transport-Security") != "")
	} else {
		next := redirectTarget(u, addr, first)
		svc.RedirectsToHTTPS = facts.Bool(next != nil && next.Scheme == "https")
	}
	page := first
	chainOK := true
	for i := 0; i < maxRedirects; i++ {
		next := redirectTarget(u, addr, page)
		// A device may point its Remote UI at its own print port; a GET
		// there would print a page. The dialer refuses the write anyway,
		// but the redirect is not even tried.
		if next == nil {
			break
		}
		if t.Roles.IsPrint(urlPort(next)) {
			log.NotSent("GET redirect "+next.Path, urlPort(next), "tcp", "redirect to a print port: connect-only")
			break
		}
		p, err := fetch(ctx, env, c, next, maxBody)
		log.Sent("GET redirect "+next.Path, urlPort(next), "tcp", err)
		if err != nil {
			chainOK = false
			break
		}
		page, u = p, next
	}
	// RUI-001 judges the page a browser ends on (/ → 302 → a page over
	// plain HTTP is cleartext), so record it, unless the chain broke.
	if chainOK && redirectTarget(u, addr, page) == nil {
		svc.FinalStatusCode = page.StatusCode
		svc.FinalScheme = u.Scheme
	}
	svc.WebDAV, svc.DAV = probeWebDAV(ctx, env, c, baseURL(addr, port, useTLS), log)
	svc.Title = page.Title
	canon, markers := CanonMarkers(page)
	if !canon && page.StatusCode != first.StatusCode {
		// The redirect itself may carry the marker (Server: Catwalk).
		canon, markers = CanonMarkers(first)
	}
	mode, otp, loginMarkers := ClassifyLogin(page)
	svc.CanonRemoteUI = canon
	svc.Markers = append(markers, loginMarkers...)
	svc.LoginMode = mode
	// A one-time-password step normally shows only after the password is
	// accepted, which a scan without credentials never reaches: not seeing
	// it proves nothing, unless there is no login at all.
	switch {
	case otp:
		svc.OTPStep = facts.Bool(true)
	case mode == facts.LoginModeNone:
		svc.OTPStep = facts.Bool(false)
	}
	if !canon {
		for _, path := range wellKnownPages {
			log.NotSent("GET "+path, port, "tcp", "no Canon Remote UI markers on this port")
		}
	}
	if canon {
		svc.Pages, svc.DeviceFirmware, svc.DeviceFirmwarePath = probePages(ctx, env, c, baseURL(addr, port, useTLS), log)
		if fw := DeviceFirmware(page.Body); svc.DeviceFirmware == "" && fw != "" && !IsLoginPage(page) {
			svc.DeviceFirmware, svc.DeviceFirmwarePath = fw, u.Path
		}
	}
	return svc
}

// probeWebDAV asks OPTIONS / and reads the DAV header (RFC 4918 §10.1):
// a WebDAV server announces its compliance classes there. OPTIONS changes
// nothing on the server; no other WebDAV method is ever sent. It returns
// nil when the request failed, so WebDAV stays unknown.
func probeWebDAV(ctx context.Context, env *collectors.Env, c *http.Client, u *url.URL, log *collectors.ProbeLog) (*bool, string) {
	ctx, cancel := context.WithTimeout(ctx, env.Timeout())
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodOptions, u.String(), nil)
	if err != nil {
		log.Sent("OPTIONS /", urlPort(u), "tcp", err)
		return nil, ""
	}
	req.Header.Set("User-Agent", "mfpscan")
	resp, err := c.Do(req)
	log.Sent("OPTIONS /", urlPort(u), "tcp", err)
	if err != nil {
		return nil, ""
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxProbeBody))
	dav := Sanitize(resp.Header.Get("DAV"), 120)
	return facts.Bool(ParseDAV(dav)), dav
}

// urlPort is the TCP port u names, with the scheme's default.
func urlPort(u *url.URL) int {
	if p, err := strconv.Atoi(u.Port()); err == nil {
		return p
	}
	if u.Scheme == "https" {
		return 443
	}
	return 80
}

func redirectTarget(base *url.URL, addr netip.Addr, p Page) *url.URL {
	if p.StatusCode < 300 || p.StatusCode > 399 {
		return nil
	}
	loc := p.Header.Get("Location")
	if loc == "" {
		return nil
	}
	return sameHost(base, addr, loc)
}

// probePages requests the well-known pages; an open one that shows the
// device information gives the firmware when SNMP is closed.
func probePages(ctx context.Context, env *collectors.Env, c *http.Client, base *url.URL, log *collectors.ProbeLog) (out []facts.PageProbe, firmware, fwPath string) {
	for _, path := range wellKnownPages {
		if ctx.Err() != nil {
			log.NotSent("GET "+path, urlPort(base), "tcp", "deadline reached")
			continue
		}
		u := *base
		u.Path = path
		p, err := fetch(ctx, env, c, &u, maxProbeBody)
		log.Sent("GET "+path, urlPort(base), "tcp", err)
		if err != nil {
			// Recorded, so the page's state reads as unknown, not closed.
			_, reason := collectors.Classify(err)
			out = append(out, facts.PageProbe{Path: path, Error: reason})
			continue
		}
		open := p.StatusCode == http.StatusOK && len(p.Body) > 0 && !IsLoginPage(p)
		out = append(out, facts.PageProbe{Path: path, StatusCode: p.StatusCode, Open: open})
		if open && firmware == "" {
			if fw := DeviceFirmware(p.Body); fw != "" {
				firmware, fwPath = fw, path
			}
		}
	}
	return out, firmware, fwPath
}

func addHints(out *facts.Device, svc facts.HTTPService) {
	if !svc.CanonRemoteUI {
		return
	}
	src := fmt.Sprintf("http:%d", svc.Port)
	out.Identity.Sources = append(out.Identity.Sources,
		facts.IdentityHint{Field: "vendor", Value: "Canon", Source: src + " markers", Confidence: facts.ConfidenceMedium},
		facts.IdentityHint{Field: "printer", Value: "true", Source: src + " markers", Confidence: facts.ConfidenceMedium})
	if m := ModelFromTitle(svc.Title); m != "" {
		out.Identity.Sources = append(out.Identity.Sources,
			facts.IdentityHint{Field: "model", Value: m, Source: src + " title", Confidence: facts.ConfidenceMedium})
	}
	if svc.DeviceFirmware != "" {
		// Below SNMP's canPdInfoProductVersion (high): the page is only
		// the source when SNMP is closed.
		out.Identity.Sources = append(out.Identity.Sources,
			facts.IdentityHint{Field: "firmware", Value: svc.DeviceFirmware, Source: src + " " + svc.DeviceFirmwarePath, Confidence: facts.ConfidenceMedium})
	}
}
