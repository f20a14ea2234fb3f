# Aggregate query for the `opa eval` side of the policy benchmark
# (bench/policies/run.sh): input is an array of facts documents; for each
# document, every rule package under data.mfpscan.rules gives its deny,
# review and not_applicable sets, as mfpscan's engine computes them.
package bench

results := [device(doc) | some doc in input]

# device evaluates the whole catalogue on one document. The comprehension
# runs with input replaced, so each document is judged on its own.
device(doc) := out if {
	out := {sprintf("mfpscan.rules.%s.%s", [g, n]): rule_sets(g, n) |
		some g, n
		data.mfpscan.rules[g][n]
	} with input as doc
}

rule_sets(g, n) := {
	"deny": [x | some x in data.mfpscan.rules[g][n].deny],
	"review": [x | some x in data.mfpscan.rules[g][n].review],
	"not_applicable": [x | some x in data.mfpscan.rules[g][n].not_applicable],
}
