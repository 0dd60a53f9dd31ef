package server

import (
	"net"
	"net/url"
	"strings"
)

// normOrigin is an origin (scheme://host[:port]) spelled one way: scheme
// and host in lower case, no default port (80 for http, 443 for https), no
// trailing dot. The public URL is normalised once and every Origin header
// before it is compared, so https://WB.example.com:443 and
// https://wb.example.com are the same site. Anything that is not an http
// or https origin is returned as it is (and matches nothing).
func normOrigin(o string) string {
	u, err := url.Parse(o)
	if err != nil || u.Host == "" || u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return o
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme != "http" && scheme != "https" {
		return o
	}
	host, port := u.Hostname(), u.Port()
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if (scheme == "http" && port == "80") || (scheme == "https" && port == "443") {
		port = ""
	}
	if port != "" {
		host = net.JoinHostPort(host, port)
	} else if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	return scheme + "://" + host
}
