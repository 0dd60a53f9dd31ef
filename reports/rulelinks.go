package reports

import (
	"bytes"
	"fmt"
	"html"
	"strings"

	xhtml "golang.org/x/net/html"

	"routecheck/docs"
)

// LinkRules links every rule ID in the text of an HTML page (R-CAP-1,
// D-OUT-1) to its text, which it appends to the page as a section "Rules
// cited" (docs/rules.md and docs/decisions.md, the text `routecheck rules ID` prints), so a
// self-contained report explains every rule it cites. Markup, attributes,
// styles, titles and text already inside a link are left as they are; an
// ID without a text stays plain.
func LinkRules(page []byte) []byte {
	var out bytes.Buffer
	var cited []docs.Rule
	seen := map[string]bool{}
	z := xhtml.NewTokenizer(bytes.NewReader(page))
	inLink, raw := 0, 0 // depth of <a>, and of elements whose text is not prose
	for {
		tt := z.Next()
		if tt == xhtml.ErrorToken {
			break
		}
		tok := z.Raw()
		switch tt {
		case xhtml.StartTagToken, xhtml.EndTagToken:
			name, _ := z.TagName()
			d := 1
			if tt == xhtml.EndTagToken {
				d = -1
			}
			switch string(name) {
			case "a":
				inLink += d
			case "style", "script", "title", "textarea":
				raw += d
			case "main", "body":
				if tt == xhtml.EndTagToken && len(cited) > 0 {
					writeRulesCited(&out, cited)
					cited = nil
				}
			}
		case xhtml.TextToken:
			if inLink == 0 && raw == 0 {
				tok = docs.IDPattern().ReplaceAllFunc(tok, func(id []byte) []byte {
					r, ok := docs.Lookup(string(id))
					if !ok {
						return id
					}
					if !seen[r.ID] {
						seen[r.ID] = true
						cited = append(cited, r)
					}
					return fmt.Appendf(nil, `<a class="rule" href="#%s" title="%s">%s</a>`, docs.Anchor(r.ID), html.EscapeString(r.Title), r.ID)
				})
			}
		}
		out.Write(tok)
	}
	if len(cited) > 0 { // a fragment without </main> or </body>
		writeRulesCited(&out, cited)
	}
	return out.Bytes()
}

func writeRulesCited(b *bytes.Buffer, rules []docs.Rule) {
	b.WriteString("<section id=\"rules\" class=\"rules\">\n<h2>Rules cited</h2>\n<p>The rules in routecheck's own words (docs/rules.md) and its decisions (docs/decisions.md); <code>routecheck rules ID</code> prints the same text.</p>\n<dl>\n")
	for _, r := range rules {
		fmt.Fprintf(b, "<dt id=\"%s\">%s · %s <small>(%s)</small></dt>\n<dd>%s</dd>\n", docs.Anchor(r.ID), r.ID,
			html.EscapeString(r.Title), html.EscapeString(r.Source()), html.EscapeString(strings.Join(strings.Fields(r.Text), " ")))
	}
	b.WriteString("</dl>\n</section>\n")
}
