package server_test

// capturePreflight makes the examples of "Preflight" in docs/protocol.md:
// an agent's page reports its browser, operations and a department admin
// read the roster, and the refusals. It runs after captureFrames, so
// demo-agent3 is under 淘宝BU (R-TEN-1).
func capturePreflight(d *docServer) {
	a1 := d.login("demo-agent1")
	a1.call("GET", "/api/preflight/me", "")
	a1.call("PUT", "/api/preflight", `{"user_agent":"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36","browser":"Google Chrome 131",`+
		`"checks":[{"id":"browser","status":"pass","reason":"","detail":"Google Chrome 131"},{"id":"permission","status":"pass","reason":"","detail":""},`+
		`{"id":"notification","status":"pass","reason":"","detail":""},{"id":"sound","status":"pending","reason":"","detail":""},{"id":"popup","status":"fail","reason":"blocked","detail":""}]}`)
	a1.call("PUT", "/api/preflight", `{"checks":[{"id":"tenant","status":"pass","reason":"","detail":""}]}`)
	a1.call("PUT", "/api/preflight", `{"checks":[{"id":"popup","status":"fail","reason":"denied","detail":""}]}`)
	a1.call("GET", "/api/preflight", "")
	ops := d.login("demo-ops")
	ops.call("GET", "/api/preflight?department=演示回收客服部", "")
	ops.call("PUT", "/api/preflight", `{"checks":[]}`)
	admin := d.login("demo-admin")
	admin.call("GET", "/api/preflight?department=其他部门", "")
}
