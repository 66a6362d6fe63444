#!/usr/bin/env bash
# Runs everynode's fuzz targets one after another, each for a set time.
#
#   scripts/fuzz.sh [-t DURATION] [-p PARALLEL] [-w STALL] [TARGET...]
#
# DURATION is go test's -fuzztime (default 60s), PARALLEL the number of
# fuzzing workers (default: the number of cores), TARGET a fuzz function
# name (default: all of them). A crash is written by go test to the
# package's testdata/fuzz/FuzzX/ directory: commit it with the fix, so it
# stays a regression test.
#
# "0/sec" for a while is normal: a worker minimizing a new input reports
# its executions only when done (-fuzzminimizetime, 10s here). Each target
# also has an in-process watchdog (internal/testkit/fuzztest) that turns an input
# running over 10s into a crash with a stack dump. As a last resort, when
# the execution count has not moved for STALL seconds (default 120), the
# workers are sent SIGQUIT: go test then records the input each was
# running as a failure, and `go test -run=FuzzX/ID` replays it. Logs go to
# ${FUZZ_LOG_DIR:-a temporary directory}.
set -euo pipefail
cd "$(dirname "$0")/.."

fuzztime=60s
parallel=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)
stall=120
while getopts "t:p:w:h" opt; do
  case $opt in
    t) fuzztime=$OPTARG ;;
    p) parallel=$OPTARG ;;
    w) stall=$OPTARG ;;
    *) sed -n '2,20p' "$0"; exit 2 ;;
  esac
done
shift $((OPTIND - 1))

# Package and target, in the order they are run.
all=(
  ./internal/document:FuzzParsePositions
  ./internal/document:FuzzSplit
  ./internal/document:FuzzTypingMatchesKubectl
  ./lint:FuzzLintDocuments
  ./generator:FuzzGenerate
  ./internal/krm:FuzzResourceList
  ./internal/krm:FuzzRun
  ./lint/report:FuzzWriteJSONString
  ./internal/placement:FuzzReadNodes
  ./internal/kustomize:FuzzKustomize
  ./internal/safetext:FuzzSafetext
  ./lint/rule:FuzzDecodeMatchesConverter
)

selected=()
if (($#)); then
  for want in "$@"; do
    found=
    for t in "${all[@]}"; do
      if [[ ${t#*:} == "$want" ]]; then selected+=("$t"); found=1; fi
    done
    [[ -n $found ]] || { echo "unknown fuzz target $want" >&2; exit 2; }
  done
else
  selected=("${all[@]}")
fi

logdir=${FUZZ_LOG_DIR:-$(mktemp -d)}
mkdir -p "$logdir"

# descendants prints the process IDs below $1.
descendants() {
  local child
  for child in $(ps -o pid= --ppid "$1" 2>/dev/null); do
    echo "$child"
    descendants "$child"
  done
}

# watchdog sends SIGQUIT to the fuzzing workers of go test $1 when the
# execution count in log $2 has not changed for $stall seconds.
watchdog() {
  local pid=$1 log=$2 last="" same=0 execs
  while kill -0 "$pid" 2>/dev/null; do
    sleep 5
    execs=$(grep -o 'execs: [0-9]*' "$log" 2>/dev/null | tail -n 1 || true)
    if [[ -n $execs && $execs == "$last" ]]; then
      same=$((same + 5))
    else
      same=0
      last=$execs
    fi
    if ((same >= stall)); then
      echo "fuzz.sh: no progress for ${stall}s; sending SIGQUIT to the workers, so that go test records their inputs" >>"$log"
      for p in $(descendants "$pid"); do
        if grep -q -- '-test.fuzzworker' "/proc/$p/cmdline" 2>/dev/null; then
          kill -QUIT "$p" 2>/dev/null || true
        fi
      done
      same=0
    fi
  done
}

status=0
summary=()
for t in "${selected[@]}"; do
  pkg=${t%%:*} name=${t#*:}
  log="$logdir/$name.log"
  echo "== $name ($pkg, $fuzztime, $parallel workers): $log"
  go test "$pkg" -run '^$' -fuzz "^$name\$" -fuzztime "$fuzztime" -fuzzminimizetime 10s -parallel "$parallel" >"$log" 2>&1 &
  pid=$!
  watchdog "$pid" "$log" &
  wd=$!
  if wait "$pid"; then result=ok; else result=FAIL; status=1; fi
  kill "$wd" 2>/dev/null || true
  wait "$wd" 2>/dev/null || true
  last=$(grep '^fuzz: elapsed' "$log" | tail -n 1 || true)
  summary+=("$name: $result; ${last#fuzz: }")
  if [[ $result == FAIL ]]; then tail -n 30 "$log"; fi
done

echo
printf '%s\n' "${summary[@]}"
exit $status
