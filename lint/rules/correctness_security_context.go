package rules

import (
	"fmt"
	"math"
	"path"
	"regexp"
	"slices"
	"strings"
	"sync"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/component-helpers/node/util/sysctl"

	"github.com/everynode/everynode/lint/fieldpath"
	"github.com/everynode/everynode/lint/finding"
	"github.com/everynode/everynode/lint/rule"
)

// Values the API server accepts for the enumerated fields of a pod's
// security context that unsupported-value does not cover.
var (
	fsGroupChangePolicies     = []string{"Always", "OnRootMismatch"}
	seLinuxChangePolicies     = []string{"MountOption", "Recursive"}
	supplementalGroupPolicies = []string{"Merge", "Strict"}
)

var invalidSecurityContextRule = &rule.Rule{
	ID:       "invalid-security-context",
	Category: rule.Correctness,
	Severity: finding.Error,
	Summary:  "a pod or container security context the API server rejects (IDs, profiles, sysctls, Windows options, OS-specific fields)",
	Kinds:    daemonSetOnly,
	Doc: rule.Doc{
		What: "A security context (the pod's or a container's) with a value Kubernetes refuses: a user or group ID outside " +
			"0-2147483647; a seccompProfile or appArmorProfile without a type, a Localhost profile without its localhostProfile, " +
			"a localhostProfile with another type, an absolute seccomp profile path or one with '..'; an AppArmor profile " +
			"padded with whitespace or longer than 4095 bytes; procMount: Unmasked while the pod shares the host's user " +
			"namespace; an fsGroupChangePolicy, seLinuxChangePolicy or supplementalGroupsPolicy that is not one of its values " +
			"(seLinuxChangePolicy MountOption only from Kubernetes 1.37); " +
			"a sysctl without a name, with a malformed or repeated name, or one of the network (IPC) namespace while the pod " +
			"uses the host's network (IPC); Windows options that are malformed or set on a Linux pod (os.name: linux); " +
			"Linux-only fields on a Windows pod; a seccomp annotation that contradicts the seccompProfile field. The message " +
			"names the check.",
		Why: "The API server rejects the DaemonSet, and none of these is visible in the published schema, which types the " +
			"fields as plain strings and integers.",
		In: rule.InContainer,
		Bad: `securityContext:
  runAsUser: -1
  seccompProfile:
    type: Localhost`,
		Good: `securityContext:
  runAsUser: 65534
  seccompProfile:
    type: Localhost
    localhostProfile: profiles/agent.json`,
		Fix: "Use the values the message names: IDs between 0 and 2147483647, a profile type with its localhostProfile " +
			"(a path relative to the kubelet's seccomp directory), sysctls the pod's namespaces allow.",
		Mirrors: "ValidateSecurityContext, validatePodSpecSecurityContext, validateSeccompProfileField, ValidateAppArmorProfileField, " +
			"validateWindowsSecurityContextOptions, validateSysctls, validateLinux, validateWindows and " +
			"validateSeccompAnnotationsAndFields in pkg/apis/core/validation",
	},
	Check: func(p *rule.Pass) {
		ps, base := daemonSetPod(p.Object)
		if ps == nil {
			return
		}
		ds := p.Object.DaemonSet()
		checkPodSecurityContext(p, ps, base)
		hostUsers := ps.HostUsers == nil || *ps.HostUsers
		for _, c := range containers(ps, base) {
			sc := c.C.SecurityContext
			if sc == nil {
				continue
			}
			at := c.Path.Child("securityContext")
			checkID(p, at.Child("runAsUser"), "runAsUser", sc.RunAsUser)
			checkID(p, at.Child("runAsGroup"), "runAsGroup", sc.RunAsGroup)
			if sc.ProcMount != nil && *sc.ProcMount == "" {
				// unsupported-value reports the other values.
				p.Report(rule.Diagnostic{Path: at.Child("procMount"), AtValue: true,
					Message: fmt.Sprintf("procMount of %s is empty: use Default, Unmasked, or leave it out", containerName(c))})
			}
			if sc.ProcMount != nil && *sc.ProcMount == corev1.UnmaskedProcMount && hostUsers {
				p.Report(rule.Diagnostic{Path: at.Child("procMount"), AtValue: true,
					Message: fmt.Sprintf("procMount: Unmasked in %s needs a user namespace of its own: set hostUsers: false in the pod spec, or remove procMount", containerName(c))})
			}
			checkSeccompProfile(p, at.Child("seccompProfile"), sc.SeccompProfile)
			checkAppArmorProfile(p, at.Child("appArmorProfile"), sc.AppArmorProfile)
			checkWindowsOptions(p, at.Child("windowsOptions"), sc.WindowsOptions)
		}
		switch osName(ps) {
		case corev1.Linux:
			if sc := ps.SecurityContext; sc != nil && sc.WindowsOptions != nil {
				p.Reportf(base.Child("securityContext", "windowsOptions"), "windowsOptions cannot be set for a Linux pod (os.name: linux): remove them, or set os.name: windows")
			}
			for _, c := range containers(ps, base) {
				if sc := c.C.SecurityContext; sc != nil && sc.WindowsOptions != nil {
					p.Reportf(c.Path.Child("securityContext", "windowsOptions"), "windowsOptions of %s cannot be set for a Linux pod (os.name: linux): remove them, or set os.name: windows", containerName(c))
				}
			}
		case corev1.Windows:
			checkWindowsPod(p, ps, base)
		}
		if ds != nil {
			checkSeccompAnnotations(p, ds.Spec.Template.Annotations, ps, base)
			if osName(ps) != corev1.Windows {
				checkAppArmorAnnotations(p, ds.Spec.Template.Annotations, ps, base)
			}
		}
	},
}

// osName is the pod's declared OS, "" when it declares none.
func osName(ps *corev1.PodSpec) corev1.OSName {
	if ps.OS == nil {
		return ""
	}
	return ps.OS.Name
}

func checkPodSecurityContext(p *rule.Pass, ps *corev1.PodSpec, base fieldpath.Path) {
	sc := ps.SecurityContext
	if sc == nil {
		return
	}
	at := base.Child("securityContext")
	checkID(p, at.Child("fsGroup"), "fsGroup", sc.FSGroup)
	checkID(p, at.Child("runAsUser"), "runAsUser", sc.RunAsUser)
	checkID(p, at.Child("runAsGroup"), "runAsGroup", sc.RunAsGroup)
	for i := range sc.SupplementalGroups {
		checkID(p, at.Child("supplementalGroups").Index(i), "a supplemental group", &sc.SupplementalGroups[i])
	}
	checkSysctls(p, ps, at.Child("sysctls"))
	enum := func(field string, v *string, allowed []string) {
		if v == nil || slices.Contains(allowed, *v) {
			return
		}
		p.Report(rule.Diagnostic{Path: at.Child(field), AtValue: true,
			Message: fmt.Sprintf("%s %q is not supported%s: use one of %s", field, *v, didYouMean(*v, allowed), strings.Join(allowed, ", "))})
	}
	enum("fsGroupChangePolicy", (*string)(sc.FSGroupChangePolicy), fsGroupChangePolicies)
	checkSeccompProfile(p, at.Child("seccompProfile"), sc.SeccompProfile)
	checkWindowsOptions(p, at.Child("windowsOptions"), sc.WindowsOptions)
	checkAppArmorProfile(p, at.Child("appArmorProfile"), sc.AppArmorProfile)
	enum("supplementalGroupsPolicy", (*string)(sc.SupplementalGroupsPolicy), supplementalGroupPolicies)
	if v := sc.SELinuxChangePolicy; v != nil && *v == corev1.SELinuxChangePolicyMountOption && p.Object.AtLeast(33) && !p.Object.AtLeast(37) {
		// Until SELinuxMount is on by default (1.37) the API server
		// accepts only Recursive. The field is on by default from 1.33;
		// 1.32 drops it (alpha) and older releases do not know it.
		p.Report(rule.Diagnostic{Path: at.Child("seLinuxChangePolicy"), AtValue: true,
			Message: "seLinuxChangePolicy \"MountOption\" is not supported before Kubernetes 1.37, where SELinuxMount is off by default: use Recursive, or remove the field"})
	} else {
		enum("seLinuxChangePolicy", (*string)(sc.SELinuxChangePolicy), seLinuxChangePolicies)
	}
}

// checkID reports a user or group ID outside what Linux allows (a
// non-negative 32-bit signed integer).
func checkID(p *rule.Pass, at fieldpath.Path, what string, id *int64) {
	if id == nil || *id >= 0 && *id <= math.MaxInt32 {
		return
	}
	p.Report(rule.Diagnostic{Path: at, AtValue: true,
		Message: fmt.Sprintf("%s %d is not a valid ID: use a number between 0 and 2147483647", what, *id)})
}

var sysctlNameRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$`)
})

func checkSysctls(p *rule.Pass, ps *corev1.PodSpec, at fieldpath.Path) {
	seen := map[string]bool{}
	for i, s := range ps.SecurityContext.Sysctls {
		np := at.Index(i).Child("name")
		switch {
		case s.Name == "":
			p.Reportf(np, "this sysctl has no name: name the kernel parameter, such as net.ipv4.ip_unprivileged_port_start")
		case len(s.Name) > 253 || !sysctlNameRE().MatchString(s.Name):
			p.Report(rule.Diagnostic{Path: np, AtValue: true,
				Message: fmt.Sprintf("sysctl name %q is malformed: lowercase segments of letters, digits, '-' and '_' separated by '.' or '/', at most 253 characters", s.Name)})
		case seen[s.Name]:
			p.Report(rule.Diagnostic{Path: np, AtValue: true, Message: fmt.Sprintf("sysctl %s is set twice: keep one entry", s.Name)})
		}
		// The kubelet's own table of namespaced sysctls decides, as the
		// API server's check does.
		switch ns, _, _ := sysctl.GetNamespace(s.Name); {
		case ns == sysctl.NetNamespace && ps.HostNetwork:
			p.Report(rule.Diagnostic{Path: np, AtValue: true,
				Message: fmt.Sprintf("sysctl %s belongs to the network namespace, which a pod with hostNetwork: true shares with the node: set it on the node instead, or drop hostNetwork", s.Name)})
		case ns == sysctl.IPCNamespace && ps.HostIPC:
			p.Report(rule.Diagnostic{Path: np, AtValue: true,
				Message: fmt.Sprintf("sysctl %s belongs to the IPC namespace, which a pod with hostIPC: true shares with the node: set it on the node instead, or drop hostIPC", s.Name)})
		}
		seen[s.Name] = true
	}
}

func checkSeccompProfile(p *rule.Pass, at fieldpath.Path, sp *corev1.SeccompProfile) {
	if sp == nil {
		return
	}
	switch sp.Type {
	case "":
		p.Reportf(at.Child("type"), "seccompProfile has no type: set type to RuntimeDefault, Localhost or Unconfined")
		return
	case corev1.SeccompProfileTypeLocalhost:
		lp := at.Child("localhostProfile")
		if sp.LocalhostProfile == nil {
			p.Reportf(lp, "a Localhost seccomp profile needs localhostProfile: the profile's path relative to the kubelet's seccomp directory")
			return
		}
		if msg := localDescendingPath(*sp.LocalhostProfile); msg != "" {
			p.Report(rule.Diagnostic{Path: lp, AtValue: true, Message: fmt.Sprintf("seccomp localhostProfile %q %s", *sp.LocalhostProfile, msg)})
		}
	case corev1.SeccompProfileTypeRuntimeDefault, corev1.SeccompProfileTypeUnconfined:
		if sp.LocalhostProfile != nil {
			p.Report(rule.Diagnostic{Path: at.Child("localhostProfile"), AtValue: true,
				Message: fmt.Sprintf("localhostProfile applies only to seccomp type Localhost, not %s: remove it, or set type: Localhost", sp.Type)})
		}
	}
}

// localDescendingPath says why a path that must stay below a directory
// does not ("" when it does): it is absolute, or climbs with "..".
func localDescendingPath(s string) string {
	if path.IsAbs(s) {
		return "must be a relative path (below the kubelet's directory for it), not an absolute one"
	}
	if slices.Contains(strings.Split(s, "/"), "..") {
		return "must not contain '..' (it must stay below the kubelet's directory for it)"
	}
	return ""
}

func checkAppArmorProfile(p *rule.Pass, at fieldpath.Path, ap *corev1.AppArmorProfile) {
	if ap == nil {
		return
	}
	lp := at.Child("localhostProfile")
	switch ap.Type {
	case "":
		p.Reportf(at.Child("type"), "appArmorProfile has no type: set type to RuntimeDefault, Localhost or Unconfined")
	case corev1.AppArmorProfileTypeLocalhost:
		switch {
		case ap.LocalhostProfile == nil:
			p.Reportf(lp, "a Localhost AppArmor profile needs localhostProfile: the name of a profile loaded on the node")
		case strings.TrimSpace(*ap.LocalhostProfile) != *ap.LocalhostProfile:
			p.Report(rule.Diagnostic{Path: lp, AtValue: true, Message: fmt.Sprintf("AppArmor localhostProfile %q is padded with whitespace: remove it", *ap.LocalhostProfile)})
		case *ap.LocalhostProfile == "":
			p.Report(rule.Diagnostic{Path: lp, AtValue: true, Message: "a Localhost AppArmor profile needs a localhostProfile that is not empty: name a profile loaded on the node"})
		case len(*ap.LocalhostProfile) > 4095:
			p.Report(rule.Diagnostic{Path: lp, AtValue: true, Message: fmt.Sprintf("AppArmor localhostProfile is %d bytes long, more than the 4095 a profile name may have", len(*ap.LocalhostProfile))})
		}
	case corev1.AppArmorProfileTypeRuntimeDefault, corev1.AppArmorProfileTypeUnconfined:
		if ap.LocalhostProfile != nil {
			p.Report(rule.Diagnostic{Path: lp, AtValue: true,
				Message: fmt.Sprintf("localhostProfile applies only to AppArmor type Localhost, not %s: remove it, or set type: Localhost", ap.Type)})
		}
	}
}

var (
	controlCharRE   = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`[[:cntrl:]]`) })
	netBIOSDomainRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[^\\/:*?"<>|.][^\\/:*?"<>|]{0,14}$`) })
	dnsDomainRE     = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$`)
	})
	windowsUserBadRE  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`["/\\:;|=,+*?<>@\[\]]`) })
	windowsUserDotsRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[. ]+$`) })
)

func checkWindowsOptions(p *rule.Pass, at fieldpath.Path, wo *corev1.WindowsSecurityContextOptions) {
	if wo == nil {
		return
	}
	if wo.GMSACredentialSpecName != nil {
		if msgs := validation.IsDNS1123Subdomain(*wo.GMSACredentialSpecName); len(msgs) > 0 {
			p.Report(rule.Diagnostic{Path: at.Child("gmsaCredentialSpecName"), AtValue: true,
				Message: fmt.Sprintf("gmsaCredentialSpecName %q is not the name of a GMSACredentialSpec object: %s", *wo.GMSACredentialSpecName, labelProblem(*wo.GMSACredentialSpecName, msgs))})
		}
	}
	if wo.GMSACredentialSpec != nil {
		switch n := len(*wo.GMSACredentialSpec); {
		case n == 0:
			p.Report(rule.Diagnostic{Path: at.Child("gmsaCredentialSpec"), AtValue: true, Message: "gmsaCredentialSpec is empty: give the credential spec's JSON, or remove the field"})
		case n > 64*1024:
			p.Report(rule.Diagnostic{Path: at.Child("gmsaCredentialSpec"), AtValue: true, Message: fmt.Sprintf("gmsaCredentialSpec is %d bytes, more than the 64 KiB allowed", n)})
		}
	}
	if wo.RunAsUserName != nil {
		if msg := windowsUserNameProblem(*wo.RunAsUserName); msg != "" {
			p.Report(rule.Diagnostic{Path: at.Child("runAsUserName"), AtValue: true, Message: fmt.Sprintf("runAsUserName %q %s", *wo.RunAsUserName, msg)})
		}
	}
}

// windowsUserNameProblem says what is wrong with a Windows user name,
// [DOMAIN\]USER, or "".
func windowsUserNameProblem(s string) string {
	if s == "" {
		return "is empty: name the user, or remove the field"
	}
	if controlCharRE().MatchString(s) {
		return "contains control characters"
	}
	parts := strings.Split(s, `\`)
	if len(parts) > 2 {
		return `has more than one backslash: write DOMAIN\USER`
	}
	user, domain := parts[0], ""
	if len(parts) == 2 {
		domain, user = parts[0], parts[1]
		if len(domain) >= 256 {
			return "has a domain of 256 characters or more"
		}
		if !netBIOSDomainRE().MatchString(domain) && !dnsDomainRE().MatchString(domain) {
			return "has a domain that is neither a NetBIOS nor a DNS name"
		}
	}
	switch {
	case user == "":
		return "has no user after the domain"
	case len(user) > 104:
		return "has a user name longer than 104 characters"
	case windowsUserDotsRE().MatchString(user):
		return "has a user name of only periods or spaces"
	case windowsUserBadRE().MatchString(user):
		return `has a user name with a character Windows forbids in one ("/\:;|=,+*?<>@[])`
	}
	return ""
}

// checkWindowsPod reports the Linux-only security fields of a pod that
// declares os.name: windows.
func checkWindowsPod(p *rule.Pass, ps *corev1.PodSpec, base fieldpath.Path) {
	forbid := func(at fieldpath.Path, set bool, whose string) {
		if set {
			p.Reportf(at, "%s cannot be set for a Windows pod (os.name: windows): remove it, or use windowsOptions", whose)
		}
	}
	if sc := ps.SecurityContext; sc != nil {
		at := base.Child("securityContext")
		forbid(at.Child("appArmorProfile"), sc.AppArmorProfile != nil, "appArmorProfile")
		forbid(at.Child("seLinuxOptions"), sc.SELinuxOptions != nil, "seLinuxOptions")
		forbid(at.Child("seccompProfile"), sc.SeccompProfile != nil, "seccompProfile")
		forbid(at.Child("fsGroup"), sc.FSGroup != nil, "fsGroup")
		forbid(at.Child("fsGroupChangePolicy"), sc.FSGroupChangePolicy != nil, "fsGroupChangePolicy")
		forbid(at.Child("sysctls"), len(sc.Sysctls) > 0, "sysctls")
		forbid(at.Child("runAsUser"), sc.RunAsUser != nil, "runAsUser")
		forbid(at.Child("runAsGroup"), sc.RunAsGroup != nil, "runAsGroup")
		forbid(at.Child("supplementalGroups"), sc.SupplementalGroups != nil, "supplementalGroups")
		forbid(at.Child("supplementalGroupsPolicy"), sc.SupplementalGroupsPolicy != nil, "supplementalGroupsPolicy")
		forbid(at.Child("seLinuxChangePolicy"), sc.SELinuxChangePolicy != nil, "seLinuxChangePolicy")
	}
	// Linux namespaces a Windows pod cannot share or map: even false is
	// refused for hostUsers and shareProcessNamespace, which must be left out.
	forbid(base.Child("hostUsers"), ps.HostUsers != nil, "hostUsers")
	forbid(base.Child("hostPID"), ps.HostPID, "hostPID")
	forbid(base.Child("hostIPC"), ps.HostIPC, "hostIPC")
	forbid(base.Child("shareProcessNamespace"), ps.ShareProcessNamespace != nil, "shareProcessNamespace")
	for _, c := range containers(ps, base) {
		sc := c.C.SecurityContext
		if sc == nil {
			continue
		}
		at := c.Path.Child("securityContext")
		forbid(at.Child("appArmorProfile"), sc.AppArmorProfile != nil, "appArmorProfile")
		forbid(at.Child("seLinuxOptions"), sc.SELinuxOptions != nil, "seLinuxOptions")
		forbid(at.Child("seccompProfile"), sc.SeccompProfile != nil, "seccompProfile")
		forbid(at.Child("capabilities"), sc.Capabilities != nil, "capabilities")
		forbid(at.Child("readOnlyRootFilesystem"), sc.ReadOnlyRootFilesystem != nil, "readOnlyRootFilesystem")
		forbid(at.Child("privileged"), sc.Privileged != nil, "privileged")
		forbid(at.Child("allowPrivilegeEscalation"), sc.AllowPrivilegeEscalation != nil, "allowPrivilegeEscalation")
		forbid(at.Child("procMount"), sc.ProcMount != nil, "procMount")
		forbid(at.Child("runAsUser"), sc.RunAsUser != nil, "runAsUser")
		forbid(at.Child("runAsGroup"), sc.RunAsGroup != nil, "runAsGroup")
	}
}

// checkSeccompAnnotations reports a seccompProfile field that the
// deprecated seccomp annotation of the same pod or container contradicts.
func checkSeccompAnnotations(p *rule.Pass, annotations map[string]string, ps *corev1.PodSpec, base fieldpath.Path) {
	if len(annotations) == 0 {
		return
	}
	if sc := ps.SecurityContext; sc != nil && sc.SeccompProfile != nil {
		if a, ok := annotations[seccompPodAnnotation]; ok {
			checkSeccompMatch(p, base.Child("securityContext", "seccompProfile"), seccompPodAnnotation, a, sc.SeccompProfile)
		}
	}
	for _, c := range containers(ps, base) {
		if c.C.SecurityContext == nil || c.C.SecurityContext.SeccompProfile == nil {
			continue
		}
		key := seccompContainerAnnotationPrefix + c.C.Name
		if a, ok := annotations[key]; ok {
			checkSeccompMatch(p, c.Path.Child("securityContext", "seccompProfile"), key, a, c.C.SecurityContext.SeccompProfile)
		}
	}
}

func checkSeccompMatch(p *rule.Pass, at fieldpath.Path, key, annotation string, sp *corev1.SeccompProfile) {
	mismatch := func(field string) {
		p.Reportf(at.Child(field), "the seccompProfile field contradicts the pod template's annotation %s: %q; remove the deprecated annotation", key, annotation)
	}
	switch sp.Type {
	case corev1.SeccompProfileTypeUnconfined:
		if annotation != "unconfined" {
			mismatch("type")
		}
	case corev1.SeccompProfileTypeRuntimeDefault:
		if annotation != "runtime/default" && annotation != "docker/default" {
			mismatch("type")
		}
	case corev1.SeccompProfileTypeLocalhost:
		rest, ok := strings.CutPrefix(annotation, "localhost/")
		if !ok {
			mismatch("type")
		} else if sp.LocalhostProfile == nil || rest != *sp.LocalhostProfile {
			mismatch("localhostProfile")
		}
	}
}

// checkAppArmorAnnotations reports an AppArmor profile (a container's, or
// the pod's it inherits) that the deprecated AppArmor annotation of the
// same container contradicts.
func checkAppArmorAnnotations(p *rule.Pass, annotations map[string]string, ps *corev1.PodSpec, base fieldpath.Path) {
	if len(annotations) == 0 {
		return
	}
	var podProfile *corev1.AppArmorProfile
	if ps.SecurityContext != nil {
		podProfile = ps.SecurityContext.AppArmorProfile
	}
	for _, c := range containers(ps, base) {
		profile := podProfile
		if c.C.SecurityContext != nil && c.C.SecurityContext.AppArmorProfile != nil {
			profile = c.C.SecurityContext.AppArmorProfile
		}
		key := appArmorAnnotationPrefix + c.C.Name
		annotation, ok := annotations[key]
		if profile == nil || !ok {
			continue
		}
		at := c.Path.Child("securityContext", "appArmorProfile")
		mismatch := func(field string) {
			p.Reportf(at.Child(field), "the AppArmor profile of %s contradicts the pod template's annotation %s: %q; remove the deprecated annotation", containerName(c), key, annotation)
		}
		switch profile.Type {
		case corev1.AppArmorProfileTypeUnconfined:
			if annotation != "unconfined" {
				mismatch("type")
			}
		case corev1.AppArmorProfileTypeRuntimeDefault:
			if annotation != "runtime/default" {
				mismatch("type")
			}
		case corev1.AppArmorProfileTypeLocalhost:
			rest, ok := strings.CutPrefix(annotation, "localhost/")
			if !ok {
				mismatch("type")
			} else if profile.LocalhostProfile == nil || rest != *profile.LocalhostProfile {
				mismatch("localhostProfile")
			}
		}
	}
}
