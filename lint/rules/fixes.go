package rules

import (
	"path"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/everynode/everynode/lint/rule"
)

// The rules' fixes (rule.Rule.Fix). Each returns changes at field paths
// and nil when a fix is not certain; the engine writes them as text edits
// and keeps a fix only if the fixed file lints with no new finding.

// setTo returns a fix that writes v at the diagnostic's path.
func setTo(msg string, v any) func(*rule.Object, rule.Diagnostic) *rule.Fix {
	return func(_ *rule.Object, d rule.Diagnostic) *rule.Fix {
		return &rule.Fix{Message: msg, Changes: []rule.Change{rule.SetAt(d.Path, v)}}
	}
}

// removeIt returns a fix that deletes the field at the diagnostic's path.
func removeIt(msg string) func(*rule.Object, rule.Diagnostic) *rule.Fix {
	return func(_ *rule.Object, d rule.Diagnostic) *rule.Fix {
		return &rule.Fix{Message: msg, Changes: []rule.Change{rule.DeleteAt(d.Path)}}
	}
}

// fixMissingSelector writes the template's labels as the selector, as
// extensions/v1beta1 defaulted it. Only when the template has labels
// and none looks like a version: a selector cannot change after
// creation, and one that names a version breaks the next upgrade.
func fixMissingSelector(o *rule.Object, d rule.Diagnostic) *rule.Fix {
	labels, _ := o.Get(templatePath.Child("metadata", "labels")).(map[string]any)
	if len(labels) == 0 {
		return nil
	}
	for k, v := range labels {
		if _, ok := v.(string); !ok || strings.Contains(strings.ToLower(k), "version") {
			return nil
		}
	}
	c := rule.SetAt(selectorPath.Child("matchLabels"), labels)
	if !o.Has(selectorPath) {
		c = rule.SetAt(selectorPath, rule.Fields{{Key: "matchLabels", Value: labels}})
		c.Before = "template"
	} else if sel, ok := o.Get(selectorPath).(map[string]any); !ok || len(sel) > 0 {
		return nil
	}
	return &rule.Fix{Message: "select the pod template's labels", Changes: []rule.Change{c}}
}

// fixDeploymentField removes a Deployment's field, and moves a rolling
// strategy to updateStrategy when the DaemonSet has none.
func fixDeploymentField(o *rule.Object, d rule.Diagnostic) *rule.Fix {
	field := d.Path.Last().Key
	if field != "strategy" {
		return &rule.Fix{Message: "remove spec." + field, Changes: []rule.Change{rule.DeleteAt(d.Path)}}
	}
	if o.Has(updateStrategyPath) {
		// updateStrategy is what counts; strategy never did.
		return &rule.Fix{Message: "remove spec.strategy", Changes: []rule.Change{rule.DeleteAt(d.Path)}}
	}
	st, ok := o.Get(d.Path).(map[string]any)
	if !ok {
		return nil
	}
	for k := range st {
		if k != "type" && k != "rollingUpdate" {
			return nil
		}
	}
	if t, _ := st["type"].(string); t != "" && t != "RollingUpdate" {
		return nil // Recreate has no DaemonSet equivalent: a choice, not a fix
	}
	return &rule.Fix{Message: "rename spec.strategy to spec.updateStrategy", Changes: []rule.Change{rule.RenameAt(d.Path, "updateStrategy")}}
}

// fixHostPathTypeCase corrects a hostPath type that differs from a
// valid one only in case (socket, directory).
func fixHostPathTypeCase(o *rule.Object, d rule.Diagnostic) *rule.Fix {
	t, _ := o.Get(d.Path).(string)
	for _, ok := range hostPathTypes {
		if ok != "" && strings.EqualFold(t, ok) {
			return &rule.Fix{Message: "write the type " + ok, Changes: []rule.Change{rule.SetAt(d.Path, ok)}}
		}
	}
	return nil
}

// alwaysDirectories exist on every Linux node.
var alwaysDirectories = []string{"/", "/proc", "/sys", "/dev", "/etc", "/run", "/var/run", "/var/log", "/var/lib", "/usr", "/lib/modules", "/sys/fs/cgroup", "/var/lib/kubelet"}

// fixHostPathType sets the type of a hostPath volume whose path says what
// it is: Directory for directories every Linux node has (safe: nothing
// changes where they exist, which is everywhere), Socket for a *.sock
// (unsafe: where the socket is missing the pod now fails instead of
// running with an empty directory, which is the point, but a change).
func fixHostPathType(o *rule.Object, d rule.Diagnostic) *rule.Fix {
	p, _ := o.Get(d.Path.Parent().Child("path")).(string)
	switch {
	case slices.Contains(alwaysDirectories, path.Clean(p)) && strings.HasPrefix(p, "/"):
		return &rule.Fix{Message: "set type: Directory", Changes: []rule.Change{rule.SetAt(d.Path, "Directory")}}
	case strings.HasSuffix(p, ".sock"):
		return &rule.Fix{Message: "set type: Socket", Unsafe: true, Changes: []rule.Change{rule.SetAt(d.Path, "Socket")}}
	}
	return nil
}

// fixWritableHostPath marks every mount of a writable system path
// read-only (unsafe: an agent may write there on purpose).
func fixWritableHostPath(o *rule.Object, d rule.Diagnostic) *rule.Fix {
	if !strings.Contains(d.Message, "add readOnly: true") || len(d.Path) < 6 {
		return nil
	}
	vol := d.Path[:len(d.Path)-2] // spec.template.spec.volumes[i]
	name, _ := o.Get(vol.Child("name")).(string)
	pod := vol[:len(vol)-2]
	var changes []rule.Change
	for _, list := range []string{"initContainers", "containers"} {
		cs, _ := o.Get(pod.Child(list)).([]any)
		for i, c := range cs {
			cm, _ := c.(map[string]any)
			mounts, _ := cm["volumeMounts"].([]any)
			for j, m := range mounts {
				mm, _ := m.(map[string]any)
				if mm["name"] == name && mm["readOnly"] != true {
					changes = append(changes, rule.SetAt(pod.Child(list).Index(i).Child("volumeMounts").Index(j).Child("readOnly"), true))
				}
			}
		}
	}
	if len(changes) == 0 {
		return nil
	}
	return &rule.Fix{Message: "mount " + name + " read-only", Unsafe: true, Changes: changes}
}

// fixSeccomp sets the runtime's default profile where none is set.
func fixSeccomp(o *rule.Object, d rule.Diagnostic) *rule.Fix {
	if d.Path.Last().Key != "seccompProfile" || o.Has(d.Path) {
		return nil
	}
	return &rule.Fix{Message: "set seccompProfile.type: RuntimeDefault",
		Changes: []rule.Change{rule.SetAt(d.Path.Child("type"), "RuntimeDefault")}}
}

// fixDropAll drops every capability (the ones the container adds stay).
func fixDropAll(o *rule.Object, d rule.Diagnostic) *rule.Fix {
	return &rule.Fix{Message: "drop ALL capabilities", Changes: []rule.Change{rule.SetAt(d.Path, []any{"ALL"})}}
}

// fixUpdateStrategy fixes what the intent makes certain: a type that
// differs from a valid one only in case, a surge whose maxUnavailable was
// left at its default of 1 (surging needs 0), and two zeros (the default
// maxUnavailable of 1 is what rolls).
func fixUpdateStrategy(o *rule.Object, d rule.Diagnostic) *rule.Fix {
	switch {
	case d.Path.Equal(updateStrategyPath.Child("type")):
		t, _ := o.Get(d.Path).(string)
		for _, ok := range []string{"RollingUpdate", "OnDelete"} {
			if strings.EqualFold(t, ok) {
				return &rule.Fix{Message: "write the type " + ok, Changes: []rule.Change{rule.SetAt(d.Path, ok)}}
			}
		}
	case strings.Contains(d.Message, "needs maxUnavailable: 0"):
		return &rule.Fix{Message: "set maxUnavailable: 0 to surge", Changes: []rule.Change{rule.SetAt(maxUnavailablePath, int64(0))}}
	case strings.Contains(d.Message, "are both zero"):
		return &rule.Fix{Message: "set maxUnavailable: 1", Changes: []rule.Change{rule.SetAt(maxUnavailablePath, int64(1))}}
	}
	return nil
}

// fixDNSPolicy sets the policy that keeps cluster DNS with hostNetwork.
func fixDNSPolicy(_ *rule.Object, d rule.Diagnostic) *rule.Fix {
	return &rule.Fix{Message: "set dnsPolicy: ClusterFirstWithHostNet",
		Changes: []rule.Change{rule.SetAt(d.Path.Parent().Child("dnsPolicy"), "ClusterFirstWithHostNet")}}
}

var (
	unknownFieldRE = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`unknown field "([^"]+)" \(did you mean "([^"]+)"\?\)`)
	})
	enumRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`got "([^"]*)" \(did you mean "([^"]+)"\?\)`) })
)

// fixDidYouMean takes the schema's suggestion for a misspelled field or
// value: unsafe, because a suggestion is a guess (hostNetwrok is surely
// hostNetwork; a near miss may be another field the author did not mean,
// and the field starts to count).
func fixDidYouMean(o *rule.Object, d rule.Diagnostic) *rule.Fix {
	if len(d.Path) == 0 || d.Path.Last().IsIndex || !o.Has(d.Path) {
		return nil
	}
	if m := unknownFieldRE().FindStringSubmatch(d.Message); m != nil && m[1] == d.Path.Last().Key {
		if o.Has(d.Path.Parent().Child(m[2])) {
			return nil
		}
		return &rule.Fix{Message: "rename " + m[1] + " to " + m[2], Unsafe: true,
			Changes: []rule.Change{rule.RenameAt(d.Path, m[2])}}
	}
	if m := enumRE().FindStringSubmatch(d.Message); m != nil {
		if v, _ := o.Get(d.Path).(string); v == m[1] {
			return &rule.Fix{Message: "write " + m[2], Unsafe: true, Changes: []rule.Change{rule.SetAt(d.Path, m[2])}}
		}
	}
	return nil
}
