package rules

import (
	"regexp"
	"strings"
	"sync"

	"github.com/everynode/everynode/lint/finding"
	"github.com/everynode/everynode/lint/rule"
)

// secretShapes recognise credentials by their form, whatever the variable
// is called. Compiled on first use: most runs never get here with a
// literal value.
var secretShapes = sync.OnceValue(func() []struct {
	what string
	re   *regexp.Regexp
} {
	type shape = struct {
		what string
		re   *regexp.Regexp
	}
	return []shape{
		// PEM, OpenSSH and PGP private keys, however many dashes were
		// kept when the key was pasted (a key is still a key).
		{"a private key", regexp.MustCompile(`-+ ?BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY`)},
		{"an AWS access key", regexp.MustCompile(`\b(AKIA|ASIA)[0-9A-Z]{16}\b`)},
		{"a GitHub token", regexp.MustCompile(`\b(gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})`)},
		{"a GitLab token", regexp.MustCompile(`\bglpat-[A-Za-z0-9_-]{20,}`)},
		{"a Slack token", regexp.MustCompile(`\bxox[abprs]-[A-Za-z0-9-]{10,}`)},
		{"a Stripe key", regexp.MustCompile(`\b[sr]k_live_[A-Za-z0-9]{16,}`)},
		{"a Google API key", regexp.MustCompile(`\bAIza[0-9A-Za-z_-]{35}\b`)},
		{"a JSON web token", regexp.MustCompile(`\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}`)},
		// user:password@ in a URL, unless the password is a $(VAR) or ${VAR} reference.
		{"a URL with a password", regexp.MustCompile(`[a-zA-Z][a-zA-Z0-9+.-]*://[^/\s:@]+:[^/\s@$]+@`)},
	}
})

// harmlessValues never hold a secret, whatever the variable is called.
var harmlessValues = []string{"true", "false", "yes", "no", "on", "off", "none", "null", "nil", "disabled", "enabled", "-"}

// envReference reports whether a value is a reference or a template
// placeholder rather than a literal: $(VAR) is expanded by the kubelet from
// another variable, ${VAR} and {{ }} by a templating tool.
func envReference(v string) bool {
	return strings.HasPrefix(v, "$(") || strings.HasPrefix(v, "${") || strings.HasPrefix(v, "{{")
}

// secretLikeValue reports whether the value of a variable whose name looks
// secret is plausibly the secret itself.
func secretLikeValue(v string) bool {
	v = strings.TrimSpace(v)
	if len(v) < 4 || envReference(v) || strings.HasPrefix(v, "/") || strings.HasPrefix(v, "./") || containsFold(harmlessValues, v) {
		return false
	}
	digits := true
	for _, r := range v {
		if r < '0' || r > '9' {
			digits = false
			break
		}
	}
	return !digits
}

// normalEnvName lower-cases a variable name and makes - and . into _.
func normalEnvName(n string) string {
	return envNameSeparators.Replace(strings.ToLower(n))
}

var envNameSeparators = strings.NewReplacer("-", "_", ".", "_")

var secretNames = &rule.Param[[]string]{
	Name:    "names",
	Doc:     "name fragments (case-insensitive, - and . read as _) that make a literal value suspect",
	Default: []string{"password", "passwd", "secret", "token", "apikey", "api_key", "private_key", "privatekey", "credential", "access_key", "accesskey", "auth_key"},
}

var secretNameSuffixes = &rule.Param[[]string]{
	Name:    "ignoreNameSuffixes",
	Doc:     "name endings that name something about a secret rather than the secret (a file, a path, a key name)",
	Default: []string{"_file", "_path", "_dir", "_name", "_ref", "_id", "_url", "_endpoint", "_host", "_ttl", "_timeout", "_expiry", "_length", "_size", "_type", "_header", "_enabled", "_mode", "_format", "_key_name"},
}

var secretInEnvRule = &rule.Rule{
	ID:       "secret-in-env",
	Category: rule.Security,
	Severity: finding.Warning,
	Summary:  "a literal env value looks like a secret",
	Kinds:    []string{"DaemonSet"},
	Params:   []rule.Parameter{secretNames, secretNameSuffixes},
	Doc: rule.Doc{
		What: "An `env` entry with a literal `value` that looks like a credential: by its name " +
			"(PASSWORD, API_KEY, TOKEN, ... but not TOKEN_FILE or SECRET_NAME) with a value that is " +
			"not a path, a number, a boolean or a `$(VAR)` reference; or by its form, whatever the " +
			"name (a private key, an AWS or GitHub token, a JWT, a URL with a password). `valueFrom` " +
			"entries are never reported.",
		Why: "A literal value is in the manifest, so in Git, in every copy of the repository and CI log, " +
			"and readable by anyone who can read the DaemonSet. Secrets keep it out of the repository " +
			"and let RBAC decide who reads it.",
		In:   rule.InContainer,
		Bad:  "env:\n  - name: API_TOKEN\n    value: 3f9a1c0e7b2d4a68\n",
		Good: "env:\n  - name: API_TOKEN\n    valueFrom:\n      secretKeyRef: {name: agent-credentials, key: api-token}\n",
		Fix: "Move the value into a Secret (created outside the repository, or encrypted with a tool such as " +
			"sops or sealed-secrets) and read it with `valueFrom.secretKeyRef`; rotate the exposed credential.",
	},
	Check: func(p *rule.Pass) {
		ps, base := daemonSetPod(p.Object)
		if ps == nil {
			return
		}
		var names, ignore []string
		loaded := false
		for _, c := range containers(ps, base) {
			for i, e := range c.C.Env {
				if e.ValueFrom != nil || e.Value == "" {
					continue
				}
				if !loaded {
					names, ignore = secretNames.Get(p), secretNameSuffixes.Get(p)
					loaded = true
				}
				// The message names the variable, never the value: the
				// finding must not spread the secret further.
				at := c.Path.Child("env").Index(i).Child("value")
				if what := secretShape(e.Value); what != "" {
					p.Reportf(at, "%s sets %s to what looks like %s, in plain text; move it to a Secret and use valueFrom.secretKeyRef", containerName(c), e.Name, what)
					continue
				}
				if secretLikeName(e.Name, names, ignore) && secretLikeValue(e.Value) {
					p.Reportf(at, "%s sets %s to a literal value that looks like a secret; move it to a Secret and use valueFrom.secretKeyRef", containerName(c), e.Name)
				}
			}
		}
	},
}

func secretShape(v string) string {
	for _, s := range secretShapes() {
		if s.re.MatchString(v) {
			return s.what
		}
	}
	return ""
}

func secretLikeName(name string, fragments, ignoreSuffixes []string) bool {
	n := normalEnvName(name)
	for _, s := range ignoreSuffixes {
		if strings.HasSuffix(n, normalEnvName(s)) {
			return false
		}
	}
	for _, f := range fragments {
		if strings.Contains(n, normalEnvName(f)) {
			return true
		}
	}
	return false
}
