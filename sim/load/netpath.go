package load

import (
	"net"
	"net/url"
	"strings"

	toxiproxy "github.com/Shopify/toxiproxy/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"
)

// netPath is a real TCP proxy (toxiproxy, in-process, on loopback) between
// the actors and the workbench, so latency and connection loss happen on
// the wire and not in the actors' code. The path faults (net-delay,
// net-reset) add their toxics to it.
type netPath struct {
	proxy *toxiproxy.Proxy
}

// startNetPath puts a proxy in front of base and returns the base the
// actors use then.
func startNetPath(base string) (*netPath, string, error) {
	u, err := url.Parse(base)
	if err != nil {
		return nil, "", err
	}
	upstream := u.Host
	if _, _, err := net.SplitHostPort(upstream); err != nil {
		upstream = net.JoinHostPort(upstream, "80")
	}
	api := toxiproxy.NewServer(toxiproxy.NewMetricsContainer(prometheus.NewRegistry()), zerolog.Nop())
	px := toxiproxy.NewProxy(api, "routecheck-load", "127.0.0.1:0", upstream)
	if err := px.Start(); err != nil {
		return nil, "", err
	}
	np := &netPath{proxy: px}
	u.Host = px.Listen
	return np, strings.TrimRight(u.String(), "/"), nil
}

// add adds a toxic given as toxiproxy's JSON.
func (n *netPath) add(js string) error {
	_, err := n.proxy.Toxics.AddToxicJson(strings.NewReader(js))
	return err
}

func (n *netPath) stop() { n.proxy.Stop() }
