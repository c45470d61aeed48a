#!/bin/sh
# Runs each fuzz target for FUZZTIME (Go native fuzzing), one at a time.
# A crash fails the run; Go writes its input under the package's
# testdata/fuzz/<Target>/, where it stays as a regression seed once fixed.
#
# Go 1.26's fuzz coordinator sometimes ends a run that found nothing with a
# bare "context deadline exceeded" (golang/go#75804, fixed in Go 1.27): such
# a run wrote no input, so it is reported and the target's corpus replayed
# instead of failing the build.
set -u
GO=${GO:-go}
FUZZTIME=${FUZZTIME:-10s}
status=0
while read -r target pkg; do
	[ -n "$target" ] || continue
	dir=$pkg/testdata/fuzz/$target
	before=$(ls "$dir" 2>/dev/null | wc -l)
	out=$($GO test -run='^$' -fuzz="^$target\$" -fuzztime="$FUZZTIME" "$pkg" 2>&1)
	rc=$?
	printf '%s\n' "$out" | tail -n 3
	[ $rc -eq 0 ] && continue
	after=$(ls "$dir" 2>/dev/null | wc -l)
	if [ "$after" -eq "$before" ] && printf '%s\n' "$out" | grep -q 'context deadline exceeded'; then
		echo "$target: fuzz coordinator deadline race (golang/go#75804), no crash input; replaying the corpus"
		$GO test -count=1 -run="^$target\$" "$pkg" || status=1
		continue
	fi
	printf '%s\n' "$out"
	echo "$target: FAILED (input under $dir)"
	status=1
done <<'TARGETS'
FuzzParseReference ./internal/image
FuzzFromJSON ./internal/filters
FuzzParse ./internal/builder
FuzzApply ./internal/layer
FuzzCreateBody ./internal/server/router/container
TARGETS
exit $status
