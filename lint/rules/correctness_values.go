package rules

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/everynode/everynode/lint/fieldpath"
	"github.com/everynode/everynode/lint/finding"
	"github.com/everynode/everynode/lint/rule"
)

// Values the API server accepts for enumerated pod fields. The OpenAPI
// schema types these fields as plain strings, so only a rule can say that
// "tcp" or "always" is rejected.
var (
	dnsPolicies        = []string{"ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"}
	preemptionPolicies = []string{"PreemptLowerPriority", "Never"}
	pullPolicies       = []string{"Always", "IfNotPresent", "Never"}
	terminationPolices = []string{"File", "FallbackToLogsOnError"}
	protocols          = []string{"TCP", "UDP", "SCTP"}
	propagations       = []string{"None", "HostToContainer", "Bidirectional"}
	seccompTypes       = []string{"RuntimeDefault", "Unconfined", "Localhost"}
	appArmorTypes      = []string{"RuntimeDefault", "Unconfined", "Localhost"}
	procMountTypes     = []string{"Default", "Unmasked"}
	tolerationOps      = []string{"Equal", "Exists"}
	taintEffects       = []string{"NoSchedule", "PreferNoSchedule", "NoExecute"}
	nodeSelectorOps    = []string{"In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"}
)

var unsupportedValueRule = &rule.Rule{
	ID:       "unsupported-value",
	Category: rule.Correctness,
	Severity: finding.Error,
	Summary:  "an enumerated pod field set to a value Kubernetes does not support (they are case-sensitive)",
	Kinds:    daemonSetOnly,
	Doc: rule.Doc{
		What: "A pod template field with a fixed set of values set to something else: dnsPolicy, preemptionPolicy, a container's " +
			"imagePullPolicy, terminationMessagePolicy, port protocol, mountPropagation, seccompProfile.type, appArmorProfile.type and " +
			"procMount, and a toleration's " +
			"operator and effect (invalid-affinity checks node affinity operators). The values are case-sensitive: tcp, always and noSchedule are rejected.",
		Why: "The API server rejects the DaemonSet (\"Unsupported value\"). The published schema types these fields as plain " +
			"strings, so schema validation alone does not catch them.",
		In: rule.InContainer,
		Bad: `ports:
  - {containerPort: 53, protocol: udp}
imagePullPolicy: always`,
		Good: `ports:
  - {containerPort: 53, protocol: UDP}
imagePullPolicy: Always`,
		Fix:     "Use one of the listed values, spelled exactly.",
		Mirrors: "ValidatePodSpec in pkg/apis/core/validation (validateDNSPolicy, validatePullPolicy, validateContainerPorts, validateMountPropagation, validateSeccompProfileField, ValidateAppArmorProfileField, ValidateProcMountType, validateTolerations)",
	},
	Check: func(p *rule.Pass) {
		ps, base := daemonSetPod(p.Object)
		if ps == nil {
			return
		}
		check := func(path fieldpath.Path, field, value string, allowed []string) {
			if value == "" || slices.Contains(allowed, value) {
				return
			}
			p.Report(rule.Diagnostic{Path: path, AtValue: true,
				Message: fmt.Sprintf("%s %q is not supported%s: use one of %s", field, value, didYouMean(value, allowed), strings.Join(allowed, ", "))})
		}
		check(base.Child("dnsPolicy"), "dnsPolicy", string(ps.DNSPolicy), dnsPolicies)
		if ps.PreemptionPolicy != nil {
			check(base.Child("preemptionPolicy"), "preemptionPolicy", string(*ps.PreemptionPolicy), preemptionPolicies)
			if *ps.PreemptionPolicy == "" {
				// Set but empty: refused as a missing value.
				p.Report(rule.Diagnostic{Path: base.Child("preemptionPolicy"), AtValue: true,
					Message: fmt.Sprintf("preemptionPolicy is empty: use one of %s, or remove it", strings.Join(preemptionPolicies, ", "))})
			}
		}
		if sc := ps.SecurityContext; sc != nil && sc.SeccompProfile != nil {
			check(base.Child("securityContext", "seccompProfile", "type"), "seccompProfile.type", string(sc.SeccompProfile.Type), seccompTypes)
		}
		if sc := ps.SecurityContext; sc != nil && sc.AppArmorProfile != nil {
			check(base.Child("securityContext", "appArmorProfile", "type"), "appArmorProfile.type", string(sc.AppArmorProfile.Type), appArmorTypes)
		}
		for _, c := range containers(ps, base) {
			check(c.Path.Child("imagePullPolicy"), "imagePullPolicy", string(c.C.ImagePullPolicy), pullPolicies)
			check(c.Path.Child("terminationMessagePolicy"), "terminationMessagePolicy", string(c.C.TerminationMessagePolicy), terminationPolices)
			for j, port := range c.C.Ports {
				check(c.Path.Child("ports").Index(j).Child("protocol"), "protocol", string(port.Protocol), protocols)
			}
			for j, m := range c.C.VolumeMounts {
				if m.MountPropagation != nil {
					mp := c.Path.Child("volumeMounts").Index(j).Child("mountPropagation")
					check(mp, "mountPropagation", string(*m.MountPropagation), propagations)
					if *m.MountPropagation == "" {
						// Written empty: refused, not defaulted.
						p.Report(rule.Diagnostic{Path: mp, AtValue: true,
							Message: fmt.Sprintf("mountPropagation is empty: use one of %s, or remove it", strings.Join(propagations, ", "))})
					}
				}
			}
			if sc := c.C.SecurityContext; sc != nil && sc.SeccompProfile != nil {
				check(c.Path.Child("securityContext", "seccompProfile", "type"), "seccompProfile.type", string(sc.SeccompProfile.Type), seccompTypes)
			}
			// The security rules compare these exactly too: "unmasked" is
			// rejected here, not taken for Unmasked there.
			if sc := c.C.SecurityContext; sc != nil && sc.ProcMount != nil {
				check(c.Path.Child("securityContext", "procMount"), "procMount", string(*sc.ProcMount), procMountTypes)
			}
			if sc := c.C.SecurityContext; sc != nil && sc.AppArmorProfile != nil {
				check(c.Path.Child("securityContext", "appArmorProfile", "type"), "appArmorProfile.type", string(sc.AppArmorProfile.Type), appArmorTypes)
			}
		}
		for i, t := range ps.Tolerations {
			tp := base.Child("tolerations").Index(i)
			check(tp.Child("operator"), "toleration operator", string(t.Operator), tolerationOps)
			check(tp.Child("effect"), "toleration effect", string(t.Effect), taintEffects)
		}
	},
}

var invalidTolerationRule = &rule.Rule{
	ID:       "invalid-toleration",
	Category: rule.Correctness,
	Severity: finding.Error,
	Summary:  "a toleration the API server rejects (Exists with a value, no key without Exists, tolerationSeconds without NoExecute)",
	Kinds:    daemonSetOnly,
	Doc: rule.Doc{
		What: "A toleration with operator Exists and a value, with no key and an operator other than Exists, with " +
			"tolerationSeconds but an effect other than NoExecute, or with a key or value that is not a valid label key or value.",
		Why: "The API server rejects the DaemonSet. Tolerations matter more for a DaemonSet than for anything else: they decide " +
			"which nodes get the agent at all.",
		In: rule.InPodSpec,
		Bad: `tolerations:
  - key: node-role.kubernetes.io/control-plane
    operator: Exists
    value: "true"`,
		Good: `tolerations:
  - key: node-role.kubernetes.io/control-plane
    operator: Exists
    effect: NoSchedule`,
		Fix: "With Exists leave value out; to tolerate every taint write just `operator: Exists`; set tolerationSeconds only " +
			"with effect NoExecute.",
		Mirrors: "validateTolerations in pkg/apis/core/validation",
	},
	Check: func(p *rule.Pass) {
		ps, base := daemonSetPod(p.Object)
		if ps == nil {
			return
		}
		for i, t := range ps.Tolerations {
			tp := base.Child("tolerations").Index(i)
			if t.Key != "" {
				if msgs := qualifiedName(t.Key); len(msgs) > 0 {
					p.Report(rule.Diagnostic{Path: tp.Child("key"), AtValue: true,
						Message: fmt.Sprintf("toleration key %q is not a valid taint key: %s", t.Key, labelProblem(t.Key, msgs))})
				}
			} else if t.Operator != corev1.TolerationOpExists {
				// The API server names the operator in each of the
				// errors below, whichever field is wrong; the finding
				// does too and points at the other field as related.
				p.Reportf(tp.Child("operator"), "a toleration without a key must use operator: Exists (which tolerates every taint); add the taint's key, or set operator: Exists")
			}
			if sp := tp.Child("tolerationSeconds"); !fitsInt64(p.Object.Get(sp)) {
				p.Report(rule.Diagnostic{Path: sp, AtValue: true,
					Message: fmt.Sprintf("tolerationSeconds %v does not fit in a 64-bit integer, which the API server cannot decode: use a number of seconds such as 300", p.Object.Get(sp))})
			}
			if t.TolerationSeconds != nil && t.Effect != corev1.TaintEffectNoExecute {
				p.Report(rule.Diagnostic{Path: tp.Child("effect"), AtValue: t.Effect != "",
					Message: "tolerationSeconds applies only to effect NoExecute (it bounds how long the pod stays after the taint appears): set effect: NoExecute or remove tolerationSeconds",
					Related: []rule.RelatedPath{{Path: tp.Child("tolerationSeconds"), Message: "tolerationSeconds"}}})
			}
			switch t.Operator {
			case corev1.TolerationOpExists:
				if t.Value != "" {
					p.Report(rule.Diagnostic{Path: tp.Child("operator"), AtValue: true,
						Message: fmt.Sprintf("a toleration with operator Exists takes no value (got %q): remove value, or use operator: Equal", t.Value),
						Related: []rule.RelatedPath{{Path: tp.Child("value"), Message: "the value"}}})
				}
			case corev1.TolerationOpEqual, "":
				if msgs := validation.IsValidLabelValue(t.Value); len(msgs) > 0 {
					p.Report(rule.Diagnostic{Path: tp.Child("operator"), AtValue: t.Operator != "",
						Message: fmt.Sprintf("toleration value %q is not a valid taint value: %s", t.Value, labelProblem(t.Value, msgs)),
						Related: []rule.RelatedPath{{Path: tp.Child("value"), Message: "the value"}}})
				}
			}
		}
	},
}

var invalidPortRule = &rule.Rule{
	ID:       "invalid-port",
	Category: rule.Correctness,
	Severity: finding.Error,
	Summary:  "a container port without a containerPort, or a port number out of range",
	Kinds:    daemonSetOnly,
	Doc: rule.Doc{
		What: "A container port entry with no containerPort (or 0), or a containerPort or hostPort outside 1-65535.",
		Why:  "The API server rejects the DaemonSet.",
		In:   rule.InContainer,
		Bad: `ports:
  - {name: metrics, hostPort: 9100}`,
		Good: `ports:
  - {name: metrics, containerPort: 9100, hostPort: 9100}`,
		Fix:     "Set containerPort to the port the process listens on, between 1 and 65535.",
		Mirrors: "validateContainerPorts in pkg/apis/core/validation (IsValidPortNum)",
	},
	Check: func(p *rule.Pass) {
		ps, base := daemonSetPod(p.Object)
		if ps == nil {
			return
		}
		for _, c := range containers(ps, base) {
			for j, port := range c.C.Ports {
				pp := c.Path.Child("ports").Index(j)
				if port.ContainerPort == 0 {
					p.Reportf(pp.Child("containerPort"), "this port of %s has no containerPort, which is required: set the port the process listens on", containerName(c))
				} else if len(validation.IsValidPortNum(int(port.ContainerPort))) > 0 {
					p.Report(rule.Diagnostic{Path: pp.Child("containerPort"), AtValue: true,
						Message: fmt.Sprintf("containerPort %d is out of range: use 1-65535", port.ContainerPort)})
				}
				if port.HostPort != 0 && len(validation.IsValidPortNum(int(port.HostPort))) > 0 {
					p.Report(rule.Diagnostic{Path: pp.Child("hostPort"), AtValue: true,
						Message: fmt.Sprintf("hostPort %d is out of range: use 1-65535, or leave it out", port.HostPort)})
				}
			}
		}
	},
}

var privilegeEscalationConflictRule = &rule.Rule{
	ID:       "privilege-escalation-conflict",
	Category: rule.Correctness,
	Severity: finding.Error,
	Summary:  "allowPrivilegeEscalation: false with privileged: true or CAP_SYS_ADMIN",
	Kinds:    daemonSetOnly,
	Doc: rule.Doc{
		What: "A container whose securityContext sets allowPrivilegeEscalation: false together with privileged: true or with " +
			"the SYS_ADMIN capability added.",
		Why: "A privileged container (or one with CAP_SYS_ADMIN) can always escalate, so the combination is contradictory and " +
			"the API server rejects the DaemonSet. It usually comes from a hardened default applied to a container that must be privileged.",
		In: rule.InContainer,
		Bad: `securityContext:
  privileged: true
  allowPrivilegeEscalation: false`,
		Good: `securityContext:
  privileged: true`,
		Fix: "For a container that must be privileged (a CSI node plugin, a CNI agent), remove allowPrivilegeEscalation; " +
			"otherwise drop privileged and add only the capabilities it needs.",
		Mirrors: "ValidateSecurityContext in pkg/apis/core/validation (cannot set allowPrivilegeEscalation to false and privileged to true, or add CAP_SYS_ADMIN)",
	},
	Check: func(p *rule.Pass) {
		ps, base := daemonSetPod(p.Object)
		if ps == nil {
			return
		}
		for _, c := range containers(ps, base) {
			sc := c.C.SecurityContext
			if sc == nil || sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation {
				continue
			}
			// Kubernetes names the security context as a whole: the
			// contradiction is between two of its fields.
			path := c.Path.Child("securityContext")
			if privilegedContainer(c.C) {
				p.Reportf(path, "allowPrivilegeEscalation: false contradicts privileged: true in %s (a privileged container can always escalate): remove one of them", containerName(c))
				continue
			}
			if sc.Capabilities != nil {
				for _, capability := range sc.Capabilities.Add {
					if capability == "CAP_SYS_ADMIN" {
						p.Reportf(path, "allowPrivilegeEscalation: false contradicts adding CAP_SYS_ADMIN in %s: remove one of them", containerName(c))
					}
				}
			}
		}
	},
}

var missingContainersRule = &rule.Rule{
	ID:       "missing-containers",
	Category: rule.Correctness,
	Severity: finding.Error,
	Summary:  "a pod template without containers",
	Kinds:    daemonSetOnly,
	Doc: rule.Doc{
		What: "A DaemonSet whose pod template has no containers (init containers alone do not count).",
		Why:  "A pod needs at least one container; the API server rejects the DaemonSet. It is usually a template whose containers block did not render.",
		In:   rule.InPodSpec,
		Bad: "initContainers:\n" +
			"  - {name: install, image: example/installer:1.0}\n" +
			"containers: []\n",
		Good: "initContainers:\n" +
			"  - {name: install, image: example/installer:1.0}\n" +
			"containers:\n" +
			"  - {name: agent, image: example/agent:1.0}\n",
		Fix:     "Add the containers, or check the template that should have rendered them.",
		Mirrors: "validateContainers in pkg/apis/core/validation (containers: Required value)",
	},
	Check: func(p *rule.Pass) {
		ps, base := daemonSetPod(p.Object)
		if ps == nil || len(ps.Containers) > 0 {
			return
		}
		p.Reportf(base.Child("containers"), "the pod template has no containers, and a pod needs at least one: add spec.template.spec.containers")
	},
}

// volumeSources names the volume sources a volume sets, from the typed
// VolumeSource: every pointer field that is not nil.
func volumeSources(v *corev1.Volume) []string {
	var out []string
	rv := reflect.ValueOf(v.VolumeSource)
	rt := rv.Type()
	for i := 0; i < rt.NumField(); i++ {
		if f := rv.Field(i); f.Kind() == reflect.Pointer && !f.IsNil() {
			name, _, _ := strings.Cut(rt.Field(i).Tag.Get("json"), ",")
			out = append(out, name)
		}
	}
	return out
}

// missingSourceField names the field a volume's source requires and lacks.
func missingSourceField(v *corev1.Volume) (field, what string) {
	switch {
	case v.HostPath != nil && v.HostPath.Path == "":
		return "path", "directory or file of the node"
	case v.ConfigMap != nil && v.ConfigMap.Name == "":
		return "name", "ConfigMap's name"
	case v.Secret != nil && v.Secret.SecretName == "":
		return "secretName", "Secret's name"
	case v.PersistentVolumeClaim != nil && v.PersistentVolumeClaim.ClaimName == "":
		return "claimName", "PersistentVolumeClaim's name"
	}
	return "", ""
}

var invalidVolumeSourceRule = &rule.Rule{
	ID:       "invalid-volume-source",
	Category: rule.Correctness,
	Severity: finding.Error,
	Summary:  "a volume with no source, with more than one, or whose source lacks its path or name",
	Kinds:    daemonSetOnly,
	Doc: rule.Doc{
		What: "A volume that names more than one source (hostPath, configMap, secret, emptyDir, ...); a hostPath " +
			"without a path, a configMap without a name, a secret without a secretName, a persistentVolumeClaim without a claimName; " +
			"and the other checks the API server makes of a source's fields: file modes above 0777, item and file paths that are " +
			"absolute or contain '..', downwardAPI fields and resources a volume cannot expose, projected sources of two kinds or " +
			"writing the same file, short service account tokens, an NFS path that is not absolute, iSCSI names and LUNs, fc, " +
			"quobyte, flocker, azureDisk, storageos and csi fields; the required fields of the old in-tree sources (ebs, gce, " +
			"azure, ceph, cinder, flex, glusterfs, rbd, scaleIO, vSphere, ...) written empty; a negative emptyDir sizeLimit; an " +
			"image volume without a reference (from Kubernetes 1.37); podCertificate lifetimes and userAnnotations. A volume with no source at all gets a warning.",
		Why: "A volume is exactly one thing; the API server rejects the DaemonSet (\"may not specify more than 1 volume type\", " +
			"\"hostPath.path: Required value\"). Two sources in one entry usually mean a missing \"- name:\" line. A volume " +
			"with no source is accepted and defaulted to an emptyDir, which is rarely what a volume with a name and nothing " +
			"else was meant to be (a source lost to indentation is the usual cause).",
		In: rule.InPodSpec,
		Bad: `volumes:
  - name: config
    configMap: {name: agent}
    hostPath: {path: /etc/agent}`,
		Good: `volumes:
  - name: config
    configMap: {name: agent}
  - name: host-config
    hostPath: {path: /etc/agent}`,
		Fix:     "Give each volume exactly one source, with its path or name; split an entry with two into two volumes.",
		Mirrors: "validateVolumeSource in pkg/apis/core/validation and the validators of each source it calls",
	},
	Check: func(p *rule.Pass) {
		ps, base := daemonSetPod(p.Object)
		if ps == nil {
			return
		}
		for i := range ps.Volumes {
			v := &ps.Volumes[i]
			vp := base.Child("volumes").Index(i)
			sources := volumeSources(v)
			// Name the sources in the order they are written, and report
			// the second: the first is usually the intended one.
			line := func(src string) int {
				_, l, _ := p.Object.Position(vp.Child(src))
				return l
			}
			slices.SortStableFunc(sources, func(a, b string) int { return line(a) - line(b) })
			switch {
			case len(sources) == 0:
				// The API server accepts it: defaulting makes a volume
				// without a source an emptyDir. Often a source was lost
				// to indentation, hence a warning, not an error.
				p.Report(rule.Diagnostic{Path: vp, Severity: finding.Warning, Message: fmt.Sprintf(
					"volume %q has no source, so Kubernetes makes it an empty emptyDir: write emptyDir: {} if that is meant, or add the source that is missing", v.Name)})
			case len(sources) > 1:
				p.Reportf(vp.Child(sources[1]), "volume %q has %d sources (%s), and a volume is exactly one: split it into separate volumes",
					v.Name, len(sources), strings.Join(sources, ", "))
			default:
				if field, what := missingSourceField(v); field != "" {
					p.Reportf(vp.Child(sources[0], field), "volume %q: %s has no %s: set it to the %s", v.Name, sources[0], field, what)
				}
				checkVolumeSourceFields(p, v, vp)
			}
		}
	},
}
