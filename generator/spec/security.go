package spec

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/everynode/everynode/lint/fieldpath"
)

// SecurityContext is the main container's; every field set replaces the
// secure default for that field.
type SecurityContext struct {
	At
	corev1.SecurityContext
}

type securityContextSyntax struct {
	corev1.SecurityContext `json:",inline"`
	SeccompProfile         *SeccompProfile `json:"seccompProfile"`
}

// Forms implements Shorthand.
func (SecurityContext) Forms() Forms {
	return Forms{Doc: "the main container's securityContext; every field set here replaces the secure default for that field", List: []Form{
		{Type: "object", Syntax: securityContextSyntax{}},
	}}
}

func (x *SecurityContext) decode(d *decoder, p fieldpath.Path, v any) bool {
	x.Path = p
	var s securityContextSyntax
	d.into(p, v, &s)
	x.SecurityContext = s.SecurityContext
	if s.SeccompProfile != nil {
		x.SeccompProfile = &s.SeccompProfile.SeccompProfile
	}
	return true
}

// SeccompProfile is the container's seccomp profile.
type SeccompProfile struct{ corev1.SeccompProfile }

// Forms implements Shorthand.
func (SeccompProfile) Forms() Forms {
	return Forms{Doc: "RuntimeDefault, Unconfined, localhost/<profile>, or a SeccompProfile", List: []Form{
		{Type: "string"}, {Type: "object", Syntax: corev1.SeccompProfile{}},
	}}
}

func (x *SeccompProfile) decode(d *decoder, p fieldpath.Path, v any) bool {
	if s, ok := v.(string); ok {
		sp, err := parseSeccomp(s)
		if err != nil {
			d.errorf(p, "%v", err)
			return false
		}
		x.SeccompProfile = *sp
		return true
	}
	return d.into(p, v, &x.SeccompProfile)
}
