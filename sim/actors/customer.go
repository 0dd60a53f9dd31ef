package actors

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"routecheck/sim/wire"
)

// BotPage is the 小蜜 page as GET /api/bot carries it.
type BotPage struct {
	Vendor      string `json:"vendor"`
	Name        string `json:"name"`
	RobotName   string `json:"robot_name"`
	Greeting    string `json:"greeting"`
	CardButtons []struct {
		Label string `json:"label"`
		Kind  string `json:"kind"`
		Value string `json:"value"`
	} `json:"card_buttons"`
	FAQ []struct {
		Title     string `json:"title"`
		Questions []struct {
			Question string `json:"question"`
			Answer   string `json:"answer"`
		} `json:"questions"`
	} `json:"faq"`
	QuickPhrases []struct {
		Text     string `json:"text"`
		Transfer bool   `json:"transfer"`
	} `json:"quick_phrases"`
}

// Customer is a simulated buyer who scanned the QR code: the bot page, the
// customer socket, messages, the rating.
type Customer struct {
	c     *client
	Token string
	Conv  string
	Bot   BotPage
	sock  *socket
	query string // t= and v= of the entry URL
	key   string // the chat's resume key from hello
	rec   *record
}

// Enter follows an entry URL (/bot?t=TOKEN): it reads the bot page and
// opens the customer socket (R-RT-3). A refused token is an *APIError.
func Enter(ctx context.Context, entryURL string) (*Customer, error) {
	u, err := url.Parse(entryURL)
	if err != nil {
		return nil, fmt.Errorf("entry URL %q: %w", entryURL, err)
	}
	tok := u.Query().Get("t")
	if tok == "" {
		return nil, fmt.Errorf("entry URL %q carries no token (t=)", entryURL)
	}
	cu := &Customer{c: newClient(u.Scheme + "://" + u.Host), Token: tok, rec: newRecord()}
	q := "?" + u.RawQuery // t= and the vendor the URL names (v=)
	cu.query = q
	if err := cu.c.do(ctx, http.MethodGet, "/api/bot"+q, nil, &cu.Bot); err != nil {
		return nil, err
	}
	s, resp, err := dial(ctx, cu.c.wsURL("/ws/customer"+q), nil, cu.rec)
	if err != nil {
		if resp != nil && resp.StatusCode >= 300 {
			return nil, &APIError{Status: resp.StatusCode, Err: "refused", Message: readBody(resp)}
		}
		return nil, err
	}
	cu.sock = s
	if err := s.attach(); err != nil {
		return nil, err
	}
	hello, _, err := s.wait(ctx, 0, func(f Frame) bool { return f.Type == wire.TypeHello })
	if err != nil {
		return nil, err
	}
	cu.Conv, cu.key = hello.ConvID(), hello.Key
	if cu.Conv == "" {
		return nil, errors.New("hello frame carries no conversation")
	}
	return cu, nil
}

// Reconnect opens a new socket on the same chat and resumes it from the
// last cseq received: the missed frames follow the hello, then frames sent
// and not answered are sent again with their ids (protocol v2).
func (c *Customer) Reconnect(ctx context.Context) error {
	if c.sock != nil {
		c.sock.close()
	}
	q := c.query + "&" + url.Values{"conv": {c.Conv}, "key": {c.key}, "after": {strconv.FormatInt(c.rec.ob.Last(c.Conv), 10)}}.Encode()
	from := len(c.Frames())
	s, resp, err := dial(ctx, c.c.wsURL("/ws/customer"+q), nil, c.rec)
	if err != nil {
		if resp != nil && resp.StatusCode >= 300 {
			return &APIError{Status: resp.StatusCode, Err: "refused", Message: readBody(resp)}
		}
		return err
	}
	c.sock = s
	hello, _, err := s.wait(ctx, from, func(f Frame) bool { return f.Type == wire.TypeHello })
	if err != nil {
		return err
	}
	if id := hello.ConvID(); id != c.Conv {
		return fmt.Errorf("reconnect to %s got chat %s", c.Conv, id)
	}
	return s.attach()
}

// Drop cuts the customer's connection as a network failure would (no
// close frame); Reconnect resumes.
func (c *Customer) Drop() { c.sock.drop() }

// LastCSeq is the last chat sequence number the customer received.
func (c *Customer) LastCSeq() int64 { return c.rec.ob.Last(c.Conv) }

func readBody(resp *http.Response) string {
	defer resp.Body.Close()
	var b strings.Builder
	buf := make([]byte, 4096)
	n, _ := resp.Body.Read(buf)
	b.Write(buf[:n])
	return strings.TrimSpace(b.String())
}

// Say sends a chat message: to the bot, or to the agent once a human has it.
func (c *Customer) Say(text string) error {
	return c.sock.send(wire.ClientFrame{Type: wire.TypeSay, Text: text})
}

// Button taps a robot-card button.
func (c *Customer) Button(label string) error {
	return c.sock.send(wire.ClientFrame{Type: wire.TypeButton, Label: label})
}

// Rate rates the ended chat.
func (c *Customer) Rate(rating string) error {
	return c.sock.send(wire.ClientFrame{Type: wire.TypeRate, Rating: rating})
}

// Leave closes the bot page.
func (c *Customer) Leave() error {
	return c.sock.send(wire.ClientFrame{Type: wire.TypeLeave})
}

// Ping sends a ping frame and waits for its pong; it returns the round trip.
func (c *Customer) Ping(ctx context.Context) (time.Duration, error) { return c.sock.ping(ctx) }

// SendRaw writes bytes as they are, for bad-input checks.
func (c *Customer) SendRaw(data []byte) error { return c.sock.sendRaw(data) }

// WaitMessage waits for a chat message from sender matching, counting from
// the frame index from; it returns the frame and the index after it.
func (c *Customer) WaitMessage(ctx context.Context, from int, sender string, match func(string) bool) (Frame, int, error) {
	return c.sock.wait(ctx, from, func(f Frame) bool {
		return f.Type == wire.TypeMessage && f.Sender == sender && (match == nil || match(f.Text))
	})
}

// WaitState waits for the conversation to reach state.
func (c *Customer) WaitState(ctx context.Context, from int, state string) (Frame, int, error) {
	return c.sock.wait(ctx, from, func(f Frame) bool { return f.Type == wire.TypeState && f.State == state })
}

// WaitFrame waits for any frame matching from index from.
func (c *Customer) WaitFrame(ctx context.Context, from int, match func(Frame) bool) (Frame, int, error) {
	return c.sock.wait(ctx, from, match)
}

// Mark is the number of frames received so far: a starting point for the
// next wait that must not see older frames.
func (c *Customer) Mark() int { return c.sock.count() }

// Frames is everything the customer's socket received.
func (c *Customer) Frames() []Frame { return c.sock.Frames() }

// Close closes the customer's socket.
func (c *Customer) Close() error {
	if c.sock == nil {
		return nil
	}
	return c.sock.close()
}

// RedactEntryURL shortens the entry token in what reports show: the QR code
// is confidential (R-RT-3) and reports travel further than the tester.
func RedactEntryURL(entryURL string) string {
	u, err := url.Parse(entryURL)
	if err != nil {
		return "(unparseable entry URL)"
	}
	t := u.Query().Get("t")
	if len(t) <= 8 {
		return entryURL
	}
	return strings.Replace(entryURL, url.QueryEscape(t), t[:8]+"…", 1)
}
