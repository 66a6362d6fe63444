package rules

import (
	"fmt"
	"regexp"
	"sync"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/everynode/everynode/lint/fieldpath"
	"github.com/everynode/everynode/lint/finding"
	"github.com/everynode/everynode/lint/rule"
)

var missingUpdateStrategyRule = &rule.Rule{
	ID:       "missing-update-strategy",
	Category: rule.Reliability,
	Severity: finding.Info,
	Summary:  "no explicit updateStrategy / maxUnavailable: rollouts go one node at a time",
	Kinds:    []string{"DaemonSet"},
	Doc: rule.Doc{
		What: "A DaemonSet without `spec.updateStrategy`, or with a RollingUpdate strategy that sets " +
			"neither `maxUnavailable` nor `maxSurge`. OnDelete is an explicit choice and is left alone.",
		Why: "The default is RollingUpdate with `maxUnavailable: 1`: one node at a time, each waiting " +
			"for the new pod to be ready (and minReadySeconds). On a 500-node cluster a release takes " +
			"hours, and a fix for a broken agent takes as long. Writing the value down makes the " +
			"trade-off between rollout speed and blast radius a decision rather than an accident.",
		In: rule.InSpec,
		Bad: "# no updateStrategy: RollingUpdate, one node at a time, by default\n" +
			"minReadySeconds: 10\n",
		Good: "minReadySeconds: 10\n" +
			"updateStrategy:\n" +
			"  type: RollingUpdate\n" +
			"  rollingUpdate:\n" +
			"    maxUnavailable: 10%\n",
		Fix: "Set `spec.updateStrategy.rollingUpdate.maxUnavailable` (a percentage scales with the " +
			"cluster), or `maxSurge` with `maxUnavailable: 0` for agents that must never be absent (not " +
			"with host ports).",
	},
	Check: func(p *rule.Pass) {
		ds := p.Object.DaemonSet()
		if ds == nil {
			return
		}
		if p.Object.Get(specPath.Child("updateStrategy")) == nil {
			p.Reportf(specPath.Child("updateStrategy"),
				"no updateStrategy: the default RollingUpdate replaces one node's pod at a time, which takes hours on a large cluster; set updateStrategy.rollingUpdate.maxUnavailable")
			return
		}
		us := ds.Spec.UpdateStrategy
		if us.Type != "" && us.Type != appsv1.RollingUpdateDaemonSetStrategyType {
			return
		}
		if ru := us.RollingUpdate; ru != nil && (ru.MaxUnavailable != nil || ru.MaxSurge != nil) {
			return
		}
		p.Reportf(specPath.Child("updateStrategy", "rollingUpdate", "maxUnavailable"),
			"no maxUnavailable: the rolling update replaces one node's pod at a time, which takes hours on a large cluster; set it explicitly (a percentage scales with the cluster)")
	},
}

// versionLike matches label values that change with each release:
// 1.2, v1.2.3, 1.2.3-rc.1, and chart-style node-exporter-4.3.1.
var versionLike = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^v?\d+\.\d+(\.\d+)?([-+][0-9A-Za-z.+-]*)?$|-v?\d+\.\d+\.\d+([-+][0-9A-Za-z.+-]*)?$`)
})

var versionLabelKeys = &rule.Param[[]string]{
	Name:    "keys",
	Doc:     "label keys whose value changes from release to release",
	Default: []string{"version", "app.kubernetes.io/version", "helm.sh/chart", "chart", "controller-revision-hash", "pod-template-generation", "pod-template-hash"},
}

var versionLabelInSelectorRule = &rule.Rule{
	ID:       "version-label-in-selector",
	Category: rule.Reliability,
	Severity: finding.Warning,
	Summary:  "the selector uses a label that changes with each release (version, chart): the selector is immutable",
	Kinds:    []string{"DaemonSet"},
	Params:   []rule.Parameter{versionLabelKeys},
	Doc: rule.Doc{
		What: "A `spec.selector` entry (matchLabels, or a matchExpressions key or value) on a label " +
			"that changes with each release: a key such as `version`, `app.kubernetes.io/version` or " +
			"`helm.sh/chart`, or any value that looks like a version (`1.2.3`, `v2.0`, `agent-4.3.1`).",
		Why: "A DaemonSet's selector cannot be changed after creation. When the next release bumps the " +
			"label, the apply fails with \"field is immutable\", and the only way forward is to delete " +
			"the DaemonSet and recreate it, taking the agent off every node at once. The label may be " +
			"on the pod template; it must not be in the selector.",
		In:  rule.InSpec,
		Bad: "selector:\n  matchLabels:\n    app.kubernetes.io/name: node-agent\n    app.kubernetes.io/version: 1.4.2\n",
		Good: "selector:\n  matchLabels:\n    app.kubernetes.io/name: node-agent\n    app.kubernetes.io/instance: node-agent\n" +
			"template:\n  metadata:\n    labels:\n      app.kubernetes.io/name: node-agent\n      app.kubernetes.io/instance: node-agent\n      app.kubernetes.io/version: 1.4.2\n",
		Fix: "Select on stable labels only (`app.kubernetes.io/name` and `app.kubernetes.io/instance`) and " +
			"keep version labels on the template. For a DaemonSet already created, changing the selector " +
			"means deleting it (`kubectl delete ds --cascade=orphan` keeps the pods running meanwhile).",
	},
	Check: func(p *rule.Pass) {
		ds := p.Object.DaemonSet()
		if ds == nil || ds.Spec.Selector == nil {
			return
		}
		keys := versionLabelKeys.Get(p)
		sel := specPath.Child("selector")
		const tail = ": the selector is immutable, so the next release's apply fails and needs the DaemonSet deleted and recreated; keep the label on the template only"
		for _, k := range sortedKeys(ds.Spec.Selector.MatchLabels) {
			v := ds.Spec.Selector.MatchLabels[k]
			switch {
			case containsFold(keys, k):
				p.Reportf(sel.Child("matchLabels", k), "the selector matches label %s, which changes with each release%s", k, tail)
			case versionLike().MatchString(v):
				p.Reportf(sel.Child("matchLabels", k), "the selector matches %s=%s, a value that looks like a version%s", k, v, tail)
			}
		}
		for i, e := range ds.Spec.Selector.MatchExpressions {
			ep := sel.Child("matchExpressions").Index(i)
			if containsFold(keys, e.Key) {
				p.Reportf(ep.Child("key"), "the selector matches label %s, which changes with each release%s", e.Key, tail)
				continue
			}
			for j, v := range e.Values {
				if versionLike().MatchString(v) {
					p.Reportf(ep.Child("values").Index(j), "the selector matches %s against %s, a value that looks like a version%s", e.Key, v, tail)
				}
			}
		}
	},
}

var hostNetworkDNSPolicyRule = &rule.Rule{
	ID:       "host-network-dns-policy",
	Category: rule.Reliability,
	Severity: finding.Warning,
	Summary:  "hostNetwork without dnsPolicy: ClusterFirstWithHostNet: the pod cannot resolve cluster services",
	Kinds:    []string{"DaemonSet"},
	Doc: rule.Doc{
		What: "A pod template with `hostNetwork: true` and `dnsPolicy` unset or `ClusterFirst`.",
		Why: "With hostNetwork, `ClusterFirst` (the default) quietly falls back to the node's " +
			"resolv.conf, so names like `my-svc.my-ns.svc` do not resolve: the agent cannot reach " +
			"the services it reports to. `ClusterFirstWithHostNet` gives it cluster DNS. An agent " +
			"that needs only the node's DNS should say so with `dnsPolicy: Default`.",
		In:   rule.InPodSpec,
		Bad:  "hostNetwork: true\n",
		Good: "hostNetwork: true\ndnsPolicy: ClusterFirstWithHostNet\n",
		Fix:  "Set `dnsPolicy: ClusterFirstWithHostNet`, or `dnsPolicy: Default` if the agent resolves only names outside the cluster.",
	},
	Check: func(p *rule.Pass) {
		ps, base := daemonSetPod(p.Object)
		if ps == nil || !ps.HostNetwork {
			return
		}
		switch ps.DNSPolicy {
		case "":
			p.Reportf(base.Child("hostNetwork"),
				"hostNetwork without a dnsPolicy: the default ClusterFirst falls back to the node's DNS, so cluster service names do not resolve; set dnsPolicy: ClusterFirstWithHostNet (or Default if that is intended)")
		case corev1.DNSClusterFirst:
			p.Reportf(base.Child("dnsPolicy"),
				"dnsPolicy: ClusterFirst with hostNetwork falls back to the node's DNS, so cluster service names do not resolve; use ClusterFirstWithHostNet")
		}
	},
	Fix:   fixDNSPolicy,
	Fixes: rule.SafeFix,
}

// namespacedKinds are the kinds that ship with a DaemonSet and live in a
// namespace (cluster-scoped kinds have none to forget).
var namespacedKinds = []string{
	"DaemonSet", "Deployment", "StatefulSet", "Job", "CronJob", "ConfigMap", "Secret", "ServiceAccount",
	"Service", "Role", "RoleBinding", "NetworkPolicy", "PodDisruptionBudget",
}

var missingNamespaceRule = &rule.Rule{
	ID:       "missing-namespace",
	Category: rule.Reliability,
	Severity: finding.Info,
	Summary:  "a namespaced object has no metadata.namespace, or is in namespace default",
	Kinds:    namespacedKinds,
	Doc: rule.Doc{
		What: "A namespaced object (DaemonSet, ConfigMap, Secret, ServiceAccount, Service, Role, " +
			"RoleBinding, ...) without `metadata.namespace`, or with `namespace: default`, which is " +
			"where a missing namespace usually ends up (kube-linter's use-namespace flags both).",
		Why: "Without a namespace the object goes wherever the applying tool's context points: " +
			"`default` for one person, another namespace in CI or in the GitOps controller. In a " +
			"repository that is the source of truth, the namespace belongs in the manifest. (A " +
			"kustomize base that an overlay namespaces is the usual exception: lint the built output.) " +
			"Writing `default` fixes the ambiguity but not the problem: the default namespace collects " +
			"everything applied without a namespace, so the agent's Secrets, RBAC and Pod Security level " +
			"are shared with whatever lands there.",
		Bad: "apiVersion: apps/v1\n" +
			"kind: DaemonSet\n" +
			"metadata:\n" +
			"  name: node-agent\n" +
			"spec:\n" +
			"  selector:\n" +
			"    matchLabels: {app.kubernetes.io/name: node-agent}\n" +
			"  template:\n" +
			"    metadata:\n" +
			"      labels: {app.kubernetes.io/name: node-agent}\n" +
			"    spec:\n" +
			"      containers:\n" +
			"        - {name: agent, image: registry.example.com/agent:1.4.2}\n",
		Good: "apiVersion: apps/v1\n" +
			"kind: DaemonSet\n" +
			"metadata:\n" +
			"  name: node-agent\n" +
			"  namespace: monitoring\n" +
			"spec:\n" +
			"  selector:\n" +
			"    matchLabels: {app.kubernetes.io/name: node-agent}\n" +
			"  template:\n" +
			"    metadata:\n" +
			"      labels: {app.kubernetes.io/name: node-agent}\n" +
			"    spec:\n" +
			"      containers:\n" +
			"        - {name: agent, image: registry.example.com/agent:1.4.2}\n",
		Fix: "Set `metadata.namespace`, or lint what kustomize or helm renders rather than the base.",
	},
	Check: func(p *rule.Pass) {
		switch p.Object.Resource.Namespace {
		case "":
			p.Reportf(metadataNamespacePath,
				"%s has no metadata.namespace: it lands in whatever namespace the applying tool's context points to; set it", p.Object.Resource)
		case "default":
			p.Report(rule.Diagnostic{Path: metadataNamespacePath, AtValue: true, Message: fmt.Sprintf(
				"%s is in namespace default, where objects without a namespace land too: its RBAC, Secrets and Pod Security level are shared with whatever else ends up there; give the agent a namespace of its own", p.Object.Resource)})
		}
	},
}

var metadataNamespacePath = fieldpath.New("metadata", "namespace")
