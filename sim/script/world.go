package script

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/brianvoe/gofakeit/v6"

	"routecheck/fixtures"
	"routecheck/internal/zhfake"
	"routecheck/sim/actors"
	wb "routecheck/sim/workbench"
)

// live is a party while the script runs: its protocol client.
type live struct {
	*Party
	cust  *actors.Customer
	agent *actors.Agent
	ops   *actors.Ops
	in    bool     // signed in (accounts) or entered (customers)
	convs []string // a customer's chats, oldest first
	// cursor: a customer's or agent's `gets` asserts look at messages
	// after this event (each match moves it on), so they read in order.
	cursor int64
	// ncursor is the same for an agent's `notified` asserts.
	ncursor int64
}

// conv is a customer's current chat.
func (l *live) conv() string {
	if len(l.convs) == 0 {
		return ""
	}
	return l.convs[len(l.convs)-1]
}

// frames is everything the party's sockets received.
func (l *live) frames() []actors.Frame {
	switch {
	case l.cust != nil:
		return l.cust.Frames()
	case l.agent != nil:
		return l.agent.Frames()
	}
	return nil
}

// connected says whether the party's page (bot page or workbench) is
// open, so it can be shown what the workbench sends.
func (l *live) connected() bool {
	switch {
	case l.cust != nil:
		return l.cust.Connected()
	case l.agent != nil:
		return l.agent.Connected()
	}
	return false
}

// faker makes the test customers' orders, seeded (D-RUN-3).
type faker struct{ f *gofakeit.Faker }

func newFaker(seed int64) *faker { return &faker{gofakeit.New(seed)} }

// texts are the welcome and closing texts the script changed (R-WEL-1),
// so named texts follow them.
type texts struct {
	group    *[2]string
	personal map[string]*[2]string
}

func (r *runner) zone() *time.Location { return Zone(r.v) }

// Zone is the vendor's time zone: its work hours' (Asia/Shanghai when the
// fixture names none).
func Zone(v *fixtures.Vendor) *time.Location {
	if l := v.Config.WorkHours.Location; l != nil {
		return l
	}
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.UTC
	}
	return loc
}

// password of a fixture account.
func (r *runner) password(login string) string {
	a, _ := r.v.Config.Account(login)
	return a.Password
}

// signInHarness signs in the harness's own operations session: it makes
// test customers and reads the event log (over the wire, as operations).
func (r *runner) signInHarness() error {
	acc, ok := r.v.Config.AccountWithRole(wb.RoleOperations)
	if !ok {
		return invalidError{fmt.Sprintf("%s has no operations account: a script needs one to make test customers and read the event log", r.v.File)}
	}
	r.ops = actors.NewOps(r.opt.Target, acc.Login)
	if _, err := r.ops.SignIn(r.ctx, acc.Password); err != nil {
		return harnessError{fmt.Errorf("operations account %s: %w", acc.Login, err)}
	}
	if r.checked {
		return nil
	}
	// A workbench that does not serve the vendor fails every line for a
	// reason that is not the vendor's (D-RUN-7).
	var vs []struct {
		ID string `json:"id"`
	}
	if err := r.ops.API(r.ctx, http.MethodGet, "/api/vendors", nil, &vs); err != nil {
		return harnessError{fmt.Errorf("the vendor list (GET /api/vendors): %w", err)}
	}
	var ids []string
	for _, v := range vs {
		ids = append(ids, v.ID)
	}
	if !slices.Contains(ids, r.v.Config.ID) {
		return harnessError{fmt.Errorf("the workbench at %s serves %s, not %s (%s): start it with this fixture (routecheck serve --vendor %s)",
			r.opt.Target, strings.Join(ids, ", "), r.v.Config.ID, r.v.File, r.v.File)}
	}
	r.checked = true
	return nil
}

// ensure brings a party onto the workbench before its first action: a
// customer scans the QR code (R-RT-3), an agent logs in and opens the
// workbench (R-WB-1), operations log in.
func (r *runner) ensure(l *live) error {
	if l.in {
		return nil
	}
	switch {
	case l.Role == RoleCustomer:
		return r.enter(l)
	case l.Role == RoleOps:
		l.ops = actors.NewOps(r.opt.Target, l.Login)
		if _, err := l.ops.SignIn(r.ctx, r.password(l.Login)); err != nil {
			return r.refusal(err)
		}
	default:
		l.agent = actors.NewAgent(r.opt.Target, l.Login)
		if _, err := l.agent.SignIn(r.ctx, r.password(l.Login)); err != nil {
			return r.refusal(err)
		}
		if err := l.agent.Connect(r.ctx); err != nil {
			return r.refusal(err)
		}
	}
	l.in = true
	return nil
}

// enter: operations make a test customer and order, fetch the entry QR
// code and the customer decodes it, as a phone would (R-RT-1, R-RT-3); an
// anonymous customer gets a plain entry link (live traffic).
func (r *runner) enter(l *live) error {
	var url string
	if l.Anonymous {
		e, err := r.ops.Entry(r.ctx, r.v.Config.ID, "", "")
		if err != nil {
			return harnessError{fmt.Errorf("entry link: %w", err)}
		}
		url = e.URL
	} else {
		tc, err := r.ops.CreateTestCustomer(r.ctx, l.Name)
		if err != nil {
			return harnessError{fmt.Errorf("test customer %s: %w", l.Name, err)}
		}
		ord, err := r.ops.CreateTestOrder(r.ctx, tc.ID, zhfake.Item(r.fake.f))
		if err != nil {
			return harnessError{fmt.Errorf("test order of %s: %w", l.Name, err)}
		}
		png, err := r.ops.QRCode(r.ctx, r.v.Config.ID, tc.ID, ord.ID)
		if err != nil {
			return harnessError{fmt.Errorf("QR code of %s: %w", l.Name, err)}
		}
		if url, err = actors.DecodeQR(png); err != nil {
			return &failure{expected: "an entry QR code a phone reads (R-RT-3)", seen: err.Error()}
		}
	}
	c, err := actors.Enter(r.ctx, url)
	if err != nil {
		return r.refusal(err)
	}
	l.cust, l.in = c, true
	l.convs = append(l.convs, c.Conv)
	return r.refresh()
}

// withSession runs an HTTP call of an account party, signing in again
// when the session ended meanwhile (30 minutes unused on the workbench's
// clock, which a script's wait may pass).
func (r *runner) withSession(l *live, call func() error) error {
	err := call()
	var ae *actors.APIError
	if errors.As(err, &ae) && ae.Status == http.StatusUnauthorized && ae.Err == "no session" {
		switch {
		case l.agent != nil:
			_, err = l.agent.SignIn(r.ctx, r.password(l.Login))
		case l.ops != nil:
			_, err = l.ops.SignIn(r.ctx, r.password(l.Login))
		}
		if err != nil {
			return r.refusal(err)
		}
		err = call()
	}
	return err
}

// refusal sorts an error of an action: the workbench's answer (an HTTP
// error status, an error frame) is a refusal, anything else the harness's.
func (r *runner) refusal(err error) error {
	if err == nil {
		return nil
	}
	var ae *actors.APIError
	var fe *actors.FrameError
	if errors.As(err, &ae) && ae.Status < 500 || errors.As(err, &fe) {
		return refusedError{err}
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		if r.ctx.Err() != nil {
			return r.ctx.Err()
		}
		return harnessError{fmt.Errorf("no answer within %s: %w", r.opt.Timeout, err)}
	}
	return harnessError{err}
}

// refusedError is the workbench refusing an action.
type refusedError struct{ err error }

func (e refusedError) Error() string { return e.err.Error() }
func (e refusedError) Unwrap() error { return e.err }

// partyOf names the party behind a login or a chat, for transcripts.
func (r *runner) partyOfLogin(login string) string {
	for _, l := range r.parties {
		if l.Login == login {
			return l.Name
		}
	}
	return login
}

func (r *runner) partyOfConv(conv string) *live {
	for _, l := range r.parties {
		if slices.Contains(l.convs, conv) {
			return l
		}
	}
	return nil
}

// heldBy are the chats an agent holds now, by the event log.
func (r *runner) heldBy(login string) []string {
	var out []string
	for id, c := range r.log.chats {
		if c.state == string(wb.StateAssigned) && c.agent == login {
			out = append(out, id)
		}
	}
	sort.Slice(out, func(i, j int) bool { return r.log.chats[out[i]].lastSeq < r.log.chats[out[j]].lastSeq })
	return out
}

// leave ends the script as a route test ends (D-RUN-5): customers leave
// and close the page, agents go 离线 and close the workbench, so a
// workbench that lives on (--target) routes nothing to them.
func (r *runner) leave() {
	ctx, cancel := context.WithTimeout(context.Background(), r.opt.Timeout)
	defer cancel()
	for _, p := range r.s.Parties {
		l := r.parties[p]
		if l.cust != nil {
			if l.cust.Connected() {
				_ = l.cust.LeaveWait(ctx)
			}
			_ = l.cust.Close()
		}
	}
	for _, p := range r.s.Parties {
		l := r.parties[p]
		if l.agent != nil {
			_, _ = l.agent.SetStatus(ctx, string(wb.StatusOffline))
			_ = l.agent.Close()
		}
	}
}

func sortAgents(as []*agentView) {
	sort.Slice(as, func(i, j int) bool { return as[i].login < as[j].login })
}
