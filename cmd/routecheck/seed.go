package main

import (
	"fmt"
	"math/rand/v2"
	"strconv"

	"github.com/spf13/pflag"
)

// seedValue is --seed of run, load and simulate (D-CLI-6): a whole number
// 0..2⁶³−1, where 0 picks one. Its own type gives one clear message for a
// bad value instead of strconv's.
type seedValue int64

func (s *seedValue) Set(v string) error {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return fmt.Errorf("want a whole number from 0 to %d (0 picks one and prints it)", int64(1<<63-1))
	}
	*s = seedValue(n)
	return nil
}

func (s *seedValue) String() string { return strconv.FormatInt(int64(*s), 10) }
func (s *seedValue) Type() string   { return "N" }

// seedFlag adds --seed to fs with the one help text all commands share.
func seedFlag(fs *pflag.FlagSet, s *int64, what string) {
	fs.Var((*seedValue)(s), "seed", "seed for "+what+"; 0 picks one (printed, so --seed repeats the run)")
}

// pickSeed is the seed of a run: the one given, or a fresh one from
// 1..2³¹ (short enough to type back) when 0.
func pickSeed(s int64) int64 {
	if s != 0 {
		return s
	}
	return rand.Int64N(1<<31) + 1
}
