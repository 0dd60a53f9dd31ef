package workbench

import (
	"slices"
	"time"

	"routecheck/sim/clock"
)

// ConvState is where a conversation is.
type ConvState string

// Conversation states: bot → queued → assigned → ended. A transfer that is
// not served (outside hours, nobody online) leaves the chat with the bot.
const (
	StateBot      ConvState = "bot"
	StateQueued   ConvState = "queued"
	StateAssigned ConvState = "assigned"
	StateEnded    ConvState = "ended"
)

// Rating is an instant-satisfaction rating given after the end (R-KPI-1).
type Rating string

// Ratings; 满意 and 非常满意 count as satisfied.
const (
	RatingVerySatisfied    Rating = "非常满意"
	RatingSatisfied        Rating = "满意"
	RatingNeutral          Rating = "一般"
	RatingDissatisfied     Rating = "不满意"
	RatingVeryDissatisfied Rating = "非常不满意"
)

// Ratings lists the ratings best first (a new slice each call).
func Ratings() []Rating {
	return []Rating{RatingVerySatisfied, RatingSatisfied, RatingNeutral, RatingDissatisfied, RatingVeryDissatisfied}
}

// Satisfied reports whether r counts towards instant satisfaction.
func (r Rating) Satisfied() bool { return r == RatingVerySatisfied || r == RatingSatisfied }

// Message is one chat line. Seq is per conversation, from 1.
type Message struct {
	Seq    int       `json:"seq"`
	At     time.Time `json:"at"`
	Sender Sender    `json:"sender"`
	Agent  string    `json:"agent,omitempty"`
	Text   string    `json:"text"`
}

type conv struct {
	id           string
	vendor       *vendor
	group        *group
	customer     *Customer
	order        *Order
	state        ConvState
	agent        *account
	handledBy    []string
	first        [1]string // handledBy's first array
	msgs         []Message // the transcript; not kept with DiscardLog
	nmsgs        int
	createdAt    time.Time
	pickedAt     time.Time // first pickup; a re-queue keeps it
	endedAt      time.Time
	responded    bool
	endReason    string
	rating       Rating
	qprev, qnext *conv // neighbours in the group's queue

	// R-IDLE-1 state: at most one idle timer per chat is pending at any
	// time; when it fires it re-checks idleStart, so a customer message
	// only disarms and an agent message only re-arms, neither schedules.
	w           *Workbench
	gen         int64 // bumped when the struct is reused: its old timers do nothing
	idleArmed   bool
	idleWarned  bool
	idlePending bool
	idleStart   time.Time
}

// ConvView is a conversation as an agent or the customer sees it.
type ConvView struct {
	ID           string    `json:"id"`
	Vendor       string    `json:"vendor"`
	Department   string    `json:"department"`
	Customer     string    `json:"customer"`
	CustomerName string    `json:"customer_name"`
	Order        string    `json:"order,omitempty"`
	OrderItem    string    `json:"order_item,omitempty"`
	Test         bool      `json:"test"`
	State        ConvState `json:"state"`
	Agent        string    `json:"agent,omitempty"`
	HandledBy    []string  `json:"handled_by"` // every agent who held it, in order; kept after the end
	Messages     []Message `json:"messages"`
	CreatedAt    time.Time `json:"created_at"`
	PickedAt     time.Time `json:"picked_at,omitzero"`
	EndedAt      time.Time `json:"ended_at,omitzero"`
	EndReason    string    `json:"end_reason,omitempty"`
	Rating       Rating    `json:"rating,omitempty"`
}

func (c *conv) view() ConvView {
	v := ConvView{ID: c.id, Vendor: c.vendor.cfg.ID, Department: c.group.name, Customer: c.customer.ID,
		CustomerName: c.customer.Name, Test: c.customer.Test, State: c.state, HandledBy: append([]string{}, c.handledBy...),
		Messages: slices.Clone(c.msgs), CreatedAt: c.createdAt, PickedAt: c.pickedAt,
		EndedAt: c.endedAt, EndReason: c.endReason, Rating: c.rating}
	if c.order != nil {
		v.Order, v.OrderItem = c.order.ID, c.order.Item
	}
	if c.agent != nil {
		v.Agent = c.agent.login
	}
	return v
}

// event starts an event of type t about c in the workbench's event buffer:
// set what else it carries and emit it before building another.
func (c *conv) event(t EventType) *Event {
	e := &c.w.ev
	// Cleared, then set field by field: a composite literal would be built
	// aside and copied over.
	*e = Event{}
	e.Type, e.Conv, e.Group, e.Customer, e.Test = t, c.id, c.group.name, c.customer.ID, c.customer.Test
	if c.order != nil {
		e.Order = c.order.ID
	}
	if c.agent != nil {
		e.Agent = c.agent.login
	}
	return e
}

// Enter opens the bot page for a customer (R-RT-3). An empty customer makes
// an anonymous live customer; order, if given, must be the customer's.
func (w *Workbench) Enter(vendorID, customerID, orderID string) (ConvView, error) {
	w.begin()
	defer w.settle()
	v, ok := w.vendors[vendorID]
	if !ok {
		return ConvView{}, ErrNotFound
	}
	if err := w.checkEntry(v, customerID, orderID); err != nil {
		return ConvView{}, err
	}
	var cust *Customer
	if customerID == "" {
		cust = w.newCustomer("", false)
	} else {
		cust = w.customers[customerID]
	}
	var ord *Order
	if orderID != "" {
		ord = w.orders[orderID]
	}
	w.nextConv++
	c := w.newConv()
	c.id, c.vendor, c.group, c.customer, c.order = prefixed("c", w.nextConv), v, v.group, cust, ord
	c.state, c.createdAt, c.w = StateBot, w.clock.Now(), w
	w.convs.Set(c.id, c)
	v.group.nEntries++
	w.emit(c.event(EvEntered))
	if g := v.cfg.BotPage.Greeting; g != "" {
		w.say(c, SenderBot, nil, g)
	}
	return c.view(), nil
}

func (w *Workbench) conv(id string) (*conv, error) {
	c, ok := w.convs.Lookup(id)
	if !ok {
		return nil, ErrNotFound
	}
	return c, nil
}

// say appends a message and emits it; it returns the event's sequence number.
func (w *Workbench) say(c *conv, s Sender, a *account, text string) int64 {
	c.nmsgs++
	e := c.event(EvMessage)
	if a != nil {
		e.Agent = a.login
	}
	if !w.opts.DiscardLog {
		c.msgs = append(c.msgs, Message{Seq: c.nmsgs, At: w.clock.Now(), Sender: s, Agent: e.Agent, Text: text})
	}
	e.Sender, e.MsgSeq, e.Text = s, c.nmsgs, text
	return w.emit(e)
}

func checkText(text string) error {
	if text == "" {
		return ruleErr(ErrInvalid, "", "empty message")
	}
	// Byte length bounds rune count: only long texts need counting.
	if len(text) > MaxTextLen && len([]rune(text)) > MaxTextLen {
		return ruleErr(ErrInvalid, "", "a message is at most %d characters", MaxTextLen)
	}
	return nil
}

// CustomerSend is a customer message. With the bot it may be a FAQ
// question, a quick phrase or a transfer request (R-RT-3, R-RT-4); with an
// agent it notifies the agent (R-NTF-1) and resets the idle timer (R-IDLE-1).
func (w *Workbench) CustomerSend(convID, text string) error {
	w.begin()
	defer w.settle()
	c, err := w.conv(convID)
	if err != nil {
		return err
	}
	if err := checkText(text); err != nil {
		return err
	}
	if c.state == StateEnded {
		return ruleErr(ErrConflict, "", "the conversation has ended")
	}
	w.say(c, SenderCustomer, nil, text)
	switch c.state {
	case StateBot:
		w.botAnswer(c, text)
	case StateAssigned:
		w.stopIdle(c)
		w.notify(c.agent, NotifyNewMessage, c)
	}
	return nil
}

// AgentSend is an agent's reply. The first one after pickup is the first
// response of R-KPI-1; it also starts the customer's idle timer (R-IDLE-1).
func (w *Workbench) AgentSend(login, convID, text string) error {
	w.begin()
	defer w.settle()
	c, a, err := w.assignedTo(login, convID)
	if err != nil {
		return err
	}
	if err := checkText(text); err != nil {
		return err
	}
	if !visible(text) {
		return ruleErr(ErrInvalid, "R-KPI-1", "a reply needs visible text: spaces and zero-width characters alone answer nobody")
	}
	seq := w.say(c, SenderAgent, a, text)
	if !c.responded {
		c.responded = true
		fr := c.event(EvFirstResponse)
		fr.Ref = seq
		w.emit(fr)
	}
	if !c.idleArmed {
		w.startIdle(c)
	}
	return nil
}

func (w *Workbench) assignedTo(login, convID string) (*conv, *account, error) {
	a, err := w.agent(login)
	if err != nil {
		return nil, nil, err
	}
	if a.tenant != TenantXianyu {
		return nil, nil, ruleErr(ErrWrongTenant, "R-TEN-1", "tenant is %q, not %s", a.tenant, TenantXianyu)
	}
	c, err := w.conv(convID)
	if err != nil {
		return nil, nil, err
	}
	if c.agent != a {
		if c.group != a.group || !slices.Contains(c.handledBy, a.login) {
			return nil, nil, ruleErr(ErrForbidden, "", "conversation %s is not %s's", convID, login)
		}
		return nil, nil, ruleErr(ErrConflict, "", "conversation %s is no longer assigned to %s", convID, login)
	}
	return c, a, nil
}

// AgentClose ends a chat from the agent's side.
func (w *Workbench) AgentClose(login, convID string) error {
	w.begin()
	defer w.settle()
	c, _, err := w.assignedTo(login, convID)
	if err != nil {
		return err
	}
	w.end(c, ReasonAgentClosed)
	return nil
}

// CustomerLeave is the customer closing the page. In the queue it is an
// abandonment (R-KPI-1); with an agent it ends the chat (用户下线).
func (w *Workbench) CustomerLeave(convID string) error {
	w.begin()
	defer w.settle()
	c, err := w.conv(convID)
	if err != nil {
		return err
	}
	switch c.state {
	case StateEnded:
		return nil
	case StateBot:
		c.state, c.endedAt, c.endReason = StateEnded, w.clock.Now(), ReasonCustomerLeft
		w.emit(c.event(EvEnded))
		w.retire(c)
	case StateQueued:
		c.group.unlink(c)
		c.state, c.endedAt, c.endReason = StateEnded, w.clock.Now(), ReasonCustomerLeft
		w.emit(c.event(EvAbandoned))
		w.retire(c)
	case StateAssigned:
		w.end(c, ReasonCustomerLeft)
	}
	return nil
}

func (w *Workbench) end(c *conv, reason string) {
	w.stopIdle(c)
	a := c.agent
	closing := c.group.closing
	if closing == "" {
		closing = a.closing
	}
	if closing != "" {
		w.say(c, SenderSystem, nil, closing)
	}
	e := c.event(EvEnded)
	e.Reason = reason
	a.open = slices.DeleteFunc(a.open, func(q *conv) bool { return q == c })
	w.refresh(a)
	c.state, c.endedAt, c.endReason, c.agent = StateEnded, w.clock.Now(), reason, nil
	w.emit(e)
	w.retire(c)
	if reason != ReasonAgentClosed {
		w.notify(a, NotifyUserOffline, c)
	}
}

// Rate records the customer's rating of a chat a human served (R-KPI-1).
func (w *Workbench) Rate(convID string, r Rating) error {
	w.begin()
	defer w.settle()
	c, err := w.conv(convID)
	if err != nil {
		return err
	}
	if !slices.Contains(Ratings(), r) {
		return ruleErr(ErrInvalid, "R-KPI-1", "rating must be one of 非常满意, 满意, 一般, 不满意, 非常不满意, got %q", r)
	}
	if c.state != StateEnded || c.pickedAt.IsZero() || c.rating != "" {
		return ruleErr(ErrConflict, "R-KPI-1", "only an ended chat that an agent served can be rated, once")
	}
	c.rating = r
	e := c.event(EvRated)
	e.Rating = r
	if n := len(c.handledBy); n > 0 {
		e.Agent = c.handledBy[n-1]
	}
	w.emit(e)
	return nil
}

// startIdle arms R-IDLE-1: the customer owes a reply from now; warn at
// 4:00, end at 5:00 (D-IDLE-1).
func (w *Workbench) startIdle(c *conv) {
	c.idleArmed, c.idleWarned, c.idleStart = true, false, w.clock.Now()
	if !c.idlePending {
		w.idleAfter(c, IdleWarnAfter)
	}
}

func (w *Workbench) stopIdle(c *conv) { c.idleArmed = false }

// idleAfter schedules the chat's one idle timer: a typed timer on a clock
// that takes them (the simulator's), else a closure through the guard.
func (w *Workbench) idleAfter(c *conv, d time.Duration) {
	c.idlePending = true
	if s, ok := w.clock.(clock.Scheduler); ok && w.opts.Guard == nil {
		s.Schedule(d, c, c.gen)
		return
	}
	gen := c.gen
	w.clock.AfterFunc(d, func() {
		if w.opts.Guard != nil {
			w.opts.Guard(func() { c.Fire(gen) })
		} else {
			c.Fire(gen)
		}
	})
}

// Fire is the chat's idle timer. A timer of an idle period that has since
// been disarmed, or re-armed later, does nothing or waits on.
func (c *conv) Fire(gen int64) {
	if gen != c.gen {
		return // set by the chat this struct held before
	}
	w := c.w
	c.idlePending = false
	if !c.idleArmed || c.state != StateAssigned {
		return
	}
	due := c.idleStart.Add(IdleWarnAfter)
	if c.idleWarned {
		due = c.idleStart.Add(IdleEndAfter)
	}
	if now := w.clock.Now(); now.Before(due) {
		w.idleAfter(c, due.Sub(now))
		return
	}
	w.begin()
	if !c.idleWarned {
		c.idleWarned = true
		w.say(c, SenderSystem, nil, IdleWarningText)
		w.emit(c.event(EvIdleWarning))
		w.idleAfter(c, IdleEndAfter-IdleWarnAfter)
	} else {
		w.end(c, ReasonIdleTimeout)
	}
	w.settle()
}

// notify raises an agent notification if the agent's 消息提醒 settings allow
// one (R-NTF-1). Whether the browser shows it is the browser's permission.
func (w *Workbench) notify(a *account, kind string, c *conv) {
	if a == nil || (!a.desktop && !a.sound) {
		return
	}
	e := c.event(EvNotification)
	e.Agent, e.Reason, e.Desktop, e.Sound = a.login, kind, a.desktop, a.sound
	w.emit(e)
}

// Conversation returns a conversation for the customer side, who holds it by
// its entry token; it is not an access check.
func (w *Workbench) Conversation(id string) (ConvView, error) {
	c, err := w.conv(id)
	if err != nil {
		return ConvView{}, err
	}
	return c.view(), nil
}

// ConversationFor returns a conversation if viewer may read it: operations,
// the department's admin, or an agent of that department who handled it
// (R-KPI-2, R-TEN-1).
func (w *Workbench) ConversationFor(viewer, id string) (ConvView, error) {
	a, ok := w.accounts.Lookup(viewer)
	if !ok {
		return ConvView{}, ErrForbidden
	}
	c, err := w.conv(id)
	if err != nil {
		return ConvView{}, err
	}
	if err := canRead(a, c); err != nil {
		return ConvView{}, err
	}
	return c.view(), nil
}

func canRead(a *account, c *conv) error {
	if a.role == RoleOperations {
		// D-ACL-2: operations act for the vendor whose onboarding data
		// lists them.
		if a.group != c.group {
			return ruleErr(ErrForbidden, "R-KPI-2", "conversation %s belongs to another vendor", c.id)
		}
		return nil
	}
	if a.tenant != TenantXianyu {
		return ruleErr(ErrWrongTenant, "R-TEN-1", "tenant is %q, not %s", a.tenant, TenantXianyu)
	}
	if a.group != c.group {
		return ruleErr(ErrForbidden, "R-KPI-2", "conversation %s belongs to another department", c.id)
	}
	if a.role == RoleDeptAdmin || slices.Contains(c.handledBy, a.login) {
		return nil
	}
	return ruleErr(ErrForbidden, "", "conversation %s is not %s's", c.id, a.login)
}

// AgentConversations lists the agent's open chats in assignment order.
func (w *Workbench) AgentConversations(login string) ([]ConvView, error) {
	a, err := w.agent(login)
	if err != nil {
		return nil, err
	}
	out := make([]ConvView, 0, len(a.open))
	for _, c := range a.open {
		out = append(out, c.view())
	}
	return out, nil
}

// QueueLength is the number of chats waiting in a department's queue.
func (w *Workbench) QueueLength(department string) int {
	if g, ok := w.groups[department]; ok {
		return g.qlen
	}
	return 0
}
