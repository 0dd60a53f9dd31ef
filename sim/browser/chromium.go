package browser

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/chromedp/chromedp"
)

// ErrNoBrowser means no Chromium was found. Callers skip browser checks
// with its message, or fail when CI=true.
var ErrNoBrowser = errors.New("no Chromium found: install one with `apt-get install chromium fonts-noto-cjk` " +
	"(or run scripts/ensure-chromium.sh as root), or set CHROME_PATH to a Chromium or Chrome binary")

// candidates are looked up on PATH, in this order, when CHROME_PATH is unset.
var candidates = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"}

// Find returns the Chromium to use: CHROME_PATH if set, else the first of
// chromium, chromium-browser, google-chrome on PATH. The error wraps
// ErrNoBrowser.
func Find() (string, error) {
	if p := os.Getenv("CHROME_PATH"); p != "" {
		st, err := os.Stat(p)
		if err != nil || st.IsDir() || st.Mode()&0o111 == 0 {
			return "", fmt.Errorf("%w (CHROME_PATH=%s is not an executable file)", ErrNoBrowser, p)
		}
		return p, nil
	}
	for _, name := range candidates {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", ErrNoBrowser
}

// dirPrefix names the profile directories this package makes; Leftovers
// finds Chromium processes by them.
const dirPrefix = "routecheck-chromium-"

// startTimeout bounds the start of Chromium: the allocator can hang.
const startTimeout = 30 * time.Second

// launched are the profile directories of the browsers this process
// started, so Leftovers can tell our Chromium processes from others.
var launched = struct {
	sync.Mutex
	dirs map[string]bool
}{dirs: map[string]bool{}}

// LaunchOption changes how Launch starts Chromium.
type LaunchOption func(*launchConfig)

type launchConfig struct{ blockPopups bool }

// BlockPopups starts Chromium with its pop-up blocker on, as a fresh Chrome
// profile has it: a window a page opens without a click is blocked. Without
// it the blocker is off (chromedp's default), as for an agent who allowed
// X-Space's pop-ups and redirects. Chromium has no per-site switch for it
// over the DevTools protocol, so it is a browser of its own.
func BlockPopups() LaunchOption { return func(c *launchConfig) { c.blockPopups = true } }

// Browser is one headless Chromium with its own fresh profile directory.
type Browser struct {
	Path        string // the binary
	dir         string // --user-data-dir, removed by Close
	blockPopups bool

	ctx          context.Context // the browser's chromedp context; tabs derive from it
	cancelBrowse context.CancelFunc
	cancelAlloc  context.CancelFunc
	pid          int

	closeOnce sync.Once
	closeErr  error
}

// Launch starts a headless Chromium (Find) with a fresh profile. The
// browser outlives ctx, which only bounds the start; Close ends it.
func Launch(ctx context.Context, options ...LaunchOption) (*Browser, error) {
	var lc launchConfig
	for _, o := range options {
		o(&lc)
	}
	path, err := Find()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", dirPrefix+"*")
	if err != nil {
		return nil, fmt.Errorf("chromium profile directory: %w", err)
	}
	launched.Lock()
	launched.dirs[dir] = true
	launched.Unlock()

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.UserDataDir(dir),
		chromedp.NoSandbox, // we run as root in containers; the sandbox refuses root
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), // no internet: nothing to fetch
		chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(1280, 900),
		chromedp.Flag("disable-popup-blocking", !lc.blockPopups),
	)
	// The browser lives until Close, not until the caller's ctx ends.
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.WithoutCancel(ctx), opts...)
	bctx, cancelBrowse := chromedp.NewContext(allocCtx)
	b := &Browser{Path: path, dir: dir, blockPopups: lc.blockPopups, ctx: bctx, cancelBrowse: cancelBrowse, cancelAlloc: cancelAlloc}

	// The first Do starts the process and binds it to bctx, so it runs on
	// bctx itself; ctx and startTimeout bound it from outside.
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(bctx) }()
	timer := time.NewTimer(startTimeout)
	defer timer.Stop()
	select {
	case err = <-started:
	case <-ctx.Done():
		err = ctx.Err()
	case <-timer.C:
		err = fmt.Errorf("chromium did not start within %s", startTimeout)
	}
	if err != nil {
		b.Close()
		return nil, fmt.Errorf("start %s: %w", path, err)
	}
	if c := chromedp.FromContext(bctx); c != nil && c.Browser != nil && c.Browser.Process() != nil {
		b.pid = c.Browser.Process().Pid
	}
	return b, nil
}

// BlocksPopups says whether the browser was launched with BlockPopups.
func (b *Browser) BlocksPopups() bool { return b.blockPopups }

// PID is the main Chromium process.
func (b *Browser) PID() int { return b.pid }

// Dir is the profile directory (gone after Close).
func (b *Browser) Dir() string { return b.dir }

// Close ends Chromium and every process it started, and removes the
// profile directory. It is safe to call more than once.
func (b *Browser) Close() error {
	b.closeOnce.Do(func() {
		b.cancelBrowse() // closes the browser gracefully
		b.cancelAlloc()  // kills it if needed and waits for the process
		// Chromium's helpers (zygote, GPU, network service) can outlive
		// the main process; they carry the profile directory.
		killUsing(b.dir, 2*time.Second)
		b.closeErr = removeAll(b.dir)
	})
	return b.closeErr
}

func removeAll(dir string) error {
	// Helpers still exiting can write into the directory for a moment.
	var err error
	for i := 0; i < 50; i++ {
		if err = os.RemoveAll(dir); err == nil {
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("remove chromium profile %s: %w", dir, err)
}

// Process is a live Chromium process this process started.
type Process struct {
	PID     int
	Command string
}

// Leftovers lists the live Chromium processes started by Launch in this
// process (found by their profile directory). After every Browser is
// closed it must be empty; a suite asserts that at its end.
func Leftovers() []Process {
	launched.Lock()
	dirs := make([]string, 0, len(launched.dirs))
	for d := range launched.dirs {
		dirs = append(dirs, d)
	}
	launched.Unlock()
	var out []Process
	for _, d := range dirs {
		out = append(out, processesUsing(d)...)
	}
	return out
}

// processesUsing reads /proc for processes started with
// --user-data-dir=dir. Zombies have an empty command line and are not
// listed: they hold no resources and their parent reaps them.
func processesUsing(dir string) []Process {
	want := []byte("--user-data-dir=" + filepath.Clean(dir))
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var out []Process
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		cmdline, err := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		if err != nil {
			continue
		}
		for arg := range bytes.SplitSeq(cmdline, []byte{0}) {
			if bytes.Equal(arg, want) {
				first, _, _ := bytes.Cut(cmdline, []byte{0})
				out = append(out, Process{PID: pid, Command: strings.TrimSpace(string(first))})
				break
			}
		}
	}
	return out
}

// killUsing kills the processes of dir until none shows up for a few
// passes in a row (a helper can fork as its parent dies) or limit passes.
func killUsing(dir string, limit time.Duration) {
	deadline := time.Now().Add(limit)
	for quiet := 0; quiet < 3 && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		ps := processesUsing(dir)
		if len(ps) == 0 {
			quiet++
			continue
		}
		quiet = 0
		for _, p := range ps {
			_ = syscall.Kill(p.PID, syscall.SIGKILL)
		}
	}
}
