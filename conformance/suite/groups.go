package suite

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Group is a set of results with the same key: one entry of the work
// list.
type Group struct {
	Area  string
	Key   string
	Count int
	// Example is the result with the smallest case ID (stable).
	Example Result
}

// areaOrder sorts areas as a DaemonSet is read.
func areaOrder(a string) int {
	for i, x := range areas {
		if x.name == a {
			return i
		}
	}
	if a == "syntax and decoding" {
		return -1
	}
	return len(areas)
}

// GroupBy groups the results that pass keep by area and key, sorted by
// area (in the order of a DaemonSet) and key.
func GroupBy(rs []Result, keep func(Result) bool, key func(Result) string) []Group {
	idx := map[[2]string]int{}
	var out []Group
	for _, r := range rs {
		if !keep(r) {
			continue
		}
		k := [2]string{r.Area(), key(r)}
		i, ok := idx[k]
		if !ok {
			i = len(out)
			idx[k] = i
			out = append(out, Group{Area: k[0], Key: k[1], Example: r})
		}
		out[i].Count++
		if r.Case.ID < out[i].Example.Case.ID {
			out[i].Example = r
		}
	}
	slices.SortFunc(out, func(a, b Group) int {
		return cmp.Or(cmp.Compare(areaOrder(a.Area), areaOrder(b.Area)), cmp.Compare(a.Area, b.Area), cmp.Compare(a.Key, b.Key))
	})
	return out
}

// Missed selects the gaps: Kubernetes rejects, everynode does not, and
// the allow-list does not explain it.
func IsMissed(r Result) bool { return r.Outcome == Missed && r.Allowed == "" }

// IsFalseError selects everynode errors on objects Kubernetes accepts
// that the allow-list does not explain.
func IsFalseError(r Result) bool { return r.Outcome == FalseError && r.Allowed == "" }

// IsPathMismatch selects cases both reject where Kubernetes' first error
// names a field and none of everynode's errors names it.
func IsPathMismatch(r Result) bool {
	return r.Outcome == Agree && !r.K8s.Accepted() && r.HasField() && !r.PathMatch
}

// PathKey groups path mismatches by both sides' paths.
func PathKey(r Result) string {
	e := r.Everynode.Errors[0]
	return fmt.Sprintf("%s: %s <- everynode %s at %s", NormalizePath(r.K8s.First().Field), r.K8s.First().Type, e.Rule, orRoot(NormalizePath(e.Path)))
}

func orRoot(p string) string {
	if p == "" {
		return "(the document)"
	}
	return p
}

// WriteGroups writes groups as the known-gaps file's entries, under a
// heading per area.
func WriteGroups(b *strings.Builder, gs []Group) {
	area := ""
	for _, g := range gs {
		if g.Area != area {
			area = g.Area
			n, cases := 0, 0
			for _, h := range gs {
				if h.Area == area {
					n++
					cases += h.Count
				}
			}
			fmt.Fprintf(b, "\n-- %s: %d entries, %d cases\n", area, n, cases)
		}
		fmt.Fprintf(b, "\n%s [%d]\n", g.Key, g.Count)
		fmt.Fprintf(b, "  example: %s\n", g.Example.Case.ID)
		if !g.Example.K8s.Accepted() {
			fmt.Fprintf(b, "  kubernetes: %s\n", oneLine(g.Example.K8s.First().String(), 240))
		}
		if len(g.Example.Everynode.Errors) > 0 {
			e := g.Example.Everynode.Errors[0]
			fmt.Fprintf(b, "  everynode: %s: %s [%s]\n", orRoot(e.Path), oneLine(e.Message, 200), e.Rule)
		}
	}
}

// oneLine shortens a message to one line of at most n bytes (whole
// runes).
func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8Start(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }

// Total is the number of cases in groups.
func Total(gs []Group) int {
	n := 0
	for _, g := range gs {
		n += g.Count
	}
	return n
}
