package load

import (
	"context"
	"io"
	"net"
	"runtime"
	"time"

	"fmt"

	"golang.org/x/crypto/bcrypt"

	"routecheck/sim/server"
	wb "routecheck/sim/workbench"
)

// LoadVendor is the generated vendor of a bundled load run: one skill
// group on duty around the clock, agents load-agent-1..n with the given
// capacity, and one operations account.
func LoadVendor(agents, capacity int) wb.VendorConfig {
	v := wb.VendorConfig{
		ID: DefaultVendor, Name: "负载测试服务商", BusinessLine: "闲鱼回收", Hotline: "400-000-0000",
		Department: "负载测试客服部",
		WorkHours:  wb.WorkHours{Days: []time.Weekday{0, 1, 2, 3, 4, 5, 6}},
		BotPage: wb.BotPage{RobotName: "小蜜", Greeting: "您好，我是小蜜",
			CardButtons:  []wb.CardButton{{Label: "在线客服", Kind: wb.ButtonOnlineAgent}},
			QuickPhrases: []wb.QuickPhrase{{Text: wb.OnlineAgentLabel, Transfer: true}}},
		Welcome: "您好，请问有什么可以帮您？", Closing: "感谢咨询，再见！",
	}
	v.Accounts = append(v.Accounts, wb.AccountConfig{Login: DefaultOpsLogin, Name: "负载运营", Password: DefaultLoadPassword, Role: wb.RoleOperations})
	for i := 1; i <= agents; i++ {
		v.Accounts = append(v.Accounts, wb.AccountConfig{Login: fmt.Sprintf(DefaultAgentLogin, i), Name: fmt.Sprintf("坐席%d", i),
			Password: DefaultLoadPassword, Role: wb.RoleAgent, Tenants: []string{wb.TenantXianyu}, Capacity: capacity})
	}
	return v
}

// startBundled starts the workbench on loopback with limits sized for the
// run: every agent logs in from 127.0.0.1 at once, and the event log keeps
// the whole run for the invariant check.
func startBundled(cfg Config, addr string) (*server.Server, string, error) {
	lim := server.DefaultLimits()
	lim.LoginsPerAddress = cfg.Agents + 100
	lim.Sessions = cfg.Agents + 100
	lim.Events = max(lim.Events, 64*cfg.Customers+16*cfg.Agents)
	lim.EndedChats = max(lim.EndedChats, cfg.Customers)
	if cfg.SendQueue > 0 {
		lim.SendQueue = cfg.SendQueue
	}
	if cfg.FrameRate > 0 {
		lim.FramesPerSecond, lim.FrameBurst = cfg.FrameRate, max(cfg.FrameBurst, 1)
	}
	srv := server.New(server.Options{HashCost: bcrypt.MinCost, Grace: cfg.Grace, CustomerGrace: cfg.CustomerGrace, Limits: lim})
	if _, err := srv.AddVendor(LoadVendor(cfg.Agents, cfg.Capacity)); err != nil {
		return nil, "", fmt.Errorf("load vendor: %w", err)
	}
	base, err := srv.Start(addr)
	if err != nil {
		srv.Close()
		return nil, "", err
	}
	return srv, base, nil
}

// ServeBundled runs only the bundled workbench with the load vendor on addr
// (loopback) until ctx ends, printing the server's heap every few seconds:
// a generator in another process drives it with --target, so each side
// has its own file descriptors and its own memory figures.
func ServeBundled(ctx context.Context, cfg Config, addr string, w io.Writer) error {
	cfg = cfg.withDefaults()
	if cfg.Agents < 1 || cfg.Agents > 20_000 {
		return fmt.Errorf("%w: --agents must be 1..20000, got %d", ErrInput, cfg.Agents)
	}
	if host, _, err := net.SplitHostPort(addr); err != nil || !net.ParseIP(host).IsLoopback() {
		return fmt.Errorf("%w: --serve-bundled %q: want a loopback address such as 127.0.0.1:18090", ErrInput, addr)
	}
	if cfg.Customers < 1 {
		cfg.Customers = 10 * cfg.Agents
	}
	srv, base, err := startBundled(cfg, addr)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrHarness, err)
	}
	defer srv.Close()
	// The password is load's default, never printed (D-SEC-1).
	fmt.Fprintf(w, "load workbench at %s: vendor %s, %d agents (%s, the default load password), operations %s\n",
		base, DefaultVendor, cfg.Agents, fmt.Sprintf(DefaultAgentLogin, 1)+"…", DefaultOpsLogin)
	t := time.NewTicker(5 * time.Second)
	defer t.Stop()
	var peak uint64
	for {
		select {
		case <-ctx.Done():
			fmt.Fprintf(w, "server heap peak %.1f MB\n", mb(peak))
			return nil
		case <-t.C:
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
			fmt.Fprintf(w, "server heap %.1f MB (peak %.1f MB), %d goroutines\n", mb(ms.HeapInuse), mb(peak), runtime.NumGoroutine())
		}
	}
}
