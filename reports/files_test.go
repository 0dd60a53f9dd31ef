package reports

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteAll(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out", "demo-42")
	shot := filepath.Join(t.TempDir(), "from-chromedp.png")
	if err := os.WriteFile(shot, samplePNG(), 0o644); err != nil {
		t.Fatal(err)
	}
	r := passingRun()
	r.Browser[1].ScreenshotFile = shot
	if err := WriteAll(dir, r); err != nil {
		t.Fatal(err)
	}
	if r.Browser[1].Screenshot != nil || r.OutDir != "" {
		t.Error("WriteAll changed the run")
	}
	var rep struct {
		Browser []struct{ Screenshot string }
	}
	raw, err := os.ReadFile(filepath.Join(dir, JSONFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &rep); err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{"browser-01-login-and.png", "browser-02-notifications-allowed.png"} {
		if rep.Browser[i].Screenshot != want {
			t.Errorf("browser[%d].screenshot = %q, want %q", i, rep.Browser[i].Screenshot, want)
		}
		png, err := os.ReadFile(filepath.Join(dir, want))
		if err != nil || !bytes.Equal(png, samplePNG()) {
			t.Errorf("%s: %v", want, err)
		}
	}
	for _, f := range []string{JUnitFile, HTMLFile} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil || len(b) == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
	html, _ := os.ReadFile(filepath.Join(dir, HTMLFile))
	if strings.Count(string(html), "data:image/png;base64,") != 2 {
		t.Error("report.html does not embed both screenshots")
	}
}

func TestWriteAllMissingScreenshot(t *testing.T) {
	r := passingRun()
	r.Browser[1].ScreenshotFile = filepath.Join(t.TempDir(), "gone.png")
	if err := WriteAll(t.TempDir(), r); err == nil || !strings.Contains(err.Error(), "notifications allowed") {
		t.Errorf("err = %v, want one naming the check", err)
	}
}
