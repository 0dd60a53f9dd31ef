package main

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestErlangCommand(t *testing.T) {
	code, out, errs := runCLI(t, "erlang", "--per-hour", "300", "--service", "6m", "--patience", "2m", "--agents", "12", "--capacity", "3", "--json")
	if code != exitPass {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var got erlangOut
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if got.Result == nil || got.Result.Servers != 36 || got.Result.PickupRate <= 0.9 || got.Result.PickupRate >= 1 {
		t.Errorf("12 agents x 3 on 30 Erlangs: %+v", got.Result)
	}
	if got.FewestAgents < 10 || got.FewestAgents > 12 || got.AtFewest.PickupRate < 0.9 {
		t.Errorf("fewest agents for 90%%: %d (%+v)", got.FewestAgents, got.AtFewest)
	}
	code, out, _ = runCLI(t, "erlang", "--per-hour", "300")
	if code != exitPass || !strings.Contains(out, "fewest agents for pickup >= 90%") {
		t.Errorf("exit %d, text:\n%s", code, out)
	}
}

func TestErlangBadInput(t *testing.T) {
	for _, args := range [][]string{
		{"erlang"},
		{"erlang", "--per-hour", "300", "--capacity", "21"},
		{"erlang", "--per-hour", "300", "--patience", "0", "--agents", "5"}, // never settles
		{"erlang", "--per-hour", "x"},
	} {
		code, _, errs := runCLI(t, args...)
		if code != exitInput || strings.Count(strings.TrimSpace(errs), "\n") != 0 {
			t.Errorf("%v: exit %d, want 2 with one line, got %q", args, code, errs)
		}
	}
}
