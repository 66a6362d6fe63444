package rules

import (
	"fmt"
	"strconv"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/everynode/everynode/lint/fieldpath"
	"github.com/everynode/everynode/lint/finding"
	"github.com/everynode/everynode/lint/rule"
)

var (
	updateStrategyPath = specPath.Child("updateStrategy")
	rollingUpdatePath  = updateStrategyPath.Child("rollingUpdate")
	maxUnavailablePath = rollingUpdatePath.Child("maxUnavailable")
	maxSurgePath       = rollingUpdatePath.Child("maxSurge")
)

// rollingParams is a DaemonSet's rolling update after the API server's
// defaulting (SetDefaults_DaemonSet): type RollingUpdate when unset,
// maxUnavailable 1 and maxSurge 0 when unset.
type rollingParams struct {
	rolling                      bool // type is RollingUpdate after defaulting
	maxUnavailable, maxSurge     intstr.IntOrString
	unavailableSet, surgeSet     bool
	unavailableValue, surgeValue int // as getIntOrPercentValue computes them
}

func rollingUpdateOf(ds *appsv1.DaemonSet) rollingParams {
	s := ds.Spec.UpdateStrategy
	r := rollingParams{
		rolling:        s.Type == "" || s.Type == appsv1.RollingUpdateDaemonSetStrategyType,
		maxUnavailable: intstr.FromInt32(1),
		maxSurge:       intstr.FromInt32(0),
	}
	if ru := s.RollingUpdate; ru != nil {
		if ru.MaxUnavailable != nil {
			r.maxUnavailable, r.unavailableSet = *ru.MaxUnavailable, true
		}
		if ru.MaxSurge != nil {
			r.maxSurge, r.surgeSet = *ru.MaxSurge, true
		}
	}
	r.unavailableValue = intOrPercentValue(r.maxUnavailable)
	r.surgeValue = intOrPercentValue(r.maxSurge)
	return r
}

// percentValue reads "10%"; ok is false for anything else.
func percentValue(v intstr.IntOrString) (int, bool) {
	if v.Type != intstr.String || len(validation.IsValidPercent(v.StrVal)) > 0 {
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimSuffix(v.StrVal, "%"))
	return n, err == nil
}

// intOrPercentValue is the number Kubernetes compares with zero: the
// percentage for "10%", the integer otherwise (a string that is not a
// percentage counts as its integer value, or 0, as intstr.IntValue does).
func intOrPercentValue(v intstr.IntOrString) int {
	if n, ok := percentValue(v); ok {
		return n
	}
	return v.IntValue()
}

func describe(v intstr.IntOrString) string {
	if v.Type == intstr.String {
		return strconv.Quote(v.StrVal)
	}
	return strconv.Itoa(int(v.IntVal))
}

// intOrPercentProblem says what is wrong with a maxUnavailable or maxSurge
// value on its own, or "" when it is a valid integer or percentage.
func intOrPercentProblem(v intstr.IntOrString) string {
	switch v.Type {
	case intstr.String:
		if len(validation.IsValidPercent(v.StrVal)) > 0 {
			if _, err := strconv.Atoi(v.StrVal); err == nil {
				return fmt.Sprintf("%q is a quoted number, not a percentage: write %s (a number) or \"%s%%\"", v.StrVal, v.StrVal, v.StrVal)
			}
			return fmt.Sprintf("%q is neither an integer nor a percentage: write a number such as 1 or a percentage such as \"10%%\"", v.StrVal)
		}
		if n, _ := percentValue(v); n > 100 {
			return fmt.Sprintf("%q is more than 100%%: use at most \"100%%\"", v.StrVal)
		}
	case intstr.Int:
		if v.IntVal < 0 {
			return fmt.Sprintf("%d is negative: use 0 or more", v.IntVal)
		}
	}
	return ""
}

var invalidUpdateStrategyRule = &rule.Rule{
	ID:       "invalid-update-strategy",
	Category: rule.Correctness,
	Severity: finding.Error,
	Summary:  "an update strategy the API server rejects (type, maxUnavailable, maxSurge)",
	Kinds:    daemonSetOnly,
	Doc: rule.Doc{
		What: "An updateStrategy.type other than RollingUpdate or OnDelete, or a rolling update whose maxUnavailable and maxSurge " +
			"are not exactly one non-zero value after defaulting, are negative, over 100%, or malformed (\"10\" as a string, \"ten\").",
		Why: "The API server rejects the DaemonSet. The defaulting trips people up: maxUnavailable defaults to 1 when unset, so " +
			"`maxSurge: 1` on its own sets both, and only one of the two may be non-zero; and both zero would mean nothing can ever be replaced.",
		In: rule.InSpec,
		Bad: `updateStrategy:
  type: RollingUpdate
  rollingUpdate:
    maxSurge: 1`,
		Good: `updateStrategy:
  type: RollingUpdate
  rollingUpdate:
    maxSurge: 1
    maxUnavailable: 0`,
		Fix: "Use type RollingUpdate or OnDelete. For a rolling update set either maxUnavailable (an integer or a percentage such as \"10%\") " +
			"or maxSurge with maxUnavailable: 0, never both non-zero and never both zero.",
		Mirrors: "ValidateDaemonSetUpdateStrategy and ValidateRollingUpdateDaemonSet in pkg/apis/apps/validation, after SetDefaults_DaemonSet in pkg/apis/apps/v1",
	},
	Check: func(p *rule.Pass) {
		ds := p.Object.DaemonSet()
		if ds == nil {
			return
		}
		switch t := ds.Spec.UpdateStrategy.Type; t {
		case "", appsv1.RollingUpdateDaemonSetStrategyType, appsv1.OnDeleteDaemonSetStrategyType:
		default:
			hint := didYouMean(string(t), []string{"RollingUpdate", "OnDelete"})
			if t == "Recreate" {
				hint = " (Recreate is a Deployment strategy; OnDelete is the closest for a DaemonSet)"
			}
			p.Report(rule.Diagnostic{Path: updateStrategyPath.Child("type"), AtValue: true,
				Message: fmt.Sprintf("updateStrategy.type %q is not supported: use RollingUpdate or OnDelete%s", t, hint)})
			return
		}
		r := rollingUpdateOf(ds)
		if !r.rolling {
			return
		}
		bad := false
		for _, f := range []struct {
			name string
			path fieldpath.Path
			set  bool
			v    intstr.IntOrString
		}{{"maxUnavailable", maxUnavailablePath, r.unavailableSet, r.maxUnavailable}, {"maxSurge", maxSurgePath, r.surgeSet, r.maxSurge}} {
			if !f.set {
				continue
			}
			if problem := intOrPercentProblem(f.v); problem != "" {
				bad = true
				p.Report(rule.Diagnostic{Path: f.path, AtValue: true, Message: fmt.Sprintf("%s %s", f.name, problem)})
			}
		}
		if bad {
			return
		}
		switch {
		case r.unavailableValue != 0 && r.surgeValue != 0 && !r.unavailableSet:
			p.Report(rule.Diagnostic{Path: maxSurgePath,
				Message: fmt.Sprintf("maxSurge %s needs maxUnavailable: 0: maxUnavailable defaults to 1, and only one of the two may be non-zero; add maxUnavailable: 0 to surge, or remove maxSurge",
					describe(r.maxSurge))})
		case r.unavailableValue != 0 && r.surgeValue != 0:
			p.Report(rule.Diagnostic{Path: maxSurgePath,
				Related: []rule.RelatedPath{{Path: maxUnavailablePath, Message: "maxUnavailable is non-zero here"}},
				Message: fmt.Sprintf("maxSurge %s and maxUnavailable %s are both non-zero, and only one may be: set maxSurge: 0 to replace pods in place, or maxUnavailable: 0 to surge",
					describe(r.maxSurge), describe(r.maxUnavailable))})
		case r.unavailableValue == 0 && r.surgeValue == 0:
			path := maxUnavailablePath
			if !r.unavailableSet {
				path = maxSurgePath
			}
			p.Report(rule.Diagnostic{Path: path,
				Message: fmt.Sprintf("maxUnavailable %s and maxSurge %s are both zero, so no pod could ever be replaced: set maxUnavailable to 1 or a percentage such as \"10%%\"",
					describe(r.maxUnavailable), describe(r.maxSurge))})
		}
	},
	Fix:   fixUpdateStrategy,
	Fixes: rule.SafeFix,
}

var rollingUpdateIgnoredRule = &rule.Rule{
	ID:       "rolling-update-ignored",
	Category: rule.Correctness,
	Severity: finding.Warning,
	Summary:  "a rollingUpdate block under updateStrategy type OnDelete, which ignores it",
	Kinds:    daemonSetOnly,
	Doc: rule.Doc{
		What: "updateStrategy.rollingUpdate set while updateStrategy.type is OnDelete.",
		Why: "The API server accepts it and ignores it: with OnDelete, pods are replaced only when someone deletes them. " +
			"The block suggests a rolling update that will never happen.",
		In: rule.InSpec,
		Bad: `updateStrategy:
  type: OnDelete
  rollingUpdate:
    maxUnavailable: 1`,
		Good: `updateStrategy:
  type: RollingUpdate
  rollingUpdate:
    maxUnavailable: 1`,
		Fix: "Remove rollingUpdate, or set type: RollingUpdate if the pods should be replaced automatically.",
	},
	Check: func(p *rule.Pass) {
		ds := p.Object.DaemonSet()
		if ds == nil || ds.Spec.UpdateStrategy.Type != appsv1.OnDeleteDaemonSetStrategyType {
			return
		}
		if p.Object.Get(rollingUpdatePath) != nil {
			p.Reportf(rollingUpdatePath, "rollingUpdate is ignored because updateStrategy.type is OnDelete (pods are replaced only when deleted): remove it, or set type: RollingUpdate")
		}
	},
	Fix:   removeIt("remove rollingUpdate, which OnDelete ignores"),
	Fixes: rule.SafeFix,
}

var maxSurgeWithHostPortRule = &rule.Rule{
	ID:       "max-surge-with-host-port",
	Category: rule.Correctness,
	// A warning: the API server accepts the DaemonSet, and the rollout
	// stalls only at the next update.
	Severity: finding.Warning,
	Summary:  "maxSurge above zero while a container uses a hostPort (or hostNetwork with ports): the rollout stalls",
	Kinds:    daemonSetOnly,
	Doc: rule.Doc{
		What: "A rolling update with maxSurge above zero when a container declares a hostPort, when the pod uses hostNetwork " +
			"and declares container ports, or when it uses hostNetwork at all.",
		Why: "The API server accepts it, and the first rollout shows the problem: with a surge the new pod starts on a node " +
			"while the old one still runs there. Both want the same port on the same node, so the scheduler cannot place the " +
			"new pod; it stays Pending, the old pod is never removed, and the rollout stalls on the first node " +
			"(kubernetes/kubernetes#106417).",
		In: rule.InSpec,
		Bad: `updateStrategy:
  rollingUpdate: {maxSurge: 1, maxUnavailable: 0}
template:
  spec:
    containers:
      - name: agent
        ports: [{containerPort: 9100, hostPort: 9100}]`,
		Good: `updateStrategy:
  rollingUpdate: {maxUnavailable: 1}
template:
  spec:
    containers:
      - name: agent
        ports: [{containerPort: 9100, hostPort: 9100}]`,
		Fix:     "Use maxUnavailable (with maxSurge 0) for agents that bind a port on the node.",
		Mirrors: "the DaemonSet controller's surge (rollingUpdate.go) combined with the scheduler's NodePorts filter: the surged pod never schedules, so the update cannot progress",
	},
	Check: func(p *rule.Pass) {
		ds := p.Object.DaemonSet()
		if ds == nil {
			return
		}
		r := rollingUpdateOf(ds)
		if !r.rolling || !r.surgeSet || r.surgeValue <= 0 || intOrPercentProblem(r.maxSurge) != "" {
			return
		}
		ps := &ds.Spec.Template.Spec
		declared := false
		for _, c := range containers(ps, podSpecPath) {
			if c.Init && !isSidecar(c) {
				continue
			}
			for j, port := range c.C.Ports {
				declared = true
				portPath := c.Path.Child("ports").Index(j)
				switch {
				case port.HostPort != 0:
					p.Report(rule.Diagnostic{Path: maxSurgePath,
						Related: []rule.RelatedPath{{Path: portPath.Child("hostPort"), Message: "the hostPort"}},
						Message: fmt.Sprintf("maxSurge %s cannot work with hostPort %d (%s): the surged pod needs the same port on the same node, stays Pending, and the rollout stalls; use maxUnavailable instead",
							describe(r.maxSurge), port.HostPort, portPath)})
					return
				case ps.HostNetwork:
					p.Report(rule.Diagnostic{Path: maxSurgePath,
						Related: []rule.RelatedPath{{Path: portPath.Child("containerPort"), Message: "the port, bound on the node by hostNetwork"}},
						Message: fmt.Sprintf("maxSurge %s cannot work with hostNetwork and port %d (%s): the surged pod needs the same port on the same node, stays Pending, and the rollout stalls; use maxUnavailable instead",
							describe(r.maxSurge), port.ContainerPort, portPath)})
					return
				}
			}
		}
		if ps.HostNetwork && !declared {
			p.Report(rule.Diagnostic{Path: maxSurgePath, Severity: finding.Warning,
				Related: []rule.RelatedPath{{Path: podSpecPath.Child("hostNetwork"), Message: "hostNetwork"}},
				Message: fmt.Sprintf("maxSurge %s with hostNetwork: the old and the surged pod share the node's network, so if the agent listens on any port the new pod cannot bind it and the rollout stalls; prefer maxUnavailable",
					describe(r.maxSurge))})
		}
	},
}
