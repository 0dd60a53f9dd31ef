package browser

import (
	"context"
	"fmt"
	"net/url"
	"path/filepath"
	"strconv"

	"github.com/chromedp/chromedp"
)

// ChecklistAnswers are what a tester enters on a printed-out checklist page
// (sim/checklist): fields by input id, the items ticked, and per step the
// failure chosen and a note.
type ChecklistAnswers struct {
	Fields   map[string]string // tester, tested-at (2006-01-02T15:04), test-account, test-order, agent
	Ticked   []string          // item ids
	Failures map[int]string    // step -> a failure id or "other"
	Notes    map[int]string    // step -> note
}

// SaveChecklist opens the checklist page at path (a file, as a tester opens
// it from disk), enters a, clicks 保存记录 as a person does, and returns
// the JSON record the page saved.
func SaveChecklist(ctx context.Context, b *Browser, path string, a ChecklistAnswers) ([]byte, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	t, err := b.newTab(ctx)
	if err != nil {
		return nil, err
	}
	defer t.close()
	if err := t.do(chromedp.Navigate((&url.URL{Scheme: "file", Path: abs}).String())); err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	for id, v := range a.Fields {
		if err := t.do(chromedp.SetValue("#"+id, v)); err != nil {
			return nil, fmt.Errorf("field %s: %w", id, err)
		}
	}
	for _, id := range a.Ticked {
		if err := t.do(chromedp.Click(`input[data-item=` + strconv.Quote(id) + `]`)); err != nil {
			return nil, fmt.Errorf("tick %s: %w", id, err)
		}
	}
	for step, f := range a.Failures {
		if err := t.do(chromedp.SetValue(`select[data-failure="`+strconv.Itoa(step)+`"]`, f)); err != nil {
			return nil, fmt.Errorf("step %d failure: %w", step, err)
		}
	}
	for step, n := range a.Notes {
		if err := t.do(chromedp.SendKeys(`textarea[data-note="`+strconv.Itoa(step)+`"]`, n)); err != nil {
			return nil, fmt.Errorf("step %d note: %w", step, err)
		}
	}
	if err := t.do(chromedp.Click(tid("save"))); err != nil {
		return nil, fmt.Errorf("click 保存记录: %w", err)
	}
	if err := t.waitFor(`document.querySelector(`+jsTid("saved")+`).dataset.state === 'saved'`, stepTimeout); err != nil {
		return nil, err
	}
	var rec string
	if err := t.eval(`document.querySelector(`+jsTid("record-json")+`).value`, &rec); err != nil {
		return nil, err
	}
	return []byte(rec), nil
}
