package rules

import (
	"strings"

	"github.com/everynode/everynode/lint/finding"
	"github.com/everynode/everynode/lint/rule"
)

// imageRef is an image reference split into its parts.
type imageRef struct {
	name, tag, digest string
}

// parseImage splits name[:tag][@digest]. A colon before the last slash
// belongs to a registry port (localhost:5000/agent), not to a tag.
func parseImage(s string) imageRef {
	var r imageRef
	if i := strings.IndexByte(s, '@'); i >= 0 {
		s, r.digest = s[:i], s[i+1:]
	}
	if i := strings.LastIndexByte(s, ':'); i >= 0 && i > strings.LastIndexByte(s, '/') {
		s, r.tag = s[:i], s[i+1:]
	}
	r.name = s
	return r
}

var latestImageTagRule = &rule.Rule{
	ID:       "latest-image-tag",
	Category: rule.Reliability,
	Severity: finding.Warning,
	Summary:  "an image uses the latest tag, or no tag (which means latest)",
	Kinds:    []string{"DaemonSet"},
	Doc: rule.Doc{
		What: "A container image with the tag `latest` or no tag at all, and no digest.",
		Why: "`latest` moves. Each node pulls whatever it points to when the pod starts there, so a " +
			"DaemonSet ends up running different versions on different nodes, a node replacement " +
			"silently upgrades the agent, and a rollback has nothing to go back to. The pull policy " +
			"also defaults to Always, so every restart depends on the registry.",
		In:   rule.InContainer,
		Bad:  "image: quay.io/prometheus/node-exporter\n",
		Good: "image: quay.io/prometheus/node-exporter:v1.8.2\n",
		Fix:  "Use a version tag (and, for supply-chain safety, a digest: `name:tag@sha256:...`).",
	},
	Check: func(p *rule.Pass) {
		ps, base := daemonSetPod(p.Object)
		if ps == nil {
			return
		}
		for _, c := range containers(ps, base) {
			img := c.C.Image
			if img == "" || placeholder(img) != "" {
				continue
			}
			ref := parseImage(img)
			if ref.digest != "" {
				continue
			}
			at := rule.Diagnostic{Path: c.Path.Child("image"), AtValue: true}
			switch ref.tag {
			case "":
				at.Message = containerName(c) + " uses image " + img + " without a tag, which means latest: nodes run whatever it points to when they pull; use a version tag"
			case "latest":
				at.Message = containerName(c) + " uses the latest tag: nodes run whatever it points to when they pull; use a version tag"
			default:
				continue
			}
			p.Report(at)
		}
	},
}

var imageWithoutDigestRule = &rule.Rule{
	ID:       "image-without-digest",
	Category: rule.Reliability,
	Severity: finding.Info,
	Disabled: true,
	Summary:  "an image is not pinned by digest",
	Kinds:    []string{"DaemonSet"},
	Doc: rule.Doc{
		What: "A container image without `@sha256:...`. Off by default: turn it on where supply-chain " +
			"policy asks for pinned images.",
		Why: "A tag can be moved to other content by anyone who can push to the repository (or by a " +
			"compromised registry). A digest names exactly one image, so every node runs the same bits " +
			"and what was reviewed is what runs.",
		In:   rule.InContainer,
		Bad:  "image: quay.io/prometheus/node-exporter:v1.8.2\n",
		Good: "image: quay.io/prometheus/node-exporter:v1.8.2@sha256:4032c6d5bfd752342c3e631c2f1de93ba6b86c41db6b167b9a35372c139e7706\n",
		Fix:  "Append the image's digest (`crane digest IMAGE`, `docker buildx imagetools inspect IMAGE`), and let a bot such as Renovate keep it current.",
	},
	Check: func(p *rule.Pass) {
		ps, base := daemonSetPod(p.Object)
		if ps == nil {
			return
		}
		for _, c := range containers(ps, base) {
			img := c.C.Image
			if img == "" || placeholder(img) != "" || parseImage(img).digest != "" {
				continue
			}
			p.Report(rule.Diagnostic{
				Path:    c.Path.Child("image"),
				AtValue: true,
				Message: containerName(c) + " uses image " + img + " without a digest: the tag can be moved to other content; pin it with @sha256:...",
			})
		}
	},
}
