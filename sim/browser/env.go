package browser

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"routecheck/sim/wire"
	"slices"
	"strings"
	"time"

	"routecheck/sim/actors"
	wb "routecheck/sim/workbench"
)

// defaultTimeout bounds one check, browser and simulated people included.
const defaultTimeout = 60 * time.Second

// Env is the workbench under test as the checks see it: where it is, the
// vendor's configuration (accounts with passwords, bot page, department)
// and how to get a customer.
type Env struct {
	Base   string // e.g. http://127.0.0.1:41234
	Vendor wb.VendorConfig

	// NotifyAgent, TenantAgent and ReplyAgent name the accounts the
	// checks log in as; empty picks one from Vendor.Accounts.
	NotifyAgent, TenantAgent, ReplyAgent string

	// NewCustomer returns a simulated customer who has scanned the entry
	// QR code. Nil: a test customer and test order made by the vendor's
	// operations account (R-RT-1), entering through POST /api/entry.
	NewCustomer func(context.Context) (*actors.Customer, error)

	Timeout time.Duration // per check; 0 means 60 s

	// OnCheck, if set, hears of each check as it starts, by its title
	// ("租户不是闲鱼BU时无法上班 (R-TEN-1)"), for live progress.
	OnCheck func(title string)
}

// newRecord starts a check's record and tells OnCheck.
func (e *Env) newRecord(name, rule string) *record {
	r := newRecord(name, rule)
	if e.OnCheck != nil {
		e.OnCheck(r.bc.Title())
	}
	return r
}

// NewEnv is an Env for a vendor at base with the default choices.
func NewEnv(base string, cfg wb.VendorConfig) *Env {
	return &Env{Base: strings.TrimRight(base, "/"), Vendor: cfg}
}

func (e *Env) timeout() time.Duration {
	if e.Timeout > 0 {
		return e.Timeout
	}
	return defaultTimeout
}

func tenantOf(a wb.AccountConfig) string {
	if a.Tenant == "" {
		return wb.TenantXianyu
	}
	return a.Tenant
}

func isAgent(a wb.AccountConfig) bool { return a.Role == wb.RoleAgent || a.Role == wb.RoleDeptAdmin }

// otherTenant is a tenant of a that is not 闲鱼BU, or "".
func otherTenant(a wb.AccountConfig) string {
	if t := tenantOf(a); t != wb.TenantXianyu {
		return t
	}
	for _, t := range a.Tenants {
		if t != wb.TenantXianyu {
			return t
		}
	}
	return ""
}

// pick returns the named account, or the first agent matching ok and not
// in avoid (then the first matching ok at all).
func (e *Env) pick(name string, ok func(wb.AccountConfig) bool, avoid ...string) (wb.AccountConfig, error) {
	if name != "" {
		a, found := e.Vendor.Account(name)
		if !found {
			return a, fmt.Errorf("vendor %s has no account %q", e.Vendor.ID, name)
		}
		return a, nil
	}
	var fallback *wb.AccountConfig
	for i, a := range e.Vendor.Accounts {
		if !isAgent(a) || !ok(a) {
			continue
		}
		if !slices.Contains(avoid, a.Login) {
			return a, nil
		}
		if fallback == nil {
			fallback = &e.Vendor.Accounts[i]
		}
	}
	if fallback != nil {
		return *fallback, nil
	}
	return wb.AccountConfig{}, errNoAccount
}

var errNoAccount = errors.New("no matching agent account")

// onlyXianyu: an agent who works under 闲鱼BU and has no other tenant, so
// the tenant check does not interfere with it.
func onlyXianyu(a wb.AccountConfig) bool {
	return tenantOf(a) == wb.TenantXianyu && otherTenant(a) == ""
}

func (e *Env) notifyAgent() (wb.AccountConfig, error) {
	a, err := e.pick(e.NotifyAgent, onlyXianyu)
	if errors.Is(err, errNoAccount) {
		a, err = e.pick("", func(a wb.AccountConfig) bool { return tenantOf(a) == wb.TenantXianyu })
	}
	return a, err
}

func (e *Env) tenantAgent() (wb.AccountConfig, error) {
	// Prefer one who can switch back to 闲鱼BU; one who cannot is a
	// configuration fault the check then reports.
	a, err := e.pick(e.TenantAgent, func(a wb.AccountConfig) bool {
		return otherTenant(a) != "" && slices.Contains(a.Tenants, wb.TenantXianyu)
	})
	if errors.Is(err, errNoAccount) {
		a, err = e.pick("", func(a wb.AccountConfig) bool { return otherTenant(a) != "" })
	}
	return a, err
}

func (e *Env) replyAgent() (wb.AccountConfig, error) {
	avoid := []string{}
	if n, err := e.notifyAgent(); err == nil {
		avoid = append(avoid, n.Login)
	}
	a, err := e.pick(e.ReplyAgent, onlyXianyu, avoid...)
	if errors.Is(err, errNoAccount) {
		a, err = e.pick("", func(a wb.AccountConfig) bool { return tenantOf(a) == wb.TenantXianyu }, avoid...)
	}
	return a, err
}

// ops signs in the vendor's operations account (CCO).
func (e *Env) ops(ctx context.Context) (*actors.Ops, error) {
	if a, ok := e.Vendor.AccountWithRole(wb.RoleOperations); ok {
		o := actors.NewOps(e.Base, a.Login)
		if _, err := o.SignIn(ctx, a.Password); err != nil {
			return nil, fmt.Errorf("operations account %s: %w", a.Login, err)
		}
		return o, nil
	}
	return nil, fmt.Errorf("vendor %s has no operations account to make test customers (R-RT-1)", e.Vendor.ID)
}

// entryURL makes a test customer and order and returns the bot page URL
// their QR code carries (R-RT-1, R-RT-3).
func (e *Env) entryURL(ctx context.Context, name string) (string, error) {
	o, err := e.ops(ctx)
	if err != nil {
		return "", err
	}
	c, err := o.CreateTestCustomer(ctx, name)
	if err != nil {
		return "", fmt.Errorf("test customer: %w", err)
	}
	ord, err := o.CreateTestOrder(ctx, c.ID, "浏览器检查测试订单")
	if err != nil {
		return "", fmt.Errorf("test order: %w", err)
	}
	en, err := o.Entry(ctx, e.Vendor.ID, c.ID, ord.ID)
	if err != nil {
		return "", fmt.Errorf("entry URL: %w", err)
	}
	return en.URL, nil
}

func (e *Env) customer(ctx context.Context) (*actors.Customer, error) {
	if e.NewCustomer != nil {
		return e.NewCustomer(ctx)
	}
	u, err := e.entryURL(ctx, "浏览器检查顾客")
	if err != nil {
		return nil, err
	}
	return actors.Enter(ctx, u)
}

// customerFor returns a customer whose transfer request (转人工, R-RT-4)
// was assigned to agent. Chats that went to another online agent stay
// open in others, which raises that agent's load, so the router's
// least-loaded rule (D-ROUTE-1) sends the next one to agent. The caller
// closes others.
func (e *Env) customerFor(ctx context.Context, agent string) (c *actors.Customer, others []*actors.Customer, err error) {
	for range len(e.Vendor.Accounts) + 1 {
		c, err := e.customer(ctx)
		if err != nil {
			return nil, others, fmt.Errorf("customer: %w", err)
		}
		if err := c.Say(wb.TransferText); err != nil {
			c.Close()
			return nil, others, fmt.Errorf("customer says %s: %w", wb.TransferText, err)
		}
		wctx, cancel := context.WithTimeout(ctx, stepTimeout)
		f, _, err := c.WaitFrame(wctx, 0, func(f actors.Frame) bool {
			return f.Type == wire.TypeState && (f.State == wire.StateAssigned || f.State == wire.StateEnded || (f.State == wire.StateBot && f.Reason != ""))
		})
		cancel()
		if err != nil {
			c.Close()
			return nil, others, fmt.Errorf("no agent took the chat within %s: %w", stepTimeout, err)
		}
		if f.State != "assigned" {
			c.Close()
			return nil, others, fmt.Errorf("transfer refused (%s): %s", f.Reason, lastBotText(c))
		}
		if who := frameAgent(f); who != agent {
			others = append(others, c)
			continue
		}
		return c, others, nil
	}
	return nil, others, fmt.Errorf("every chat went to another agent than %s", agent)
}

// clearWayTo makes agent the router's next pick for a chat this harness
// cannot steer (the phone's): as customerFor, then the customer on agent
// leaves, so agent has the least load (D-ROUTE-1). The caller closes
// others and consumes agent's assignment of the one that left.
func (e *Env) clearWayTo(ctx context.Context, agent string) (others []*actors.Customer, err error) {
	c, others, err := e.customerFor(ctx, agent)
	if err != nil {
		return others, err
	}
	closeAll([]*actors.Customer{c})
	return others, nil
}

func lastBotText(c *actors.Customer) string {
	fs := c.Frames()
	for i := len(fs) - 1; i >= 0; i-- {
		if fs[i].Type == wire.TypeMessage && fs[i].Sender == wire.SenderBot {
			return fs[i].Text
		}
	}
	return "no bot message"
}

// frameAgent is the agent login a state frame names.
func frameAgent(f actors.Frame) string {
	var login string
	if json.Unmarshal(f.Agent, &login) != nil {
		return ""
	}
	return login
}

func closeAll(cs []*actors.Customer) {
	for _, c := range cs {
		_ = c.Leave()
		_ = c.Close()
	}
}
