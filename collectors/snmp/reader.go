package snmp

import (
	"context"
	"errors"
	"fmt"
	"net/netip"

	"github.com/gosnmp/gosnmp"

	"github.com/mfpscan/mfpscan/facts"
)

// reader reads identity and interface facts with an accepted community.
type reader struct {
	s         *session
	version   gosnmp.SnmpVersion
	community string
	out       *facts.Device
}

// readIdentity GETs the standard identity OIDs in one request, then the
// identity objects of the enterprise named in sysObjectID. A v1 agent fails
// a whole request on the first missing OID (noSuchName), so then it asks one
// OID at a time.
func (r *reader) readIdentity(ctx context.Context) error {
	values := map[string]string{}
	if err := r.getAll(ctx, identityOIDs, values); err != nil {
		return err
	}
	var vendor []string
	for _, v := range VendorOIDs(values[OIDSysObjectID]) {
		vendor = append(vendor, v.OID)
	}
	if len(vendor) > 0 {
		if err := r.getAll(ctx, vendor, values); err != nil {
			r.record(values)
			return err
		}
	}
	r.record(values)
	return nil
}

func (r *reader) getAll(ctx context.Context, oids []string, values map[string]string) error {
	pkt, err := r.s.get(ctx, r.version, r.community, gosnmp.GetRequest, oids)
	if err != nil {
		return fmt.Errorf("get identity oids: %w", err)
	}
	if pkt.Error == gosnmp.NoError {
		collectValues(pkt, values)
		return nil
	}
	for _, oid := range oids {
		one, err := r.s.get(ctx, r.version, r.community, gosnmp.GetRequest, []string{oid})
		if err != nil {
			return fmt.Errorf("get %s: %w", oid, err)
		}
		if one.Error == gosnmp.NoError {
			collectValues(one, values)
		}
	}
	return nil
}

func collectValues(pkt *gosnmp.SnmpPacket, values map[string]string) {
	for _, v := range pkt.Variables {
		if s, ok := ValueString(v); ok && s != "" {
			values[trimDot(v.Name)] = s
		}
	}
}

func trimDot(oid string) string {
	if len(oid) > 0 && oid[0] == '.' {
		return oid[1:]
	}
	return oid
}

// record stores the values and turns them into identity hints.
func (r *reader) record(values map[string]string) {
	if len(values) == 0 {
		return
	}
	res := r.out.SNMP
	res.Values = values
	if v := values[OIDSysDescr]; v != "" {
		res.SysDescr = v
	}
	res.SysObjectID = values[OIDSysObjectID]
	res.SysName = values[OIDSysName]

	r.out.Identity.Sources = append(r.out.Identity.Sources, IdentityHints(values)...)
}

func (r *reader) addHint(field, value, oid string, conf facts.Confidence) {
	r.out.Identity.Sources = append(r.out.Identity.Sources, facts.IdentityHint{
		Field: field, Value: value, Source: "snmp:" + oid, Confidence: conf,
	})
}

// readInterfaces walks ifPhysAddress for the MAC, then ipAddrTable and
// ipAddressTable for the addresses the device reports. Walk failures leave
// the facts absent; they do not fail the collector.
func (r *reader) readInterfaces(ctx context.Context) {
	seen := map[string]bool{}
	add := func(raw, source string) {
		if iface, ok := classifyAddr(raw, source); ok && !seen[iface.Address] {
			seen[iface.Address] = true
			r.out.Interfaces = append(r.out.Interfaces, iface)
		}
	}
	_ = r.walk(ctx, oidIfPhysAddress, func(v gosnmp.SnmpPDU) bool {
		b, _ := v.Value.([]byte)
		if mac, ok := MAC(b); ok {
			r.addHint("mac", mac, trimDot(v.Name), facts.ConfidenceHigh)
			return false
		}
		return true
	})
	_ = r.walk(ctx, oidIPAdEntAddr, func(v gosnmp.SnmpPDU) bool {
		if s, ok := v.Value.(string); ok && v.Type == gosnmp.IPAddress {
			add(s, "snmp:"+oidIPAdEntAddr)
		}
		return true
	})
	_ = r.walk(ctx, oidIPAddressIf, func(v gosnmp.SnmpPDU) bool {
		suffix, ok := OIDSuffix(v.Name, oidIPAddressIf)
		if !ok {
			return true
		}
		if b, ok := AddrFromIndex(suffix); ok {
			if a, ok := netip.AddrFromSlice(b); ok {
				add(a.String(), "snmp:"+oidIPAddressIf)
			}
		}
		return true
	})
}

// walk GETNEXTs through the subtree under prefix, calling fn for each value
// until fn returns false, the subtree ends, or maxWalk steps.
func (r *reader) walk(ctx context.Context, prefix string, fn func(gosnmp.SnmpPDU) bool) error {
	cur := prefix
	for range maxWalk {
		pkt, err := r.s.get(ctx, r.version, r.community, gosnmp.GetNextRequest, []string{cur})
		if err != nil {
			return fmt.Errorf("walk %s: %w", prefix, err)
		}
		if pkt.Error != gosnmp.NoError || len(pkt.Variables) != 1 {
			return nil
		}
		v := pkt.Variables[0]
		if v.Type == gosnmp.EndOfMibView || v.Type == gosnmp.NoSuchObject {
			return nil
		}
		if _, ok := OIDSuffix(v.Name, prefix); !ok || trimDot(v.Name) == trimDot(cur) {
			return nil
		}
		if !fn(v) {
			return nil
		}
		cur = trimDot(v.Name)
	}
	return errors.New("walk " + prefix + ": step limit reached")
}
