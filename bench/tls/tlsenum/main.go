// Command tlsenum runs the TLS collector's enumeration of one port, the
// same code `mfpscan scan` runs per TLS port, and compares its result with
// sslscan's and nmap's (bench/tls/run.sh).
//
//	tlsenum scan -addr 127.0.0.1 -port N [-timeout 2s] > facts.json
//	tlsenum compare -mfpscan facts.json -sslscan sslscan.xml -nmap nmap.xml
package main

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/netip"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mfpscan/mfpscan/collectors"
	"github.com/mfpscan/mfpscan/collectors/tlsscan"
	"github.com/mfpscan/mfpscan/facts"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "tlsenum:", err)
		os.Exit(1)
	}
}

func run(args []string, out io.Writer) error {
	if len(args) == 0 {
		return errors.New("usage: tlsenum scan|compare FLAGS")
	}
	fs := flag.NewFlagSet(args[0], flag.ContinueOnError)
	switch args[0] {
	case "scan":
		addr := fs.String("addr", "127.0.0.1", "loopback address of the server")
		port := fs.Int("port", 0, "TLS port")
		timeout := fs.Duration("timeout", 2*time.Second, "per-probe timeout")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		a, err := netip.ParseAddr(*addr)
		if err != nil || !a.IsLoopback() {
			return fmt.Errorf("addr %q: loopback only", *addr)
		}
		env := &collectors.Env{Dialer: collectors.NewDialer(*timeout, 4), Options: collectors.Options{Timeout: *timeout}}
		svc := tlsscan.ScanPort(context.Background(), env, a, *port)
		enc := json.NewEncoder(out)
		enc.SetIndent("", " ")
		return enc.Encode(svc)
	case "compare":
		mine := fs.String("mfpscan", "", "tlsenum scan output")
		ss := fs.String("sslscan", "", "sslscan --xml output")
		nm := fs.String("nmap", "", "nmap -oX output of ssl-enum-ciphers")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		return compare(*mine, *ss, *nm, out)
	}
	return fmt.Errorf("unknown subcommand %q", args[0])
}

// suites maps a version key to its accepted suite ids.
type suites map[string][]uint16

func compare(minePath, sslscanPath, nmapPath string, out io.Writer) error {
	var svc facts.TLSService
	if err := readJSON(minePath, &svc); err != nil {
		return err
	}
	mine := suites{}
	for k, list := range svc.Ciphers {
		for _, c := range list {
			mine[k] = append(mine[k], c.ID)
		}
	}
	ref, err := readSSLScan(sslscanPath)
	if err != nil {
		return err
	}
	nm, err := readNmap(nmapPath)
	if err != nil {
		return err
	}
	same := true
	fmt.Fprintf(out, "%-7s %8s %8s %8s  equal\n", "version", "mfpscan", "sslscan", "nmap")
	for _, k := range []string{"ssl3", "tls1_0", "tls1_1", "tls1_2", "tls1_3"} {
		a, b, c := sorted(mine[k]), sorted(ref[k]), sorted(nm[k])
		eq := slices.Equal(a, b) && slices.Equal(a, c)
		same = same && eq
		fmt.Fprintf(out, "%-7s %8d %8d %8d  %v\n", k, len(a), len(b), len(c), eq)
	}
	if !same {
		return errors.New("suite lists differ")
	}
	return nil
}

func sorted(v []uint16) []uint16 {
	v = slices.Clone(v)
	slices.Sort(v)
	return slices.Compact(v)
}

func readJSON(path string, v any) error { return readFile(path, v, json.Unmarshal) }

func readFile(path string, v any, unmarshal func([]byte, any) error) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	if err := unmarshal(b, v); err != nil {
		return fmt.Errorf("parse %s: %w", path, err)
	}
	return nil
}

// versionKeys maps the tools' protocol names to the facts' version keys.
var versionKeys = map[string]string{"SSLv3": "ssl3", "TLSv1.0": "tls1_0", "TLSv1.1": "tls1_1", "TLSv1.2": "tls1_2", "TLSv1.3": "tls1_3"}

func readSSLScan(path string) (suites, error) {
	var doc struct {
		Ciphers []struct {
			SSLVersion string `xml:"sslversion,attr"`
			ID         string `xml:"id,attr"`
		} `xml:"ssltest>cipher"`
	}
	if err := readFile(path, &doc, xml.Unmarshal); err != nil {
		return nil, err
	}
	out := suites{}
	for _, c := range doc.Ciphers {
		id, err := strconv.ParseUint(strings.TrimPrefix(c.ID, "0x"), 16, 16)
		if err != nil {
			return nil, fmt.Errorf("sslscan cipher id %q: %w", c.ID, err)
		}
		out[versionKeys[c.SSLVersion]] = append(out[versionKeys[c.SSLVersion]], uint16(id))
	}
	return out, nil
}

// nmapTable is ssl-enum-ciphers' structured output: a table per version
// holding a "ciphers" table of tables with a "name" elem.
type nmapTable struct {
	Key    string      `xml:"key,attr"`
	Tables []nmapTable `xml:"table"`
	Elems  []struct {
		Key   string `xml:"key,attr"`
		Value string `xml:",chardata"`
	} `xml:"elem"`
}

func readNmap(path string) (suites, error) {
	var doc struct {
		Scripts []struct {
			ID     string      `xml:"id,attr"`
			Tables []nmapTable `xml:"table"`
		} `xml:"host>ports>port>script"`
	}
	if err := readFile(path, &doc, xml.Unmarshal); err != nil {
		return nil, err
	}
	byName := map[string]uint16{}
	for id := range uint32(0x10000) {
		if n := tlsscan.CipherName(uint16(id)); !strings.HasPrefix(n, "0x") {
			byName[n] = uint16(id)
		}
	}
	out := suites{}
	for _, s := range doc.Scripts {
		if s.ID != "ssl-enum-ciphers" {
			continue
		}
		for _, v := range s.Tables {
			for _, t := range v.Tables {
				if t.Key != "ciphers" {
					continue
				}
				for _, c := range t.Tables {
					for _, e := range c.Elems {
						if e.Key != "name" {
							continue
						}
						// nmap keeps the TLS 1.3 drafts' "TLS_AKE_WITH_" names.
						id, ok := byName[strings.Replace(e.Value, "TLS_AKE_WITH_", "TLS_", 1)]
						if !ok {
							return nil, fmt.Errorf("nmap suite %q has no IANA id here", e.Value)
						}
						out[versionKeys[v.Key]] = append(out[versionKeys[v.Key]], id)
					}
				}
			}
		}
	}
	return out, nil
}
