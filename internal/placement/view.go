package placement

import (
	"fmt"
	"strconv"
	"strings"
)

// view is what the text and Markdown formats show, built once from a
// Result: the matrix (DaemonSets by node groups), the groups, the reasons
// per DaemonSet and group, and the warnings. Every string in it comes
// from input and is escaped by the writer of each format.
type view struct {
	nodes    int
	rows     []row
	groups   []groupView
	reasons  []reasonBlock
	warnings []warningLine
}

type cell int

const (
	cellNo   cell = iota // no pod
	cellKeep             // no new pod; a running one stays
	cellRuns             // a pod is placed
)

type row struct {
	name    string // namespace/name
	source  string // file, document N
	cells   []cell
	warned  []bool // per group: some warning for this DaemonSet there
	desired int
}

type groupView struct {
	name        string
	size        int
	members     []string // the first few names
	more        int      // how many are not in members
	taints      []string
	labels      []string
	state       []string // cordoned, NotReady
	allocatable string
}

type reasonBlock struct {
	name, source string
	items        []groupText
}

// groupText is a text that holds for some groups: "G1 (cp-1)", "G2
// (3 nodes)", "G3, G5 (4 nodes)".
type groupText struct {
	group string
	text  string
}

// warningLine is one warning: about a group of nodes (daemonset empty) or
// about one DaemonSet on some groups.
type warningLine struct {
	group     string
	daemonset string
	text      string
}

// byText gathers the groups that share a text, in the order of the first
// group of each.
type byText struct {
	texts  []string
	groups map[string][]*group
}

func (b *byText) add(text string, g *group) {
	if b.groups == nil {
		b.groups = map[string][]*group{}
	}
	if _, ok := b.groups[text]; !ok {
		b.texts = append(b.texts, text)
	}
	b.groups[text] = append(b.groups[text], g)
}

const shownMembers = 5

func (r *Result) view() *view {
	v := &view{nodes: r.Nodes}
	// A label with the same value on every node tells the groups apart
	// no more than it tells the reader anything: only the others are shown.
	var varies []bool
	if len(r.groups) > 0 {
		varies = make([]bool, len(r.groups[0].labels))
		for _, g := range r.groups[1:] {
			for i, l := range g.labels {
				if l != r.groups[0].labels[i] {
					varies[i] = true
				}
			}
		}
	}
	for _, g := range r.groups {
		first := &r.nodes[g.members[0]].Node
		gv := groupView{name: g.name, size: len(g.members)}
		for i, l := range g.labels {
			if varies[i] {
				gv.labels = append(gv.labels, l)
			}
		}
		for i, m := range g.members {
			if i == shownMembers {
				gv.more = len(g.members) - shownMembers
				break
			}
			gv.members = append(gv.members, r.nodes[m].Name)
		}
		for _, t := range first.Spec.Taints {
			gv.taints = append(gv.taints, taintString(&t))
		}
		if first.Spec.Unschedulable {
			gv.state = append(gv.state, "cordoned")
		}
		for _, c := range first.Status.Conditions {
			if c.Type == "Ready" && c.Status != "True" {
				gv.state = append(gv.state, "NotReady (Ready="+string(c.Status)+")")
			}
		}
		if first.Status.Allocatable == nil {
			gv.allocatable = "unknown (no status.allocatable)"
		} else {
			gv.allocatable = formatResources(first.Status.Allocatable)
		}
		v.groups = append(v.groups, gv)
	}

	for _, g := range r.groups {
		for _, w := range r.nodeWarnings[g.members[0]] {
			v.warnings = append(v.warnings, warningLine{group: groupsLabel(r, []*group{g}), text: w})
		}
	}
	for _, ds := range r.DaemonSets {
		rw := row{
			name:    qualifiedName(ds.Namespace, ds.Name),
			source:  sourceName(ds.File, ds.Document),
			desired: ds.Desired,
		}
		var reasons, warnings byText
		for _, g := range r.groups {
			m := g.members[0]
			p := &ds.Nodes[m]
			c := cellNo
			switch {
			case p.Runs:
				c = cellRuns
			case p.KeepsRunning:
				c = cellKeep
			}
			rw.cells = append(rw.cells, c)
			rw.warned = append(rw.warned, len(p.Warnings) > 0)
			if !p.Runs {
				reasons.add(p.Reason, g)
			}
			own := len(p.Warnings) - len(r.nodeWarnings[m])
			for _, w := range p.Warnings[:max(own, 0)] {
				warnings.add(w, g)
			}
		}
		v.rows = append(v.rows, rw)
		if len(reasons.texts) > 0 {
			rb := reasonBlock{name: rw.name, source: rw.source}
			for _, t := range reasons.texts {
				rb.items = append(rb.items, groupText{group: groupsLabel(r, reasons.groups[t]), text: t})
			}
			v.reasons = append(v.reasons, rb)
		}
		for _, t := range warnings.texts {
			v.warnings = append(v.warnings, warningLine{group: groupsLabel(r, warnings.groups[t]), daemonset: rw.name, text: t})
		}
	}
	return v
}

// groupsLabel names groups with their size: "G1 (kind-control-plane)"
// for one node, "G2 (3 nodes)", "G3, G5 (4 nodes)".
func groupsLabel(r *Result, gs []*group) string {
	names := make([]string, len(gs))
	n := 0
	for i, g := range gs {
		names[i] = g.name
		n += len(g.members)
	}
	if n == 1 {
		return names[0] + " (" + r.nodes[gs[0].members[0]].Name + ")"
	}
	return strings.Join(names, ", ") + " (" + strconv.Itoa(n) + " nodes)"
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

func (v *view) headline() string {
	return fmt.Sprintf("%s on %s in %s",
		plural(len(v.rows), "DaemonSet", "DaemonSets"),
		plural(v.nodes, "node", "nodes"),
		plural(len(v.groups), "group", "groups"))
}

func (g *groupView) memberList() string {
	s := strings.Join(g.members, ", ")
	if g.more > 0 {
		s += fmt.Sprintf(" and %d more", g.more)
	}
	return s
}
