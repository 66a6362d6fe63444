package rules

import (
	"fmt"
	"strings"

	"github.com/everynode/everynode/lint/finding"
	"github.com/everynode/everynode/lint/rule"
)

// rootImage is an image whose own user the kubelet refuses under
// runAsNonRoot: true when no runAsUser says otherwise.
type rootImage struct {
	// repo is the Docker Hub repository ("library/nginx").
	repo string
	// named is set when the image runs as a user given by name (USER
	// fluent) rather than as root: the kubelet cannot check that a name
	// is not root, and refuses it just the same.
	named string
	// instead names an image that runs unprivileged, where one exists.
	instead string
}

// rootImages is the short list of well-known images that run as root (no
// USER in their Dockerfile) or as a named user: the Docker official images
// that DaemonSet tutorials use. It is documented in the rule's doc and
// docs/rules.md; it is a list of known cases, not a judgement on other
// images, which the rule leaves alone.
var rootImages = []rootImage{
	{repo: "library/nginx", instead: "nginxinc/nginx-unprivileged (user 101, port 8080)"},
	{repo: "library/httpd"},
	{repo: "library/busybox"},
	{repo: "library/alpine"},
	{repo: "library/ubuntu"},
	{repo: "library/debian"},
	{repo: "library/fedora"},
	{repo: "library/centos"},
	{repo: "library/haproxy", named: "haproxy"},
	{repo: "library/fluentd", named: "fluent"},
	{repo: "fluent/fluentd", named: "fluent"},
	{repo: "fluent/fluentd-kubernetes-daemonset"},
	{repo: "fluent/fluent-bit"},
}

// rootImageNames is the list as the doc prints it.
func rootImageNames() string {
	names := make([]string, len(rootImages))
	for i, im := range rootImages {
		names[i] = "`" + strings.TrimPrefix(im.repo, "library/") + "`"
	}
	return strings.Join(names, ", ")
}

// dockerHubRepo returns the Docker Hub repository an image reference
// names ("nginx:1.27" → "library/nginx"), or "" for another registry.
func dockerHubRepo(image string) string {
	ref := image
	if i := strings.IndexByte(ref, '@'); i >= 0 {
		ref = ref[:i]
	}
	if i := strings.LastIndexByte(ref, ':'); i > strings.LastIndexByte(ref, '/') {
		ref = ref[:i]
	}
	first, rest, found := strings.Cut(ref, "/")
	if found && (strings.ContainsAny(first, ".:") || first == "localhost") {
		switch first {
		case "docker.io", "index.docker.io", "registry-1.docker.io", "mirror.gcr.io":
			ref = rest
		default:
			return ""
		}
	}
	if !strings.Contains(ref, "/") {
		ref = "library/" + ref
	}
	return strings.ToLower(ref)
}

var imageRunsAsRootRule = &rule.Rule{
	ID:       "image-runs-as-root",
	Category: rule.Correctness,
	Severity: finding.Warning,
	Summary:  "runAsNonRoot: true on an image known to run as root: the kubelet will not start it",
	Kinds:    []string{"DaemonSet"},
	Doc: rule.Doc{
		What: "A container that must run as non-root (`runAsNonRoot: true`, on it or on the pod) with no " +
			"`runAsUser`, whose image is one known to run as root or as a user given by name: " +
			rootImageNames() + " (from Docker Hub or its mirror). Other images are not judged.",
		Why: "With `runAsNonRoot: true` and no `runAsUser`, the kubelet checks the image's own user before " +
			"starting the container, and refuses root and any user given by name (it cannot tell that a " +
			"name is not root): the pod stays in CreateContainerConfigError (\"container has runAsNonRoot " +
			"and image will run as root\") on every node. The manifest is valid and lints clean otherwise; " +
			"only the rollout shows it. `everynode generate` sets `runAsNonRoot: true` by default, so it " +
			"reports this too.",
		In:   rule.InContainer,
		Bad:  "name: web\nimage: nginx:1.27\nsecurityContext:\n  runAsNonRoot: true\n",
		Good: "name: web\nimage: nginxinc/nginx-unprivileged:1.27\nsecurityContext:\n  runAsNonRoot: true\n",
		Fix: "Use an image that runs as an unprivileged numeric user (for nginx, " +
			"`nginxinc/nginx-unprivileged`), or set `securityContext.runAsUser` to a non-zero user the image " +
			"works as (its files must be readable by that user). If the container must run as root, say so " +
			"with `runAsUser: 0` and no `runAsNonRoot`, and the security rules ask for a reason.",
		Mirrors: "verifyRunAsNonRoot in pkg/kubelet/kuberuntime (the image's user 0, or a user name, under runAsNonRoot without runAsUser)",
	},
	Check: func(p *rule.Pass) {
		ps, _ := daemonSetPod(p.Object)
		if ps == nil || isWindowsPod(ps) {
			return
		}
		var podUser *int64
		var podNonRoot *bool
		if sc := ps.SecurityContext; sc != nil {
			podUser, podNonRoot = sc.RunAsUser, sc.RunAsNonRoot
		}
		for _, c := range containers(ps, podSpecPath) {
			user, nonRoot := podUser, podNonRoot
			if sc := c.C.SecurityContext; sc != nil {
				if sc.RunAsUser != nil {
					user = sc.RunAsUser
				}
				if sc.RunAsNonRoot != nil {
					nonRoot = sc.RunAsNonRoot
				}
			}
			if user != nil || nonRoot == nil || !*nonRoot {
				continue
			}
			repo := dockerHubRepo(c.C.Image)
			for _, im := range rootImages {
				if im.repo != repo {
					continue
				}
				what := "runs as root"
				if im.named != "" {
					what = fmt.Sprintf("runs as the user named %q, which the kubelet cannot check is not root", im.named)
				}
				fix := "set securityContext.runAsUser to a non-zero user it works as"
				if im.instead != "" {
					fix = "use " + im.instead + ", or " + fix
				}
				p.Reportf(c.Path.Child("image"), "%s must run as non-root but its image %s %s: the kubelet will refuse to start it; %s",
					containerName(c), strings.TrimPrefix(repo, "library/"), what, fix)
			}
		}
	},
}
