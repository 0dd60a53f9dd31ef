package workbench

import (
	"slices"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// Status is an agent's workbench status (R-WB-2).
type Status string

// Statuses (R-WB-2).
const (
	StatusOnline  Status = "在线" // receives chats
	StatusBreak   Status = "小休" // keeps current chats, receives no new ones
	StatusOffline Status = "离线" // open chats go back to the queue
)

// ParseStatus accepts the Chinese names and online/break/offline.
func ParseStatus(s string) (Status, bool) {
	switch s {
	case "在线", "online":
		return StatusOnline, true
	case "小休", "break":
		return StatusBreak, true
	case "离线", "offline":
		return StatusOffline, true
	}
	return "", false
}

type account struct {
	login, name string
	role        Role
	hash        []byte
	group       *group
	tenant      string
	tenants     []string
	capacity    int
	status      Status
	idleSince   time.Time // last time it went online or took a chat: ties go to the longest idle
	open        []*conv   // assigned, not ended, in assignment order
	welcome     string
	closing     string
	desktop     bool // R-NTF-1 desktop notification switch
	sound       bool // R-NTF-1 sound switch
	replies     []QuickReply

	heapIdx       int  // place in group.ready, -1 when not eligible
	countedOnline bool // counted in group.online
}

// QuickReply is one 常用语 of an agent (R-QR-1).
type QuickReply struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

// AccountView is what an account may know about itself.
type AccountView struct {
	Login      string   `json:"login"`
	Name       string   `json:"name"`
	Role       Role     `json:"role"`
	Vendor     string   `json:"vendor"`
	Department string   `json:"department"`
	Tenant     string   `json:"tenant"`
	Tenants    []string `json:"tenants"`
	Capacity   int      `json:"capacity"`
	Status     Status   `json:"status"`
	Load       int      `json:"load"`
	Welcome    string   `json:"welcome"`
	Closing    string   `json:"closing"`
	Desktop    bool     `json:"desktop"`
	Sound      bool     `json:"sound"`
}

func (a *account) view() AccountView {
	return AccountView{Login: a.login, Name: a.name, Role: a.role, Vendor: a.group.vendor.cfg.ID,
		Department: a.group.name, Tenant: a.tenant, Tenants: slices.Clone(a.tenants),
		Capacity: a.capacity, Status: a.status, Load: len(a.open), Welcome: a.welcome,
		Closing: a.closing, Desktop: a.desktop, Sound: a.sound}
}

// isAgent reports whether the account takes chats (agents and department
// admins do; operations staff do not).
func (a *account) isAgent() bool { return a.role == RoleAgent || a.role == RoleDeptAdmin }

// eligible reports whether the router may give this agent a new chat.
func (a *account) eligible() bool {
	return a.isAgent() && a.status == StatusOnline && a.tenant == TenantXianyu && len(a.open) < a.capacity
}

// Login checks a login name and password (R-WB-1).
func (w *Workbench) Login(login, password string) (AccountView, error) {
	a, ok := w.accounts.Lookup(login)
	if !ok {
		// Spend the same work as a real check so timing tells nothing.
		_ = bcrypt.CompareHashAndPassword(w.dummyHash(), []byte(password))
		return AccountView{}, ErrBadCredentials
	}
	if bcrypt.CompareHashAndPassword(a.hash, []byte(password)) != nil {
		return AccountView{}, ErrBadCredentials
	}
	return a.view(), nil
}

// Account returns an account by login.
func (w *Workbench) Account(login string) (AccountView, error) {
	a, ok := w.accounts.Lookup(login)
	if !ok {
		return AccountView{}, ErrNotFound
	}
	return a.view(), nil
}

// Agents lists a department's agents in login order: what the router sees.
func (w *Workbench) Agents(department string) []AccountView {
	g, ok := w.groups[department]
	if !ok {
		return nil
	}
	out := make([]AccountView, 0, len(g.agents))
	for _, a := range g.agents {
		out = append(out, a.view())
	}
	slices.SortFunc(out, func(x, y AccountView) int { return strings.Compare(x.Login, y.Login) })
	return out
}

func (w *Workbench) agent(login string) (*account, error) {
	a, ok := w.accounts.Lookup(login)
	if !ok {
		return nil, ErrNotFound
	}
	if !a.isAgent() {
		return nil, ruleErr(ErrForbidden, "R-VEN-3", "%s is not an agent account", login)
	}
	return a, nil
}

// SetStatus changes an agent's status (R-WB-2). 马上上班 is SetStatus(在线);
// under a tenant other than 闲鱼BU it fails with ErrWrongTenant (R-TEN-1).
func (w *Workbench) SetStatus(login string, s Status) error {
	w.begin()
	defer w.settle()
	a, err := w.agent(login)
	if err != nil {
		return err
	}
	if _, ok := ParseStatus(string(s)); !ok {
		return ruleErr(ErrInvalid, "R-WB-2", "status must be 在线, 小休 or 离线, got %q", s)
	}
	if s == StatusOnline && a.tenant != TenantXianyu {
		return ruleErr(ErrWrongTenant, "R-TEN-1", "tenant is %q, not %s: switch the tenant (avatar → tenant) to %s and refresh", a.tenant, TenantXianyu, TenantXianyu)
	}
	w.setStatus(a, s)
	return nil
}

func (w *Workbench) setStatus(a *account, s Status) {
	if a.status == s {
		return
	}
	a.status = s
	if s == StatusOnline {
		a.idleSince = w.clock.Now()
	}
	w.refresh(a)
	w.emit(&Event{Type: EvAgentStatus, Agent: a.login, Group: a.group.name, Status: s, Tenant: a.tenant})
	if s == StatusOffline {
		w.requeueAll(a)
	}
}

// SwitchTenant selects another of the agent's tenants (R-TEN-1). Leaving
// 闲鱼BU takes the agent offline first, which re-queues their chats.
func (w *Workbench) SwitchTenant(login, tenant string) error {
	w.begin()
	defer w.settle()
	a, err := w.agent(login)
	if err != nil {
		return err
	}
	if !slices.Contains(a.tenants, tenant) {
		return ruleErr(ErrForbidden, "R-TEN-1", "%s has no tenant %q (has %s)", login, tenant, strings.Join(a.tenants, ", "))
	}
	if tenant == a.tenant {
		return nil
	}
	if tenant != TenantXianyu {
		w.setStatus(a, StatusOffline)
	}
	a.tenant = tenant
	w.refresh(a)
	w.emit(&Event{Type: EvTenantSwitched, Agent: a.login, Group: a.group.name, Tenant: tenant})
	return nil
}

// SetCapacity sets an agent's maximum concurrent chats (R-CAP-1, V级管理).
// Only operations may; above 6 is accepted with a warning.
func (w *Workbench) SetCapacity(by, login string, n int) (warning string, err error) {
	w.begin()
	defer w.settle()
	op, ok := w.accounts.Lookup(by)
	if !ok || op.role != RoleOperations {
		return "", ruleErr(ErrForbidden, "R-CAP-1", "only operations staff may change the maximum concurrent chats; ask CCO operations")
	}
	a, err := w.agent(login)
	if err != nil {
		return "", err
	}
	if a.group != op.group {
		return "", ruleErr(ErrForbidden, "R-CAP-1", "%s is an agent of another vendor", login)
	}
	if n < 1 || n > MaxCapacity {
		return "", ruleErr(ErrInvalid, "R-CAP-1", "capacity must be 1..%d, got %d", MaxCapacity, n)
	}
	if n > AdvisedCapacity {
		warning = "R-CAP-1: capacity above 1V6 is accepted, but 1V6 is the recommended maximum for service quality"
	}
	a.capacity = n
	w.refresh(a)
	w.emit(&Event{Type: EvCapacitySet, Agent: a.login, Group: a.group.name, Capacity: n, Reason: warning})
	return warning, nil
}

// SetNotify sets the agent's 消息提醒 switches (R-NTF-1).
func (w *Workbench) SetNotify(login string, desktop, sound bool) error {
	w.begin()
	defer w.settle()
	a, err := w.agent(login)
	if err != nil {
		return err
	}
	a.desktop, a.sound = desktop, sound
	return nil
}

// SetPersonalWelcome sets the agent's own welcome and closing messages
// (个人设置 → 首问机器人); the skill group's win when set (R-WEL-1).
func (w *Workbench) SetPersonalWelcome(login, welcome, closing string) error {
	w.begin()
	defer w.settle()
	a, err := w.agent(login)
	if err != nil {
		return err
	}
	if len([]rune(welcome)) > MaxTextLen || len([]rune(closing)) > MaxTextLen {
		return ruleErr(ErrInvalid, "R-WEL-1", "welcome and closing are at most %d characters", MaxTextLen)
	}
	a.welcome, a.closing = welcome, closing
	w.emit(&Event{Type: EvWelcomeSet, Agent: login, Group: a.group.name, Text: welcome, Reason: "personal"})
	return nil
}

// QuickReplies returns the agent's 常用语 (R-QR-1).
func (w *Workbench) QuickReplies(login string) ([]QuickReply, error) {
	a, err := w.agent(login)
	if err != nil {
		return nil, err
	}
	return slices.Clone(a.replies), nil
}

// AddQuickReply adds one 常用语 (R-QR-1).
func (w *Workbench) AddQuickReply(login, text string) (QuickReply, error) {
	w.begin()
	defer w.settle()
	a, err := w.agent(login)
	if err != nil {
		return QuickReply{}, err
	}
	if err := a.checkReply(text); err != nil {
		return QuickReply{}, err
	}
	r := w.addReply(a, text)
	w.emit(&Event{Type: EvQuickReplies, Agent: login, Capacity: len(a.replies), Reason: "add"})
	return r, nil
}

// ImportQuickReplies adds many 常用语 at once (R-QR-1). It is all or
// nothing; blank lines and texts the agent already has are skipped.
func (w *Workbench) ImportQuickReplies(login string, texts []string) (added int, err error) {
	w.begin()
	defer w.settle()
	a, err := w.agent(login)
	if err != nil {
		return 0, err
	}
	var todo []string
	for _, t := range texts {
		t = strings.TrimSpace(t)
		if t == "" || a.hasReply(t) || slices.Contains(todo, t) {
			continue
		}
		if len([]rune(t)) > MaxQuickReplyLen {
			return 0, ruleErr(ErrInvalid, "R-QR-1", "a quick reply is at most %d characters", MaxQuickReplyLen)
		}
		todo = append(todo, t)
	}
	if len(a.replies)+len(todo) > MaxQuickReplies {
		return 0, ruleErr(ErrInvalid, "R-QR-1", "at most %d quick replies per agent, would have %d", MaxQuickReplies, len(a.replies)+len(todo))
	}
	for _, t := range todo {
		w.addReply(a, t)
	}
	w.emit(&Event{Type: EvQuickReplies, Agent: login, Capacity: len(a.replies), Reason: "import"})
	return len(todo), nil
}

// DeleteQuickReply removes one 常用语 by ID (R-QR-1).
func (w *Workbench) DeleteQuickReply(login, id string) error {
	w.begin()
	defer w.settle()
	a, err := w.agent(login)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(a.replies, func(r QuickReply) bool { return r.ID == id })
	if i < 0 {
		return ErrNotFound
	}
	a.replies = slices.Delete(a.replies, i, i+1)
	w.emit(&Event{Type: EvQuickReplies, Agent: login, Capacity: len(a.replies), Reason: "delete"})
	return nil
}

func (a *account) hasReply(text string) bool {
	return slices.ContainsFunc(a.replies, func(r QuickReply) bool { return r.Text == text })
}

func (a *account) checkReply(text string) error {
	switch {
	case strings.TrimSpace(text) == "":
		return ruleErr(ErrInvalid, "R-QR-1", "a quick reply cannot be empty")
	case len([]rune(text)) > MaxQuickReplyLen:
		return ruleErr(ErrInvalid, "R-QR-1", "a quick reply is at most %d characters", MaxQuickReplyLen)
	case a.hasReply(text):
		return ruleErr(ErrConflict, "R-QR-1", "the agent already has this quick reply")
	case len(a.replies) >= MaxQuickReplies:
		return ruleErr(ErrInvalid, "R-QR-1", "at most %d quick replies per agent", MaxQuickReplies)
	}
	return nil
}

func (w *Workbench) addReply(a *account, text string) QuickReply {
	w.nextReply++
	r := QuickReply{ID: "qr" + itoa(w.nextReply), Text: strings.TrimSpace(text)}
	a.replies = append(a.replies, r)
	return r
}
