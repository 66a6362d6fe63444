package rules

import (
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/everynode/everynode/lint/finding"
	"github.com/everynode/everynode/lint/rule"
)

// Limits of a pod's resolv.conf, from libc's resolver.
const (
	maxNameservers    = 3
	maxSearchPaths    = 32
	maxSearchListSize = 2048
)

var invalidDNSConfigRule = &rule.Rule{
	ID:       "invalid-dns-config",
	Category: rule.Correctness,
	Severity: finding.Error,
	Summary:  "a dnsConfig the API server rejects (nameservers, search domains, options)",
	Kinds:    daemonSetOnly,
	Doc: rule.Doc{
		What: "A pod's `dnsConfig` with more than 3 nameservers or one that is not an IP address, more than 32 search " +
			"domains or more than 2048 characters of them, a search domain that is not a DNS name, or an option without a " +
			"name. The message says which check failed.",
		Why: "The API server rejects the DaemonSet. The limits are those of the resolver that reads the pod's " +
			"resolv.conf: it would ignore what lies beyond them.",
		In: rule.InPodSpec,
		Bad: `dnsPolicy: None
dnsConfig:
  nameservers: [10.0.0.10, 10.0.0.11, 10.0.0.12, 10.0.0.13]
  options:
    - value: "2"`,
		Good: `dnsPolicy: None
dnsConfig:
  nameservers: [10.0.0.10, 10.0.0.11, 10.0.0.12]
  options:
    - {name: ndots, value: "2"}`,
		Fix:     "Keep at most 3 nameservers (IP addresses) and 32 search domains, and name every option.",
		Mirrors: "validatePodDNSConfig in pkg/apis/core/validation",
	},
	Check: func(p *rule.Pass) {
		ps, base := daemonSetPod(p.Object)
		if ps == nil || ps.DNSConfig == nil {
			return
		}
		r := reporter{p}
		c, cp := ps.DNSConfig, base.Child("dnsConfig")
		if len(c.Nameservers) > maxNameservers {
			r.at(cp.Child("nameservers"), "dnsConfig lists %d nameservers; a pod's resolver reads at most %d: keep %d", len(c.Nameservers), maxNameservers, maxNameservers)
		}
		for i, ns := range c.Nameservers {
			if why := ipProblem(ns, p.Object.AtLeast(36)); why != "" {
				r.value(cp.Child("nameservers").Index(i), "dnsConfig nameserver %q is %s", ns, why)
			}
		}
		if len(c.Searches) > maxSearchPaths {
			r.at(cp.Child("searches"), "dnsConfig lists %d search domains; a pod's resolver reads at most %d", len(c.Searches), maxSearchPaths)
		}
		if n := len(strings.Join(c.Searches, " ")); n > maxSearchListSize {
			r.at(cp.Child("searches"), "dnsConfig's search domains take %d characters (with the spaces between them); a pod's resolver reads at most %d", n, maxSearchListSize)
		}
		for i, s := range c.Searches {
			if s == "." {
				continue
			}
			s = strings.TrimSuffix(s, ".")
			// Underscores (_sip._tcp.example.com) are allowed from 1.33
			// (RelaxedDNSSearchValidation).
			msgs := validation.IsDNS1123Subdomain(s)
			if p.Object.AtLeast(33) {
				msgs = validation.IsDNS1123SubdomainWithUnderscore(s)
			}
			if len(msgs) > 0 {
				r.value(cp.Child("searches").Index(i), "dnsConfig search domain %q is not a DNS name: %s", c.Searches[i], labelProblem(s, msgs))
			}
		}
		for i, o := range c.Options {
			if o.Name == "" {
				r.at(cp.Child("options").Index(i), "dnsConfig option has no name: add name (ndots, timeout, attempts, ...) or remove it")
			}
		}
	},
}

var invalidHostnameRule = &rule.Rule{
	ID:       "invalid-hostname",
	Category: rule.Correctness,
	Severity: finding.Error,
	Summary:  "a pod hostname, subdomain, hostnameOverride or hostAliases entry the API server rejects",
	Kinds:    daemonSetOnly,
	Doc: rule.Doc{
		What: "A pod's `hostname` or `subdomain` that is not a DNS label; a `hostnameOverride` that is not a DNS name, is " +
			"longer than 64 characters, or is set with hostNetwork or setHostnameAsFQDN; a `hostAliases` entry whose ip is " +
			"not an IP address or whose hostnames are not DNS names. The message says which check failed.",
		Why: "The API server rejects the DaemonSet.",
		In:  rule.InPodSpec,
		Bad: `hostAliases:
  - ip: 10.0.0
    hostnames: [registry.internal]`,
		Good: `hostAliases:
  - ip: 10.0.0.5
    hostnames: [registry.internal]`,
		Fix: "Use lowercase letters, digits and '-' for hostname and subdomain (no dots), a full IP address for a " +
			"host alias, and leave hostnameOverride out of a hostNetwork pod (it keeps the node's name).",
		Mirrors: "ValidatePodSpec in pkg/apis/core/validation (ValidateDNS1123Label on hostname and subdomain, " +
			"ValidateHostAliases, validatePodHostName)",
	},
	Check: func(p *rule.Pass) {
		ps, base := daemonSetPod(p.Object)
		if ps == nil {
			return
		}
		r := reporter{p}
		if ps.Hostname != "" {
			checkDNSLabel(r, base.Child("hostname"), "hostname", ps.Hostname)
		}
		if ps.Subdomain != "" {
			checkDNSLabel(r, base.Child("subdomain"), "subdomain", ps.Subdomain)
		}
		for i, a := range ps.HostAliases {
			ap := base.Child("hostAliases").Index(i)
			if why := ipProblem(a.IP, p.Object.AtLeast(36)); why != "" {
				r.value(ap.Child("ip"), "hostAliases ip %q is %s", a.IP, why)
			}
			for j, h := range a.Hostnames {
				checkDNSSubdomain(r, ap.Child("hostnames").Index(j), "hostAliases hostname", h)
			}
		}
		// hostnameOverride is validated from 1.35 (beta); before, the API
		// server drops it.
		if ho := ps.HostnameOverride; ho != nil && p.Object.AtLeast(35) {
			hp := base.Child("hostnameOverride")
			if ps.SetHostnameAsFQDN != nil && *ps.SetHostnameAsFQDN {
				r.at(hp, "hostnameOverride cannot be combined with setHostnameAsFQDN: true: remove one")
			}
			if ps.HostNetwork {
				r.at(hp, "hostnameOverride cannot be set on a hostNetwork pod, which has the node's hostname: remove it")
			}
			if len(*ho) > 64 {
				r.value(hp, "hostnameOverride is %d characters long; a hostname has at most 64", len(*ho))
			}
			checkDNSSubdomain(r, hp, "hostnameOverride", *ho)
		}
	},
}
