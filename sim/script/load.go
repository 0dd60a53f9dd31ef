package script

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"routecheck/fixtures"
	"routecheck/fixtures/scripts"
)

// ErrInput marks bad input: a script or vendor that cannot be read or is
// wrong (exit 2).
var ErrInput = errors.New("bad input")

// Load reads a script (a file, or a shipped script by name: a file at that
// path wins), parses it and checks it against its vendor fixture. The
// vendor is the script's `vendor` line: a file next to the script, a file
// from the current folder, or a bundled vendor by name; demo when absent.
func Load(arg string) (*Script, *fixtures.Vendor, error) {
	src, file, err := read(arg)
	if err != nil {
		return nil, nil, err
	}
	s, errs := parse(file, src)
	v, err := vendorOf(s)
	if err != nil {
		return nil, nil, append(errs, err.(Errors)...).sorted()
	}
	if cerr := Check(s, v); cerr != nil {
		errs = append(errs, cerr.(Errors)...)
	}
	if len(errs) > 0 {
		return nil, nil, errs.sorted()
	}
	return s, v, nil
}

func read(arg string) ([]byte, string, error) {
	if fi, err := os.Stat(arg); err == nil {
		if fi.IsDir() {
			return nil, "", fmt.Errorf("%w: %s is a folder; give a script file (or a shipped script by name: %s)", ErrInput, arg, strings.Join(scripts.Names(), ", "))
		}
		b, err := os.ReadFile(arg)
		if err != nil {
			return nil, "", fmt.Errorf("%w: %v", ErrInput, err)
		}
		return b, arg, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, "", fmt.Errorf("%w: %v", ErrInput, err)
	}
	if b, ok := scripts.Read(arg); ok {
		name := strings.TrimSuffix(strings.TrimPrefix(arg, scripts.Dir), scripts.Ext)
		return b, scripts.Dir + name + scripts.Ext, nil
	}
	return nil, "", fmt.Errorf("%w: script %s: no such file, and no shipped script by that name%s (shipped: %s)", ErrInput, arg,
		didYouMean(strings.TrimSuffix(filepath.Base(arg), scripts.Ext), scripts.Names()), strings.Join(scripts.Names(), ", "))
}

// vendorOf loads the script's vendor fixture.
func vendorOf(s *Script) (*fixtures.Vendor, error) {
	name := s.Vendor
	if name == "" {
		return fixtures.Demo(), nil
	}
	if !filepath.IsAbs(name) && !strings.HasPrefix(s.File, scripts.Dir) {
		beside := filepath.Join(filepath.Dir(s.File), name)
		if _, err := os.Stat(beside); err == nil {
			name = beside
		}
	}
	v, err := fixtures.Open(name)
	if err != nil {
		return nil, Errors{{File: s.File, Pos: s.VendorPos, Msg: "vendor " + s.Vendor + ": " + err.Error()}}
	}
	return v, nil
}
