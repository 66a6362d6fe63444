// Package yamledit is the one place that turns a rule's fix (changes at
// field paths, rule.Change) into text edits of the YAML source, and
// applies text edits to a file. Edits touch only the bytes of the edited
// node: comments, key order, quoting, indentation and blank lines
// everywhere else stay as the author wrote them, as go/analysis's
// SuggestedFix keeps a Go file. Nothing is ever re-serialised.
//
// What cannot be edited with certainty is refused with an error rather
// than guessed: a node reached through an alias or a merge key (the edit
// would change every object that shares it), an anchored node, a
// multi-line plain scalar, a block scalar replaced in place.
package yamledit

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v3"

	"github.com/everynode/everynode/internal/document"
	"github.com/everynode/everynode/lint/fieldpath"
	"github.com/everynode/everynode/lint/finding"
	"github.com/everynode/everynode/lint/rule"
)

// Edits returns the text edits of doc's file that make the changes to the
// object at base in doc (change paths are relative to the object). Edits
// name the file as file. All the changes are made or none: any change
// that cannot be made with certainty is an error.
func Edits(doc *document.Document, file string, base fieldpath.Path, changes []rule.Change) ([]finding.Edit, error) {
	if doc == nil || doc.Node == nil || doc.File == nil {
		return nil, errors.New("the object has no source")
	}
	e := &editor{doc: doc, data: doc.File.Data, file: file}
	e.step = indentStep(doc.Node)
	full := make([]rule.Change, 0, len(changes))
	for _, c := range changes {
		c.Path = append(append(fieldpath.Path{}, base...), c.Path...)
		full = append(full, c)
	}
	full, err := e.mergeInserts(full)
	if err != nil {
		return nil, err
	}
	for _, c := range full {
		var err error
		switch c.Kind {
		case rule.SetField:
			err = e.set(c)
		case rule.DeleteField:
			err = e.delete(c.Path)
		case rule.RenameField:
			err = e.rename(c.Path, c.Key)
		default:
			err = fmt.Errorf("unknown change %d", c.Kind)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", c.Path, err)
		}
	}
	slices.SortStableFunc(e.edits, func(a, b finding.Edit) int { return cmp.Compare(a.Start, b.Start) })
	e.edits = joinInserts(e.edits)
	if bytes.Contains(e.data, []byte("\r\n")) {
		for i := range e.edits {
			e.edits[i].Text = strings.ReplaceAll(e.edits[i].Text, "\n", "\r\n")
		}
	}
	for i := 1; i < len(e.edits); i++ {
		if Overlap(e.edits[i-1], e.edits[i]) {
			return nil, errors.New("the changes overlap")
		}
	}
	return e.edits, nil
}

// joinInserts makes one edit of the insertions of one fix at the same
// place (a key at the end of a container and one at the end of its pod
// spec): the deeper one is written first, as the text nests.
func joinInserts(es []finding.Edit) []finding.Edit {
	var out []finding.Edit
	for i := 0; i < len(es); {
		j := i + 1
		for j < len(es) && es[i].Start == es[i].End && es[j].Start == es[i].Start && es[j].End == es[j].Start {
			j++
		}
		if j == i+1 {
			out = append(out, es[i])
			i++
			continue
		}
		group := slices.Clone(es[i:j])
		slices.SortStableFunc(group, func(a, b finding.Edit) int { return cmp.Compare(leading(b.Text), leading(a.Text)) })
		joined := group[0]
		for _, g := range group[1:] {
			joined.Text += g.Text
		}
		out = append(out, joined)
		i = j
	}
	return out
}

func leading(s string) int {
	s = strings.TrimLeft(s, "\n")
	return len(s) - len(strings.TrimLeft(s, " "))
}

// Overlap reports whether two edits of one file touch the same bytes, or
// insert at the same place (their order would be a guess).
func Overlap(a, b finding.Edit) bool {
	if a.File != b.File {
		return false
	}
	if a.Start == a.End && b.Start == b.End {
		return a.Start == b.Start
	}
	return a.Start < b.End && b.Start < a.End ||
		a.Start == a.End && a.Start > b.Start && a.Start < b.End ||
		b.Start == b.End && b.Start > a.Start && b.Start < a.End
}

// Apply applies edits (of one file) to src. Edits must not overlap.
func Apply(src []byte, edits []finding.Edit) ([]byte, error) {
	es := slices.Clone(edits)
	slices.SortStableFunc(es, func(a, b finding.Edit) int { return cmp.Compare(a.Start, b.Start) })
	var out bytes.Buffer
	out.Grow(len(src))
	at := 0
	for i, ed := range es {
		if ed.Start < at || ed.End < ed.Start || ed.End > len(src) {
			return nil, fmt.Errorf("edit %d (%d-%d) is out of order or outside the file", i, ed.Start, ed.End)
		}
		if i > 0 && Overlap(es[i-1], ed) {
			return nil, fmt.Errorf("edits %d and %d overlap", i-1, i)
		}
		out.Write(src[at:ed.Start])
		out.WriteString(ed.Text)
		at = ed.End
	}
	out.Write(src[at:])
	return out.Bytes(), nil
}

type editor struct {
	doc   *document.Document
	data  []byte
	file  string
	step  int
	edits []finding.Edit
}

func (e *editor) add(start, end int, text string) {
	e.edits = append(e.edits, finding.Edit{File: e.file, Start: start, End: end, Text: text})
}

// hit is one step of a path in the node tree.
type hit struct {
	parent *yaml.Node // the mapping or sequence holding the node
	key    *yaml.Node // its key (nil for a list item)
	val    *yaml.Node
	flow   bool // inside a flow collection
}

var (
	errAlias  = errors.New("the field is written through a YAML alias, which other places share; edit it by hand")
	errAnchor = errors.New("the field is inside an anchored node that aliases may share; edit it by hand")
	errMerge  = errors.New("the field comes from a merge key (<<), which other places share; edit it by hand")
)

// walk follows p from the document's root and returns the steps found
// (fewer than len(p) when the path leaves the tree).
func (e *editor) walk(p fieldpath.Path) ([]hit, error) {
	n := e.doc.Node
	flow := false
	var hits []hit
	for _, el := range p {
		if n.Kind == yaml.AliasNode {
			return nil, errAlias
		}
		if n.Anchor != "" {
			return nil, errAnchor
		}
		flow = flow || n.Style&yaml.FlowStyle != 0
		var h hit
		switch {
		case !el.IsIndex && n.Kind == yaml.MappingNode:
			merged := false
			for i := 0; i+1 < len(n.Content); i += 2 {
				k := n.Content[i]
				if k.Kind == yaml.ScalarNode && k.Tag == "!!merge" || k.Value == "<<" && k.Style == 0 {
					merged = true
					continue
				}
				if k.Kind == yaml.ScalarNode && k.Value == el.Key {
					h = hit{parent: n, key: k, val: n.Content[i+1], flow: flow}
				}
			}
			if h.val == nil && merged && document.Has(e.doc.Value, pathOf(p, len(hits)+1)) {
				return nil, errMerge
			}
		case el.IsIndex && n.Kind == yaml.SequenceNode && el.Index >= 0 && el.Index < len(n.Content):
			h = hit{parent: n, val: n.Content[el.Index], flow: flow}
		}
		if h.val == nil {
			return hits, nil
		}
		if h.key != nil && (h.key.Anchor != "" || h.key.Kind != yaml.ScalarNode) {
			return nil, errAnchor
		}
		hits = append(hits, h)
		n = h.val
	}
	if n.Kind == yaml.AliasNode {
		return nil, errAlias
	}
	if n.Anchor != "" {
		return nil, errAnchor
	}
	return hits, nil
}

func pathOf(p fieldpath.Path, n int) fieldpath.Path { return p[:n:n] }

// mergeInserts joins SetField changes that would each create the same
// missing key (securityContext.capabilities and
// securityContext.allowPrivilegeEscalation on a container that has no
// securityContext) into one change that writes it once.
func (e *editor) mergeInserts(cs []rule.Change) ([]rule.Change, error) {
	var out []rule.Change
	at := map[string]int{}
	for _, c := range cs {
		if c.Kind != rule.SetField {
			out = append(out, c)
			continue
		}
		hits, err := e.walk(c.Path)
		if err != nil {
			return nil, err
		}
		if len(hits) >= len(c.Path)-1 {
			out = append(out, c)
			continue
		}
		// Create at the first missing key, with the rest nested.
		anchor := c.Path[: len(hits)+1 : len(hits)+1]
		v := c.Value
		for i := len(c.Path) - 1; i > len(hits); i-- {
			if c.Path[i].IsIndex {
				return nil, errors.New("a missing list item cannot be created")
			}
			v = rule.Fields{{Key: c.Path[i].Key, Value: v}}
		}
		key := anchor.String()
		if i, ok := at[key]; ok {
			merged, err := mergeFields(out[i].Value, v)
			if err != nil {
				return nil, err
			}
			out[i].Value = merged
			continue
		}
		at[key] = len(out)
		out = append(out, rule.Change{Kind: rule.SetField, Path: anchor, Value: v, Before: c.Before})
	}
	return out, nil
}

func mergeFields(a, b any) (any, error) {
	fa, ok1 := a.(rule.Fields)
	fb, ok2 := b.(rule.Fields)
	if !ok1 || !ok2 {
		return nil, errors.New("two changes set the same field")
	}
	out := slices.Clone(fa)
	for _, f := range fb {
		i := slices.IndexFunc(out, func(g rule.Field) bool { return g.Key == f.Key })
		if i < 0 {
			out = append(out, f)
			continue
		}
		m, err := mergeFields(out[i].Value, f.Value)
		if err != nil {
			return nil, err
		}
		out[i].Value = m
	}
	return out, nil
}

// set makes a SetField change.
func (e *editor) set(c rule.Change) error {
	hits, err := e.walk(c.Path)
	if err != nil {
		return err
	}
	if len(hits) == len(c.Path) {
		return e.replace(hits[len(hits)-1], c.Value)
	}
	if len(hits) != len(c.Path)-1 || c.Path[len(c.Path)-1].IsIndex {
		return errors.New("a missing list item cannot be created")
	}
	parent := e.doc.Node
	flow := false
	if len(hits) > 0 {
		parent, flow = hits[len(hits)-1].val, hits[len(hits)-1].flow
	}
	flow = flow || parent.Style&yaml.FlowStyle != 0
	if parent.Kind != yaml.MappingNode {
		return errors.New("the parent is not a mapping")
	}
	return e.insert(parent, flow, c.Path[len(c.Path)-1].Key, c.Value, c.Before)
}

// replace writes v in place of the value of h.
func (e *editor) replace(h hit, v any) error {
	n := h.val
	if n.Kind == yaml.ScalarNode && isEmptyNull(n, e.data, e.off(n)) {
		if h.key == nil {
			return errors.New("an empty list item cannot be edited")
		}
		_, kend, err := e.scalarExtent(h.key, h.flow)
		if err != nil {
			return err
		}
		colon := bytes.IndexByte(e.data[kend:], ':')
		if colon < 0 {
			return errors.New("no colon after the key")
		}
		at := kend + colon + 1
		if h.flow {
			e.add(at, at, " "+flowValue(v))
			return nil
		}
		e.add(at, at, e.blockValue(v, e.indentOf(h.key)))
		return nil
	}
	start, end, err := e.nodeExtent(n, h.flow)
	if err != nil {
		return err
	}
	switch {
	case n.Kind == yaml.ScalarNode && n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0:
		return errors.New("a block scalar is not replaced in place")
	case n.Kind == yaml.ScalarNode:
		if isCollection(v) {
			e.add(start, end, flowValue(v))
			return nil
		}
		e.add(start, end, scalarText(v, n.Style))
	case n.Style&yaml.FlowStyle != 0 || h.flow:
		e.add(start, end, flowValue(v))
	default:
		return errors.New("a block mapping or list is not replaced whole")
	}
	return nil
}

func isCollection(v any) bool {
	switch v.(type) {
	case rule.Fields, map[string]any, []any:
		return true
	}
	return false
}

// insert adds key: v to the mapping m.
func (e *editor) insert(m *yaml.Node, flow bool, key string, v any, before string) error {
	pairs := len(m.Content) / 2
	if flow {
		start, end, err := e.nodeExtent(m, true)
		if err != nil {
			return err
		}
		_ = start
		if pairs == 0 {
			e.add(end-1, end-1, keyText(key)+": "+flowValue(v))
			return nil
		}
		// Keys written as JSON get JSON: quoted keys and strings.
		json := m.Content[2*pairs-2].Style&yaml.DoubleQuotedStyle != 0
		_, pend, err := e.pairExtent(m.Content[2*pairs-2], m.Content[2*pairs-1], true)
		if err != nil {
			return err
		}
		if json {
			e.add(pend, pend, ", "+jsonValue(key)+": "+jsonValue(rule.Plain(v)))
			return nil
		}
		e.add(pend, pend, ", "+keyText(key)+": "+flowValue(v))
		return nil
	}
	if pairs == 0 {
		return errors.New("an empty block mapping cannot be edited")
	}
	first := m.Content[0]
	indent := e.indentOf(first)
	text := strings.Repeat(" ", indent) + keyText(key) + ":" + e.blockValue(v, indent) + "\n"
	if before != "" {
		for i := 0; i+1 < len(m.Content); i += 2 {
			k := m.Content[i]
			if k.Value != before {
				continue
			}
			at := e.lineStart(e.off(k))
			if !e.onlySpace(at, e.off(k)) {
				break
			}
			// Stay above the comment lines that introduce the key.
			for at > 0 {
				prev := e.lineStart(at - 1)
				line := bytes.TrimSpace(e.data[prev:at])
				if len(line) == 0 || line[0] != '#' {
					break
				}
				at = prev
			}
			e.add(at, at, text)
			return nil
		}
	}
	_, pend, err := e.pairExtent(m.Content[2*pairs-2], m.Content[2*pairs-1], false)
	if err != nil {
		return err
	}
	at := e.nextLineStart(pend)
	if at == len(e.data) && (at == 0 || e.data[at-1] != '\n') {
		text = "\n" + strings.TrimSuffix(text, "\n")
		if at > 0 && e.data[at-1] == '\r' {
			text = "\n" + strings.TrimPrefix(text, "\n")
		}
	}
	e.add(at, at, text)
	return nil
}

// delete removes the key at p and its value.
func (e *editor) delete(p fieldpath.Path) error {
	hits, err := e.walk(p)
	if err != nil {
		return err
	}
	if len(hits) < len(p) {
		return nil // nothing to delete
	}
	h := hits[len(hits)-1]
	if h.key == nil {
		return errors.New("list items are not deleted")
	}
	m := h.parent
	idx := -1
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i] == h.key {
			idx = i
		}
	}
	ks, _, err := e.scalarExtent(h.key, h.flow)
	if err != nil {
		return err
	}
	_, pend, err := e.pairExtent(h.key, h.val, h.flow)
	if err != nil {
		return err
	}
	if h.flow || m.Style&yaml.FlowStyle != 0 {
		// key: value, and the comma before it (or after it, for the first).
		j := ks
		for j > 0 && isBlankByte(e.data[j-1]) {
			j--
		}
		if j > 0 && e.data[j-1] == ',' {
			e.add(j-1, pend, "")
			return nil
		}
		i := skipBlank(e.data, pend)
		if i < len(e.data) && e.data[i] == ',' {
			e.add(ks, skipSpace(e.data, i+1), "")
			return nil
		}
		e.add(ks, pend, "")
		return nil
	}
	if len(m.Content) == 2 {
		return errors.New("removing the only key would leave the mapping empty")
	}
	ls := e.lineStart(ks)
	if !e.onlySpace(ls, ks) {
		// The first key of a list item ("- key: value"): the next key
		// moves up behind the dash.
		if idx+2 >= len(m.Content) {
			return errors.New("the key shares its line with a list item")
		}
		next := e.off(m.Content[idx+2])
		if bytes.Contains(e.data[ks:next], []byte("#")) {
			return errors.New("comments between list item keys")
		}
		e.add(ks, next, "")
		return nil
	}
	end := e.nextLineStart(pend)
	// Comment lines inside the removed block are kept: every comment the
	// author wrote survives a fix.
	var kept strings.Builder
	if !hasBlockScalar(h.val) {
		for at := e.nextLineStart(ks); at < end; at = e.nextLineStart(at) {
			line := e.data[at:e.nextLineStart(at)]
			if t := bytes.TrimSpace(line); len(t) > 0 && t[0] == '#' {
				kept.Write(line)
			}
		}
	}
	e.add(ls, end, kept.String())
	return nil
}

// rename changes the key at p.
func (e *editor) rename(p fieldpath.Path, key string) error {
	hits, err := e.walk(p)
	if err != nil {
		return err
	}
	if len(hits) < len(p) || hits[len(hits)-1].key == nil {
		return errors.New("no key to rename")
	}
	h := hits[len(hits)-1]
	for i := 0; i+1 < len(h.parent.Content); i += 2 {
		if h.parent.Content[i].Value == key {
			return fmt.Errorf("the mapping has a key %q already", key)
		}
	}
	s, end, err := e.scalarExtent(h.key, h.flow)
	if err != nil {
		return err
	}
	e.add(s, end, scalarText(key, h.key.Style))
	return nil
}

func hasBlockScalar(n *yaml.Node) bool {
	if n.Kind == yaml.ScalarNode && n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		return true
	}
	return slices.ContainsFunc(n.Content, hasBlockScalar)
}

// off is the byte offset of a node, after its anchor and tag.
func (e *editor) off(n *yaml.Node) int {
	o := e.doc.File.Offset(n.Line, n.Column)
	if o < 0 {
		return len(e.data)
	}
	for o < len(e.data) && (e.data[o] == '&' || e.data[o] == '!') {
		for o < len(e.data) && !isBlankByte(e.data[o]) && e.data[o] != '\n' {
			o++
		}
		o = skipSpace(e.data, o)
	}
	return o
}

// indentOf is the indentation of new keys beside k: its column.
func (e *editor) indentOf(k *yaml.Node) int { return k.Column - 1 }

func (e *editor) lineStart(off int) int {
	return bytes.LastIndexAny(e.data[:off], "\n\r") + 1
}

// nextLineStart is the offset after the line break that ends off's line.
func (e *editor) nextLineStart(off int) int {
	i := bytes.IndexAny(e.data[off:], "\n\r")
	if i < 0 {
		return len(e.data)
	}
	i += off
	if e.data[i] == '\r' && i+1 < len(e.data) && e.data[i+1] == '\n' {
		i++
	}
	return i + 1
}

func (e *editor) onlySpace(from, to int) bool {
	return len(bytes.TrimLeft(e.data[from:to], " \t")) == 0
}

func isBlankByte(b byte) bool { return b == ' ' || b == '\t' }

func skipSpace(b []byte, i int) int {
	for i < len(b) && isBlankByte(b[i]) {
		i++
	}
	return i
}

// skipBlank skips spaces, line breaks and comments (inside a flow
// collection).
func skipBlank(b []byte, i int) int {
	for i < len(b) {
		switch c := b[i]; {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '#':
			for i < len(b) && b[i] != '\n' && b[i] != '\r' {
				i++
			}
		default:
			return i
		}
	}
	return i
}

// isEmptyNull reports a value written as nothing ("key:" and a line break).
func isEmptyNull(n *yaml.Node, data []byte, off int) bool {
	if n.Style != 0 || n.Value != "" || n.Tag != "!!null" {
		return false
	}
	return off >= len(data) || !bytes.HasPrefix(data[off:], []byte("null")) && !bytes.HasPrefix(data[off:], []byte("~")) &&
		!bytes.HasPrefix(data[off:], []byte("Null")) && !bytes.HasPrefix(data[off:], []byte("NULL"))
}

// pairExtent is where a key: value pair ends (after its value).
func (e *editor) pairExtent(k, v *yaml.Node, flow bool) (start, end int, err error) {
	start, kend, err := e.scalarExtent(k, flow)
	if err != nil {
		return 0, 0, err
	}
	if v.Kind == yaml.ScalarNode && isEmptyNull(v, e.data, e.off(v)) {
		colon := bytes.IndexByte(e.data[kend:], ':')
		if colon < 0 {
			return 0, 0, errors.New("no colon after the key")
		}
		return start, kend + colon + 1, nil
	}
	_, end, err = e.nodeExtent(v, flow)
	return start, end, err
}

// nodeExtent is the byte range a node is written in.
func (e *editor) nodeExtent(n *yaml.Node, flow bool) (start, end int, err error) {
	switch {
	case n.Kind == yaml.AliasNode:
		s := e.off(n)
		return s, s + 1 + len(n.Value), nil
	case n.Kind == yaml.ScalarNode:
		return e.scalarExtent(n, flow)
	case n.Style&yaml.FlowStyle != 0:
		s := e.off(n)
		end, err := flowEnd(e.data, s)
		return s, end, err
	case len(n.Content) == 0:
		return 0, 0, errors.New("an empty block collection")
	}
	s := e.off(n)
	last := n.Content[len(n.Content)-1]
	if n.Kind == yaml.MappingNode {
		_, end, err = e.pairExtent(n.Content[len(n.Content)-2], last, false)
	} else if last.Kind == yaml.ScalarNode && isEmptyNull(last, e.data, e.off(last)) {
		return 0, 0, errors.New("an empty list item")
	} else {
		_, end, err = e.nodeExtent(last, false)
	}
	return s, end, err
}

// scalarExtent is the byte range of a scalar as written (quotes
// included).
func (e *editor) scalarExtent(n *yaml.Node, flow bool) (start, end int, err error) {
	s := e.off(n)
	d := e.data
	switch {
	case n.Style&yaml.DoubleQuotedStyle != 0:
		for i := s + 1; i < len(d); i++ {
			switch d[i] {
			case '\\':
				i++
			case '"':
				return s, i + 1, nil
			}
		}
		return 0, 0, errors.New("unterminated double-quoted scalar")
	case n.Style&yaml.SingleQuotedStyle != 0:
		for i := s + 1; i < len(d); i++ {
			if d[i] == '\'' {
				if i+1 < len(d) && d[i+1] == '\'' {
					i++
					continue
				}
				return s, i + 1, nil
			}
		}
		return 0, 0, errors.New("unterminated single-quoted scalar")
	case n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0:
		return s, e.blockScalarEnd(s), nil
	}
	if bytes.HasPrefix(d[s:], []byte(n.Value)) && !strings.ContainsAny(n.Value, "\n\r") {
		return s, s + len(n.Value), nil
	}
	return 0, 0, errors.New("a plain scalar written over several lines is not edited")
}

// blockScalarEnd is the end of a literal or folded scalar whose header
// starts at s: its last content line (before the break).
func (e *editor) blockScalarEnd(s int) int {
	header := e.nextLineStart(s)
	indent := -1
	end := e.lineEndAt(s)
	for at := header; at < len(e.data); at = e.nextLineStart(at) {
		line := e.data[at:e.lineEndAt(at)]
		t := bytes.TrimLeft(line, " ")
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		ind := len(line) - len(t)
		if indent < 0 {
			// The block's indentation is its first content line's, and
			// must be deeper than the line holding the header.
			hl := e.data[e.lineStart(s):s]
			if ind <= len(hl)-len(bytes.TrimLeft(hl, " -")) {
				break
			}
			indent = ind
		}
		if ind < indent {
			break
		}
		end = at + len(line)
	}
	return end
}

func (e *editor) lineEndAt(off int) int {
	i := bytes.IndexAny(e.data[off:], "\n\r")
	if i < 0 {
		return len(e.data)
	}
	return off + i
}

// flowEnd finds the end of the flow collection opening at s.
func flowEnd(d []byte, s int) (int, error) {
	depth := 0
	for i := s; i < len(d); i++ {
		switch c := d[i]; c {
		case '[', '{':
			depth++
		case ']', '}':
			depth--
			if depth == 0 {
				return i + 1, nil
			}
		case '"':
			for i++; i < len(d) && d[i] != '"'; i++ {
				if d[i] == '\\' {
					i++
				}
			}
		case '\'':
			for i++; i < len(d); i++ {
				if d[i] == '\'' {
					if i+1 < len(d) && d[i+1] == '\'' {
						i++
						continue
					}
					break
				}
			}
		case '#':
			if i > 0 && (isBlankByte(d[i-1]) || d[i-1] == '\n') {
				for i < len(d) && d[i] != '\n' {
					i++
				}
			}
		}
	}
	return 0, errors.New("unterminated flow collection")
}

// indentStep is the document's indentation step: how much deeper a
// nested mapping's keys are than their parent key (2 when nothing says).
func indentStep(root *yaml.Node) int {
	var found int
	var walk func(n *yaml.Node, depth int)
	walk = func(n *yaml.Node, depth int) {
		if found > 0 || depth > 50 {
			return
		}
		if n.Kind == yaml.MappingNode && n.Style&yaml.FlowStyle == 0 {
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				if v.Kind == yaml.MappingNode && v.Style&yaml.FlowStyle == 0 && len(v.Content) > 0 && v.Content[0].Line > k.Line {
					if d := v.Content[0].Column - k.Column; d > 0 {
						found = d
						return
					}
				}
			}
		}
		for _, c := range n.Content {
			walk(c, depth+1)
		}
	}
	walk(root, 0)
	if found > 0 && found <= 8 {
		return found
	}
	return 2
}

// blockValue renders v after "key:" in block context at the key's
// indentation.
func (e *editor) blockValue(v any, indent int) string {
	switch x := v.(type) {
	case rule.Fields:
		if len(x) == 0 {
			return " {}"
		}
		var b strings.Builder
		for _, f := range x {
			b.WriteString("\n")
			b.WriteString(strings.Repeat(" ", indent+e.step))
			b.WriteString(keyText(f.Key))
			b.WriteString(":")
			b.WriteString(e.blockValue(f.Value, indent+e.step))
		}
		return b.String()
	case map[string]any:
		return e.blockValue(sortedFields(x), indent)
	}
	return " " + flowValue(v)
}

func sortedFields(m map[string]any) rule.Fields {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make(rule.Fields, len(keys))
	for i, k := range keys {
		out[i] = rule.Field{Key: k, Value: m[k]}
	}
	return out
}

// flowValue renders v in flow style.
func flowValue(v any) string {
	switch x := v.(type) {
	case rule.Fields:
		parts := make([]string, len(x))
		for i, f := range x {
			parts[i] = keyText(f.Key) + ": " + flowValue(f.Value)
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case map[string]any:
		return flowValue(sortedFields(x))
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = flowValue(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	return scalarText(v, 0)
}

// jsonValue writes v as JSON, which is YAML: for flow mappings written as
// JSON. Maps have sorted keys.
func jsonValue(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return flowValue(v)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

func keyText(k string) string { return scalarText(k, 0) }

var plainRE = regexp.MustCompile(`^[A-Za-z/][A-Za-z0-9._/-]*$`)

// yaml11Special are plain words that YAML 1.1 (as kubectl reads it) does
// not read as strings.
var yaml11Special = map[string]bool{}

func init() {
	for _, w := range strings.Fields("y yes on true n no off false null") {
		for _, v := range []string{w, strings.ToUpper(w), strings.ToUpper(w[:1]) + w[1:]} {
			yaml11Special[v] = true
		}
	}
}

// scalarText renders a scalar; a string keeps the quoting style of the
// value it replaces, and is quoted whenever plain would read otherwise.
func scalarText(v any, style yaml.Style) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return strconv.FormatBool(x)
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case uint64:
		return strconv.FormatUint(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case string:
		plain := plainRE.MatchString(x) && !yaml11Special[x]
		switch {
		case style&yaml.SingleQuotedStyle != 0 && !strings.ContainsAny(x, "\n\r\t"):
			return "'" + strings.ReplaceAll(x, "'", "''") + "'"
		case style&yaml.DoubleQuotedStyle != 0 || !plain:
			var b bytes.Buffer
			enc := json.NewEncoder(&b)
			enc.SetEscapeHTML(false)
			_ = enc.Encode(x)
			return strings.TrimSuffix(b.String(), "\n")
		}
		return x
	}
	return fmt.Sprint(v)
}
