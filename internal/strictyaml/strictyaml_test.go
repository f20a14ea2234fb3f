package strictyaml

import "testing"

func TestDecodeRefusesUnknownKeys(t *testing.T) {
	var v struct {
		Name string `yaml:"name"`
	}
	if err := Decode([]byte("name: a\n"), &v); err != nil || v.Name != "a" {
		t.Fatalf("Decode = %v, %+v", err, v)
	}
	if err := Decode([]byte("name: a\ncolour: red\n"), &v); err == nil {
		t.Fatal("accepted an unknown key")
	}
	if err := Decode([]byte("name: [\n"), &v); err == nil {
		t.Fatal("accepted broken YAML")
	}
}
