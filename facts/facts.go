// Package facts defines the facts document (schema v1): one JSON document per
// device, written by the collectors and read by the policies.
//
// The rule that shapes every type here: unknown is not false. A fact that was
// not collected is absent (nil pointer, nil slice, omitted field), never false
// or zero, so a policy can tell "SNMPv1 is off" from "SNMP was not reachable".
// Each collector records its own Status per device for the same reason.
package facts

import "time"

// SchemaVersion is the facts document version this package reads and writes.
const SchemaVersion = "1"

// MaxFileBytes caps one facts file, on write and on read alike, so whatever
// mfpscan writes it reads back (report --from, eval). Real documents are a
// few kilobytes; collectors cap every field they copy from a device.
const MaxFileBytes = 16 << 20

// Status is a collector's outcome for one device.
type Status string

// Collector statuses. A policy that needs a fact whose collector did not end
// in StatusOK must answer "review", never "pass".
const (
	StatusOK           Status = "ok"
	StatusClosed       Status = "closed"
	StatusFiltered     Status = "filtered"
	StatusTimeout      Status = "timeout"
	StatusRefused      Status = "refused"
	StatusAuthRequired Status = "auth_required"
	StatusError        Status = "error"
	StatusSkipped      Status = "skipped"
)

// Confidence grades an identity fact by how directly its source states it.
type Confidence string

// Confidence levels, from a source that names the value outright (an SNMP
// model OID) down to a guess from a shared marker (a Server header).
const (
	ConfidenceHigh   Confidence = "high"
	ConfidenceMedium Confidence = "medium"
	ConfidenceLow    Confidence = "low"
)

// Scan is the metadata of one sweep, shared by every device document of it.
type Scan struct {
	Tool       string    `json:"tool"`
	Version    string    `json:"version"`
	StartedAt  time.Time `json:"started_at"`
	FinishedAt time.Time `json:"finished_at,omitzero"`
	Targets    []string  `json:"targets"`
	Excludes   []string  `json:"excludes,omitempty"`
	Engine     string    `json:"engine"`
	Ports      []int     `json:"ports,omitempty"`
	// PortOffset is set only when scanning the simulated lab with its ports
	// shifted (80 served on 10080); rules subtract it to reason about
	// well-known ports.
	PortOffset int `json:"port_offset,omitempty"`
	// Vantage is where the sweep ran from (host name and source addresses),
	// because "reachable" only means something relative to it.
	Vantage *Vantage `json:"vantage,omitempty"`
	// Incomplete is set when the sweep was interrupted or hit its deadline:
	// the documents hold what was collected until then.
	Incomplete bool `json:"incomplete,omitempty"`
	// UDPProbes are the UDP probes the sweep sent to every address (ports
	// as sent). UDP has no refusal to read, so a service is known to be
	// silent only when its probe is listed here.
	UDPProbes []UDPProbe `json:"udp_probes,omitempty"`
	// Shard is the part of a split sweep this run covered (absent: the
	// whole target set), so a merge can tell the shards of one sweep are
	// all there and none twice.
	Shard *Shard `json:"shard,omitempty"`
}

// Shard is part K of N (K from 0) of a sweep split with Seed.
type Shard struct {
	K    uint64 `json:"k"`
	N    uint64 `json:"n"`
	Seed uint64 `json:"seed"`
}

// UDPProbe is one kind of UDP probe a sweep sends.
type UDPProbe struct {
	Port    int    `json:"port"`
	Service string `json:"service"`
}

// Vantage identifies the machine a sweep ran from.
type Vantage struct {
	Hostname string `json:"hostname,omitempty"`
}

// Device is the facts document of one device.
type Device struct {
	SchemaVersion string `json:"schema_version"`
	Scan          *Scan  `json:"scan,omitempty"`

	Address     string  `json:"address"`
	Family      string  `json:"family"` // "ipv4" or "ipv6"
	IPClass     IPClass `json:"ip_class"`
	ReverseDNS  string  `json:"reverse_dns,omitempty"`
	ScannedFrom string  `json:"scanned_from,omitempty"`

	Identity Identity `json:"identity"`

	// Ports lists every port the discovery engine reported, open or not.
	Ports []Port `json:"ports"`
	// Interfaces are the addresses the device reports for itself (SNMP
	// ipAddrTable / ipAddressTable); a dual-homed device shows up here.
	Interfaces []Interface `json:"interfaces,omitempty"`

	HTTP     []HTTPService `json:"http,omitempty"`
	RemoteUI *RemoteUI     `json:"remote_ui,omitempty"`
	TLS      []TLSService  `json:"tls,omitempty"`
	SNMP     *SNMP         `json:"snmp,omitempty"`
	IPP      []IPPService  `json:"ipp,omitempty"`
	Banners  []Banner      `json:"banners,omitempty"`

	// Cleartext lists the services found that carry data or credentials
	// without encryption (FTP, Telnet, LPD, raw 9100, IPP without TLS, ...).
	Cleartext []CleartextService `json:"cleartext,omitempty"`

	Credentials  *Credentials  `json:"credentials,omitempty"`
	Firmware     *Firmware     `json:"firmware,omitempty"`
	Attestations *Attestations `json:"attestations,omitempty"`

	// Probes lists every probe a collector or the sweep sent to this device
	// and what came back, so a rule can tell "answered no" from "never
	// asked" (issue 12).
	Probes []Probe `json:"probes,omitempty"`

	// Collectors holds each collector's outcome for this device, keyed by
	// collector name.
	Collectors map[string]CollectorStatus `json:"collectors"`

	// Incomplete is set when the run was interrupted before this device's
	// collection finished: facts missing here were not collected, which
	// proves nothing about the device.
	Incomplete bool `json:"incomplete,omitempty"`
}

// Probe outcomes. A probe that was not sent is recorded as ProbeNotSent
// with the reason, when a rule may depend on it.
const (
	ProbeAnswered = "answered"  // a reply of the expected protocol came back
	ProbeNoAnswer = "no_answer" // nothing came back before the timeout
	ProbeRefused  = "refused"   // TCP RST or ICMP port unreachable
	ProbeError    = "error"     // the reply was malformed, or sending failed
	ProbeNotSent  = "not_sent"  // skipped (opt-in not given, deadline hit)
)

// Probe is one request sent to the device (secrets never recorded).
type Probe struct {
	// Collector is the collector or sweep stage that sent it: "snmp",
	// "http", "udp", ...
	Collector string `json:"collector"`
	// Name says what was asked, e.g. "v1 get sysDescr community=public",
	// "OPTIONS /", "bjnp discover".
	Name     string `json:"name"`
	Port     int    `json:"port,omitempty"`
	Protocol string `json:"protocol,omitempty"` // tcp or udp
	Outcome  string `json:"outcome"`
	Detail   string `json:"detail,omitempty"`
}

// CollectorStatus is one collector's outcome on one device.
type CollectorStatus struct {
	Status Status `json:"status"`
	// Reason explains skipped, error and timeout outcomes.
	Reason     string `json:"reason,omitempty"`
	DurationMS int64  `json:"duration_ms,omitempty"`
}

// Identity is what the device is, fused from every source.
type Identity struct {
	// IsPrinter is nil when no source could tell.
	IsPrinter *bool          `json:"is_printer"`
	IsMFP     *bool          `json:"is_mfp"`
	Vendor    *Attribute     `json:"vendor,omitempty"`
	Family    *Attribute     `json:"product_family,omitempty"`
	Model     *Attribute     `json:"model,omitempty"`
	Serial    *Attribute     `json:"serial,omitempty"`
	Firmware  *Attribute     `json:"firmware,omitempty"`
	MAC       *Attribute     `json:"mac,omitempty"`
	Sources   []IdentityHint `json:"sources,omitempty"`
	// DeviceID is the stable identity used across sweeps: "serial:...",
	// "mac:..." or, as a last resort, "address:...".
	DeviceID string `json:"device_id"`
}

// Attribute is an identity value with where it came from.
type Attribute struct {
	Value      string     `json:"value"`
	Source     string     `json:"source"`
	Confidence Confidence `json:"confidence"`
}

// IdentityHint is one raw clue a collector found, before fusion.
type IdentityHint struct {
	Field      string     `json:"field"` // vendor, product_family, model, serial, firmware, mac, printer, mfp, not_printer
	Value      string     `json:"value"`
	Source     string     `json:"source"`
	Confidence Confidence `json:"confidence"`
}

// Port is one discovered port.
type Port struct {
	Port     int    `json:"port"`
	Protocol string `json:"protocol"` // "tcp" or "udp"
	State    string `json:"state"`    // "open", "closed", "filtered"
	Service  string `json:"service,omitempty"`
}

// Interface is an address the device reports for one of its interfaces.
type Interface struct {
	Address string  `json:"address"`
	IPClass IPClass `json:"ip_class"`
	Source  string  `json:"source"`
}

// HTTPService describes one HTTP or HTTPS port.
type HTTPService struct {
	Port   int    `json:"port"`
	TLS    bool   `json:"tls"`
	Status Status `json:"status"`
	Reason string `json:"reason,omitempty"`

	StatusCode int    `json:"status_code,omitempty"`
	Server     string `json:"server,omitempty"`
	Title      string `json:"title,omitempty"`
	// RedirectLocation is the Location of the first response, if any.
	RedirectLocation string `json:"redirect_location,omitempty"`
	// FinalStatusCode and FinalScheme describe the page reached after
	// following on-host redirects; both are absent when a redirect in the
	// chain could not be fetched (the final page is unknown).
	FinalStatusCode int    `json:"final_status_code,omitempty"`
	FinalScheme     string `json:"final_scheme,omitempty"`
	// WebDAV is true when OPTIONS / answered with a DAV header, false when
	// it answered without one, absent when the OPTIONS probe failed.
	WebDAV *bool  `json:"webdav,omitempty"`
	DAV    string `json:"dav,omitempty"`
	// RedirectsToHTTPS is nil on TLS ports, where it has no meaning.
	RedirectsToHTTPS *bool `json:"redirects_to_https,omitempty"`
	HSTS             *bool `json:"hsts,omitempty"`
	CanonRemoteUI    bool  `json:"canon_remote_ui"`
	// LoginMode is one of the LoginMode* constants; absent when the page
	// could not be classified.
	LoginMode string `json:"login_mode,omitempty"`
	OTPStep   *bool  `json:"otp_step,omitempty"`
	// Markers are the fingerprint markers matched (names only, no content).
	Markers []string `json:"markers,omitempty"`
	// Pages are well-known paths requested without a session, status only.
	Pages []PageProbe `json:"pages,omitempty"`
	// DeviceFirmware is the firmware version a Remote UI device-information
	// page shows without a login, with the path it was read from.
	DeviceFirmware     string `json:"device_firmware,omitempty"`
	DeviceFirmwarePath string `json:"device_firmware_path,omitempty"`
}

// Login modes of a Remote UI, from open to strongest.
const (
	LoginModeNone              = "none"                // no login page: the portal opens
	LoginModeGeneralNoPassword = "general_no_password" // general user mode, no password
	LoginModeDepartmentID      = "department_id_pin"   // Department ID + PIN
	LoginModeSystemManager     = "system_manager_pin"  // System Manager ID + PIN
	LoginModeUserPassword      = "user_password"       // user name + password
	LoginModeUnknown           = "unknown"
)

// PageProbe is one well-known page requested without a session. Contents are
// never stored.
type PageProbe struct {
	Path       string `json:"path"`
	StatusCode int    `json:"status_code"`
	// Open is true when the page answered 200 with content rather than a
	// login redirect.
	Open bool `json:"open"`
	// Error is set when the request failed: the page's state is unknown.
	Error string `json:"error,omitempty"`
}

// RemoteUI is the Remote UI as a whole, fused over its HTTP ports.
type RemoteUI struct {
	Present   bool   `json:"present"`
	Ports     []int  `json:"ports"`
	HTTPPorts []int  `json:"http_ports,omitempty"`
	TLSPorts  []int  `json:"tls_ports,omitempty"`
	LoginMode string `json:"login_mode,omitempty"`
	OTPStep   *bool  `json:"otp_step,omitempty"`
	// CleartextReachable: the UI answers with content over plain HTTP
	// (rather than redirecting to HTTPS).
	CleartextReachable *bool `json:"cleartext_reachable,omitempty"`
	RedirectsToHTTPS   *bool `json:"redirects_to_https,omitempty"`
	HSTS               *bool `json:"hsts,omitempty"`
	// OpenPages is nil (null) when the well-known pages were not all
	// requested, empty when they were and none opened.
	OpenPages []string `json:"open_pages"`
	// UnexaminedPorts are HTTP ports found open whose first page could not
	// be fetched (a timeout or an error): the UI may be on them too, so
	// the facts above that speak for every port stay unknown.
	UnexaminedPorts []int `json:"unexamined_ports,omitempty"`
}

// TLSService describes the TLS configuration of one port.
type TLSService struct {
	Port   int    `json:"port"`
	Status Status `json:"status"`
	Reason string `json:"reason,omitempty"`
	// Versions maps "ssl3", "tls1_0", "tls1_1", "tls1_2", "tls1_3" to whether
	// the server accepted it; a version that could not be tested is absent.
	Versions map[string]bool `json:"versions"`
	// Ciphers lists the cipher suites accepted per version (same keys).
	Ciphers     map[string][]Cipher `json:"ciphers,omitempty"`
	Certificate *Certificate        `json:"certificate,omitempty"`
	// Tool records how the versions were probed (e.g. "crypto/tls", "raw-hello").
	Evidence string `json:"evidence,omitempty"`
	// Unknown explains, per version key, why a version is absent from
	// Versions: the probes were reset, closed or timed out, which proves
	// nothing either way.
	Unknown map[string]string `json:"unknown,omitempty"`
	// Groups lists the TLS 1.3 key exchange groups the server accepts
	// ("x25519", "secp256r1", "ffdhe2048", "X25519MLKEM768", ...); nil when
	// TLS 1.3 is off or the groups could not be tested.
	Groups []string `json:"groups,omitempty"`
	// ServerPreference is true when the server picks its own suite order
	// regardless of the client's; nil when it could not be told (fewer than
	// two suites at TLS 1.2 and below).
	ServerPreference *bool `json:"server_preference,omitempty"`
	// Compression is true when the server accepted TLS compression (CRIME).
	Compression *bool `json:"compression,omitempty"`
	// SecureRenegotiation is true when the server answered with the RFC 5746
	// renegotiation_info extension, false when it did not (insecure legacy
	// renegotiation).
	SecureRenegotiation *bool `json:"secure_renegotiation,omitempty"`
	// DowngradeAccepted is true when the server completed a hello below its
	// highest version that carried TLS_FALLBACK_SCSV (RFC 7507), false when
	// it refused it with inappropriate_fallback; nil when the server has
	// only one version or the probe failed.
	DowngradeAccepted *bool `json:"downgrade_accepted,omitempty"`
	// CertificateReason says why Certificate is absent on a port that
	// answered (e.g. the chain exceeded the size limit).
	CertificateReason string `json:"certificate_reason,omitempty"`
}

// Cipher is one accepted cipher suite with its weaknesses.
type Cipher struct {
	Name string `json:"name"`
	ID   uint16 `json:"id"`
	// Kex, Auth, Cipher, MAC and Bits split the IANA name: key exchange
	// (ECDHE, DHE, RSA, ...), authentication (RSA, ECDSA, anon, ...), bulk
	// cipher (AES_128_GCM, 3DES_EDE_CBC, ...), MAC (SHA, SHA256, AEAD) and
	// the cipher's key bits.
	Kex    string `json:"kex,omitempty"`
	Auth   string `json:"auth,omitempty"`
	Cipher string `json:"cipher,omitempty"`
	MAC    string `json:"mac,omitempty"`
	Bits   int    `json:"bits,omitempty"`
	// Strength is insecure, weak, medium or strong (see collectors/tlsscan).
	Strength string `json:"strength,omitempty"`
	// Weak lists weaknesses: null, anon, export, rc4, rc2, des, 3des, idea,
	// cbc_sha1, no_pfs.
	Weak []string `json:"weak,omitempty"`
}

// Certificate is the leaf certificate a TLS port presented.
type Certificate struct {
	Subject            string    `json:"subject"`
	SubjectCN          string    `json:"subject_cn,omitempty"`
	Issuer             string    `json:"issuer"`
	SelfSigned         bool      `json:"self_signed"`
	NotBefore          time.Time `json:"not_before"`
	NotAfter           time.Time `json:"not_after"`
	Expired            bool      `json:"expired"`
	KeyType            string    `json:"key_type"` // RSA, ECDSA, Ed25519
	KeyBits            int       `json:"key_bits"`
	SignatureAlgorithm string    `json:"signature_algorithm"`
	SHA256             string    `json:"sha256"`
	DNSNames           []string  `json:"dns_names,omitempty"`
	// DefaultCanonSubject is true for the factory subjects ("Canon iR-ADV ...",
	// "Canon Imaging Product").
	DefaultCanonSubject bool `json:"default_canon_subject"`
	// FermatWeak is true when the RSA modulus factored by Fermat's method
	// (CVE-2022-26320); nil for non-RSA keys.
	FermatWeak *bool `json:"fermat_weak,omitempty"`
}

// SNMP describes the device's SNMP agent.
type SNMP struct {
	Status Status `json:"status"`
	Reason string `json:"reason,omitempty"`
	Port   int    `json:"port"`
	// Each version is nil when it could not be tested, false when the agent
	// did not answer it.
	V1  *bool `json:"v1"`
	V2c *bool `json:"v2c"`
	V3  *bool `json:"v3"`
	// CommunitiesAccepted names the well-known communities accepted (for
	// read, GET only). Operator-supplied communities are recorded as
	// "custom-N", never by value.
	CommunitiesAccepted []string `json:"communities_accepted"`
	CommunitiesTried    int      `json:"communities_tried"`
	EngineID            string   `json:"engine_id,omitempty"`
	// EngineEnterprise is the IANA enterprise number in the v3 engine ID
	// (4976 AGENT++ hints Canon).
	EngineEnterprise int               `json:"engine_enterprise,omitempty"`
	SysDescr         string            `json:"sys_descr,omitempty"`
	SysObjectID      string            `json:"sys_object_id,omitempty"`
	SysName          string            `json:"sys_name,omitempty"`
	Values           map[string]string `json:"values,omitempty"` // OID → value for the identity OIDs read
}

// IPPService describes IPP on one port.
type IPPService struct {
	Port                     int      `json:"port"`
	TLS                      bool     `json:"tls"`
	Status                   Status   `json:"status"`
	Reason                   string   `json:"reason,omitempty"`
	MakeAndModel             string   `json:"make_and_model,omitempty"`
	FirmwareName             []string `json:"firmware_name,omitempty"`
	FirmwareVersion          []string `json:"firmware_version,omitempty"`
	URISecuritySupported     []string `json:"uri_security_supported,omitempty"`
	URIAuthenticationSupport []string `json:"uri_authentication_supported,omitempty"`
}

// Banner is the greeting of a line-based service, captured without logging in.
type Banner struct {
	Port    int    `json:"port"`
	Service string `json:"service"` // ftp, smtp, telnet, lpd, pjl, raw
	Status  Status `json:"status"`
	Reason  string `json:"reason,omitempty"`
	Text    string `json:"text,omitempty"`
}

// CleartextService is an open service that does not encrypt.
type CleartextService struct {
	Service string `json:"service"`
	Port    int    `json:"port"`
}

// Credentials holds opt-in default-credential checks. The values tried are
// never recorded, only which account was accepted.
type Credentials struct {
	Status Status            `json:"status"`
	Reason string            `json:"reason,omitempty"`
	Checks []CredentialCheck `json:"checks,omitempty"`
}

// CredentialCheck is one account tried once.
type CredentialCheck struct {
	// Account names the well-known account, e.g. "system_manager_default",
	// "system_manager_blank", "administrator_default", "meap_sms_default",
	// "ftp_anonymous".
	Account  string `json:"account"`
	Port     int    `json:"port,omitempty"`
	Accepted *bool  `json:"accepted"`
	Status   Status `json:"status"`
	Reason   string `json:"reason,omitempty"`
	// OTPStep is what an accepted user name + password login led to: true
	// when the device then asked for a one-time password, false when the
	// password alone opened a session, absent when the answer showed
	// neither (MFP-RUI-005).
	OTPStep *bool `json:"otp_step,omitempty"`
}

// Firmware is the device firmware and the advisories that apply to it.
type Firmware struct {
	Version string `json:"version,omitempty"`
	Source  string `json:"source,omitempty"`
	// AdvisoryStatus is "vulnerable", "not_affected" or "unknown" (no
	// version, or no rule for this model).
	AdvisoryStatus string `json:"advisory_status"`
	// AdvisoryCoverage says whether the advisory data speaks about this
	// device at all: "model_line_covered", "model_line_not_covered",
	// "vendor_not_covered" or "model_unknown". Only a covered model line
	// can be "not_affected".
	AdvisoryCoverage string `json:"advisory_coverage,omitempty"`
	// AdvisoryNote explains an uncovered result for reports.
	AdvisoryNote string     `json:"advisory_note,omitempty"`
	Advisories   []Advisory `json:"advisories,omitempty"`
	// AdvisoryData is the version of the advisory data file used.
	AdvisoryData string `json:"advisory_data,omitempty"`
}

// Advisory is one vendor advisory that applies to the running firmware.
type Advisory struct {
	ID              string   `json:"id"`
	Title           string   `json:"title,omitempty"`
	CVEs            []string `json:"cves"`
	Severity        string   `json:"severity,omitempty"`
	VulnerableUpTo  string   `json:"vulnerable_up_to,omitempty"`
	FixedIn         string   `json:"fixed_in,omitempty"`
	URL             string   `json:"url,omitempty"`
	MatchedFamilies []string `json:"matched_models,omitempty"`
}

// Attestations are facts the network cannot show, supplied by the
// organisation. Each is nil when not attested.
type Attestations struct {
	Source                string `json:"source"`
	AccessControlledRoom  *bool  `json:"access_controlled_room,omitempty"`
	FirewallRestricted    *bool  `json:"firewall_restricted,omitempty"`
	FirmwareVerification  *bool  `json:"firmware_verification,omitempty"`
	AuditLogForwarded     *bool  `json:"audit_log_forwarded,omitempty"`
	SecurityPolicyApplied *bool  `json:"security_policy_applied,omitempty"`
	WirelessSecurity      string `json:"wireless_security,omitempty"` // none, wpa2, wpa3, disabled
	AutoFirmwareUpdate    *bool  `json:"auto_firmware_update,omitempty"`
	// TwoFactorAuth: Remote UI logins ask for a one-time password after the
	// password. A scan without credentials cannot see that step (MFP-RUI-005).
	TwoFactorAuth *bool  `json:"two_factor_auth,omitempty"`
	Notes         string `json:"notes,omitempty"`
}

// Bool returns a pointer to b, for the many optional booleans above.
func Bool(b bool) *bool { return &b }
