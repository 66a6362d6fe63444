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
go build -trimpath -o "$bin/everynode" ./cmd/everynode
go build -trimpath -o "$bin/corpus" ./bench/corpus
go build -trimpath -o "$bin/timeit" ./bench/timeit

step "installing kubeconform $kubeconform_version and kube-score $kube_score_version"
GOBIN=$bin go install "github.com/yannh/kubeconform/cmd/kubeconform@$kubeconform_version"
GOBIN=$bin go install "github.com/zegl/kube-score/cmd/kube-score@$kube_score_version"

step "writing the corpora"
corpus_stats=$("$bin/corpus" -out "$work/corpus" -files "$files" -big 4)
double_stats=$("$bin/corpus" -out "$work/corpus2x" -files $((2 * files)) -big 4)
"$bin/corpus" -out "$work/small" -files 1 -big 0 >/dev/null
small=$(find "$work/small" -name '*.yaml' | head -n 1)
"$bin/corpus" -specs "$work/specs" -n 1000 >/dev/null
printf '%s\n%s\n' "$corpus_stats" "$double_stats" >&2

step "exporting everynode's schemas for kubeconform"
"$bin/everynode" schemas export --layout kubeconform "$work/schemas" >&2
release=$(basename "$(find "$work/schemas" -mindepth 1 -maxdepth 1 -type d -name 'v*-standalone-strict' | head -n 1)")
k8s=${release#v}
k8s=${k8s%-standalone-strict} # 1.36.0
minor=${k8s%.*}                # 1.36

en=$bin/everynode
kc="$bin/kubeconform -strict -summary -kubernetes-version $k8s -schema-location $work/schemas"
ks="$bin/kube-score score"

# generate: skipped with a note when it does not build or fails on the specs.
generate_note=""
if ! "$en" generate -o "$work/generated" "$work/specs" >/dev/null 2>"$work/generate.err"; then
	generate_note="everynode generate was skipped: it failed on the specs ($(head -n 1 "$work/generate.err"))."
fi

cases=$work/cases.tsv
{
	printf 'corpus\teverynode lint (all rules)\t-\t%s lint --kubernetes-version %s %s\n' "$en" "$minor" "$work/corpus"
	printf 'corpus\teverynode lint --schema-only\t-\t%s lint --schema-only --kubernetes-version %s %s\n' "$en" "$minor" "$work/corpus"
	printf 'corpus\tkubeconform -strict -summary\tbaseline\t%s %s\n' "$kc" "$work/corpus"
	printf 'corpus\tkube-score score\t-\t%s @%s\n' "$ks" "$work/corpus"
	printf 'scale\teverynode lint (all rules), %d files\t-\t%s lint --kubernetes-version %s %s\n' $((2 * files + 4)) "$en" "$minor" "$work/corpus2x"
	printf 'small\teverynode lint, one file (all rules)\treps=10\t%s lint --kubernetes-version %s %s\n' "$en" "$minor" "$small"
	printf 'small\teverynode lint --schema-only, one file\treps=10\t%s lint --schema-only --kubernetes-version %s %s\n' "$en" "$minor" "$small"
	printf 'small\tkubeconform, one file\tbaseline,reps=10\t%s %s\n' "$kc" "$small"
	printf 'small\tkube-score, one file\treps=10\t%s %s\n' "$ks" "$small"
	if [ -z "$generate_note" ]; then
		printf 'generate\teverynode generate, 1000 specs\t-\t%s generate -o %s %s\n' "$en" "$work/generated" "$work/specs"
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
	echo "$(go version | cut -d' ' -f3), load average ${load_before} before and ${load_after} after."
	echo "everynode $(git -C "$root" describe --always --dirty 2>/dev/null || echo '(no git)'), kubeconform $kubeconform_version, kube-score $kube_score_version;"
	echo "Kubernetes $k8s schemas from \`everynode schemas export --layout kubeconform\` for both linters."
	echo
	corpus_stats=${corpus_stats#wrote }
	double_stats=${double_stats#wrote }
	echo "Corpus (\`go run ./bench/corpus\`, seed 1): ${corpus_stats% to *}; the scale row: ${double_stats% to *}."
	echo "One file: a node agent's manifest ($(grep -c '^kind:' "$small") objects, $(wc -l <"$small") lines), each tool run 10 times a round."
	echo "Medians of $rounds rounds. A ratio is the median of the per-round ratios to kubeconform's time in the same group (below 1"
	echo "is faster): wall time, and CPU time (user+sys), which a machine busy with other work distorts less."
	echo
	echo "$table"
	if [ -n "$generate_note" ]; then
		echo
		echo "$generate_note"
	fi
} >"$tmp"
mv "$tmp" "$out"
step "wrote $out"
cat "$out"
