package workbench

import (
	"unicode"

	"golang.org/x/crypto/bcrypt"
)

// PasswordHash returns an account's bcrypt hash, so the owner can compare
// a password outside its lock (bcrypt is slow on purpose).
func (w *Workbench) PasswordHash(login string) ([]byte, bool) {
	a, ok := w.accounts.Lookup(login)
	if !ok {
		return nil, false
	}
	return a.hash, true
}

// dummyHash is a hash at the workbench's own cost, compared when a login
// does not exist so that both answers take the same time.
func (w *Workbench) dummyHash() []byte {
	if w.dummy == nil {
		cost := w.opts.HashCost
		if cost == 0 {
			cost = bcrypt.DefaultCost
		}
		cost = max(cost, bcrypt.MinCost)
		w.dummy, _ = bcrypt.GenerateFromPassword([]byte("no such login"), cost)
	}
	return w.dummy
}

// Release forgets an ended conversation: its messages and, for an anonymous
// live customer, the customer. The event log keeps what happened (within
// Options.LogLimit), so memory follows open chats, not total chats.
func (w *Workbench) Release(convID string) error {
	c, err := w.conv(convID)
	if err != nil {
		return err
	}
	if c.state != StateEnded {
		return ruleErr(ErrConflict, "", "conversation %s is still open", convID)
	}
	w.convs.Delete(convID)
	if !c.customer.Test {
		delete(w.customers, c.customer.ID)
	}
	// A released chat can no longer be rated: its figures are final.
	w.stream.Forget(convID)
	return nil
}

// visible reports whether text shows anything to a reader: not only
// spaces, zero-width or other format characters (R-KPI-1: such a reply
// would count as a first response without answering anyone).
func visible(text string) bool {
	for _, r := range text {
		// Printable ASCII and the CJK ideographs hold no space, control,
		// format or combining mark: spare the table lookups for them.
		if (r > ' ' && r < 0x7f) || (r >= 0x4e00 && r <= 0x9fff) {
			return true
		}
		if !unicode.IsSpace(r) && !unicode.In(r, unicode.Cf, unicode.Cc, unicode.Mn, unicode.Me) && r != '\u3164' && r != '\u115f' && r != '\u1160' && r != '\uffa0' {
			return true
		}
	}
	return false
}
