package server_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	proto "routecheck/sim/wire"
)

// wireFrames are sim/wire's typed server frames by frame type: what the
// workbench may write under each.
var wireFrames = map[string][]any{
	proto.TypeMessage: {proto.Message{}}, proto.TypeState: {proto.State{}}, proto.TypeAssigned: {proto.Assigned{}},
	proto.TypeRequeued: {proto.Requeued{}}, proto.TypeEnded: {proto.Requeued{}}, proto.TypeRated: {proto.Rated{}},
	proto.TypeNotification: {proto.Notification{}}, proto.TypeCustomerLink: {proto.CustomerLink{}}, proto.TypeStatus: {proto.Status{}},
	proto.TypeHello: {proto.AgentHello{}, proto.CustomerHello{}}, proto.TypeHistory: {proto.History{}},
	proto.TypeAck: {proto.Answer{}}, proto.TypeError: {proto.Answer{}}, proto.TypePong: {proto.Answer{}},
}

func jsonKeys(v any) map[string]bool {
	keys := map[string]bool{}
	rt := reflect.TypeOf(v)
	for i := range rt.NumField() {
		k, _, _ := strings.Cut(rt.Field(i).Tag.Get("json"), ",")
		keys[k] = true
	}
	return keys
}

// wireMismatches holds the document's frame examples against sim/wire,
// the protocol's Go home: a client frame that wire.Decode refuses is
// answered by an error with the refusal's code, and one it takes is of a
// type some socket takes and has an id exactly when its type carries one; a server frame's type is one of wire's, with no
// key its typed frame lacks; and the fixed limits the document states are
// wire's.
func wireMismatches(exs []example, doc string) []string {
	var out []string
	for i, ex := range exs {
		f, _ := ex.frame.(map[string]any)
		if f == nil {
			continue
		}
		typ, _ := f["type"].(string)
		where := fmt.Sprintf("docs/protocol.md:%d", ex.line)
		switch ex.dir {
		case "→":
			// wire.Decode judges the example as the server does: one it
			// refuses is answered by an error with its code.
			data, _ := json.Marshal(f)
			_, err := proto.Decode(data)
			var fe *proto.FrameError
			if !errors.As(err, &fe) {
				if !proto.CustomerSends(typ) && !proto.AgentSends(typ) {
					out = append(out, fmt.Sprintf("%s: client frame type %q is taken by no socket in sim/wire", where, typ))
				}
				if _, hasID := f["id"]; hasID != proto.CarriesID(typ) {
					out = append(out, fmt.Sprintf("%s: the example's %q frame has an id: %v; sim/wire's CarriesID: %v", where, typ, hasID, proto.CarriesID(typ)))
				}
				continue
			}
			var next map[string]any
			if i+1 < len(exs) && exs[i+1].dir == "←" {
				next, _ = exs[i+1].frame.(map[string]any)
			}
			if next == nil || next["type"] != proto.TypeError || next["code"] != fe.Code {
				out = append(out, fmt.Sprintf("%s: sim/wire refuses this frame (%s), but the example does not answer with that error", where, fe))
			}
		case "←":
			types, ok := wireFrames[typ]
			if !ok {
				out = append(out, fmt.Sprintf("%s: server frame type %q has no typed frame in sim/wire", where, typ))
				continue
			}
			for k := range f {
				if k == "…" {
					continue
				}
				known := false
				for _, v := range types {
					known = known || jsonKeys(v)[k]
				}
				if !known {
					out = append(out, fmt.Sprintf("%s: %q frame shows %q, which sim/wire's typed frame lacks", where, typ, k))
				}
			}
		}
	}
	limits := []struct {
		re   string
		want int
		name string
	}{
		{`\| resume list \| (\d+) chats`, proto.MaxResume, "proto.MaxResume"},
		{`\| client ids \| \d+ per sender, each at most (\d+) bytes`, proto.MaxID, "proto.MaxID"},
		{`\| frame size \| (\d+) KiB`, proto.MaxFrame >> 10, "proto.MaxFrame (KiB)"},
		{`\| frame size \| \d+ KiB[^|]*; (\d+) MiB`, proto.HardFrame >> 20, "proto.HardFrame (MiB)"},
		{`^# routecheck wire protocol \(version (\d+)\)`, proto.Version, "proto.Version"},
	}
	for _, l := range limits {
		m := regexp.MustCompile(`(?m)` + l.re).FindStringSubmatch(doc)
		if m == nil {
			out = append(out, fmt.Sprintf("docs/protocol.md does not state %s (%s)", l.name, l.re))
			continue
		}
		if n, _ := strconv.Atoi(m[1]); n != l.want {
			out = append(out, fmt.Sprintf("docs/protocol.md says %d where %s is %d", n, l.name, l.want))
		}
	}
	return out
}
