#!/usr/bin/env bash
# Checks that a change leaves everynode's findings byte-identical: builds
# everynode at REV (default main) and from the working tree, lints the
# same generated corpus (bench/corpus: agents, CNI installs with CRDs)
# and a 30 MiB file of DaemonSets with both, in the json and text
# formats, all rules and schema only, and compares the outputs.
#
#   scripts/same-output.sh [REV] [FILES]
#
# FILES is the number of agent files (default 500). Exits 1 on the first
# difference, with the diff's first lines.
set -euo pipefail
cd "$(dirname "$0")/.."

rev=${1:-main}
files=${2:-500}
work=$(mktemp -d "${TMPDIR:-/tmp}/everynode-same.XXXXXX")
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/old-src"
git archive "$rev" | tar -x -C "$work/old-src"
(cd "$work/old-src" && go build -trimpath -o "$work/old" ./cmd/everynode)
go build -trimpath -o "$work/new" ./cmd/everynode
go run ./bench/corpus -out "$work/corpus" -files "$files" -big 4 >/dev/null

# A large multi-document file: the corpus's DaemonSets, renamed apart.
mkdir -p "$work/big"
agents=$(find "$work/corpus/apps" -name '*.yaml' | sort)
for _ in $(seq 1 40); do
	# shellcheck disable=SC2086 # one path per word
	awk 'FNR == 1 { print "---" } { print }' $agents
done | awk -v limit=$((30 << 20)) '
	/^---/ {
		if (doc ~ /\nkind: DaemonSet\n/) {
			n++
			sub(/\n  name: [^\n]*/, "&-" n, doc)
			printf "---%s\n", doc
			size += length(doc) + 4
			if (size > limit) exit
		}
		doc = ""
		next
	}
	{ doc = doc "\n" $0 }' >"$work/big/daemonsets.yaml" || true

status=0
for input in corpus big; do
	for format in json text; do
		for mode in "" --schema-only; do
			for bin in old new; do
				(cd "$work" && "./$bin" lint $mode --format "$format" "$input" >"$work/$bin.out" 2>&1) || true
			done
			if cmp -s "$work/old.out" "$work/new.out"; then
				echo "same: $input, $format ${mode:-(all rules)} ($(wc -c <"$work/new.out") bytes)"
			else
				echo "DIFFERENT: $input, $format ${mode:-(all rules)}"
				diff "$work/old.out" "$work/new.out" | head -n 20
				status=1
			fi
		done
	done
done
exit $status
