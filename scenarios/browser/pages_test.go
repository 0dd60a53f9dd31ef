package browser_test

import (
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"routecheck/fixtures"
	"routecheck/reports"
	"routecheck/sim/actors"
	"routecheck/sim/routetest"
	"routecheck/sim/server"
)

// brokenWords lists the words of the check tables that a line break cuts
// ("chec k"): for every word of Latin letters (a token between spaces, not
// a piece of a URL or an id), a Range over it must lie on one line.
const brokenWords = `(() => {
	const out = [];
	for (const cell of document.querySelectorAll('table.checks th, table.checks td')) {
		const walk = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
		for (let n = walk.nextNode(); n; n = walk.nextNode()) {
			const re = /(?<=^|\s|\()[A-Za-z]{2,24}(?=$|[\s,.:;)])/g;
			let m;
			while ((m = re.exec(n.data))) {
				const r = document.createRange();
				r.setStart(n, m.index);
				r.setEnd(n, m.index + m[0].length);
				const tops = new Set(Array.from(r.getClientRects()).filter(x => x.width > 0).map(x => Math.round(x.top)));
				if (tops.size > 1) out.push(m[0]);
			}
		}
	}
	return out;
})()`

var _ = Describe("pages people open", Label("browser"), func() {
	It("report.html: no word of the check tables is cut by a line break, on a phone or a laptop", func(ctx SpecContext) {
		v := fixtures.Demo()
		b, err := routetest.Bundled(v, time.Hour)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(b.Close)
		opt := b.Options(v)
		opt.Seed, opt.Timeout = 4, 5*time.Second
		rep, err := routetest.Run(ctx, opt)
		Expect(err).NotTo(HaveOccurred())
		dir := GinkgoT().TempDir()
		Expect(reports.WriteAll(dir, rep)).To(Succeed())
		files := httptest.NewServer(http.FileServer(http.Dir(dir)))
		DeferCleanup(files.Close)
		for _, size := range [][2]int64{{390, 844}, {1280, 800}} {
			p, err := chromium.OpenPage(ctx, files.URL+"/"+filepath.Base(reports.HTMLFile), size[0], size[1])
			Expect(err).NotTo(HaveOccurred())
			Expect(p.WaitFor(`document.querySelectorAll('table.checks').length >= 5`, 10*time.Second)).To(Succeed())
			var cut []string
			Expect(p.Eval(brokenWords, &cut)).To(Succeed())
			p.Close()
			Expect(cut).To(BeEmpty(), "at %d px wide, these words are cut by a line break", size[0])
		}
	}, SpecTimeout(checkTimeout))

	It("D-QR-3: /qr shows operations a large QR code that reads as a working entry link, and fetches a new one before it expires", func(ctx SpecContext) {
		cfg := fixtures.Demo().Config
		// 4 s tokens: the page fetches the next code at half their life
		env := startWorkbenchWith(cfg, server.Options{TokenTTL: 4 * time.Second})
		acc, _ := cfg.AccountWithRole("operations")
		p, err := chromium.OpenPage(ctx, env.Base+"/login", 1280, 800)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(p.Close)
		var status int
		Expect(p.Eval(`(() => { const x = new XMLHttpRequest(); x.open('POST', '/api/login', false); x.setRequestHeader('Content-Type', 'application/json');
			x.send(JSON.stringify({login: `+jsQuote(acc.Login)+`, password: `+jsQuote(acc.Password)+`})); return x.status; })()`, &status)).To(Succeed())
		Expect(status).To(Equal(200))
		Expect(p.Navigate(env.Base + "/qr")).To(Succeed())
		Expect(p.WaitFor(`document.querySelector('[data-testid="qr-page"]').dataset.codes === '1'`, 10*time.Second)).To(Succeed())
		var shown struct {
			Natural, Width int
			Src, Expires   string
		}
		read := func() {
			Expect(p.Eval(`(() => { const i = document.querySelector('[data-testid="qr-img"]'); return {natural: i.naturalWidth, width: Math.round(i.getBoundingClientRect().width), src: i.src, expires: document.querySelector('[data-testid="qr-page"]').dataset.expires}; })()`, &shown)).To(Succeed())
		}
		read()
		Expect(shown.Width).To(BeNumerically(">=", 320), "the code is drawn at least 320 CSS px wide, to scan from a screen")
		Expect(shown.Natural).To(BeNumerically(">=", shown.Width*2/3), "the code is drawn from a large image, not blown up from a small one")
		png := dataPNG(shown.Src)
		link, err := actors.DecodeQR(png)
		Expect(err).NotTo(HaveOccurred())
		Expect(link).To(HavePrefix(env.Base + "/bot?"))
		first := shown.Expires

		// before the first code expires the page shows the next one
		Expect(p.WaitFor(`document.querySelector('[data-testid="qr-page"]').dataset.codes === '2'`, 6*time.Second)).To(Succeed())
		read()
		Expect(shown.Expires).NotTo(Equal(first))
		expires, err := time.Parse(time.RFC3339, first)
		Expect(err).NotTo(HaveOccurred())
		Expect(time.Now().Before(expires)).To(BeTrue(), "the new code came after the old one had expired")
		c, err := actors.Enter(ctx, mustDecode(dataPNG(shown.Src)))
		Expect(err).NotTo(HaveOccurred(), "the new code is a working entry link")
		c.Close()
	}, SpecTimeout(checkTimeout))
})

func jsQuote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

func mustDecode(png []byte) string {
	u, err := actors.DecodeQR(png)
	Expect(err).NotTo(HaveOccurred())
	return u
}

// dataPNG is the image of a data: URL.
func dataPNG(src string) []byte {
	_, b64, ok := strings.Cut(src, ";base64,")
	Expect(ok).To(BeTrue(), "the code is a data: URL, got %.40s", src)
	b, err := base64Decode(b64)
	Expect(err).NotTo(HaveOccurred())
	return b
}

func base64Decode(s string) ([]byte, error) { return base64.StdEncoding.DecodeString(s) }
