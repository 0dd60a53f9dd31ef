package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/mattn/go-runewidth"
	"github.com/spf13/cobra"

	"routecheck/fixtures"
	"routecheck/sim/server"
)

const serveExamples = `  routecheck serve                       # demo vendor on http://127.0.0.1:8080
  routecheck serve --port 9000 --vendor broken/wrong-tenant   # a bundled vendor by name
  routecheck serve --listen 0.0.0.0:8080 # a tester's phone on the office network (D-SRV-2)
  curl -s http://127.0.0.1:8080/healthz
`

type serveFlags struct {
	port     int
	listen   string
	vendor   string
	tokenTTL time.Duration
	public   string
	record   string
}

func newServeCmd(_ *globalFlags, stdout, stderr io.Writer, code *int) *cobra.Command {
	var f serveFlags
	cmd := &cobra.Command{
		Use:   "serve [flags]",
		Short: "run the bundled workbench for people and browsers",
		Long: "Runs the bundled workbench (X-Space and the 小蜜 bot page) on 127.0.0.1 until Ctrl-C, or on\n" +
			"--listen ADDR for a tester's phone on the office network (same origin check, cookies and signed\n" +
			"entry links, D-SRV-2). Prints the workbench URL, the /qr page (operations: a QR code to scan from\n" +
			"the screen), a bot-page entry URL and the vendor's accounts (never their passwords, D-SEC-1).",
		Example: serveExamples,
		Args:    noArgs,
		Run: func(cmd *cobra.Command, _ []string) {
			if cmd.Flags().Changed("port") && cmd.Flags().Changed("listen") {
				fmt.Fprintln(stderr, "routecheck serve: give --listen ADDR or --port N, not both (see routecheck serve --help)")
				*code = exitInput
				return
			}
			*code = serveWorkbench(cmd.Context(), f, stdout, stderr)
		},
	}
	fs := cmd.Flags()
	fs.SortFlags = false
	fs.IntVar(&f.port, "port", 8080, "port on 127.0.0.1 (0 picks a free one); the short form of --listen 127.0.0.1:PORT")
	fs.StringVar(&f.listen, "listen", "", "address to listen on, e.g. 0.0.0.0:8080 or 192.168.1.20:8080, for a phone on the office network")
	fs.StringVar(&f.vendor, "vendor", "demo", "vendor fixture: a YAML file, or a bundled vendor by name (routecheck fixtures)")
	fs.DurationVar(&f.tokenTTL, "token-ttl", 24*time.Hour, "life of entry tokens (R-RT-3)")
	fs.StringVar(&f.record, "record", "", "write what people do in the web UI and on the bot page, with the waits between, to FILE as a\nconversation script that routecheck script replays (docs/scripts.md)")
	fs.StringVar(&f.public, "public-url", "", "base URL browsers reach the workbench by, e.g. https://wb.example.com (entry URLs and the Origin check use it);\ndefault http://ADDR, for 0.0.0.0 the machine's first network address")
	completeVendor(cmd)
	return cmd
}

// serveWorkbench runs the bundled workbench until Ctrl-C, on the real clock.
func serveWorkbench(ctx context.Context, f serveFlags, stdout, stderr io.Writer) int {
	port, vendor, ttl, public := &f.port, &f.vendor, &f.tokenTTL, &f.public // as the flag package gave them
	if *public != "" {
		if u, err := url.Parse(*public); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") {
			fmt.Fprintf(stderr, "routecheck serve: --public-url %q: want http(s)://host[:port], no path\n", *public)
			return exitInput
		}
	}
	if *port < 0 || *port > 65535 {
		fmt.Fprintf(stderr, "routecheck serve: --port %d: want 0..65535\n", *port)
		return exitInput
	}
	addr := "127.0.0.1:" + strconv.Itoa(*port)
	if f.listen != "" {
		var err error
		if addr, err = listenAddr(f.listen); err != nil {
			fmt.Fprintf(stderr, "routecheck serve: --listen %q: %v (see routecheck serve --help)\n", f.listen, err)
			return exitInput
		}
	}
	if *ttl <= 0 {
		fmt.Fprintln(stderr, "routecheck serve: --token-ttl must be a positive duration, e.g. 24h, 30m")
		return exitInput
	}
	v, err := loadVendor(*vendor)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitInput
	}
	if f.record != "" {
		if err := checkRecordFile(f.record); err != nil {
			fmt.Fprintf(stderr, "routecheck serve: --record %s is not writable: %v\n", f.record, err)
			return exitInput
		}
	}
	// Catch Ctrl-C before anything is printed: whoever reads the URLs may
	// stop us at once.
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	var publicHost string
	if host, _, _ := net.SplitHostPort(addr); *public == "" && net.ParseIP(host).IsUnspecified() {
		// A phone cannot open 0.0.0.0: name an address it can reach.
		ip, err := firstNetworkAddr()
		if err != nil {
			fmt.Fprintf(stderr, "routecheck serve: --listen %s: %v; give --public-url http://ADDRESS:PORT\n", addr, err)
			return exitInput
		}
		publicHost = ip
	}
	srv := server.New(serveOptions(*ttl, *public, publicHost, stderr))
	if _, err := srv.AddVendor(v.Config); err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", v.File, err)
		return exitInput
	}
	base, err := srv.Start(addr)
	if err != nil {
		fmt.Fprintln(stderr, "routecheck serve:", err)
		return exitHarness
	}
	entry, err := srv.EntryURL(v.Config.ID)
	if err != nil {
		fmt.Fprintln(stderr, "routecheck serve:", err)
		srv.Close()
		return exitHarness
	}
	_, bound, _ := net.SplitHostPort(srv.ListenAddr())
	host, _, _ := net.SplitHostPort(addr)
	writeServeBanner(stdout, v, base, entry, net.JoinHostPort(host, bound), *ttl)
	var rec *recorder
	if f.record != "" {
		rec = startRecording(ctx, srv, v, *vendor, f.record)
		fmt.Fprintf(stdout, "\nrecording to %s: replay it with routecheck script %s\n", f.record, f.record)
	}
	fmt.Fprintln(stdout, "\nCtrl-C stops it.")
	<-ctx.Done()
	fmt.Fprintln(stdout, "\nshutting down")
	if rec != nil {
		if err := rec.wait(); err != nil {
			fmt.Fprintln(stderr, "routecheck serve:", err)
			srv.Close()
			return exitHarness
		}
	}
	if err := srv.Close(); err != nil {
		fmt.Fprintln(stderr, "routecheck serve:", err)
		return exitHarness
	}
	return exitPass
}

// serveOptions are the workbench's options for people and browsers:
// passwords at bcrypt's default cost, checked in worker processes (D-RUN-2,
// D-SRV-1).
func serveOptions(ttl time.Duration, public, publicHost string, stderr io.Writer) server.Options {
	return server.Options{TokenTTL: ttl, PublicURL: public, PublicHost: publicHost, HashProcess: true, Logf: func(format string, a ...any) {
		fmt.Fprintf(stderr, time.Now().Format("15:04:05 ")+format+"\n", a...)
	}}
}

// listenAddr checks --listen: host:port with a port 0..65535; an empty host
// is every address, as 0.0.0.0.
func listenAddr(s string) (string, error) {
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		return "", errors.New("want HOST:PORT, e.g. 0.0.0.0:8080 or 192.168.1.20:8080")
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return "", errors.New("the port must be 0..65535")
	}
	if host == "" {
		host = "0.0.0.0"
	}
	if net.ParseIP(host) == nil {
		if _, err := net.LookupHost(host); err != nil {
			return "", fmt.Errorf("unknown host %s", host)
		}
	}
	return net.JoinHostPort(host, port), nil
}

// firstNetworkAddr is the machine's first IPv4 address that is not
// loopback: where a phone on the same network reaches a server that
// listens on every address.
func firstNetworkAddr() (string, error) {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return "", err
	}
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && !n.IP.IsLoopback() && n.IP.To4() != nil && !n.IP.IsLinkLocalUnicast() {
			return n.IP.String(), nil
		}
	}
	return "", errors.New("this machine has no network address besides loopback")
}

// writeServeBanner is what serve prints once it listens: where to go,
// the accounts (never a password, D-SEC-1), aligned for CJK labels.
func writeServeBanner(w io.Writer, v *fixtures.Vendor, base, entry, listen string, ttl time.Duration) {
	fmt.Fprintf(w, "routecheck workbench for %s (%s)\n\n", v.Config.Name, v.File)
	rows := [][2]string{
		{"workbench (X-Space)", base + "/workbench"},
		{"QR page (运营 /qr)", base + "/qr"},
		{"bot page (小蜜)", entry},
	}
	writeColumns(w, "  ", rows)
	fmt.Fprintf(w, "  (the bot-page link is a signed entry token valid for %s; operations get fresh ones at /qr and from /api/qr.png)\n", ttl)
	if host, _, _ := net.SplitHostPort(listen); host != "" && !net.ParseIP(host).IsLoopback() {
		fmt.Fprintf(w, "  listening on %s: devices on this network can open it; only pages of %s may change the workbench,\n"+
			"  and entry links stay signed, for this vendor, and expiring (D-SRV-2, R-RT-3)\n", listen, base)
	}
	fmt.Fprintf(w, "\n  accounts (login, role; passwords are in %s, never printed, D-SEC-1):\n", v.File)
	var acc [][2]string
	for _, a := range v.Config.Accounts {
		role := string(a.Role)
		if src := v.PasswordSource(a.Login); fixtures.IsEnvRef(src) {
			role += "  password " + src
		}
		acc = append(acc, [2]string{a.Login, role})
	}
	writeColumns(w, "    ", acc)
}

// writeColumns prints label-value rows with the values aligned by display
// width, so a label with Chinese characters (two columns each) lines up.
func writeColumns(w io.Writer, indent string, rows [][2]string) {
	width := 0
	for _, r := range rows {
		width = max(width, runewidth.StringWidth(r[0]))
	}
	for _, r := range rows {
		fmt.Fprintf(w, "%s%s  %s\n", indent, runewidth.FillRight(r[0], width), r[1])
	}
}
