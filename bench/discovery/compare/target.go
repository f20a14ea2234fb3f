package main

import (
	"fmt"
	"strconv"
	"strings"
)

// target is a goal from the issue, checked against the measurements:
// KIND:A<=LIMIT or KIND:A/B<=LIMIT, with KIND wall (seconds) or rss (MB).
type target struct {
	Expr  string
	Kind  string
	A, B  string // B empty: an absolute limit
	Limit float64
}

func parseTarget(s string) (target, error) {
	kind, rest, ok := strings.Cut(s, ":")
	if !ok || (kind != "wall" && kind != "rss") {
		return target{}, fmt.Errorf("parse target %q: want wall:EXPR or rss:EXPR", s)
	}
	lhs, lim, ok := strings.Cut(rest, "<=")
	if !ok {
		return target{}, fmt.Errorf("parse target %q: want NAME<=LIMIT or NAME/NAME<=LIMIT", s)
	}
	limit, err := strconv.ParseFloat(lim, 64)
	if err != nil || limit <= 0 {
		return target{}, fmt.Errorf("parse target %q: limit %q is not a positive number", s, lim)
	}
	a, b, _ := strings.Cut(lhs, "/")
	if a == "" || strings.Contains(b, "/") || (strings.Contains(lhs, "/") && b == "") {
		return target{}, fmt.Errorf("parse target %q: bad run names %q", s, lhs)
	}
	return target{Expr: s, Kind: kind, A: a, B: b, Limit: limit}, nil
}

// targetResult is a target's outcome in words, e.g. "met (0.31 ≤ 0.5)".
type targetResult struct {
	Target  target
	Met     bool
	Outcome string
}

func (t target) value(r row) float64 {
	if t.Kind == "rss" {
		return r.Result.RSSMB()
	}
	return r.Result.WallSeconds
}

// checkTargets evaluates each target; one whose runs are absent or broken
// is "not measured", never met.
func checkTargets(targets []target, rows []row) []targetResult {
	byName := make(map[string]row, len(rows))
	for _, r := range rows {
		byName[r.Name] = r
	}
	out := make([]targetResult, 0, len(targets))
	for _, t := range targets {
		res := targetResult{Target: t}
		a, okA := byName[t.A]
		b, okB := byName[t.B]
		switch {
		case !okA || (t.B != "" && !okB):
			res.Outcome = "not measured in this run"
		case !a.Correct() || (t.B != "" && !b.Correct()):
			res.Outcome = "not met: a run involved is not correct"
		default:
			v := t.value(a)
			if t.B != "" {
				if t.value(b) <= 0 {
					res.Outcome = "not measured: zero denominator"
					break
				}
				v /= t.value(b)
			}
			res.Met = v <= t.Limit
			word := "MISSED"
			if res.Met {
				word = "met"
			}
			res.Outcome = fmt.Sprintf("%s (%.3f, limit %g)", word, v, t.Limit)
		}
		out = append(out, res)
	}
	return out
}
