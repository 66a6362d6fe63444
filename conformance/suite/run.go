package suite

import (
	"runtime"
	"sync"

	"github.com/everynode/everynode/conformance/everynode"
	"github.com/everynode/everynode/conformance/oracle"
)

// Outcome classifies a case.
type Outcome int

const (
	// Agree: both accept, or both reject.
	Agree Outcome = iota
	// Missed: Kubernetes rejects, everynode reports no error (a gap).
	Missed
	// FalseError: everynode reports an error, Kubernetes accepts.
	FalseError
)

func (o Outcome) String() string {
	switch o {
	case Missed:
		return "missed"
	case FalseError:
		return "false error"
	}
	return "agree"
}

// Result is a case judged by both sides.
type Result struct {
	Case      Case
	K8s       oracle.Verdict
	Everynode everynode.Verdict
	// LintErr is set when everynode failed outright (not a finding).
	LintErr error
	Outcome Outcome
	// Allowed is the allow-list's reason when the disagreement is
	// explained by what the oracle cannot see ("" otherwise).
	Allowed string
	// PathMatch: both reject and one of everynode's errors names the
	// field of Kubernetes' first error.
	PathMatch bool
}

// Judge runs one case through both sides.
func Judge(c Case) Result {
	r := Result{Case: c, K8s: oracle.Create(c.Data)}
	r.Everynode, r.LintErr = everynode.Lint("daemonset.yaml", c.Data)
	rejected, flagged := !r.K8s.Accepted(), r.Everynode.Rejected()
	switch {
	case rejected && !flagged:
		r.Outcome = Missed
	case !rejected && flagged:
		r.Outcome = FalseError
	}
	if rejected && flagged {
		r.PathMatch = pathMatches(r.K8s.First(), r.Everynode)
	}
	if r.Outcome != Agree {
		r.Allowed = allowed(r)
	}
	return r
}

// Run judges cases on every CPU, keeping their order.
func Run(cases []Case) []Result {
	out := make([]Result, len(cases))
	var wg sync.WaitGroup
	next := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := range next {
				out[i] = Judge(cases[i])
			}
		})
	}
	for i := range cases {
		next <- i
	}
	close(next)
	wg.Wait()
	return out
}
