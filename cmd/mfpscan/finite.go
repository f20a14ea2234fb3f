package main

import (
	"math"
	"strconv"
	"strings"

	"github.com/spf13/pflag"

	"github.com/mfpscan/mfpscan/pipeline"
)

// checkFiniteFlags refuses NaN and ±Inf in every floating-point flag of a
// command: strconv accepts them, and `--rate NaN` passed "rate > 0" checks
// by comparing false, turning the global rate limit off. It walks the flag
// set, so a float flag added later is covered without a new check.
func checkFiniteFlags(fs *pflag.FlagSet) error {
	var err error
	fs.VisitAll(func(f *pflag.Flag) {
		if err != nil || !strings.HasPrefix(f.Value.Type(), "float") {
			return
		}
		for _, s := range strings.Split(strings.Trim(f.Value.String(), "[]"), ",") {
			v, perr := strconv.ParseFloat(strings.TrimSpace(s), 64)
			if perr == nil && (math.IsNaN(v) || math.IsInf(v, 0)) {
				err = pipeline.Usagef("--%s must be a finite number, got %s", f.Name, s)
				return
			}
		}
	})
	return err
}
