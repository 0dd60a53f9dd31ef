package workbench_test

import (
	"errors"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"routecheck/sim/clock"
	wb "routecheck/sim/workbench"
)

// Release forgets an ended chat and its anonymous customer; an open chat
// stays.
func TestReleaseEndedChat(t *testing.T) {
	c := clock.NewVirtual(monday10)
	w := wb.New(c, wb.Options{HashCost: bcrypt.MinCost})
	if _, err := w.AddVendor(testVendor("v1", "d1")); err != nil {
		t.Fatal(err)
	}
	open, err := w.Enter("v1", "", "")
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Release(open.ID); !errors.Is(err, wb.ErrConflict) {
		t.Fatalf("released an open chat: %v", err)
	}
	if err := w.CustomerLeave(open.ID); err != nil {
		t.Fatal(err)
	}
	if err := w.Release(open.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Conversation(open.ID); !errors.Is(err, wb.ErrNotFound) {
		t.Fatalf("released chat still readable: %v", err)
	}
	if _, err := w.Customer(open.Customer); !errors.Is(err, wb.ErrNotFound) {
		t.Fatalf("anonymous customer of a released chat kept: %v", err)
	}
}

// LogLimit keeps the newest events only; Events and FirstSeq agree.
func TestLogLimit(t *testing.T) {
	c := clock.NewVirtual(monday10)
	w := wb.New(c, wb.Options{HashCost: bcrypt.MinCost, LogLimit: 10})
	if _, err := w.AddVendor(testVendor("v1", "d1")); err != nil {
		t.Fatal(err)
	}
	for range 20 {
		v, _ := w.Enter("v1", "", "")
		_ = w.CustomerLeave(v.ID)
	}
	evs := w.Events(0)
	if len(evs) != 10 || evs[9].Seq != w.LastSeq() || evs[0].Seq != w.FirstSeq() {
		t.Fatalf("kept %d events, %d..%d; want the newest 10 ending at %d", len(evs), evs[0].Seq, evs[len(evs)-1].Seq, w.LastSeq())
	}
	if got := w.Events(w.LastSeq() - 3); len(got) != 3 {
		t.Fatalf("events after last-3: %d, want 3", len(got))
	}
}

// A reply of spaces or zero-width characters answers nobody: refused, and
// no first response (R-KPI-1).
func TestInvisibleReplyIsNoResponse(t *testing.T) {
	h := newHarness(t)
	if err := h.wb.SetStatus("v1-a1", wb.StatusOnline); err != nil {
		t.Fatal(err)
	}
	v, _ := h.wb.Enter("v1", "", "")
	if err := h.wb.CustomerSend(v.ID, wb.TransferText); err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{" ", "\u200b", "\u3000\t", "\ufeff\u200d", "\u3164"} {
		if err := h.wb.AgentSend("v1-a1", v.ID, text); !errors.Is(err, wb.ErrInvalid) {
			t.Errorf("R-KPI-1: reply %q: %v, want invalid", text, err)
		}
	}
	for _, e := range h.wb.Events(0) {
		if e.Type == wb.EvFirstResponse {
			t.Fatalf("R-KPI-1: an invisible reply counted as the first response")
		}
	}
	if err := h.wb.AgentSend("v1-a1", v.ID, " 好 "); err != nil {
		t.Fatalf("a visible reply was refused: %v", err)
	}
}
