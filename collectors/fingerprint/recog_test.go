package fingerprint

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/mfpscan/mfpscan/collectors/ipp"
	"github.com/mfpscan/mfpscan/facts"
	"github.com/mfpscan/mfpscan/internal/testfile"
)

// recogFile is one file written by scripts/recog-extract.py.
type recogFile struct {
	Origin   map[string]string `yaml:"origin"`
	Examples []recogExample    `yaml:"examples"`
}

type recogExample struct {
	Line    int    `yaml:"line"`
	Value   string `yaml:"value"`
	Vendor  string `yaml:"vendor"`
	Model   string `yaml:"model"`
	Device  string `yaml:"device"`
	Printer bool   `yaml:"printer"`
}

// recogSources maps each extracted recog file to the evidence source it is.
var recogSources = map[string]string{
	"snmp_sysdescr.yaml":  SourceSysDescr,
	"http_servers.yaml":   SourceHTTPServer,
	"ftp_banners.yaml":    SourceFTPBanner,
	"telnet_banners.yaml": "telnet_banner",
}

// recogVendor maps recog's vendor labels onto the names mfpscan reports:
// OEM brands go to the maker whose firmware (and advisories) they carry.
func recogVendor(v string) string {
	switch strings.ToLower(v) {
	case "canon":
		return "Canon"
	case "hp", "hewlett-packard":
		return "HP"
	case "ricoh", "savin", "lanier", "gestetner", "nrg":
		return "Ricoh"
	case "xerox":
		return "Xerox"
	case "fuji xerox":
		return "Fuji Xerox"
	case "kyocera", "kyocera mita":
		return "Kyocera"
	case "konica minolta":
		return "Konica Minolta"
	case "sharp":
		return "Sharp"
	case "brother":
		return "Brother"
	case "lexmark":
		return "Lexmark"
	case "epson":
		return "Epson"
	case "oki":
		return "OKI"
	case "toshiba":
		return "Toshiba"
	case "samsung":
		return "Samsung"
	case "dell":
		return "Dell"
	}
	return ""
}

// pipelineDoc builds the document the collectors would leave for one piece
// of evidence (the SNMP collector leaves sysDescr to this package).
func pipelineDoc(source, value string) *facts.Device {
	if source == "telnet_banner" {
		return &facts.Device{Banners: []facts.Banner{{Port: 23, Service: "telnet", Text: value}}}
	}
	if source == SourceFTPBanner && !strings.HasPrefix(value, "220") {
		// recog keeps the FTP greeting without its reply code; the banner
		// collector records the whole line.
		value = "220 " + value
	}
	return docWith(source, value)
}

var reSeriesSuffix = regexp.MustCompile(`(?i)\s+series$`)

// sameModel compares a fused model with recog's label. recog labels drop
// family words that vendors keep in the name ("C351" for "bizhub C351",
// "3170" for "LASER CLASS 3170"), so a label that ends the fused model at a
// word boundary counts; case, spacing and a trailing "Series" do not matter.
func sameModel(got, want string) bool {
	norm := func(s string) string {
		return strings.ToLower(reSeriesSuffix.ReplaceAllString(strings.Join(strings.Fields(s), " "), ""))
	}
	g, w := norm(got), norm(want)
	return g != "" && (g == w || strings.HasSuffix(g, " "+w))
}

type tally struct{ n, vendor, model, modelN, printer int }

func TestRecogLabelledExamples(t *testing.T) {
	db, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob("../../testdata/fingerprints/recog/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no recog examples: %v", err)
	}
	sc := newScorer()
	for _, f := range files {
		source, ok := recogSources[filepath.Base(f)]
		if !ok {
			t.Fatalf("%s: no evidence source for this file", f)
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var rf recogFile
		if err := yaml.Unmarshal(b, &rf); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if rf.Origin["commit"] == "" || len(rf.Examples) == 0 {
			t.Fatalf("%s: no origin commit or no examples", f)
		}
		for _, ex := range rf.Examples {
			vendor := recogVendor(ex.Vendor)
			doc := pipelineDoc(source, ex.Value)
			Fuse(db, doc)
			id := doc.Identity
			where := fmt.Sprintf("%s:%d %q", filepath.Base(f), ex.Line, ex.Value)
			sc.add(where, vendor, ex.Model, ex.Device, ex.Printer, id)
		}
	}
	sc.finish(t, recogFloors)
}

// scorer tallies fused identities against labelled examples per vendor.
type scorer struct {
	per, nonPrinter map[string]*tally
	misses          []string
}

func newScorer() *scorer {
	return &scorer{per: map[string]*tally{}, nonPrinter: map[string]*tally{}}
}

// add scores one example: vendor is the label mapped to mfpscan's names
// ("" skips it), model "" means the label names no model.
func (sc *scorer) add(where, vendor, model, device string, printer bool, id facts.Identity) {
	isPrinter := id.IsPrinter != nil && *id.IsPrinter
	switch {
	case vendor == "":
		return
	case !printer:
		tl := get(sc.nonPrinter, vendor)
		tl.n++
		if !isPrinter {
			tl.printer++
		} else {
			sc.misses = append(sc.misses, where+": not a printer ("+device+") but flagged as one")
		}
		return
	}
	tl := get(sc.per, vendor)
	tl.n++
	if isPrinter {
		tl.printer++
	} else {
		sc.misses = append(sc.misses, where+": printer flag not set")
	}
	if val(id.Vendor) == vendor {
		tl.vendor++
	} else {
		sc.misses = append(sc.misses, fmt.Sprintf("%s: vendor %q, want %q", where, val(id.Vendor), vendor))
	}
	if model != "" {
		tl.modelN++
		if sameModel(val(id.Model), model) {
			tl.model++
		} else {
			sc.misses = append(sc.misses, fmt.Sprintf("%s: model %q, want %q", where, val(id.Model), model))
		}
	}
}

// finish logs the table (and with -v every miss) and checks the floors.
func (sc *scorer) finish(t *testing.T, floors map[string][3]int) {
	t.Helper()
	report(t, sc.per, sc.nonPrinter)
	if testing.Verbose() {
		for _, m := range sc.misses {
			t.Log("miss: " + m)
		}
	}
	checkFloors(t, floors, sc.per, sc.nonPrinter)
}

func get(m map[string]*tally, k string) *tally {
	if m[k] == nil {
		m[k] = &tally{}
	}
	return m[k]
}

func report(t *testing.T, per, nonPrinter map[string]*tally) {
	t.Helper()
	var names []string
	for k := range per {
		names = append(names, k)
	}
	sort.Strings(names)
	var sum tally
	t.Log("| vendor | printer examples | vendor right | model right | printer flag right |")
	t.Log("|---|---|---|---|---|")
	for _, k := range names {
		v := per[k]
		t.Logf("| %s | %d | %d | %d of %d | %d |", k, v.n, v.vendor, v.model, v.modelN, v.printer)
		sum.n += v.n
		sum.vendor += v.vendor
		sum.model += v.model
		sum.modelN += v.modelN
		sum.printer += v.printer
	}
	t.Logf("| all | %d | %d | %d of %d | %d |", sum.n, sum.vendor, sum.model, sum.modelN, sum.printer)
	var np tally
	for _, v := range nonPrinter {
		np.n += v.n
		np.printer += v.printer
	}
	t.Logf("non-printers of printer vendors: %d of %d not flagged as printers", np.printer, np.n)
}

// TestRealIPPResponsesFused fuses the IPP facts of printers' own responses
// (testdata/ipp/real, origin in testdata/ipp/README.md): vendor, printer
// flag, and the MFP flag the HP names carry ("MFP", "colorMFP").
func TestRealIPPResponsesFused(t *testing.T) {
	db, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		file, vendor string
		mfp          bool // true: the name says MFP; false: not flagged (left unknown)
	}{
		{"gmuth-canon-mx490-series.res", "Canon", false},
		{"gmuth-hp-color-laserjet-mfp-m476dn.res", "HP", true},
		{"gmuth-hp-color-laserjet-mfp-m477fdw.res", "HP", true},
		{"gmuth-hp-laserjet-100-colormfp-m175nw.res", "HP", true},
		{"gmuth-hp-laserjet-pro-mfp-m127fw.res", "HP", true},
		{"gmuth-xerox-b210-printer.res", "Xerox", false},
	} {
		t.Run(tc.file, func(t *testing.T) {
			b := testfile.Testdata(t, "ipp", "real", tc.file)
			svc, err := ipp.ParseAttributes(b)
			if err != nil {
				t.Fatal(err)
			}
			d := &facts.Device{Collectors: map[string]facts.CollectorStatus{}, IPP: []facts.IPPService{svc}}
			Fuse(db, d)
			id := d.Identity
			if val(id.Vendor) != tc.vendor || id.IsPrinter == nil || !*id.IsPrinter {
				t.Errorf("vendor %q printer %v, want %q and a printer", val(id.Vendor), id.IsPrinter, tc.vendor)
			}
			if isMFP := id.IsMFP != nil && *id.IsMFP; isMFP != tc.mfp {
				t.Errorf("MFP flag %v, want %v", id.IsMFP, tc.mfp)
			}
		})
	}
}
