package server_test

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

// captureHTTP makes the HTTP examples of docs/protocol.md, in its order.
func captureHTTP(d *docServer) {
	anon := d.anon()
	// Errors
	anon.call("POST", "/api/login", `{"login":"demo-ops","password":"wrong"}`)
	anon.callWith("POST", "/api/login", `nope`, nil)
	anon.call("GET", "/api/me", "")

	// Accounts and settings
	a1 := d.login("demo-agent1")
	a2 := d.login("demo-agent2")
	a2.call("POST", "/api/logout", "")
	a2.call("GET", "/api/me", "")
	a2 = d.login("demo-agent2")
	ops := d.login("demo-ops")
	ops.call("GET", "/api/me", "")
	a3 := d.login("demo-agent3")
	a3.call("POST", "/api/status", `{"status":"小休"}`)
	a1.call("POST", "/api/status", `{"status":"忙碌"}`)
	a3.call("POST", "/api/tenant", `{"tenant":"淘宝BU"}`)
	a3.call("POST", "/api/status", `{"status":"在线"}`)
	ops.call("POST", "/api/status", `{"status":"在线"}`)
	a3.call("POST", "/api/tenant", `{"tenant":"京东BU"}`)
	a3.call("POST", "/api/tenant", `{"tenant":"闲鱼BU"}`)
	a1.call("PUT", "/api/notify", `{"desktop":true,"sound":false}`)
	a1.call("PUT", "/api/notify", `{"sound":true}`)
	a1.call("PUT", "/api/welcome", `{"welcome":"您好，我是小王","closing":"小王祝您生活愉快"}`)
	admin := d.login("demo-admin")
	admin.call("PUT", "/api/departments/演示回收客服部/welcome", `{"welcome":"您好，欢迎咨询闲鱼回收，我是您的专属客服，请问有什么可以帮您？","closing":"感谢您咨询闲鱼回收，祝您生活愉快，再见！"}`)
	a1.call("PUT", "/api/departments/演示回收客服部/welcome", `{"welcome":"x","closing":"y"}`)
	admin.call("GET", "/api/departments/演示回收客服部/welcome", "")
	admin.call("PUT", "/api/departments/演示回收客服部/welcome", `{"closing":"感谢您咨询闲鱼回收，祝您生活愉快，再见！"}`)
	a1.call("GET", "/api/departments/演示回收客服部/welcome", "")
	ops.call("PUT", "/api/agents/demo-agent1/capacity", `{"capacity":4}`)
	ops.call("PUT", "/api/agents/demo-agent1/capacity", `{"capacity":8}`)
	ops.call("PUT", "/api/agents/demo-agent1/capacity", `{"capacity":21}`)
	a1.call("PUT", "/api/agents/demo-agent1/capacity", `{"capacity":5}`)
	ops.call("PUT", "/api/agents/demo-agent1/capacity", `{"capacity":3}`)
	ops.call("GET", "/api/departments/演示回收客服部/agents", "")
	a1.call("GET", "/api/departments/nope/agents", "")
	ops.call("GET", "/api/departments/nope/agents", "")

	// Quick replies
	a1.call("GET", "/api/quick-replies", "")
	a1.call("POST", "/api/quick-replies", `{"text":"您好，请提供订单号"}`)
	a1.call("POST", "/api/quick-replies", `{"text":"您好，请提供订单号"}`)
	a1.call("POST", "/api/quick-replies/import", `{"texts":["请稍等，正在为您查询","回收款24小时内到账"]}`)
	a1.callWith("POST", "/api/quick-replies/import", "感谢您的耐心等待\n请稍等，正在为您查询\n", http.Header{"Content-Type": {"text/plain"}})
	a1.call("GET", "/api/quick-replies", "")
	a1.call("DELETE", "/api/quick-replies/qr4", "")
	a1.call("DELETE", "/api/quick-replies/qr4", "")

	// Route test set-up, entry and bot page
	ops.call("POST", "/api/test-customers", `{"name":"测试买家A"}`)
	a1.call("POST", "/api/test-customers", `{"name":"x"}`)
	ops.call("POST", "/api/test-orders", `{"customer":"u1","item":"iPhone 13 128G"}`)
	ops.call("POST", "/api/test-orders", `{"customer":"u9","item":"x"}`)
	q := d.entry(ops, `{"vendor":"demo-recycle","customer":"u1","order":"TEST-1"}`)
	ops.call("POST", "/api/entry", `{"vendor":"nope"}`)
	ops.call("POST", "/api/entry", `{"vendor":"demo-recycle","customer":"u1","order":"TEST-9"}`)
	a1.call("POST", "/api/entry", `{"vendor":"demo-recycle"}`)
	ops.call("GET", "/api/qr.png?vendor=demo-recycle&customer=u1&order=TEST-1", "")
	anon.call("GET", "/api/qr.png?vendor=demo-recycle&customer=u1&order=TEST-1", "")
	ops.call("GET", "/api/qr.png?vendor=x", "")
	anon.call("GET", "/api/bot"+q, "")
	// Entry token refusals (expired: on the limits server)
	anon.call("GET", "/api/bot"+strings.Replace(q, "&v=", "x&v=", 1), "")
	anon.call("GET", "/api/bot"+strings.Replace(q, "v=demo-recycle", "v=other-vendor", 1), "")

	// Socket handshakes
	d.dial(nil, "no cookie", "/ws/agent")
	d.dial(ops, "demo-ops", "/ws/agent")
	d.dial(nil, "customer", "/ws/customer"+strings.Replace(q, "&v=", "x&v=", 1))
	anon.call("GET", "/ws/agent", "")

	// Web security
	a1.callWith("POST", "/api/status", `{"status":"小休"}`, http.Header{"Origin": {"http://evil.example"}})
	a1.callWith("POST", "/api/status", `{"status":"小休"}`, http.Header{"Content-Type": {"text/plain"}})
	anon.call("GET", "/healthz", "")
	anon.call("GET", "/", "")
	anon.call("GET", "/login", "")
	ops.call("GET", "/api/vendors", "")
	a1.call("GET", "/api/vendors", "")
}

// captureFrames makes the socket examples: the route test's chat (c1),
// frame errors, grace and resume, status changes and timeouts.
func captureFrames(d *docServer) {
	ops := d.login("demo-ops")
	admin := d.login("demo-admin")
	a1 := d.login("demo-agent1")
	a2 := d.login("demo-agent2")
	q := d.entry(ops, `{"vendor":"demo-recycle","customer":"u1","order":"TEST-1"}`)

	// Agent socket: hello, ping, going 在线.
	ag := d.dial(a1, "demo-agent1", "/ws/agent")
	ag.wait(0, "type", "hello")
	ag.send(`{"type":"ping","seq":1}`)
	ag.wait(0, "type", "pong")
	ag.send(`{"type":"status","seq":2,"id":"a1-1","status":"在线"}`)
	ag.wait(0, "type", "ack", "id", "a1-1")

	// The customer's chat c1 (the entry token's customer u1).
	cu := d.dial(nil, "customer u1", "/ws/customer"+q)
	hello := cu.wait(0, "type", "hello")
	conv := str(hello, "conv")
	cu.send(`{"type":"ping","seq":1}`)
	cu.wait(0, "type", "pong")
	cu.send(`{"type":"say","seq":2,"id":"u1-1","text":"回收款什么时候到账？"}`)
	cu.wait(0, "type", "ack", "id", "u1-1")
	cu.send(`{"type":"button","seq":3,"id":"u1-2","label":"回收客服热线"}`)
	cu.wait(0, "type", "ack", "id", "u1-2")
	cu.send(`{"type":"button","seq":4,"id":"u1-3","label":"没有这个按钮"}`)
	cu.wait(0, "type", "error", "id", "u1-3")
	cu.send(`{"type":"rate","seq":5,"id":"u1-4","rating":"非常满意"}`)
	cu.wait(0, "type", "error", "id", "u1-4")
	cu.send(`{"type":"say","seq":6,"id":"u1-5","text":"转人工"}`)
	cu.wait(0, "type", "ack", "id", "u1-5")
	ag.wait(0, "type", "assigned")
	ag.wait(0, "type", "notification", "kind", "user_online")
	a1.call("GET", "/api/conversations", "")
	cu.send(`{"type":"say","seq":7,"id":"u1-6","text":"你好，我的回收款还没到账"}`)
	ag.wait(0, "type", "notification", "kind", "new_message")
	ag.send(fmt.Sprintf(`{"type":"send","seq":3,"id":"a1-2","conv":%q,"text":"您好，请提供订单号，我帮您查询"}`, conv))
	ag.wait(0, "type", "ack", "id", "a1-2")
	cu.wait(0, "type", "message", "sender", "agent")
	// A resend after a lost answer: not applied again.
	ag.send(fmt.Sprintf(`{"type":"send","seq":4,"id":"a1-2","conv":%q,"text":"您好，请提供订单号，我帮您查询"}`, conv))
	ag.wait(0, "type", "ack", "id", "a1-2", "duplicate", "true")
	ag.send(fmt.Sprintf(`{"type":"send","seq":5,"id":"a1-3","conv":%q,"text":"\u200b"}`, conv))
	ag.wait(0, "type", "error", "id", "a1-3")
	ag.send(fmt.Sprintf(`{"type":"close","seq":6,"id":"a1-4","conv":%q}`, conv))
	ag.wait(0, "type", "ended")
	ag.wait(0, "type", "ack", "id", "a1-4")
	cu.wait(0, "type", "state", "state", "ended")
	ag.send(fmt.Sprintf(`{"type":"send","seq":7,"id":"a1-5","conv":%q,"text":"还有其他问题吗"}`, conv))
	ag.wait(0, "type", "error", "id", "a1-5")
	cu.send(`{"type":"rate","seq":8,"id":"u1-7","rating":"非常满意"}`)
	cu.wait(0, "type", "rated")
	cu.send(`{"type":"say","seq":9,"id":"u1-8","text":"还在吗"}`)
	cu.wait(0, "type", "error", "id", "u1-8")
	a1.call("GET", "/api/conversations", "")
	admin.call("GET", "/api/conversations/"+conv, "")
	a2.call("GET", "/api/conversations/"+conv, "")
	ops.call("GET", "/api/conversations/c99", "")

	// Frame errors on the agent socket (last accepted seq 7).
	ag.send(`{"type":"ping","seq":7}`)
	ag.wait(0, "code", "stale_seq")
	ag.send(`{"type":"ping"`)
	ag.wait(0, "code", "malformed")
	ag.send(`{"type":"dance","seq":10}`)
	ag.wait(0, "ref", "10")
	ag.send(`{"type":"say","seq":11,"id":"a1-6","text":"hi"}`)
	ag.wait(0, "ref", "11")
	ag.send(`{"type":"send","seq":12,"id":"a1-7","conv":"c1"}`)
	ag.wait(0, "ref", "12")
	ag.send(`{"seq":13}`)
	ag.wait(0, "ref", "13")
	ag.send(`{"type":"ping"}`)
	ag.wait(0, "message", "frame needs seq, a positive number increasing per connection")
	ag.send(`{"type":"send","seq":14,"conv":"c1","text":"x"}`)
	ag.wait(0, "ref", "14")
	ag.send(`{"type":"send","seq":15,"id":"` + strings.Repeat("x", 65) + `","conv":"c1","text":"x"}`)
	ag.wait(0, "ref", "15")
	ag.send(`{"type":"send","seq":16,"id":"a1-8","conv":"c999","text":"x"}`)
	ag.wait(0, "ref", "16")
	ag.send(`{"type":"status","seq":17,"id":"a1-9","status":"忙碌"}`)
	ag.wait(0, "ref", "17")
	ag.send(`{"type":"send","seq":18,"id":"\ud800","conv":"c1","text":"x"}`)
	ag.wait(0, "code", "invalid", "ref", "18")
	ag.send(`{"type":"ping","seq":18,"pad":"` + strings.Repeat("x", 70000) + `"}`)
	ag.wait(0, "code", "too_large")

	// The customer's page drops during a chat (c2): grace, resume, and
	// the end of the grace.
	c2 := d.dial(nil, "customer 2", "/ws/customer"+d.entry(ops, `{"vendor":"demo-recycle"}`))
	h2 := c2.wait(0, "type", "hello")
	id2, key2 := str(h2, "conv"), str(h2, "key")
	c2.send(`{"type":"say","seq":1,"id":"c2-1","text":"转人工"}`)
	ag.wait(0, "type", "notification", "conv", id2, "kind", "user_online")
	m := ag.mark()
	c2.wait(0, "type", "ack", "id", "c2-1")
	seen := c2.lastCSeq(id2)
	c2.ws.Close()
	ag.wait(m, "type", "customer_link", "state", "down")
	ag.send(fmt.Sprintf(`{"type":"send","seq":19,"id":"a1-10","conv":%q,"text":"您好，还在吗？"}`, id2))
	ag.wait(m, "type", "ack", "id", "a1-10")
	ag.send(`{"type":"sync","seq":20}`)
	ag.wait(m, "type", "hello")
	d.advance(10 * time.Second)
	anonQ := d.entry(ops, `{"vendor":"demo-recycle"}`)
	c2b := d.dial(nil, "customer 2 again", fmt.Sprintf("/ws/customer%s&conv=%s&key=%s&after=%d", anonQ, id2, key2, seen))
	c2b.wait(0, "type", "message", "sender", "agent")
	ag.wait(m, "type", "customer_link", "state", "up")
	m = ag.mark()
	c2b.ws.Close()
	ag.wait(m, "type", "customer_link", "state", "down")
	d.advance(31 * time.Second)
	ag.wait(m, "type", "ended", "conv", id2)
	ag.wait(m, "type", "notification", "kind", "user_offline")

	// The agent hello while a customer is in the grace, and agent resume.
	c3 := d.dial(nil, "customer 3", "/ws/customer"+d.entry(ops, `{"vendor":"demo-recycle"}`))
	h3 := c3.wait(0, "type", "hello")
	id3 := str(h3, "conv")
	c3.send(`{"type":"say","seq":1,"id":"c3-1","text":"转人工"}`)
	c3.wait(0, "type", "state", "state", "assigned")
	m = ag.mark()
	ag.send(`{"type":"sync","seq":21}`)
	ag.wait(m, "type", "hello")
	agSeen := ag.lastCSeq(id3)
	ag.ws.Close()
	c3.send(`{"type":"say","seq":2,"id":"c3-2","text":"人呢？"}`)
	c3.wait(0, "type", "ack", "id", "c3-2")
	a1.call("GET", "/api/me", "")
	ag = d.dial(a1, "demo-agent1 again", fmt.Sprintf("/ws/agent?resume=%s:%d", id3, agSeen))
	ag.wait(0, "type", "message", "text", "人呢？")
	a1.call("GET", "/api/conversations/"+id3, "")

	// Status changes and re-queueing.
	a1.call("POST", "/api/status", `{"status":"小休"}`)
	ag.wait(0, "type", "status")
	m = ag.mark()
	ag.send(`{"type":"status","seq":1,"id":"a1-11","status":"离线"}`)
	ag.wait(m, "type", "requeued")
	c3.wait(0, "type", "state", "reason", "agent_offline")
	ag.send(`{"type":"status","seq":2,"id":"a1-12","status":"在线"}`)
	ag.wait(m, "type", "assigned")
	ag.wait(m, "type", "notification", "kind", "user_online")
	c3.wait(0, "type", "state", "reason", "reassigned")

	// Closing the workbench: the agent's grace (D-WS-1).
	timers := d.clock.Pending()
	ag.ws.Close()
	d.waitTimer(timers) // the server saw the close and started the grace
	a1.call("GET", "/api/me", "")
	d.advance(29 * time.Second)
	a1.call("GET", "/api/me", "")
	d.advance(2 * time.Second)
	c3.wait(0, "type", "state", "state", "queued", "reason", "agent_offline")
	a1.call("GET", "/api/me", "")

	// Nobody 在线, leave.
	c4 := d.dial(nil, "customer 4", "/ws/customer"+d.entry(ops, `{"vendor":"demo-recycle"}`))
	c4.wait(0, "type", "hello")
	c4.send(`{"type":"say","seq":1,"id":"c4-1","text":"转人工"}`)
	c4.wait(0, "type", "state", "reason", "nobody_online")
	c4.send(`{"type":"leave","seq":2,"id":"c4-2"}`)
	c4.wait(0, "type", "state", "state", "ended")

	// A second socket on c3 (another tab of the same customer and token),
	// a resume that names a chat without its key, and a resume with it.
	c3.send(`{"type":"leave","seq":3,"id":"c3-3"}`)
	c3.wait(0, "type", "state", "state", "ended")

	// Idle timeout (R-IDLE-1) of a chat with demo-agent2.
	ag2 := d.dial(a2, "demo-agent2", "/ws/agent")
	ag2.wait(0, "type", "hello")
	ag2.send(`{"type":"status","seq":1,"id":"a2-1","status":"在线"}`)
	ag2.wait(0, "type", "ack")
	c5 := d.dial(nil, "customer 5", "/ws/customer"+q)
	h5 := c5.wait(0, "type", "hello")
	id5 := str(h5, "conv")
	c5b := d.dial(nil, "customer 5, second tab", "/ws/customer"+q+"&conv="+id5)
	c5b.wait(0, "type", "hello")
	other := d.dial(nil, "another customer", "/ws/customer"+d.entry(ops, `{"vendor":"demo-recycle"}`)+"&conv="+id5+"&after=0")
	other.wait(0, "type", "hello")
	c5.send(`{"type":"say","seq":1,"id":"c5-1","text":"转人工"}`)
	ag2.wait(0, "type", "assigned")
	ag2.send(fmt.Sprintf(`{"type":"send","seq":2,"id":"a2-2","conv":%q,"text":"请问有什么可以帮您？"}`, id5))
	ag2.wait(0, "type", "ack", "id", "a2-2")
	d.advance(4 * time.Minute)
	c5.wait(0, "type", "message", "sender", "system", "text", "由于您长时间未响应客服消息,系统将在60秒后自动结束会话,如需继续咨询请向客服提问")
	d.advance(time.Minute)
	c5.wait(0, "type", "state", "reason", "idle_timeout")
	ag2.wait(0, "type", "ended", "reason", "idle_timeout")

	// Tenant and capacity changes reach the agent's socket.
	a3 := d.login("demo-agent3")
	ag3 := d.dial(a3, "demo-agent3", "/ws/agent")
	ag3.wait(0, "type", "hello")
	a3.call("POST", "/api/tenant", `{"tenant":"淘宝BU"}`)
	ag3.wait(0, "type", "status")
	m = ag3.mark()
	ag3.send(`{"type":"status","seq":1,"id":"a3-1","status":"在线"}`)
	ag3.wait(0, "type", "error")
	a3.call("GET", "/api/conversations/"+conv, "")
	ops.call("PUT", "/api/agents/demo-agent3/capacity", `{"capacity":4}`)
	ag3.wait(m, "type", "status")
	ag3.send(`{"type":"ping","seq":2,"pad":"` + strings.Repeat("x", 1100000) + `"}`)
	ag3.waitClosed()

	// Service Insight and the event log, now that there are chats.
	admin.call("GET", "/api/insight?department=演示回收客服部", "")
	ops.call("GET", "/api/insight?department=演示回收客服部&from=2026-11-27T00:00:00%2B08:00&to=2026-11-28T00:00:00%2B08:00", "")
	ops.call("GET", "/api/insight?department=演示回收客服部&from=yesterday", "")
	a1.call("GET", "/api/insight?department=演示回收客服部", "")
	ops.call("GET", "/api/events?after=84", "")
	a1.call("GET", "/api/events", "")
}

// captureLimits makes the examples of "Limits" on a server with small
// limits, and the expired entry token (TokenTTL 1 s).
func captureLimits(d *docServer) {
	ops := d.login("demo-ops")
	a1 := d.login("demo-agent1")
	anon := d.anon()
	q := d.entry(ops, `{"vendor":"demo-recycle"}`)
	d.advance(3 * time.Second)
	anon.call("GET", "/api/bot"+q, "")

	// sockets per agent
	ag := d.dial(a1, "demo-agent1", "/ws/agent")
	ag.wait(0, "type", "hello")
	d.dial(a1, "demo-agent1, second socket", "/ws/agent")
	ag.send(`{"type":"status","seq":1,"id":"l-1","status":"在线"}`)
	// frames per second per socket (burst 4)
	ag.send(`{"type":"ping","seq":2}`)
	ag.send(`{"type":"ping","seq":3}`)
	ag.send(`{"type":"ping","seq":4}`)
	ag.send(`{"type":"ping","seq":5}`)
	ag.wait(0, "code", "limit")

	q = d.entry(ops, `{"vendor":"demo-recycle"}`)
	cu := d.dial(nil, "customer", "/ws/customer"+q)
	h := cu.wait(0, "type", "hello")
	id, key := str(h, "conv"), str(h, "key")
	// text and messages per chat: the greeting, 你好 and the bot's answer
	// are 3 messages of 83 characters; 好 and its answer make 5
	cu.send(`{"type":"say","seq":1,"id":"l-2","text":"你好"}`)
	cu.send(`{"type":"say","seq":2,"id":"l-3","text":"一二三四五六七八九十"}`)
	cu.wait(0, "type", "error", "id", "l-3")
	cu.send(`{"type":"say","seq":3,"id":"l-4","text":"好"}`)
	cu.wait(0, "type", "ack", "id", "l-4")
	cu.send(`{"type":"button","seq":4,"id":"l-5","label":"回收客服热线"}`)
	cu.wait(0, "type", "error", "id", "l-5")
	// sockets per chat, chats per entry token
	d.dial(nil, "customer, second socket", fmt.Sprintf("/ws/customer%s&conv=%s&key=%s", q, id, key))
	c2 := d.dial(nil, "second chat of the token", "/ws/customer"+q)
	c2.wait(0, "type", "hello")
	d.dial(nil, "third chat of the token", "/ws/customer"+q)
	// login failures per login
	for range 3 {
		anon.call("POST", "/api/login", `{"login":"demo-agent2","password":"wrong"}`)
	}
	// logins per address: 2 failures above, 10 more; then a login new to
	// the address is refused, one that worked from it before is not
	for i := range 10 {
		anon.call("POST", "/api/login", fmt.Sprintf(`{"login":"nobody%d","password":"wrong"}`, i+1))
	}
	anon.call("POST", "/api/login", `{"login":"demo-admin","password":"demo-admin-pass"}`)
	anon.call("POST", "/api/login", `{"login":"demo-agent1","password":"demo-agent1-pass"}`)
	// event history
	ops.call("GET", "/api/events?after=0", "")
}

// capturePaging makes the examples of paged history on a server whose
// snapshots carry at most 300 bytes of text.
func capturePaging(d *docServer) {
	ops := d.login("demo-ops")
	a1 := d.login("demo-agent1")
	ag := d.dial(a1, "demo-agent1", "/ws/agent")
	ag.wait(0, "type", "hello")
	q := d.entry(ops, `{"vendor":"demo-recycle"}`)
	cu := d.dial(nil, "customer", "/ws/customer"+q)
	h := cu.wait(0, "type", "hello")
	id, key := str(h, "conv"), str(h, "key")
	for i, text := range []string{"回收款什么时候到账？", "闲鱼回收怎么下单？", "回收款什么时候到账？"} {
		cu.send(fmt.Sprintf(`{"type":"say","seq":%d,"id":"p-%d","text":%q}`, i+1, i+1, text))
		cu.wait(0, "type", "ack", "id", fmt.Sprintf("p-%d", i+1))
	}
	tab := d.dial(nil, "customer, second tab", fmt.Sprintf("/ws/customer%s&conv=%s&key=%s", q, id, key))
	h = tab.wait(0, "type", "hello")
	first := h["messages"].([]any)[0].(map[string]any)["seq"]
	tab.send(fmt.Sprintf(`{"type":"history","seq":1,"before":%v}`, first))
	tab.wait(0, "type", "history", "ref", "1")
	ag.send(`{"type":"status","seq":1,"id":"p-a1","status":"在线"}`)
	ag.wait(0, "type", "ack", "id", "p-a1")
	cu.send(`{"type":"say","seq":4,"id":"p-4","text":"转人工"}`)
	as := ag.wait(0, "type", "assigned")
	first = as["conv"].(map[string]any)["messages"].([]any)[0].(map[string]any)["seq"]
	ag.send(fmt.Sprintf(`{"type":"history","seq":2,"conv":%q,"before":%v}`, id, first))
	ag.wait(0, "type", "history", "ref", "2")
	ops.call("GET", "/api/conversations/"+id+"?before=3", "")
	a1.call("GET", "/api/conversations", "")

	// Text that is not UTF-8 closes the socket (1007); a logout closes the
	// session's sockets (4401).
	tab.sendBytes([]byte("{\"type\":\"ping\",\"seq\":2,\"x\":\"\xff\"}"))
	tab.waitClosed()
	a1.call("POST", "/api/logout", "")
	ag.waitClosed()
}
