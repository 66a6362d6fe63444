#!/usr/bin/env bash
# Measures everynode's peak memory (maximum resident set size) and time on
# the hostile inputs of docs/security.md, each as large as the limits let
# it be (bench/hostile writes them):
#
#   scripts/memory.sh [DIR]
#
# DIR keeps the inputs (default: a temporary directory). Needs GNU time
# (/usr/bin/time -v). The binary runs as users run it: its own pacing of
# the garbage collector, on every core.
set -euo pipefail
cd "$(dirname "$0")/.."

dir=${1:-$(mktemp -d)}
bin=$(mktemp -d)/everynode
go build -o "$bin" ./cmd/everynode
go run ./bench/hostile -out "$dir" >/dev/null

measure() {
  local name=$1; shift
  local log
  log=$(mktemp)
  local rc=0
  (cd "$dir" && /usr/bin/time -v "$bin" "$@" >/dev/null 2>"$log") || rc=$?
  local rss wall
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$log")
  printf '| %s | %s | %d MB | %s | %d |\n' "$name" "$*" "$((rss / 1024))" "$wall" "$rc"
}

echo "| input | command | peak RSS | wall time | exit |"
echo "|---|---|---:|---:|---:|"
measure "32 MiB of 3.7 million tiny documents" lint tiny/tiny-1.yaml
measure "three such files at once" lint tiny
measure "99,999 tiny documents (under the limit)" lint tiny-under-limit
measure "31.9 MiB of real manifests" lint agents/agents-1.yaml
measure "two such files at once" lint agents
measure "one document of 2.7 million values on one line" lint flow
measure "99,000 documents with a finding each" lint dense-docs
measure "one document of 999,000 lines of three values" lint dense-document
measure "a kustomize build at its limits (4,999 objects)" lint kustomize
measure "the inputs above but the kustomization, in one run" lint tiny agents flow dense-docs dense-document
