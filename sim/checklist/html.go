package checklist

import (
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
)

//go:embed templates/checklist.html
var templates embed.FS

var page = template.Must(template.ParseFS(templates, "templates/checklist.html"))

// htmlView is what the page template sees.
type htmlView struct {
	*Checklist
	Skeleton      string // the record's JSON before any tick (body data attribute)
	PlannedTester string
	PlannedVendor string
	PlannedLocal  string // for the datetime-local input, tester's wall clock
	VendorZone    string
	TesterZone    string
	NextOpen      string
	Hours         []hoursRow
}

type hoursRow struct{ Label, Vendor, Tester string }

// skeleton is the record the page starts from; its JavaScript adds the
// ticks, the failures and the tester's fields.
type skeleton struct {
	Record
	OrderPlaceholder string `json:"order_placeholder"`
}

// WriteHTML writes the printable page: the checklist, and a small form
// that saves the ticks as a JSON record (ParseRecord reads it). The page is
// one file with no network access, so it opens from disk and prints.
func WriteHTML(w io.Writer, c *Checklist) error {
	sk, err := json.Marshal(skeleton{Record: c.Blank(), OrderPlaceholder: OrderPlaceholder})
	if err != nil {
		return fmt.Errorf("checklist: %w", err)
	}
	v := htmlView{Checklist: c, Skeleton: string(sk),
		PlannedTester: When(c.PlannedAt, c.TesterZone), PlannedVendor: When(c.PlannedAt, c.VendorZone),
		PlannedLocal: c.PlannedAt.In(c.TesterZone).Format("2006-01-02T15:04"),
		VendorZone:   ZoneName(c.VendorZone, c.PlannedAt), TesterZone: ZoneName(c.TesterZone, c.PlannedAt)}
	if !c.NextOpen.IsZero() {
		v.NextOpen = When(c.NextOpen, c.TesterZone) + " = " + When(c.NextOpen, c.VendorZone)
	}
	for _, d := range c.Hours {
		v.Hours = append(v.Hours, hoursRow{Label: d.Label(), Vendor: d.Span(c.VendorZone), Tester: d.Span(c.TesterZone)})
	}
	if err := page.Execute(w, v); err != nil {
		return fmt.Errorf("checklist: html: %w", err)
	}
	return nil
}
