package generator

import (
	"slices"

	corev1 "k8s.io/api/core/v1"
)

// security renders the main container's securityContext and the pod's,
// then fills in the restricted Pod Security defaults for every field the
// spec left unset.
func (r *renderer) security() {
	sc := &corev1.SecurityContext{}
	if x := r.spec.SecurityContext; x != nil {
		sc = x.SecurityContext.DeepCopy()
	}
	r.rec(mainPath.Child("securityContext"), specRoot.Child("securityContext"))

	pod := &corev1.PodSecurityContext{}
	if r.spec.PodSecurityContext != nil {
		pod = r.spec.PodSecurityContext.DeepCopy()
		r.rec(podPath.Child("securityContext"), specRoot.Child("podSecurityContext"))
	}
	if pod.SeccompProfile == nil {
		pod.SeccompProfile = &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}
	}
	r.pod.SecurityContext = pod
	r.main.SecurityContext = sc
	applySecurityDefaults(r.main, pod)
}

// applySecurityDefaults sets what the restricted Pod Security Standard
// asks of a container, field by field, where the spec said nothing. A
// container that asks for privilege gets exactly that: privileged drops
// the capability and escalation defaults (Kubernetes rejects privileged
// with allowPrivilegeEscalation: false, and privileged has every
// capability anyway), and runAsNonRoot is not imposed on a container that
// runs as root (runAsUser: 0) or is privileged.
func applySecurityDefaults(c *corev1.Container, pod *corev1.PodSecurityContext) {
	if c.SecurityContext == nil {
		c.SecurityContext = &corev1.SecurityContext{}
	}
	sc := c.SecurityContext
	privileged := sc.Privileged != nil && *sc.Privileged
	if sc.AllowPrivilegeEscalation == nil && !privileged && !addsSysAdmin(sc) {
		sc.AllowPrivilegeEscalation = ptr(false)
	}
	if !privileged {
		if sc.Capabilities == nil {
			sc.Capabilities = &corev1.Capabilities{}
		}
		if sc.Capabilities.Drop == nil {
			sc.Capabilities.Drop = []corev1.Capability{"ALL"}
		}
	}
	if sc.ReadOnlyRootFilesystem == nil {
		sc.ReadOnlyRootFilesystem = ptr(true)
	}
	runsAsRoot := false
	if sc.RunAsUser != nil {
		runsAsRoot = *sc.RunAsUser == 0
	} else if pod != nil && pod.RunAsUser != nil {
		runsAsRoot = *pod.RunAsUser == 0
	}
	podDecides := pod != nil && pod.RunAsNonRoot != nil
	if sc.RunAsNonRoot == nil && !privileged && !runsAsRoot && !podDecides {
		sc.RunAsNonRoot = ptr(true)
	}
}

// addsSysAdmin: Kubernetes rejects allowPrivilegeEscalation: false next
// to CAP_SYS_ADMIN, which implies it.
func addsSysAdmin(sc *corev1.SecurityContext) bool {
	return sc.Capabilities != nil && (slices.Contains(sc.Capabilities.Add, "SYS_ADMIN") || slices.Contains(sc.Capabilities.Add, "CAP_SYS_ADMIN"))
}

func ptr[T any](v T) *T { return &v }
