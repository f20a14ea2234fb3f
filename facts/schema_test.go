package facts

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestSchemaMatchesTypes walks the Go types and the JSON Schema together, so
// a field added to one and not the other fails here rather than in a user's
// custom rule.
func TestSchemaMatchesTypes(t *testing.T) {
	var root map[string]any
	if err := json.Unmarshal(SchemaJSON, &root); err != nil {
		t.Fatal(err)
	}
	defs, _ := root["$defs"].(map[string]any)
	resolve := func(node map[string]any) map[string]any {
		for {
			ref, ok := node["$ref"].(string)
			if !ok {
				return node
			}
			node = defs[strings.TrimPrefix(ref, "#/$defs/")].(map[string]any)
		}
	}
	var walk func(path string, typ reflect.Type, node map[string]any)
	walk = func(path string, typ reflect.Type, node map[string]any) {
		node = resolve(node)
		for typ.Kind() == reflect.Pointer {
			typ = typ.Elem()
		}
		switch typ.Kind() {
		case reflect.Struct:
			if typ == reflect.TypeOf(time.Time{}) {
				return
			}
			props, _ := node["properties"].(map[string]any)
			if props == nil {
				t.Errorf("%s: schema has no properties for struct %s", path, typ)
				return
			}
			seen := map[string]bool{}
			for i := range typ.NumField() {
				f := typ.Field(i)
				name := strings.Split(f.Tag.Get("json"), ",")[0]
				if name == "" || name == "-" {
					continue
				}
				seen[name] = true
				sub, ok := props[name].(map[string]any)
				if !ok {
					t.Errorf("%s/%s: field %s.%s missing from schema", path, name, typ.Name(), f.Name)
					continue
				}
				walk(path+"/"+name, f.Type, sub)
			}
			for name := range props {
				if !seen[name] {
					t.Errorf("%s/%s: schema property has no Go field in %s", path, name, typ)
				}
			}
		case reflect.Slice:
			if items, ok := node["items"].(map[string]any); ok {
				walk(path+"/*", typ.Elem(), items)
			} else {
				t.Errorf("%s: schema has no items for %s", path, typ)
			}
		case reflect.Map:
			// A map is either open (additionalProperties) or has a closed
			// set of keys (properties), like the TLS version keys.
			if add, ok := node["additionalProperties"].(map[string]any); ok {
				walk(path+"/*", typ.Elem(), add)
			} else if props, ok := node["properties"].(map[string]any); ok {
				for name, sub := range props {
					walk(path+"/"+name, typ.Elem(), sub.(map[string]any))
				}
			} else {
				t.Errorf("%s: schema has no additionalProperties for %s", path, typ)
			}
		}
	}
	walk("", reflect.TypeOf(Device{}), root)
}

func sampleDevice() *Device {
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	return &Device{
		SchemaVersion: SchemaVersion,
		Scan:          &Scan{Tool: "mfpscan", Version: "test", StartedAt: now, Targets: []string{"127.77.0.0/24"}, Engine: "native"},
		Address:       "127.77.0.10",
		Family:        "ipv4",
		IPClass:       IPClassLoopback,
		Identity: Identity{
			IsPrinter: Bool(true), IsMFP: Bool(true),
			Vendor:   &Attribute{Value: "Canon", Source: "snmp:1.3.6.1.2.1.1.1.0", Confidence: ConfidenceHigh},
			DeviceID: "serial:2XQ01234",
		},
		Ports: []Port{{Port: 443, Protocol: "tcp", State: "open", Service: "https"}},
		TLS: []TLSService{{
			Port: 443, Status: StatusOK,
			Versions: map[string]bool{"tls1_0": true, "tls1_3": false},
			Ciphers: map[string][]Cipher{"tls1_0": {{Name: "TLS_RSA_WITH_AES_128_CBC_SHA", ID: 0x2f, Kex: "RSA", Auth: "RSA",
				Cipher: "AES_128_CBC", MAC: "SHA", Bits: 128, Strength: "medium", Weak: []string{"cbc_sha1", "no_pfs"}}}},
			Unknown:             map[string]string{"ssl3": "connection reset"},
			Groups:              []string{"x25519", "X25519MLKEM768"},
			ServerPreference:    Bool(true),
			Compression:         Bool(false),
			SecureRenegotiation: Bool(true),
			DowngradeAccepted:   Bool(false),
			Certificate: &Certificate{
				Subject: "CN=Canon iR-ADV C5535 III", Issuer: "CN=Canon iR-ADV C5535 III", SelfSigned: true,
				NotBefore: now, NotAfter: now.AddDate(10, 0, 0), KeyType: "RSA", KeyBits: 2048,
				SignatureAlgorithm: "SHA256-RSA", SHA256: "ab", DefaultCanonSubject: true, FermatWeak: Bool(false),
			},
		}},
		SNMP:       &SNMP{Status: StatusOK, Port: 161, V1: Bool(true), V2c: Bool(true), CommunitiesAccepted: []string{"public"}, CommunitiesTried: 4},
		Firmware:   &Firmware{Version: "47.07", AdvisoryStatus: "vulnerable", Advisories: []Advisory{{ID: "CP2025-004", CVEs: []string{"CVE-2025-3078"}}}},
		Collectors: map[string]CollectorStatus{"snmp": {Status: StatusOK, DurationMS: 12}},
	}
}

func TestValidate(t *testing.T) {
	good, err := json.Marshal(sampleDevice())
	if err != nil {
		t.Fatal(err)
	}
	if err := Validate(good); err != nil {
		t.Fatalf("sample device rejected: %v", err)
	}

	tests := []struct {
		name    string
		mutate  func(d *Device)
		wantErr string
	}{
		{"bad ip class", func(d *Device) { d.IPClass = "martian" }, "/ip_class"},
		{"bad status", func(d *Device) { d.SNMP.Status = "fine" }, "/snmp/status"},
		{"bad tls key", func(d *Device) { d.TLS[0].Versions["tls1.0"] = true }, "/tls/0/versions"},
		{"bad cipher strength", func(d *Device) { d.TLS[0].Ciphers["tls1_0"][0].Strength = "great" }, "/tls/0/ciphers/tls1_0/0/strength"},
		{"bad unknown key", func(d *Device) { d.TLS[0].Unknown["tls1.3"] = "x" }, "/tls/0/unknown"},
		{"bad device id", func(d *Device) { d.Identity.DeviceID = "whatever" }, "/identity/device_id"},
		{"port out of range", func(d *Device) { d.Ports[0].Port = 70000 }, "/ports/0/port"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := sampleDevice()
			tt.mutate(d)
			b, _ := json.Marshal(d)
			err := Validate(b)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Validate() = %v, want error mentioning %q", err, tt.wantErr)
			}
		})
	}

	if err := Validate([]byte(`{"schema_version":"1","address":"x"`)); err == nil {
		t.Fatal("truncated JSON accepted")
	}
	var unknown map[string]any
	_ = json.Unmarshal(good, &unknown)
	unknown["snmp_v1"] = true
	b, _ := json.Marshal(unknown)
	if err := Validate(b); err == nil {
		t.Fatal("unknown top-level fact accepted")
	}
	if !slices.Contains([]string{"1"}, SchemaVersion) {
		t.Fatal("schema version changed without a migration")
	}
}
