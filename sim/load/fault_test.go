package load

import (
	"strings"
	"testing"
	"time"
)

func TestParseFaults(t *testing.T) {
	fs, err := ParseFaults("agent-drop:5%:40s, customer-reconnect:10%,slow-reader:1%,net-delay:50ms±20ms,net-reset:2%,shutdown:50%")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"agent-drop:5%:40s", "customer-reconnect:10%", "slow-reader:1%", "net-delay:50ms±20ms", "net-reset:2%", "shutdown:50%"}
	for i, f := range fs {
		if f.String() != want[i] {
			t.Errorf("fault %d = %s, want %s", i, f, want[i])
		}
	}
	if f, _ := ParseFaults("net-delay:30ms+-5ms"); f[0].(netDelay).jitter != 5*time.Millisecond {
		t.Errorf("+- jitter: %+v", f[0])
	}
	for _, bad := range []string{"agent-drop:5", "agent-drop:150%", "nope:1%", "net-delay:50ms±80ms", "net-reset:2%:3s", "agent-drop:1%,agent-drop:2%"} {
		if _, err := ParseFaults(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// Every registered fault parses the spelling its help shows and spells it
// back the same way: a fault's file is all it takes to add one.
func TestEveryRegisteredFaultParsesItsExample(t *testing.T) {
	if len(faultKinds) != 6 {
		t.Errorf("%d fault kinds registered, want 6", len(faultKinds))
	}
	for kind, ex := range faultExamples {
		spec, _, _ := strings.Cut(ex, " ")
		fs, err := ParseFaults(spec)
		if err != nil {
			t.Errorf("%s: its example %q: %v", kind, spec, err)
			continue
		}
		if fs[0].Kind() != kind || fs[0].String() != spec {
			t.Errorf("%s: %q reads back as %s %q", kind, spec, fs[0].Kind(), fs[0])
		}
		if !strings.Contains(faultHelp(), spec) {
			t.Errorf("help lacks %q", spec)
		}
	}
}
