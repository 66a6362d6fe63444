// Package placement runs the DaemonSet controller's own placement
// decision (k8s.io/kubernetes/pkg/controller/daemon, v1.37.2): whether a
// DaemonSet's pod should run on a node, given the node's labels, fields
// and taints and the tolerations the controller adds to every daemon pod.
// It is the oracle for everynode's placement command; the command itself
// lives in the main module and must agree with this.
package placement

import (
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/klog/v2"
	"k8s.io/kubernetes/pkg/controller/daemon"
	"k8s.io/kubernetes/pkg/controller/daemon/util"
)

// Decision is the controller's answer for one node.
type Decision struct {
	// Runs: the controller creates a daemon pod on the node (node
	// selector, required node affinity and nodeName match, and every
	// NoSchedule and NoExecute taint is tolerated).
	Runs bool
	// KeepsRunning: a daemon pod already on the node is left there (true
	// when Runs; also when only NoSchedule taints are not tolerated).
	KeepsRunning bool
}

// ShouldRun is NodeShouldRunDaemonPod(node, ds). ds should be as the API
// server stores it (defaulted); the controller adds its default
// tolerations itself, so ds's template need not have them.
func ShouldRun(ds *appsv1.DaemonSet, node *corev1.Node) Decision {
	runs, keeps := daemon.NodeShouldRunDaemonPod(klog.Background(), node, ds)
	return Decision{Runs: runs, KeepsRunning: keeps}
}

// Tolerations are the tolerations of the pods the controller creates for
// ds: the template's, with the controller's defaults added or updated
// (AddOrUpdateDaemonPodTolerations: not-ready and unreachable NoExecute;
// disk, memory and PID pressure, unschedulable NoSchedule; network
// unavailable for host-network pods). ds is not modified.
func Tolerations(ds *appsv1.DaemonSet) []corev1.Toleration {
	spec := *ds.Spec.Template.Spec.DeepCopy()
	util.AddOrUpdateDaemonPodTolerations(&spec)
	return spec.Tolerations
}
