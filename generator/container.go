package generator

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/everynode/everynode/generator/spec"
	"github.com/everynode/everynode/lint/fieldpath"
)

// container renders the main container: image, command, ports,
// environment, resources, probes, lifecycle.
func (r *renderer) container() {
	s := r.spec
	r.pod.Containers = []corev1.Container{{
		Name:            r.name,
		Image:           s.Image,
		ImagePullPolicy: s.ImagePullPolicy,
		Command:         s.Command,
		Args:            s.Args,
		WorkingDir:      s.WorkingDir,
		Lifecycle:       s.Lifecycle,
	}}
	r.main = &r.pod.Containers[0]
	r.rec(mainPath, specRoot)
	r.rec(mainPath.Child("name"), fieldpath.New("metadata", "name"))
	for _, k := range []string{"image", "imagePullPolicy", "command", "args", "workingDir", "lifecycle"} {
		r.rec(mainPath.Child(k), specRoot.Child(k))
	}
	for _, x := range s.ImagePullSecrets {
		r.pod.ImagePullSecrets = append(r.pod.ImagePullSecrets, x.LocalObjectReference)
		r.rec(podPath.Child("imagePullSecrets").Index(len(r.pod.ImagePullSecrets)-1), x.Path)
	}
	for _, x := range s.Ports {
		r.main.Ports = append(r.main.Ports, x.ContainerPort)
		r.rec(mainPath.Child("ports").Index(len(r.main.Ports)-1), x.Path)
	}
	if s.Env != nil {
		for _, x := range s.Env.Vars {
			r.main.Env = append(r.main.Env, x.EnvVar)
			r.rec(mainPath.Child("env").Index(len(r.main.Env)-1), x.Path)
		}
	}
	for _, x := range s.EnvFrom {
		r.main.EnvFrom = append(r.main.EnvFrom, x.EnvFromSource)
		r.rec(mainPath.Child("envFrom").Index(len(r.main.EnvFrom)-1), x.Path)
	}
	r.resources()
	r.main.LivenessProbe = r.probe(s.LivenessProbe, mainPath.Child("livenessProbe"))
	r.main.ReadinessProbe = r.probe(s.ReadinessProbe, mainPath.Child("readinessProbe"))
	r.main.StartupProbe = r.probe(s.StartupProbe, mainPath.Child("startupProbe"))
}

// resources records where each requirement came from: in the short form
// spec.resources.memory is both the request and the limit.
func (r *renderer) resources() {
	res := r.spec.Resources
	if res == nil {
		return
	}
	out := mainPath.Child("resources")
	r.main.Resources = res.ResourceRequirements
	r.rec(out, res.Path)
	if !res.Short {
		return
	}
	for name := range res.Requests {
		r.rec(out.Child("requests", string(name)), res.Path.Child(string(name)))
	}
	for name := range res.Limits {
		r.rec(out.Child("limits", string(name)), res.Path.Child(string(name)))
	}
}

// defaultPort is the port an HTTP probe without one uses: the main
// container's first port, by name when it has one.
func (r *renderer) defaultPort() (intstr.IntOrString, bool) {
	if len(r.main.Ports) == 0 {
		return intstr.IntOrString{}, false
	}
	p := r.main.Ports[0]
	if p.Name != "" {
		return intstr.FromString(p.Name), true
	}
	return intstr.FromInt32(p.ContainerPort), true
}

func (r *renderer) probe(x *spec.Probe, out fieldpath.Path) *corev1.Probe {
	if x == nil {
		return nil
	}
	r.rec(out, x.Path)
	p := x.Probe
	if x.DefaultPort {
		port, ok := r.defaultPort()
		if !ok {
			r.errorf(x.Handler, "the probe names no port and the container declares none: add one (like /healthz:8080) or declare ports")
			return nil
		}
		g := *p.HTTPGet
		g.Port = port
		p.HTTPGet = &g
	}
	switch {
	case p.HTTPGet != nil:
		r.rec(out.Child("httpGet"), x.Handler)
	case p.TCPSocket != nil:
		r.rec(out.Child("tcpSocket"), x.Handler)
	case p.GRPC != nil:
		r.rec(out.Child("grpc"), x.Handler)
	case p.Exec != nil:
		r.rec(out.Child("exec"), x.Handler)
	}
	for k, n := range map[string]int32{
		"initialDelaySeconds": p.InitialDelaySeconds, "timeoutSeconds": p.TimeoutSeconds, "periodSeconds": p.PeriodSeconds,
		"successThreshold": p.SuccessThreshold, "failureThreshold": p.FailureThreshold,
	} {
		if n != 0 {
			r.rec(out.Child(k), x.Path.Child(k))
		}
	}
	if p.TerminationGracePeriodSeconds != nil {
		r.rec(out.Child("terminationGracePeriodSeconds"), x.Path.Child("terminationGracePeriodSeconds"))
	}
	return &p
}

// extraContainers renders init containers and sidecars, which are written
// in the Kubernetes form and get the same security defaults as the main
// container.
func (r *renderer) extraContainers() {
	for i, c := range r.spec.InitContainers {
		applySecurityDefaults(&c, r.pod.SecurityContext)
		r.pod.InitContainers = append(r.pod.InitContainers, c)
		r.rec(podPath.Child("initContainers").Index(len(r.pod.InitContainers)-1), specRoot.Child("initContainers").Index(i))
	}
	for i, c := range r.spec.Sidecars {
		applySecurityDefaults(&c, r.pod.SecurityContext)
		r.pod.Containers = append(r.pod.Containers, c)
		r.main = &r.pod.Containers[0] // the append may have moved it
		r.rec(podPath.Child("containers").Index(len(r.pod.Containers)-1), specRoot.Child("sidecars").Index(i))
	}
}
