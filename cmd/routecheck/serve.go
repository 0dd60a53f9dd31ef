package main

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"routecheck/fixtures"
	"routecheck/sim/server"
)

const serveExamples = `  routecheck serve                       # demo vendor on http://127.0.0.1:8080
  routecheck serve --port 9000 --vendor fixtures/vendors/demo.yaml
  curl -s http://127.0.0.1:8080/healthz
`

// cmdServe runs the bundled workbench until Ctrl-C, on the real clock.
func cmdServe(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("serve [flags]", "Runs the bundled workbench (X-Space and the 小蜜 bot page) on 127.0.0.1 until Ctrl-C.\n"+
		"Prints the workbench URL, the vendor's accounts and a QR entry URL.", serveExamples, stderr)
	port := fs.Int("port", 8080, "port on 127.0.0.1 (0 picks a free one)")
	vendor := fs.String("vendor", fixtures.DemoPath, "vendor fixture (YAML)")
	ttl := fs.Duration("token-ttl", 24*time.Hour, "life of entry tokens (R-RT-3)")
	public := fs.String("public-url", "", "base URL browsers reach the workbench by, e.g. https://wb.example.com (entry URLs and the Origin check use it); default http://127.0.0.1:PORT")
	if code := parse(fs, args); code >= 0 {
		return code
	}
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
	v, err := loadVendor(*vendor)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitInput
	}
	// Catch Ctrl-C before anything is printed: whoever reads the URLs may
	// stop us at once.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	srv := server.New(server.Options{TokenTTL: *ttl, PublicURL: *public, Logf: func(format string, a ...any) {
		fmt.Fprintf(stderr, time.Now().Format("15:04:05 ")+format+"\n", a...)
	}})
	if _, err := srv.AddVendor(v.Config); err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", v.File, err)
		return exitInput
	}
	base, err := srv.Start("127.0.0.1:" + strconv.Itoa(*port))
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
	fmt.Fprintf(stdout, "routecheck workbench for %s (%s)\n\n", v.Config.Name, v.File)
	fmt.Fprintf(stdout, "  workbench (X-Space)  %s/workbench\n", base)
	fmt.Fprintf(stdout, "  bot page (小蜜)        %s\n", entry)
	fmt.Fprintf(stdout, "  (the bot-page link is a signed entry token valid for %s; operations get fresh ones and QR codes from /api/qr.png)\n\n", *ttl)
	fmt.Fprintln(stdout, "  accounts (login / password / role):")
	for _, a := range v.Config.Accounts {
		fmt.Fprintf(stdout, "    %-16s %-16s %s\n", a.Login, a.Password, a.Role)
	}
	fmt.Fprintln(stdout, "\nCtrl-C stops it.")
	<-ctx.Done()
	fmt.Fprintln(stdout, "\nshutting down")
	if err := srv.Close(); err != nil {
		fmt.Fprintln(stderr, "routecheck serve:", err)
		return exitHarness
	}
	return exitPass
}
