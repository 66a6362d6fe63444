package rules

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/everynode/everynode/lint/fieldpath"
	"github.com/everynode/everynode/lint/finding"
	"github.com/everynode/everynode/lint/rule"
)

var invalidNodeSelectorRule = &rule.Rule{
	ID:       "invalid-node-selector",
	Category: rule.Correctness,
	Severity: finding.Error,
	Summary:  "a nodeSelector label or nodeName the API server rejects",
	Kinds:    daemonSetOnly,
	Doc: rule.Doc{
		What: "A pod's `nodeSelector` with a key that is not a label key or a value that is not a label value, or a " +
			"`nodeName` that is not a node name (a DNS name).",
		Why: "The API server rejects the DaemonSet. No node could carry such a label anyway.",
		In:  rule.InPodSpec,
		Bad: `nodeSelector:
  node.example.com/pool: gpu pool`,
		Good: `nodeSelector:
  node.example.com/pool: gpu-pool`,
		Fix:     "Use the node label's exact key and value (kubectl get nodes --show-labels).",
		Mirrors: "ValidatePodSpec in pkg/apis/core/validation (ValidateLabels on nodeSelector, ValidateNodeName on nodeName)",
	},
	Check: func(p *rule.Pass) {
		ps, base := daemonSetPod(p.Object)
		if ps == nil {
			return
		}
		r := reporter{p}
		checkLabelMap(r, base.Child("nodeSelector"), "nodeSelector", ps.NodeSelector)
		if ps.NodeName != "" {
			if msgs := validation.IsDNS1123Subdomain(ps.NodeName); len(msgs) > 0 {
				r.value(base.Child("nodeName"), "nodeName %q is not a valid node name: %s", ps.NodeName, labelProblem(ps.NodeName, msgs))
			}
		}
	},
}

var validOSNames = []string{"linux", "windows"}

var invalidPodSpecRule = &rule.Rule{
	ID:       "invalid-pod-spec",
	Category: rule.Correctness,
	Severity: finding.Error,
	Summary:  "a pod-level field or combination the API server rejects (gates, os, host namespaces)",
	Kinds:    daemonSetOnly,
	Doc: rule.Doc{
		What: "Checks of the pod spec as a whole: a readiness gate's conditionType or a scheduling gate's name that is not " +
			"a qualified name, or a scheduling gate listed twice; `os` without a name or with one other than linux and " +
			"windows; shareProcessNamespace with hostPID; a terminationGracePeriodSeconds beyond 64 bits; hostUsers: false with hostNetwork, hostPID, hostIPC or a " +
			"container's volumeDevices; Windows HostProcess containers mixed with others, set differently at pod and " +
			"container level, or without hostNetwork. The message says which check failed.",
		Why: "The API server rejects the DaemonSet.",
		In:  rule.InPodSpec,
		Bad: `hostPID: true
shareProcessNamespace: true`,
		Good:    `hostPID: true`,
		Fix:     "Do what the message says; with hostPID the containers already see each other's processes, so shareProcessNamespace adds nothing.",
		Mirrors: "ValidatePodSpec in pkg/apis/core/validation (validateReadinessGates, validateSchedulingGates, validateOS, validateShareProcessNamespace, validateHostUsers, validateWindowsHostProcessPod)",
	},
	Check: func(p *rule.Pass) {
		ps, base := daemonSetPod(p.Object)
		if ps == nil {
			return
		}
		r := reporter{p}
		for i, g := range ps.ReadinessGates {
			checkLabelKey(r, base.Child("readinessGates").Index(i).Child("conditionType"), "readiness gate conditionType", string(g.ConditionType))
		}
		seen := map[string]bool{}
		for i, g := range ps.SchedulingGates {
			gp := base.Child("schedulingGates").Index(i)
			if msgs := qualifiedName(g.Name); len(msgs) > 0 {
				r.at(gp, "scheduling gate name %q is not a qualified name: %s", g.Name, labelProblem(g.Name, msgs))
			}
			if seen[g.Name] {
				r.at(gp, "scheduling gate %q is listed twice: remove one", g.Name)
			}
			seen[g.Name] = true
		}
		if os := ps.OS; os != nil {
			switch {
			case os.Name == "":
				r.at(base.Child("os", "name"), "os has no name: set os.name to linux or windows, or remove os")
			case os.Name != corev1.Linux && os.Name != corev1.Windows:
				r.at(base.Child("os"), "os.name %q is not supported%s", os.Name, oneOf(string(os.Name), validOSNames))
			}
		}
		if ps.HostPID && ps.ShareProcessNamespace != nil && *ps.ShareProcessNamespace {
			r.value(base.Child("shareProcessNamespace"), "shareProcessNamespace cannot be combined with hostPID: the containers already share the host's PID namespace; remove shareProcessNamespace")
		}
		// hostUsers is validated from 1.33, where user namespaces are on by
		// default; before, the API server drops the field.
		if ps.HostUsers != nil && !*ps.HostUsers && p.Object.AtLeast(33) {
			for _, h := range []struct {
				on      bool
				field   string
				written string
			}{{ps.HostNetwork, "hostNetwork", "hostNetwork"}, {ps.HostPID, "HostPID", "hostPID"}, {ps.HostIPC, "HostIPC", "hostIPC"}} {
				// The API server's error names HostPID and HostIPC so, a
				// path no manifest has; the field as written is related.
				if h.on {
					p.Report(rule.Diagnostic{Path: base.Child(h.field),
						Message: fmt.Sprintf("hostUsers: false (a user namespace) cannot be combined with a host namespace (%s): remove one", h.written),
						Related: []rule.RelatedPath{{Path: base.Child(h.written), Message: h.written}, {Path: base.Child("hostUsers"), Message: "hostUsers: false"}}})
				}
			}
			// Block devices in a user namespace are refused from 1.34.
			for _, c := range containers(ps, base) {
				if len(c.C.VolumeDevices) > 0 && p.Object.AtLeast(34) {
					r.at(c.Path.Child("volumeDevices"), "%s has volumeDevices, which a pod with hostUsers: false cannot use (they cannot be mapped into a user namespace)", containerName(c))
				}
			}
		}
		if gp := base.Child("terminationGracePeriodSeconds"); !fitsInt64(p.Object.Get(gp)) {
			r.value(gp, "terminationGracePeriodSeconds %v does not fit in a 64-bit integer, which the API server cannot decode: use a number of seconds such as 30", p.Object.Get(gp))
		}
		checkHostProcess(r, ps, base)
	},
}

// checkHostProcess mirrors validateWindowsHostProcessPod: a pod's
// containers are all Windows HostProcess containers or none are, the pod
// and a container do not disagree, and such a pod uses the host network.
func checkHostProcess(r reporter, ps *corev1.PodSpec, base fieldpath.Path) {
	var pod *bool
	if sc := ps.SecurityContext; sc != nil && sc.WindowsOptions != nil {
		pod = sc.WindowsOptions.HostProcess
	}
	count, hostProcess := 0, 0
	for _, c := range containers(ps, base) {
		count++
		var own *bool
		if sc := c.C.SecurityContext; sc != nil && sc.WindowsOptions != nil {
			own = sc.WindowsOptions.HostProcess
		}
		if pod != nil && own != nil && *pod != *own {
			r.value(c.Path.Child("securityContext", "windowsOptions", "hostProcess"),
				"%s sets hostProcess: %t, but the pod sets %t: they must agree (leave the container's out to inherit the pod's)", containerName(c), *own, *pod)
		}
		if own != nil && *own || own == nil && pod != nil && *pod {
			hostProcess++
		}
	}
	if hostProcess == 0 {
		return
	}
	if hostProcess != count {
		r.at(base, "%d of the pod's %d containers are Windows HostProcess containers: either all are or none is", hostProcess, count)
	}
	if !ps.HostNetwork {
		r.at(base.Child("hostNetwork"), "a pod with Windows HostProcess containers must set hostNetwork: true (they run in the node's network namespace)")
	}
}
