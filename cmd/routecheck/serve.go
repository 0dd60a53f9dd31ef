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

	"github.com/spf13/cobra"

	"routecheck/sim/server"
)

const serveExamples = `  routecheck serve                       # demo vendor on http://127.0.0.1:8080
  routecheck serve --port 9000 --vendor broken/wrong-tenant   # a bundled vendor by name
  curl -s http://127.0.0.1:8080/healthz
`

type serveFlags struct {
	port     int
	vendor   string
	tokenTTL time.Duration
	public   string
}

func newServeCmd(_ *globalFlags, stdout, stderr io.Writer, code *int) *cobra.Command {
	var f serveFlags
	cmd := &cobra.Command{
		Use:   "serve [flags]",
		Short: "run the bundled workbench for people and browsers",
		Long: "Runs the bundled workbench (X-Space and the 小蜜 bot page) on 127.0.0.1 until Ctrl-C.\n" +
			"Prints the workbench URL, the vendor's accounts and a QR entry URL.",
		Example: serveExamples,
		Args:    noArgs,
		Run: func(cmd *cobra.Command, _ []string) {
			*code = serveWorkbench(cmd.Context(), f, stdout, stderr)
		},
	}
	fs := cmd.Flags()
	fs.SortFlags = false
	fs.IntVar(&f.port, "port", 8080, "port on 127.0.0.1 (0 picks a free one)")
	fs.StringVar(&f.vendor, "vendor", "demo", "vendor fixture: a YAML file, or a bundled vendor by name (routecheck fixtures)")
	fs.DurationVar(&f.tokenTTL, "token-ttl", 24*time.Hour, "life of entry tokens (R-RT-3)")
	fs.StringVar(&f.public, "public-url", "", "base URL browsers reach the workbench by, e.g. https://wb.example.com (entry URLs and the Origin check use it); default http://127.0.0.1:PORT")
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
	if *ttl <= 0 {
		fmt.Fprintln(stderr, "routecheck serve: --token-ttl must be a positive duration, e.g. 24h, 30m")
		return exitInput
	}
	v, err := loadVendor(*vendor)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitInput
	}
	// Catch Ctrl-C before anything is printed: whoever reads the URLs may
	// stop us at once.
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	srv := server.New(serveOptions(*ttl, *public, stderr))
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

// serveOptions are the workbench's options for people and browsers:
// passwords at bcrypt's default cost, checked in worker processes (D-RUN-2,
// D-SRV-1).
func serveOptions(ttl time.Duration, public string, stderr io.Writer) server.Options {
	return server.Options{TokenTTL: ttl, PublicURL: public, HashProcess: true, Logf: func(format string, a ...any) {
		fmt.Fprintf(stderr, time.Now().Format("15:04:05 ")+format+"\n", a...)
	}}
}
