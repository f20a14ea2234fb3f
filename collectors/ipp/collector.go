package ipp

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strconv"

	"github.com/mfpscan/mfpscan/collectors"
	"github.com/mfpscan/mfpscan/facts"
)

// paths are tried in order: /ipp/print is the IPP Everywhere default, "/"
// what older stacks answer on.
var paths = []string{"/ipp/print", "/"}

// New returns the IPP collector.
func New() collectors.Collector {
	return collectors.NewPortPairCollector("ipp", collectors.RoleIPP, collectors.RoleIPPS, visit)
}

func visit(ctx context.Context, env *collectors.Env, t *collectors.Target, p collectors.RolePort, log *collectors.ProbeLog, out *facts.Device) (facts.Status, string) {
	// 631 may speak plain IPP or TLS; an ipps port only TLS.
	attrs, err := collectPort(ctx, env, t.Addr, p.Port, !p.Secure, log)
	svc := attrs.Service
	svc.Port = p.Port
	if err != nil {
		svc.Status, svc.Reason = collectors.Classify(err)
	} else {
		svc.Status = facts.StatusOK
		addHints(out, attrs, p.Port)
		if !svc.TLS {
			out.Cleartext = append(out.Cleartext, facts.CleartextService{Service: "ipp", Port: p.Port})
		}
	}
	out.IPP = append(out.IPP, svc)
	return svc.Status, svc.Reason
}

// collectPort tries plain IPP first on an ipp port (631 may be either) and
// TLS otherwise, each on every path, and keeps the first answer.
func collectPort(ctx context.Context, env *collectors.Env, addr netip.Addr, port int, plainToo bool, log *collectors.ProbeLog) (Attributes, error) {
	modes := []bool{true}
	if plainToo {
		modes = []bool{false, true}
	}
	var firstErr error
	for _, useTLS := range modes {
		for _, path := range paths {
			a, err := query(ctx, env, addr, port, useTLS, path)
			log.Sent(probeName(useTLS, path), port, "tcp", err)
			if err == nil {
				a.Service.TLS = useTLS
				return a, nil
			}
			if firstErr == nil {
				firstErr = err
			}
			// A refused or silent port will not answer another path.
			st, _ := collectors.Classify(err)
			if ctx.Err() != nil || st == facts.StatusRefused {
				return Attributes{}, firstErr
			}
			if st == facts.StatusTimeout {
				break
			}
		}
	}
	return Attributes{}, firstErr
}

// probeName names one Get-Printer-Attributes request in probes[].
func probeName(useTLS bool, path string) string {
	if useTLS {
		return "Get-Printer-Attributes ipps " + path
	}
	return "Get-Printer-Attributes ipp " + path
}

func query(ctx context.Context, env *collectors.Env, addr netip.Addr, port int, useTLS bool, path string) (Attributes, error) {
	ctx, cancel := context.WithTimeout(ctx, env.Timeout())
	defer cancel()
	host := net.JoinHostPort(addr.String(), strconv.Itoa(port))
	scheme, ippScheme := "http", "ipp"
	if useTLS {
		scheme, ippScheme = "https", "ipps"
	}
	body, err := BuildRequest(ippScheme + "://" + host + path)
	if err != nil {
		return Attributes{}, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, scheme+"://"+host+path, bytes.NewReader(body))
	if err != nil {
		return Attributes{}, fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("Content-Type", "application/ipp")
	client := env.HTTPClient()
	resp, err := client.Do(req)
	if err != nil {
		return Attributes{}, fmt.Errorf("post %s: %w", path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return Attributes{}, fmt.Errorf("post %s: http status %d", path, resp.StatusCode)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, MaxBody+1))
	if err != nil {
		return Attributes{}, fmt.Errorf("read response: %w", err)
	}
	return Parse(data)
}

func addHints(out *facts.Device, a Attributes, port int) {
	src := fmt.Sprintf("ipp:%d printer-make-and-model", port)
	out.Identity.Sources = append(out.Identity.Sources,
		facts.IdentityHint{Field: "printer", Value: "true", Source: fmt.Sprintf("ipp:%d", port), Confidence: facts.ConfidenceHigh})
	if mm := a.Service.MakeAndModel; mm != "" {
		vendor, model := SplitMakeModel(mm)
		if vendor != "" {
			out.Identity.Sources = append(out.Identity.Sources,
				facts.IdentityHint{Field: "vendor", Value: vendor, Source: src, Confidence: facts.ConfidenceHigh})
		}
		if model != "" {
			out.Identity.Sources = append(out.Identity.Sources,
				facts.IdentityHint{Field: "model", Value: model, Source: src, Confidence: facts.ConfidenceHigh})
		}
	}
	if v, where, ok := FirmwareOf(a); ok {
		out.Identity.Sources = append(out.Identity.Sources,
			facts.IdentityHint{Field: "firmware", Value: v, Source: fmt.Sprintf("ipp:%d %s", port, where), Confidence: facts.ConfidenceMedium})
	}
}
