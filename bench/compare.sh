#!/usr/bin/env bash
# bench/compare.sh: everynode side by side with kubeconform and kube-score
# on the same generated corpus, in one run, and the table in
# bench/RESULTS.md.
#
#   bench/compare.sh [-n ROUNDS] [-f FILES] [-o OUTPUT]
#
# It builds everynode from this checkout, installs the peers at pinned
# versions with `go install` into a temporary GOBIN (the network is used
# for that only), writes a deterministic corpus (go run ./bench/corpus),
# exports everynode's schemas for kubeconform (same schemas, same
# strictness, same Kubernetes version) and times every case in rounds,
# alternating the tools (bench/timeit). Ratios are computed within each
# round, so a busy machine slows every tool alike; absolute times are only
# comparable on the same machine.
set -euo pipefail

rounds=5
files=2000
out=bench/RESULTS.md
while getopts "n:f:o:h" opt; do
	case $opt in
	n) rounds=$OPTARG ;;
	f) files=$OPTARG ;;
	o) out=$OPTARG ;;
	*)
		sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'
		exit 2
		;;
	esac
done

cd "$(dirname "$0")/.."
root=$PWD
case $out in /*) ;; *) out=$root/$out ;; esac

kubeconform_version=v0.7.0
kube_score_version=v1.20.0

work=$(mktemp -d "${TMPDIR:-/tmp}/everynode-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
bin=$work/bin
mkdir -p "$bin"

step() { printf '== %s\n' "$*" >&2; }

step "building everynode and the benchmark tools"
# As a release is built (docs/development.md): no symbol table, no DWARF.
go build -trimpath -ldflags='-s -w' -o "$bin/everynode" ./cmd/everynode
go build -trimpath -o "$bin/corpus" ./bench/corpus
go build -trimpath -o "$bin/timeit" ./bench/timeit
go build -trimpath -o "$bin/parsefloor" ./bench/parsefloor

step "installing kubeconform $kubeconform_version and kube-score $kube_score_version"
GOBIN=$bin go install "github.com/yannh/kubeconform/cmd/kubeconform@$kubeconform_version"
kube_score_note=""
if ! GOBIN=$bin go install "github.com/zegl/kube-score/cmd/kube-score@$kube_score_version" 2>"$work/kube-score.err"; then
	kube_score_note="kube-score $kube_score_version could not be installed with go install ($(tail -n 1 "$work/kube-score.err")); its rows are missing."
fi

step "writing the corpora"
corpus_stats=$("$bin/corpus" -out "$work/corpus" -files "$files" -big 4)
double_stats=$("$bin/corpus" -out "$work/corpus2x" -files $((2 * files)) -big 4)
"$bin/corpus" -out "$work/small" -files 1 -big 0 >/dev/null
small=$(find "$work/small" -name '*.yaml' | head -n 1)
"$bin/corpus" -specs "$work/specs" -n 1000 >/dev/null
"$bin/corpus" -specs "$work/specs4k" -n 4000 >/dev/null
# One file of 30 MiB: the DaemonSets of the corpus, one after the other,
# renamed so that each is an object of its own.
mkdir -p "$work/bigfile"
# The corpus holds about one DaemonSet per agent file: its files are read
# as many times as it takes.
agents=$(find "$work/corpus/apps" -name '*.yaml' | sort)
for _ in 1 2 3 4 5 6 7 8 9 10; do
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
	{ doc = doc "\n" $0 }' >"$work/bigfile/daemonsets.yaml" || true
bigfile_stats="$(grep -c '^kind: DaemonSet' "$work/bigfile/daemonsets.yaml") DaemonSets, $(($(wc -c <"$work/bigfile/daemonsets.yaml") >> 20)) MiB"
printf '%s\n%s\n%s\n' "$corpus_stats" "$double_stats" "$bigfile_stats" >&2

step "exporting everynode's schemas for kubeconform"
"$bin/everynode" schemas export --layout kubeconform "$work/schemas" >&2
release=$(basename "$(find "$work/schemas" -mindepth 1 -maxdepth 1 -type d -name 'v*-standalone-strict' | head -n 1)")
k8s=${release#v}
k8s=${k8s%-standalone-strict} # 1.36.0
minor=${k8s%.*}                # 1.36

en=$bin/everynode
kc="$bin/kubeconform -strict -summary -kubernetes-version $k8s -schema-location $work/schemas"
ks="$bin/kube-score score"
pf=$bin/parsefloor

# generate: skipped with a note when it does not build or fails on the specs.
generate_note=""
if ! "$en" generate -o "$work/generated" "$work/specs" >/dev/null 2>"$work/generate.err"; then
	generate_note="everynode generate was skipped: it failed on the specs ($(head -n 1 "$work/generate.err"))."
fi

cases=$work/cases.tsv
{
	printf 'corpus\teverynode lint (all rules)\t-\t%s lint --kubernetes-version %s %s\n' "$en" "$minor" "$work/corpus"
	printf 'corpus\teverynode lint --schema-only\t-\t%s lint --schema-only --kubernetes-version %s %s\n' "$en" "$minor" "$work/corpus"
	printf 'corpus\tparse only (yaml.v3 nodes, %s goroutines)\t-\t%s %s\n' "$(nproc 2>/dev/null || echo GOMAXPROCS)" "$pf" "$work/corpus"
	printf 'corpus\tkubeconform -strict -summary\tbaseline\t%s %s\n' "$kc" "$work/corpus"
	[ -n "$kube_score_note" ] || printf 'corpus\tkube-score score\t-\t%s @%s\n' "$ks" "$work/corpus"
	printf 'scale\teverynode lint (all rules), %d files\t-\t%s lint --kubernetes-version %s %s\n' $((2 * files + 4)) "$en" "$minor" "$work/corpus2x"
	printf 'scale\teverynode lint --schema-only, %d files\t-\t%s lint --schema-only --kubernetes-version %s %s\n' $((2 * files + 4)) "$en" "$minor" "$work/corpus2x"
	printf 'scale\tparse only, %d files\t-\t%s %s\n' $((2 * files + 4)) "$pf" "$work/corpus2x"
	printf 'scale\tkubeconform, %d files\tbaseline\t%s %s\n' $((2 * files + 4)) "$kc" "$work/corpus2x"
	printf 'bigfile\teverynode lint, one 30 MiB file\t-\t%s lint --kubernetes-version %s %s\n' "$en" "$minor" "$work/bigfile"
	printf 'bigfile\tkubeconform, one 30 MiB file\tbaseline\t%s %s\n' "$kc" "$work/bigfile"
	printf 'small\teverynode lint, one file (all rules)\treps=10\t%s lint --kubernetes-version %s %s\n' "$en" "$minor" "$small"
	printf 'small\teverynode lint --schema-only, one file\treps=10\t%s lint --schema-only --kubernetes-version %s %s\n' "$en" "$minor" "$small"
	printf 'small\teverynode version (process start)\treps=10\t%s version\n' "$en"
	printf 'small\tkubeconform, one file\tbaseline,reps=10\t%s %s\n' "$kc" "$small"
	[ -n "$kube_score_note" ] || printf 'small\tkube-score, one file\treps=10\t%s %s\n' "$ks" "$small"
	if [ -z "$generate_note" ]; then
		printf 'generate\teverynode generate, 1000 specs\t-\t%s generate -o %s %s\n' "$en" "$work/generated" "$work/specs"
		printf 'generate\teverynode generate, 4000 specs\t-\t%s generate -o %s %s\n' "$en" "$work/generated4k" "$work/specs4k"
	fi
} >"$cases"

load_before=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")
step "timing: $rounds rounds after a warm-up, the tools alternating"
table=$("$bin/timeit" -runs "$rounds" -cases "$cases")
load_after=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")

cpu=$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2 | sed 's/^ //' || true)
tmp=$(mktemp "$(dirname "$out")/.RESULTS.XXXXXX")
{
	echo "# Benchmark results"
	echo
	echo "Produced by \`bench/compare.sh -n $rounds -f $files\` on $(date -u +%Y-%m-%d): $(nproc 2>/dev/null || echo '?') CPUs${cpu:+ ($cpu)},"
	echo "$(($(grep -m1 MemTotal /proc/meminfo 2>/dev/null | awk '{print $2}' || echo 0) >> 20)) GiB of memory, $(go version | cut -d' ' -f3), load average ${load_before} before and ${load_after} after."
	echo "everynode $(git -C "$root" describe --always --dirty 2>/dev/null || echo '(no git)'), kubeconform $kubeconform_version, kube-score $kube_score_version;"
	echo "Kubernetes $k8s schemas from \`everynode schemas export --layout kubeconform\` for both linters."
	echo
	corpus_stats=${corpus_stats#wrote }
	double_stats=${double_stats#wrote }
	echo "Corpus (\`go run ./bench/corpus\`, seed 1): ${corpus_stats% to *}; the scale rows: ${double_stats% to *}."
	echo "The big file: the corpus's DaemonSets in one file, $bigfile_stats. Parse only: \`bench/parsefloor\`, yaml.v3 node trees and nothing else."
	echo "One file: a node agent's manifest ($(grep -c '^kind:' "$small") objects, $(wc -l <"$small") lines), each tool run 10 times a round."
	echo "Medians of $rounds rounds. A ratio is the median of the per-round ratios to kubeconform's time in the same group (below 1"
	echo "is faster): wall time, and CPU time (user+sys), which a machine busy with other work distorts less."
	echo
	echo "$table"
	if [ -n "$kube_score_note" ]; then
		echo
		echo "$kube_score_note"
	fi
	if [ -n "$generate_note" ]; then
		echo
		echo "$generate_note"
	fi
} >"$tmp"
mv "$tmp" "$out"
step "wrote $out"
cat "$out"
