// Package placement answers, offline, the question DaemonSet authors ask
// most: on which nodes will this run, why not on the others, and what do
// the DaemonSets together cost each node.
//
// The input is an inventory of nodes (ReadNodes reads what
// `kubectl get nodes -o yaml` or `-o json` prints) and decoded DaemonSets
// (DaemonSetSource). Compute decides every DaemonSet × node pair as the
// DaemonSet controller of Kubernetes 1.37 does (NodeShouldRunDaemonPod:
// spec.template.spec.nodeName, nodeSelector, required node affinity, and
// NoSchedule/NoExecute taints against the template's tolerations plus
// the ones the controller adds to every daemon pod), says in words why a
// node is left out, and warns about what the scheduler will then refuse:
// daemon pods whose requests exceed a node's allocatable, and two
// DaemonSets claiming the same host port on a node. The Result writes
// itself as text (a matrix of DaemonSets by node groups), Markdown and
// JSON (a public contract, see Result).
//
// The decisions use Kubernetes' own matching code
// (k8s.io/component-helpers nodeaffinity, Toleration.ToleratesTaint from
// k8s.io/api, resourcehelper.PodRequests for requests); what is mirrored
// rather than imported (the controller's rule and its default
// tolerations) is held equal to the controller by a differential test in
// the conformance module, which imports k8s.io/kubernetes. The main
// module never does.
//
// What placement cannot know: pods other than the DaemonSets' own (a
// node's free capacity is allocatable minus everything running there),
// admission that changes pods at creation (RuntimeClass overhead,
// LimitRanges, webhooks), preemption, and scheduler filters beyond
// resources and host ports (volumes, DRA, topology).
package placement
