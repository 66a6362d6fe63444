// Package templates holds the starter Daemon specs that `everynode init`
// writes. Each is a YAML file whose first line is a comment
// "# NAME: description".
package templates

import (
	"embed"
	"slices"
	"strings"
)

//go:embed *.yaml
var files embed.FS

// Template is one starter spec.
type Template struct {
	Name        string
	Description string
	Data        []byte
}

// List returns the templates sorted by name.
func List() []Template {
	entries, _ := files.ReadDir(".") // an embedded directory always reads
	out := make([]Template, 0, len(entries))
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".yaml")
		if !ok {
			continue
		}
		data, _ := files.ReadFile(e.Name())
		out = append(out, Template{Name: name, Description: description(name, data), Data: data})
	}
	slices.SortFunc(out, func(a, b Template) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// Get returns the named template.
func Get(name string) (Template, bool) {
	for _, t := range List() {
		if t.Name == name {
			return t, true
		}
	}
	return Template{}, false
}

// Names lists the template names.
func Names() []string {
	var out []string
	for _, t := range List() {
		out = append(out, t.Name)
	}
	return out
}

// description reads "# NAME: text" from the first line.
func description(name string, data []byte) string {
	first, _, _ := strings.Cut(string(data), "\n")
	d, ok := strings.CutPrefix(first, "# "+name+": ")
	if !ok {
		return ""
	}
	return strings.TrimSpace(d)
}
