package generator

import (
	corev1 "k8s.io/api/core/v1"
)

// hostAccess renders the host namespaces the spec asks for, and the DNS
// policy that goes with the host's network.
func (r *renderer) hostAccess() {
	s := r.spec
	r.pod.HostNetwork = s.HostNetwork
	r.pod.HostPID = s.HostPID
	r.pod.HostIPC = s.HostIPC
	for _, k := range []string{"hostNetwork", "hostPID", "hostIPC"} {
		r.rec(podPath.Child(k), specRoot.Child(k))
	}
	if s.DNSPolicy != "" {
		r.pod.DNSPolicy = s.DNSPolicy
		r.rec(podPath.Child("dnsPolicy"), specRoot.Child("dnsPolicy"))
	} else if r.pod.HostNetwork {
		// With the host's network a pod resolves through the node's DNS
		// unless told otherwise, and cannot find cluster services.
		r.pod.DNSPolicy = corev1.DNSClusterFirstWithHostNet
		r.rec(podPath.Child("dnsPolicy"), specRoot.Child("hostNetwork"))
	}
	if s.DNSConfig != nil {
		r.pod.DNSConfig = s.DNSConfig
		r.rec(podPath.Child("dnsConfig"), specRoot.Child("dnsConfig"))
	}
}
