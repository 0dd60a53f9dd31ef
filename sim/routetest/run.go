package routetest

import (
	"context"
	"errors"
	"fmt"
	"routecheck/sim/clock"
	"routecheck/sim/wire"
	"slices"
	"time"

	"github.com/brianvoe/gofakeit/v6"

	"routecheck/fixtures"
	"routecheck/reports"
	"routecheck/sim/actors"
	"routecheck/sim/invariant"
	wb "routecheck/sim/workbench"
)

// ErrInput is a problem with what the tester gave us (exit 2), as opposed
// to a failed check (exit 1) or a harness that could not run (exit 3).
var ErrInput = errors.New("bad input")

// The five steps, named as testers know them (SPEC.md step 5).
var stepNames = [5]struct{ name, rule string }{
	{"测试订单与测试账号 (test order & account)", "R-RT-1"},
	{"客服上线 (agent online)", "R-RT-2"},
	{"扫码进入小蜜 (QR entry)", "R-RT-3"},
	{"转人工 (transfer to human)", "R-RT-4"},
	{"客服回复 (agent reply)", "R-RT-5"},
}

type runner struct {
	opt    Options
	clock  clock.Clock // when rehearsed agents act (Options.Clock)
	cfg    wb.VendorConfig
	faker  *gofakeit.Faker
	ctx    context.Context
	rep    *reports.Run
	ops    *actors.Ops
	agents map[string]*agentActor
	// what the steps found, for the later ones
	customer actors.TestCustomer
	order    actors.TestOrder
	entryURL string
	chats    []*chat // the test conversations: by text, by quick phrase
	runConvs map[string]bool
}

type agentActor struct {
	*actors.Agent
	habit   fixtures.AgentHabit
	tenant  error // R-TEN-1 refusal seen at 马上上班
	fillers []string
}

type chat struct {
	title     string
	cust      *actors.Customer
	agent     *agentActor
	conv      actors.Conversation
	entered   time.Time
	requested time.Time
	// requestedWB is the workbench's clock at the transfer request, to
	// judge a refusal outside the work hours (D-RUN-8).
	requestedWB time.Time
	assignedAt  time.Time // on the harness clock: the pickup its reply is timed from
	// deferred is a test chat queued behind an earlier one because places
	// are short: it is picked up when that chat ends (step 5), from mark on.
	deferred bool
	mark     int
}

// Session is a route test in progress: Next runs one step at a time, so a
// Ginkgo Ordered container can give each step its own spec.
type Session struct {
	r      *runner
	failed bool // a step did not pass: the later ones are skipped
	broken bool // ... because the harness could not judge it
	done   int
}

// Start signs in as operations and prepares the five steps. The error is
// for a run that cannot happen at all: ErrInput, or the target unreachable.
func Start(ctx context.Context, opt Options) (*Session, error) {
	if opt.Vendor == nil {
		return nil, fmt.Errorf("%w: no vendor fixture", ErrInput)
	}
	r := &runner{opt: opt, clock: opt.clock(), cfg: opt.Vendor.Config, faker: gofakeit.New(opt.Seed), ctx: ctx,
		agents: map[string]*agentActor{}, runConvs: map[string]bool{}}
	opsAcc, ok := r.cfg.AccountWithRole(wb.RoleOperations)
	if !ok {
		return nil, fmt.Errorf("%w: %s: accounts: R-RT-1: the route test needs an account with role operations (CCO staff) to make the test order and account", ErrInput, opt.Vendor.File)
	}
	r.rep = &reports.Run{
		ID: fmt.Sprintf("%s-%d", r.cfg.ID, opt.Seed), Seed: opt.Seed, Vendor: r.cfg.Name,
		VendorFile: opt.Vendor.File, Target: opt.Target, TraceID: "rt-" + r.faker.LetterN(12),
		StartedAt: time.Now(),
	}
	r.stateTime()
	if err := identify(ctx, opt.Target); err != nil {
		return nil, err
	}
	r.ops = actors.NewOps(opt.Target, opsAcc.Login)
	if _, err := r.ops.SignIn(ctx, opsAcc.Password); err != nil {
		var api *actors.APIError
		if !errors.As(err, &api) {
			return nil, fmt.Errorf("workbench at %s unreachable: %w", opt.Target, err)
		}
		// Without operations no step can run, and nothing tells a workbench
		// of another vendor from a mistyped password: not the vendor's fault.
		return nil, fmt.Errorf("%w for this vendor: %s refused the operations account %s of %s (%v): point --target at this vendor's workbench, or ask CCO for the operations login",
			ErrNotWorkbench, opt.Target, opsAcc.Login, opt.Vendor.File, err)
	}
	if err := r.servesVendor(ctx); err != nil {
		return nil, err
	}
	return &Session{r: r}, nil
}

// Next runs the next step and returns it; false when all five have run. A
// step after a failed one is skipped: it would only repeat the failure.
func (s *Session) Next() (reports.Step, bool) {
	r := s.r
	steps := []func(*stepRec){r.step1, r.step2, r.step3, r.step4, r.step5}
	if s.done >= len(steps) {
		return reports.Step{}, false
	}
	i := s.done
	s.done++
	st := &stepRec{Step: reports.Step{Number: i + 1, Name: stepNames[i].name, Rule: stepNames[i].rule}}
	switch {
	case s.failed:
		st.Status = reports.StatusSkipped
		why := "an earlier step failed"
		if s.broken {
			why = "an earlier step could not be judged"
		}
		st.Checks = append(st.Checks, reports.Check{Name: "not run", Expected: "an earlier step to pass", Seen: why})
	default:
		// No budget for the whole step: each wait in it has its own
		// deadline (docs/decisions.md D-RUN-6).
		st.Started = time.Now()
		if r.opt.OnStepStart != nil {
			r.opt.OnStepStart(st.Step)
		}
		steps[i](st)
		st.Duration = time.Since(st.Started)
		st.judge(r.ctx)
		s.failed = st.Status != reports.StatusPassed
		s.broken = st.Status == reports.StatusError
	}
	r.rep.Steps = append(r.rep.Steps, st.Step)
	if r.opt.OnStep != nil {
		r.opt.OnStep(st.Step)
	}
	return st.Step, true
}

// Report is the run so far: its identity (seed, vendor, target, trace id)
// from Start on, the steps as they are judged.
func (s *Session) Report() *reports.Run { return s.r.rep }

// Finish runs any steps left, judges the run on the event log and closes
// every actor. Call it once.
func (s *Session) Finish() *reports.Run {
	for {
		if _, ok := s.Next(); !ok {
			break
		}
	}
	s.r.rep.Interrupted = s.r.ctx.Err() != nil
	s.r.finish()
	s.r.closeAll()
	s.r.rep.Duration = time.Since(s.r.rep.StartedAt)
	return s.r.rep
}

// AddBrowserChecks folds the browser checks (routecheck run --browser) into
// the finished run's verdict: a failed check fails the run; the event log
// is judged again, since the checks drove the workbench too; a run whose
// context ended meanwhile is interrupted, which says nothing of the
// vendor. An error is the harness's: the event log could not be read.
func (s *Session) AddBrowserChecks(ctx context.Context, checks []reports.BrowserCheck) error {
	rep := s.r.rep
	rep.Browser = checks
	for _, c := range checks {
		rep.Passed = rep.Passed && c.Status != reports.StatusFailed
	}
	if err := s.Recheck(ctx); err != nil && ctx.Err() == nil {
		return err
	}
	rep.Duration = time.Since(rep.StartedAt)
	if ctx.Err() != nil {
		rep.Interrupted, rep.Passed = true, false
	}
	return nil
}

// Recheck reads the whole event log again and re-judges the routing
// invariants, for checks that ran on the same workbench after Finish (the
// browser checks). Run-level KPIs stay those of the route test's chats.
func (s *Session) Recheck(ctx context.Context) error {
	r := s.r
	evs, err := r.ops.Events(ctx, 0)
	if err != nil {
		return err
	}
	r.rep.InvariantsChecked = len(evs)
	r.rep.Invariants = invariant.Check(evs)
	if len(r.rep.Invariants) > 0 {
		r.rep.Passed = false
	}
	return nil
}

// Run walks the five steps and returns the report.
func Run(ctx context.Context, opt Options) (*reports.Run, error) {
	s, err := Start(ctx, opt)
	if err != nil {
		return nil, err
	}
	return s.Finish(), nil
}

// habits are the agents the route test signs in and how they behave: the
// fixture's rehearsal, and every other chat-taker by default
// (fixtures.Vendor.Habits, which vet predicts from too).
func (r *runner) habits() []fixtures.AgentHabit { return r.opt.Vendor.Habits() }

func (r *runner) closeAll() {
	for _, c := range r.chats {
		if c.cust != nil {
			// Leaving ends the chat at once (D-WS-2); a closed socket alone
			// would leave it to the reconnect grace, queued or held, and a
			// workbench that lives on would hand it to the next run.
			_ = c.cust.Leave()
			c.cust.Close()
		}
	}
	// Agents sign off as a person would (离线), so a workbench that lives on
	// (--target, or browser checks after the steps) routes nothing to them.
	ctx, cancel := context.WithTimeout(context.Background(), r.grace())
	defer cancel()
	for _, login := range sortedLogins(r.agents) {
		a := r.agents[login]
		_, _ = a.SetStatus(ctx, string(wb.StatusOffline))
		a.Close()
	}
}

// stepRec collects one step's checks and, on the first failure, its
// diagnosis; a step stops at its first failed check.
type stepRec struct {
	reports.Step
	// about names the test chat (and its agent, once one took it) that the
	// checks being recorded are about, so a check made once per chat says
	// which chat and agent it saw; nil for checks of the whole step.
	about func() string
}

// named is a check's name with the chat and agent it is about.
func (s *stepRec) named(name string) string {
	if s.about == nil {
		return name
	}
	return name + " [" + s.about() + "]"
}

func (s *stepRec) ok(name, expected, seen string) {
	s.Checks = append(s.Checks, reports.Check{Name: s.named(name), Passed: true, Expected: expected, Seen: seen})
}

func (s *stepRec) fail(name, expected, seen, rule, fix string) {
	name = s.named(name)
	s.Checks = append(s.Checks, reports.Check{Name: name, Passed: false, Expected: expected, Seen: seen})
	if s.Diagnosis == nil {
		s.Diagnosis = &reports.Diagnosis{Rule: rule, Message: fmt.Sprintf("%s: expected %s, saw %s", name, expected, seen), Fix: fix}
	}
}

// failAs is fail with a known failure's rule and fix.
func (s *stepRec) failAs(name, expected, seen string, f Failure) {
	s.fail(name, expected, seen, f.Rule, f.Fix)
}

// failErrAs is failErr with a known failure's rule and fix.
func (s *stepRec) failErrAs(name, expected, seen string, err error, f Failure) {
	s.failErr(name, expected, seen, err, f.Rule, f.Fix)
}

// failErr is fail for a call that returned err. The workbench refusing
// (an API error) or not acting in time is the vendor's to fix; anything
// else (a refused connection, a socket the server dropped, a broken
// answer) is the harness losing the workbench, which is no vendor fault.
func (s *stepRec) failErr(name, expected, seen string, err error, rule, fix string) {
	var api *actors.APIError
	if errors.As(err, &api) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		s.fail(name, expected, seen+err.Error(), rule, fix)
		return
	}
	s.harness("%s: the harness lost the workbench: %v", name, err)
}

// harness records trouble of the harness's own; the first one wins.
func (s *stepRec) harness(format string, args ...any) {
	if s.Error == "" {
		s.Error = fmt.Sprintf(format, args...)
	}
}

// judge sets the step's status. Harness trouble and an interrupted run
// outrank any failed check: a wait cut short by them says nothing about
// the vendor, so their failed checks and diagnosis are dropped.
func (s *stepRec) judge(run context.Context) {
	if run.Err() != nil {
		// whatever the cut-short waits made of it
		s.Error = "interrupted (Ctrl-C or SIGTERM) during this step: no verdict"
	}
	switch {
	case s.Error != "":
		s.Status, s.Diagnosis = reports.StatusError, nil
		s.Checks = slices.DeleteFunc(s.Checks, func(c reports.Check) bool { return !c.Passed })
		s.Checks = append(s.Checks, reports.Check{Name: "harness", Expected: "the harness completes the step", Seen: s.Error})
	case s.Diagnosis != nil:
		s.Status = reports.StatusFailed
	default:
		s.Status = reports.StatusPassed
	}
}

func (s *stepRec) timing(name string, d time.Duration) {
	if s.Timings == nil {
		s.Timings = map[string]time.Duration{}
	}
	s.Timings[name] = d
}

// finish reads the event log over the wire: KPIs of this run's test
// traffic by the R-KPI-1 formulas, and the routing invariants.
func (r *runner) finish() {
	// An interrupted run still reads the log, briefly, for its report.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.ctx), r.grace())
	defer cancel()
	evs, err := r.ops.Events(ctx, 0)
	if err != nil {
		r.rep.Notes = append(r.rep.Notes, "event log unreadable: "+err.Error())
		r.rep.Passed = false
		return
	}
	r.rep.InvariantsChecked = len(evs)
	r.rep.Invariants = invariant.Check(evs)
	var mine []wb.Event
	for _, e := range evs {
		if r.runConvs[e.Conv] {
			mine = append(mine, e)
		}
	}
	r.rep.KPIs = wb.ComputeKPIs(mine, wb.KPIFilter{Traffic: wb.TrafficAll})
	passed := len(r.rep.Invariants) == 0 && !r.rep.Interrupted
	if !r.rep.Interrupted {
		// An interrupted run's KPIs are of chats cut short: not assessed.
		r.rep.Verdicts = wb.Assessed().Assess(r.rep.KPIs)
	}
	for _, s := range r.rep.Steps {
		passed = passed && s.Status == reports.StatusPassed
	}
	for _, v := range r.rep.Verdicts {
		// A KPI with nothing to measure is not a pass (D-KPI-1).
		passed = passed && v.Measured && v.Pass
	}
	r.blameFollowOns()
	r.rep.Passed = passed
	for _, c := range r.chats {
		if c.cust != nil {
			r.rep.Transcripts = append(r.rep.Transcripts, transcript(c))
		}
	}
}

func transcript(c *chat) reports.Transcript {
	t := reports.Transcript{Conv: c.conv.ID, Title: c.title}
	if c.conv.ID == "" {
		t.Conv = c.cust.Conv
	}
	for _, f := range c.cust.Frames() {
		if f.Type == wire.TypeMessage {
			t.Lines = append(t.Lines, reports.Line{At: f.Received, Sender: f.Sender, Text: f.Text})
		}
	}
	return t
}
