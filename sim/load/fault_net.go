package load

import (
	"fmt"
	"net"
	"net/url"
	"strings"

	toxiproxy "github.com/Shopify/toxiproxy/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"
)

// netPath is a real TCP proxy (toxiproxy, in-process, on loopback) between
// the actors and the workbench, so latency and connection loss happen on
// the wire and not in the actors' code.
type netPath struct {
	proxy   *toxiproxy.Proxy
	reset   func() error
	delayed bool
}

// startNetFaults puts the proxy in the path when net-delay or net-reset is
// asked for, and points the actors at it.
func (r *runner) startNetFaults() (*netPath, error) {
	delay, hasDelay := r.cfg.fault(FaultNetDelay)
	reset, hasReset := r.cfg.fault(FaultNetReset)
	if !hasDelay && !hasReset {
		return nil, nil
	}
	u, err := url.Parse(r.base)
	if err != nil {
		return nil, err
	}
	upstream := u.Host
	if _, _, err := net.SplitHostPort(upstream); err != nil {
		upstream = net.JoinHostPort(upstream, "80")
	}
	api := toxiproxy.NewServer(toxiproxy.NewMetricsContainer(prometheus.NewRegistry()), zerolog.Nop())
	p := toxiproxy.NewProxy(api, "routecheck-load", "127.0.0.1:0", upstream)
	if err := p.Start(); err != nil {
		return nil, err
	}
	np := &netPath{proxy: p}
	add := func(js string) error {
		_, err := p.Toxics.AddToxicJson(strings.NewReader(js))
		return err
	}
	if hasDelay {
		np.delayed = true
		// Each direction gets the delay, so a round trip takes about twice it.
		for _, stream := range []string{"downstream", "upstream"} {
			if err := add(fmt.Sprintf(`{"name":"delay_%s","type":"latency","stream":"%s","toxicity":1,"attributes":{"latency":%d,"jitter":%d}}`,
				stream, stream, delay.Delay.Milliseconds(), delay.Jitter.Milliseconds())); err != nil {
				np.stop()
				return nil, err
			}
		}
	}
	if hasReset {
		// A share of the connections is reset (TCP RST) a while after it
		// opens: the loss a flaky network causes to a TCP client. It starts
		// with the load, once every agent is in.
		np.reset = func() error {
			return add(fmt.Sprintf(`{"name":"reset","type":"reset_peer","stream":"downstream","toxicity":%g,"attributes":{"timeout":%d}}`,
				reset.Share, (2 * r.cfg.Think).Milliseconds()))
		}
	}
	r.net = np
	u.Host = p.Listen
	r.base = strings.TrimRight(u.String(), "/")
	return np, nil
}

func (n *netPath) stop() { n.proxy.Stop() }

// startResets turns the net-reset toxic on.
func (r *runner) startResets() error {
	if r.net == nil || r.net.reset == nil {
		return nil
	}
	return r.net.reset()
}

// netReset counts a socket the path cut while net-reset is on (an end the
// actor did not plan, outside a shutdown, or a dial that failed): what the
// fault did.
func (r *runner) netReset() {
	if r.net != nil && r.net.reset != nil {
		r.inject(FaultNetReset)
	}
}

// netDelayed counts a socket opened through the delayed path.
func (r *runner) netDelayed() {
	if r.net != nil && r.net.delayed {
		r.inject(FaultNetDelay)
	}
}
