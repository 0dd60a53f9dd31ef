package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"routecheck/fixtures"
	"routecheck/sim/script"
	"routecheck/sim/server"
)

// recordEvery is how often `serve --record` samples the workbench: people
// act seconds apart, and settings the event log does not carry (消息提醒)
// are placed at the sample that first shows them.
const recordEvery = 200 * time.Millisecond

// recorder keeps FILE a script of what people did on the workbench, with
// the waits between (D-SCR-6), rewritten whole after each change so a
// serve that is killed still leaves the recording up to then.
type recorder struct {
	srv    *server.Server
	rec    *script.Recorder
	vendor string
	file   string
	after  int64
	last   []byte
	done   chan error
}

// checkRecordFile makes sure FILE can be written before serve starts.
func checkRecordFile(file string) error {
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	return f.Close()
}

// startRecording samples srv until ctx ends, then once more, and writes.
func startRecording(ctx context.Context, srv *server.Server, v *fixtures.Vendor, vendorArg, file string) *recorder {
	r := &recorder{srv: srv, rec: script.NewRecorder(v), vendor: vendorArg, file: file, done: make(chan error, 1)}
	go func() {
		t := time.NewTicker(recordEvery)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				r.done <- r.sample()
				return
			case <-t.C:
				if err := r.sample(); err != nil {
					r.done <- err
					return
				}
			}
		}
	}()
	return r
}

func (r *recorder) sample() error {
	s := r.srv.RecordSample(r.after)
	if n := len(s.Events); n > 0 {
		r.after = s.Events[n-1].Seq
	}
	r.rec.Observe(s)
	out := r.rec.Script(r.vendor)
	if bytes.Equal(out, r.last) {
		return nil
	}
	tmp := r.file + ".tmp"
	if err := os.WriteFile(tmp, out, 0o644); err != nil {
		return fmt.Errorf("--record: %w", err)
	}
	if err := os.Rename(tmp, r.file); err != nil {
		return fmt.Errorf("--record: %w", err)
	}
	r.last = out
	return nil
}

// wait returns when the last sample is written.
func (r *recorder) wait() error { return <-r.done }
