package workbench

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"
)

type vendor struct {
	cfg   VendorConfig
	loc   *time.Location
	group *group
}

// group is a skill group (技能组), one per vendor: its queue and welcome.
type group struct {
	name   string
	vendor *vendor
	// The queue, FIFO; re-queued chats go to the front (D-ROUTE-2).
	qhead, qtail *conv
	qlen         int
	ready        []*account // agents the router may pick, a heap by better()
	online       int        // agents 在线 under 闲鱼BU (D-RT-1)
	welcome      string     // R-WEL-1: beats the agent's own
	closing      string
	agents       []*account
	nEntries     int
}

// AddVendor registers a vendor, its skill group and its accounts. It returns
// warnings (e.g. capacity above 1V6) and an error if a limit is broken.
func (w *Workbench) AddVendor(cfg VendorConfig) ([]string, error) {
	w.begin()
	defer w.settle()
	if cfg.ID == "" || cfg.Department == "" {
		return nil, ruleErr(ErrInvalid, "R-VEN-1", "vendor id and department are required")
	}
	if _, ok := w.vendors[cfg.ID]; ok {
		return nil, ruleErr(ErrConflict, "R-VEN-1", "vendor %q already exists", cfg.ID)
	}
	if _, ok := w.groups[cfg.Department]; ok {
		return nil, ruleErr(ErrConflict, "R-VEN-3", "department %q already exists", cfg.Department)
	}
	if err := checkBotPage(cfg.BotPage); err != nil {
		return nil, err
	}
	loc := cfg.WorkHours.Location
	if loc == nil {
		var err error
		if loc, err = time.LoadLocation("Asia/Shanghai"); err != nil {
			loc = time.FixedZone("CST", 8*3600)
		}
	}
	var warnings []string
	seen := map[string]bool{}
	for _, a := range cfg.Accounts {
		if a.Login == "" || seen[a.Login] || w.accounts.Get(a.Login) != nil {
			return nil, ruleErr(ErrInvalid, "R-VEN-3", "account login %q is empty or taken", a.Login)
		}
		seen[a.Login] = true
		if a.Capacity < 0 || a.Capacity > MaxCapacity {
			return nil, ruleErr(ErrInvalid, "R-CAP-1", "capacity of %s must be 1..%d, got %d", a.Login, MaxCapacity, a.Capacity)
		}
		if a.Capacity > AdvisedCapacity {
			warnings = append(warnings, fmt.Sprintf("R-CAP-1: %s has capacity %d, above the recommended 1V%d", a.Login, a.Capacity, AdvisedCapacity))
		}
	}
	v := &vendor{cfg: cloneConfig(cfg), loc: loc}
	g := &group{name: cfg.Department, vendor: v, welcome: cfg.Welcome, closing: cfg.Closing}
	v.group = g
	w.vendors[cfg.ID] = v
	w.groups[g.name] = g
	i, _ := slices.BinarySearchFunc(w.groupList, g.name, func(x *group, n string) int { return strings.Compare(x.name, n) })
	w.groupList = slices.Insert(w.groupList, i, g)
	for _, a := range cfg.Accounts {
		if err := w.addAccount(g, a); err != nil {
			return warnings, err
		}
	}
	return warnings, nil
}

func (w *Workbench) addAccount(g *group, a AccountConfig) error {
	cost := w.opts.HashCost
	if cost == 0 {
		cost = bcrypt.DefaultCost
	}
	var hash []byte
	if cost > 0 {
		var err error
		if hash, err = bcrypt.GenerateFromPassword([]byte(a.Password), cost); err != nil {
			return ruleErr(ErrInvalid, "R-VEN-3", "password of %s: %v", a.Login, err)
		}
	}
	acc := &account{
		login:    a.Login,
		name:     a.Name,
		role:     a.Role,
		hash:     hash,
		group:    g,
		tenant:   a.Tenant,
		tenants:  slices.Clone(a.Tenants),
		capacity: a.Capacity,
		status:   StatusOffline,
		welcome:  a.Welcome,
		closing:  a.Closing,
		desktop:  true,
		sound:    true,
		heapIdx:  -1,
	}
	if acc.tenant == "" {
		acc.tenant = TenantXianyu
	}
	if !slices.Contains(acc.tenants, acc.tenant) {
		acc.tenants = append(acc.tenants, acc.tenant)
	}
	if acc.capacity == 0 {
		acc.capacity = DefaultCapacity
	}
	if acc.role == "" {
		acc.role = RoleAgent
	}
	w.accounts.Set(a.Login, acc)
	if acc.role != RoleOperations {
		g.agents = append(g.agents, acc)
		w.refresh(acc)
		w.emit(&Event{Type: EvAgentAdded, Agent: acc.login, Group: g.name, Tenant: acc.tenant, Capacity: acc.capacity, Status: acc.status, Reason: string(acc.role)})
	}
	return nil
}

func checkBotPage(p BotPage) error {
	if n := len(p.CardButtons); n < MinCardButtons || n > MaxCardButtons {
		return ruleErr(ErrInvalid, "R-VEN-2", "robot card needs %d to %d buttons, got %d", MinCardButtons, MaxCardButtons, n)
	}
	if n := len(p.FAQ); n > MaxFAQTopics {
		return ruleErr(ErrInvalid, "R-VEN-2", "at most %d FAQ topics, got %d", MaxFAQTopics, n)
	}
	for _, t := range p.FAQ {
		if n := len(t.Questions); n > MaxFAQQuestions {
			return ruleErr(ErrInvalid, "R-VEN-2", "FAQ topic %q has %d questions, at most %d allowed", t.Title, n, MaxFAQQuestions)
		}
	}
	if n := len(p.QuickPhrases); n > MaxQuickPhrases {
		return ruleErr(ErrInvalid, "R-VEN-2", "at most %d quick phrases, got %d", MaxQuickPhrases, n)
	}
	return nil
}

// VendorView is what the bot page and the workbench show of a vendor.
type VendorView struct {
	ID, Name, BusinessLine, Hotline, Department string
	BotPage                                     BotPage
	WorkHours                                   WorkHours
	Welcome, Closing                            string
}

// Vendor returns a vendor by ID.
func (w *Workbench) Vendor(id string) (VendorView, error) {
	v, ok := w.vendors[id]
	if !ok {
		return VendorView{}, ErrNotFound
	}
	c := v.cfg
	wh := c.WorkHours
	wh.Location = v.loc
	return VendorView{ID: c.ID, Name: c.Name, BusinessLine: c.BusinessLine, Hotline: c.Hotline,
		Department: c.Department, BotPage: c.BotPage, WorkHours: wh,
		Welcome: v.group.welcome, Closing: v.group.closing}, nil
}

// VendorIDs lists the vendors, sorted.
func (w *Workbench) VendorIDs() []string {
	ids := make([]string, 0, len(w.vendors))
	for id := range w.vendors {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// SetGroupWelcome sets the skill group's welcome and closing messages
// (配置中心 → 系统设置 → 首问机器人). Operations or the department's admin may.
func (w *Workbench) SetGroupWelcome(by, department, welcome, closing string) error {
	w.begin()
	defer w.settle()
	g, ok := w.groups[department]
	if !ok {
		return ErrNotFound
	}
	if !w.configuresGroup(by, g) {
		return ruleErr(ErrForbidden, "R-WEL-1", "only operations or the department's admin may set the skill group's welcome")
	}
	// Sent into every chat the group's agents take: as bounded as a reply.
	if len([]rune(welcome)) > MaxTextLen || len([]rune(closing)) > MaxTextLen {
		return ruleErr(ErrInvalid, "R-WEL-1", "welcome and closing are at most %d characters", MaxTextLen)
	}
	g.welcome, g.closing = welcome, closing
	w.emit(&Event{Type: EvWelcomeSet, Group: g.name, Agent: by, Text: welcome, Reason: "group"})
	return nil
}

// cloneConfig copies every slice of a vendor's configuration, so a caller
// that changes its copy later does not change the live bot page.
func cloneConfig(c VendorConfig) VendorConfig {
	c.WorkHours.Days = slices.Clone(c.WorkHours.Days)
	p := &c.BotPage
	p.CardButtons = slices.Clone(p.CardButtons)
	p.QuickPhrases = slices.Clone(p.QuickPhrases)
	p.FAQ = slices.Clone(p.FAQ)
	for i := range p.FAQ {
		p.FAQ[i].Questions = slices.Clone(p.FAQ[i].Questions)
	}
	c.Accounts = slices.Clone(c.Accounts)
	for i := range c.Accounts {
		c.Accounts[i].Tenants = slices.Clone(c.Accounts[i].Tenants)
	}
	return c
}
