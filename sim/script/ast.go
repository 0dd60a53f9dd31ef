package script

import (
	"fmt"
	"strings"
	"time"
)

// Script is a parsed conversation script.
type Script struct {
	Name    string // the file's name without folder and extension: "idle-close"
	File    string // as given on the command line, or fixtures/scripts/NAME.script
	Summary string // the comment block the file starts with, in one line
	Lines   []string

	Vendor    string // vendor fixture: a bundled name or a path; "" means demo
	VendorPos Pos
	Start     *TimeSpec // when the bundled workbench's clock starts; nil: in the work hours
	Parties   []*Party
	Stmts     []*Stmt
}

// Role is what a party is.
type Role string

// Roles a party may have.
const (
	RoleCustomer Role = "customer"
	RoleAgent    Role = "agent"
	RoleAdmin    Role = "admin" // a department admin (部门管理员), also an agent
	RoleOps      Role = "ops"   // CCO operations
)

// Party is a person of the script: a generated customer, or an account of
// the vendor fixture.
type Party struct {
	Name      string
	Role      Role
	Login     string // the fixture's account; "" for a customer
	Anonymous bool   // a customer with no test account: live traffic (D-KPI-2)
	Pos       Pos
}

// agentLike says whether the party takes chats (agents and department
// admins).
func (p *Party) agentLike() bool { return p.Role == RoleAgent || p.Role == RoleAdmin }

// Kind is what a statement does.
type Kind int

// Statement kinds.
const (
	KindAction Kind = iota
	KindExpect
	KindWait
	KindAt
)

// Stmt is one line that does something.
type Stmt struct {
	Pos    Pos
	Text   string   // the line without its comment
	Rules  []string // rule IDs its comment cites: what the line shows
	Kind   Kind
	Action *Action
	Expect *Expect
	Wait   time.Duration
	At     *TimeSpec
}

// Verb is an action.
type Verb string

// Actions. Agents and department admins: login .. setGroupWelcome;
// operations: setCapacity, setGroupWelcome; customers: enter .. leave, and
// drop, reconnect, closePage for everyone who has a page.
const (
	VerbLogin           Verb = "logs in"
	VerbStatus          Verb = "status"
	VerbTenant          Verb = "switches tenant"
	VerbSay             Verb = "says"
	VerbQuickReply      Verb = "sends 常用语"
	VerbAddQuickReply   Verb = "adds 常用语"
	VerbCloseChat       Verb = "closes chat"
	VerbClosePage       Verb = "closes page"
	VerbDrop            Verb = "drops"
	VerbReconnect       Verb = "reconnects"
	VerbNotify          Verb = "sets notifications"
	VerbWelcome         Verb = "sets welcome"
	VerbGroupWelcome    Verb = "sets group welcome"
	VerbCapacity        Verb = "sets capacity"
	VerbEnter           Verb = "scans qr"
	VerbAsk             Verb = "asks"
	VerbPhrase          Verb = "taps"
	VerbButton          Verb = "presses"
	VerbRate            Verb = "rates"
	VerbLeave           Verb = "leaves"
	VerbTransferRequest Verb = "转人工"
)

// Action is one thing a party does.
type Action struct {
	Party   *Party
	Verb    Verb
	Text    string
	Texts   [2]*string // welcome, closing of a welcome setting; nil keeps the current one
	To      *Party     // the customer whose chat an agent acts in; the agent whose capacity changes
	N       int
	Status  string // 在线, 小休, 离线
	Desktop bool
	Sound   bool
}

// ExpectKind is what an assert judges.
type ExpectKind string

// Asserts.
const (
	ExpGets       ExpectKind = "gets"
	ExpNoMessage  ExpectKind = "gets no message"
	ExpAssigned   ExpectKind = "assigned"
	ExpQueued     ExpectKind = "queued"
	ExpState      ExpectKind = "state"
	ExpStatus     ExpectKind = "status"
	ExpHolds      ExpectKind = "holds"
	ExpNotified   ExpectKind = "notified"
	ExpNotNotifed ExpectKind = "not notified"
	ExpLink       ExpectKind = "sees link"
	ExpKPI        ExpectKind = "kpi"
	ExpKPIsPass   ExpectKind = "kpis pass"
	ExpInvariants ExpectKind = "invariants clean"
	ExpRefused    ExpectKind = "refused"
)

// Expect is one assert.
type Expect struct {
	Kind    ExpectKind
	Subject *Party
	Match   *Match // gets, refused
	From    Sender // gets: who wrote it
	Agent   *Party // assigned to; holds a chat of
	Other   *Party // notified about; sees the link of
	Pos     int    // queued at this position; 0: anywhere in the queue
	State   string // bot, queued, assigned, ended
	Reason  string // end reason, refusal reason
	Status  string // 在线, 小休, 离线
	N       int    // holds N chats (-1: not said)
	Notify  string // new_message, user_online, user_offline
	Link    string // down, up
	KPI     string // a workbench.KPIs JSON name, e.g. pickup_rate
	Op      string // >=, >, <=, <, =
	Value   float64
	Passes  *bool // kpi NAME passes|fails: against R-KPI-1's threshold
	Within  time.Duration
	// HasWithin: the assert waits up to Within of the workbench's time.
	HasWithin bool
}

// Sender is who wrote a message: bot, system, agent, customer, or a party.
type Sender struct {
	Kind  string // "", bot, system, agent, customer
	Party *Party
}

func (s Sender) String() string {
	if s.Party != nil {
		return s.Party.Name
	}
	return s.Kind
}

// MatchKind is how a text is matched.
type MatchKind string

// Text matches: exactly, contains, a regular expression, or a text the
// fixture names.
const (
	MatchExact    MatchKind = "exact"
	MatchContains MatchKind = "contains"
	MatchRegexp   MatchKind = "matches"
	MatchNamed    MatchKind = "named"
)

// Match is the text an assert expects.
type Match struct {
	Kind  MatchKind
	Text  string // the text, or the name of a named text
	Of    *Party // welcome of / closing of an agent
	Pos   Pos
	Quest string // answer to "question"
}

func (m *Match) String() string {
	switch m.Kind {
	case MatchExact:
		return fmt.Sprintf("%q", m.Text)
	case MatchContains:
		return fmt.Sprintf("contains %q", m.Text)
	case MatchRegexp:
		return fmt.Sprintf("matches %q", m.Text)
	}
	s := m.Text
	if m.Of != nil {
		s += " of " + m.Of.Name
	}
	if m.Quest != "" {
		s += fmt.Sprintf(" %q", m.Quest)
	}
	return s
}

// TimeSpec is a time on the vendor's wall clock: a time of day, a weekday
// and a time of day, or a date and a time of day.
type TimeSpec struct {
	Text    string
	Weekday int // 0 none, else time.Weekday+1
	Date    time.Time
	HasDate bool
	Hour    int
	Minute  int
	Pos     Pos
}

func (t *TimeSpec) String() string { return t.Text }

// describe is the statement as a tester wrote it, for reports.
func (s *Stmt) describe() string { return strings.TrimSpace(s.Text) }
