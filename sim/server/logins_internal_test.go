package server

import "testing"

// The address limit counts an IPv6 subscriber's /64 as one address (one
// home or office holds it whole); IPv4 addresses count one by one.
func TestAddressKeys(t *testing.T) {
	same := [][2]string{{"2001:db8:1:2::1", "2001:db8:1:2:ffff::9"}}
	differ := [][2]string{{"2001:db8:1:2::1", "2001:db8:1:3::1"}, {"192.0.2.1", "192.0.2.2"}}
	for _, p := range same {
		if addrKey(p[0]) != addrKey(p[1]) {
			t.Errorf("%s and %s are one /64", p[0], p[1])
		}
	}
	for _, p := range differ {
		if addrKey(p[0]) == addrKey(p[1]) {
			t.Errorf("%s and %s are different addresses", p[0], p[1])
		}
	}
}

// Origins are compared normalised.
func TestNormOrigin(t *testing.T) {
	for in, want := range map[string]string{
		"https://WB.Example.com:443": "https://wb.example.com",
		"http://host:80":             "http://host",
		"http://host:8080":           "http://host:8080",
		"https://host.":              "https://host",
		"http://[::1]:80":            "http://[::1]",
		"http://[::1]:8080":          "http://[::1]:8080",
		"null":                       "null",
		"https://u@host":             "https://u@host",
	} {
		if got := normOrigin(in); got != want {
			t.Errorf("normOrigin(%q) = %q, want %q", in, got, want)
		}
	}
}
