package mfpscan.rules.phy.access_controlled_room_test

import data.mfpscan.fixtures
import data.mfpscan.rules.phy.access_controlled_room

test_fail_attested_false if {
	doc := object.union(fixtures.canon, {"attestations": {"access_controlled_room": false}})
	r := access_controlled_room with input as doc
	fixtures.status(r) == "fail"
	fixtures.facts(r) == {"/attestations/access_controlled_room"}
}

test_pass_attested_true if {
	fixtures.status(access_controlled_room) == "pass" with input as fixtures.canon
}

test_review_not_attested if {
	doc := object.remove(fixtures.canon, ["attestations"])
	fixtures.status(access_controlled_room) == "review" with input as doc
}

test_not_applicable_not_printer if {
	doc := object.union(fixtures.not_printer, {"attestations": {"access_controlled_room": false}})
	fixtures.status(access_controlled_room) == "not_applicable" with input as doc
}
