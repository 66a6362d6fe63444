// Package mutate generates DaemonSets that probe every field Kubernetes
// validates: it walks the k8s.io/api types of a DaemonSet by reflection
// (Fields), and for each field writes invalid and boundary-valid values
// (Op) into realistic valid DaemonSets (Base). Mutations work on the YAML
// node tree, so they can write what no typed struct holds: a string where
// a number belongs, an unknown field, a key twice. Output is
// deterministic for a given seed.
package mutate

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"reflect"
	"slices"
	"strings"
	"sync"

	yaml "go.yaml.in/yaml/v3"
	sigsyaml "sigs.k8s.io/yaml"
)

// Base is a valid DaemonSet (one YAML document) mutations start from.
type Base struct {
	Name string
	Data []byte
}

// Case is one generated DaemonSet.
type Case struct {
	// ID names the case: BASE:PATH:OP (PATH with the indices written,
	// OP the op's name), or BASE:scenario:NAME. It is stable for a seed.
	ID   string
	Base string
	// Field is the mutated field's type-level path ("" for scenarios),
	// FieldID its declaring type and name (Container.ports).
	Field   string
	FieldID string
	Op      string
	Data    []byte
}

// Options tune generation.
type Options struct {
	// Seed picks the bases each op is applied to (and the cases written
	// as JSON).
	Seed uint64
	// BasesPerOp is how many bases each op of each field is applied to
	// (default 2). Scenarios are applied to every base.
	BasesPerOp int
	// JSONEvery writes one case in N as JSON instead of YAML (0: 16; -1:
	// never), as kubectl would send it.
	JSONEvery int
}

// Set is what Generate produced.
type Set struct {
	Cases []Case
	// Fields are all the fields of a DaemonSet, excluded ones included.
	Fields []*Field
	// Cases per field path; a field with none is not covered.
	PerField map[string]int
	// NoCase says why a field that is not excluded got no case.
	NoCase map[string]string
}

// Generate applies every op of every field, and every scenario, to the
// bases. Bases must parse as single YAML mappings.
func Generate(bases []Base, o Options) (*Set, error) {
	if o.BasesPerOp <= 0 {
		o.BasesPerOp = 1
	}
	if o.JSONEvery == 0 {
		o.JSONEvery = 16
	}
	roots := make([]*yaml.Node, len(bases))
	for i, b := range bases {
		r, err := parseDoc(b.Data)
		if err != nil {
			return nil, fmt.Errorf("base %s: %w", b.Name, err)
		}
		roots[i] = r
	}
	set := &Set{Fields: Fields(), PerField: map[string]int{}, NoCase: map[string]string{}}
	seen := map[string]bool{}
	add := func(c Case, tree *yaml.Node) {
		if seen[c.ID] {
			return
		}
		data, err := encode(tree)
		if err != nil {
			return
		}
		seen[c.ID] = true
		if o.JSONEvery > 0 && hash(o.Seed, c.ID)%uint64(o.JSONEvery) == 0 && !strings.Contains(c.Op, "duplicate-key") {
			if j, err := sigsyaml.YAMLToJSON(data); err == nil {
				data = append(j, '\n')
				c.ID += "@json"
			}
		}
		c.Data = data
		set.Cases = append(set.Cases, c)
		if c.Field != "" {
			set.PerField[c.Field]++
		}
	}
	for _, f := range set.Fields {
		if f.Excluded != "" {
			continue
		}
		ops := opsFor(f)
		if len(ops) == 0 {
			set.NoCase[f.Path] = "no mutation for its type (" + f.Type.String() + ")"
			continue
		}
		// Bases where the field exists already: mutations there are in
		// a realistic context. Each op goes to one of those (when any)
		// and to others picked by the seed.
		var native []int
		for i, r := range roots {
			if _, _, created, ok := ensure(clone(r), f); ok && !created {
				native = append(native, i)
			}
		}
		ops = append([]Op{{Name: "valid", apply: func(site) bool { return true }}}, ops...)
		for _, op := range ops {
			for _, bi := range pick(o, f.Path+"|"+op.Name, len(roots), native) {
				tree := clone(roots[bi])
				s, path, created, ok := ensure(tree, f)
				if !ok {
					continue
				}
				if op.Name == "valid" && !created {
					continue // the base itself
				}
				fixups(tree)
				if !op.apply(s) {
					continue
				}
				add(Case{ID: bases[bi].Name + ":" + path + ":" + op.Name, Base: bases[bi].Name, Field: f.Path, FieldID: f.ID(), Op: op.Name}, tree)
			}
		}
		if set.PerField[f.Path] == 0 {
			set.NoCase[f.Path] = "no op applied on any base"
		}
	}
	for _, sc := range scenarios {
		for bi, r := range roots {
			tree := clone(r)
			if !sc.apply(tree) {
				continue
			}
			fixups(tree)
			add(Case{ID: bases[bi].Name + ":scenario:" + sc.name, Base: bases[bi].Name, Op: "scenario:" + sc.name}, tree)
		}
	}
	return set, nil
}

// pick chooses the bases an op goes to: one where the field exists (if
// any), the others by the seed, all distinct.
func pick(o Options, key string, n int, native []int) []int {
	h := hash(o.Seed, key)
	k := min(o.BasesPerOp, n)
	var out []int
	if len(native) > 0 {
		out = append(out, native[h%uint64(len(native))])
	}
	for i := uint64(0); len(out) < k; i++ {
		c := int((h/7 + i*(1+h%5)) % uint64(n))
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
		if i > uint64(4*n) {
			break
		}
	}
	return out
}

func hash(seed uint64, s string) uint64 {
	h := fnv.New64a()
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], seed)
	h.Write(b[:])
	h.Write([]byte(s))
	return h.Sum64()
}

// ensure makes the path of f exist in root, inserting skeletons for what
// is missing (and removing the other members of a one-of group it enters),
// and returns the site of f's value, its concrete path (element 0 of every
// list), and whether anything was inserted. ok is false when the tree's
// shape does not allow it (a base that is not a DaemonSet).
func ensure(root *yaml.Node, f *Field) (s site, path string, created, ok bool) {
	cur := root
	var b, tp strings.Builder // concrete and type-level paths
	parent := daemonSetType
	for i, st := range f.Steps {
		t := f.types[i]
		if st.Elem {
			if cur.Kind != yaml.SequenceNode {
				return site{}, "", false, false
			}
			tp.WriteString("[]")
			if len(cur.Content) == 0 {
				cur.Content = append(cur.Content, skeletonAt(t, tp.String()))
				created = true
			}
			b.WriteString("[0]")
			s = site{parent: cur, elem: true, index: 0}
		} else {
			if cur.Kind != yaml.MappingNode {
				return site{}, "", false, false
			}
			if b.Len() > 0 {
				b.WriteByte('.')
				tp.WriteByte('.')
			}
			b.WriteString(st.Key)
			tp.WriteString(st.Key)
			v := get(cur, st.Key)
			if v == nil || v.Tag == "!!null" {
				v = skeletonAt(t, tp.String())
				if members := oneOf[parent.Name()]; slices.Contains(members, st.Key) {
					for _, m := range members {
						if m != st.Key {
							del(cur, m)
						}
					}
				}
				set(cur, st.Key, v)
				created = true
				if fix := contextFixups[parent.Name()+"."+st.Key]; fix != nil {
					fix(cur, root, tp.String())
				}
			}
			s = site{parent: cur, key: st.Key}
		}
		cur = s.get()
		parent = t
	}
	return s, b.String(), created, true
}

var (
	fieldsOnce   sync.Once
	fieldsByPath map[string]*Field
)

func fieldAt(path string) *Field {
	fieldsOnce.Do(func() {
		fieldsByPath = map[string]*Field{}
		for _, f := range Fields() {
			fieldsByPath[f.Path] = f
		}
	})
	return fieldsByPath[path]
}

// skeletonAt is a valid value for the field at a type-level path: what
// its place needs beyond skeleton(t).
func skeletonAt(t reflect.Type, path string) *yaml.Node {
	f := fieldAt(path)
	if f != nil {
		if v, ok := scalarSkeletons[f.ID()]; ok {
			return mustYAML(v)
		}
	}
	switch {
	case f != nil && f.Kind == KString:
		return str(stringSkeleton(f))
	case f != nil && f.Kind == KList:
		et := t.Elem()
		for et.Kind() == reflect.Pointer {
			et = et.Elem()
		}
		return seq(skeletonAt(et, path+"[]"))
	}
	switch path {
	case "spec.template.spec.resources.requests":
		// Pod-level requests cover the containers' sum.
		return mustYAML(`{cpu: "4", memory: 8Gi}`)
	case "spec.template.spec.resources.limits":
		return mustYAML(`{cpu: "8", memory: 16Gi}`)
	}
	n := skeleton(t)
	switch {
	case t.Name() == "ResourceFieldSelector" && strings.Contains(path, "volumes"):
		// The downward API in a volume must name the container.
		set(n, "containerName", str("$CONTAINER"))
	case t.Name() == "NodeSelectorRequirement" && strings.HasSuffix(path, "matchFields[]"):
		// The only field a node selector can match.
		n = mustYAML(`{key: metadata.name, operator: In, values: [node-1]}`)
	case t.Name() == "LabelSelectorRequirement" && strings.HasPrefix(path, "spec.selector"):
		// The DaemonSet's selector must still select the template.
		n = mustYAML(`{key: $TEMPLATE_LABEL_KEY, operator: In, values: [$TEMPLATE_LABEL_VALUE]}`)
	}
	return n
}

// stringSkeletons are valid values of string fields whose domain the
// generic "mutated" is not in.
var stringSkeletons = map[string]string{
	"VolumeMount.subPath":                           "mutated",
	"VolumeMount.subPathExpr":                       "$(POD_NAME)",
	"VolumeMount.mountPropagation":                  "None",
	"VolumeMount.mountPath":                         "/mutated",
	"SeccompProfile.localhostProfile":               "profiles/mutated.json",
	"AppArmorProfile.localhostProfile":              "profiles/mutated",
	"ISCSIVolumeSource.initiatorName":               "iqn.2001-04.com.example:initiator",
	"PodCertificateProjection.certificateChainPath": "chain.pem",
	"PodCertificateProjection.keyPath":              "key.pem",
	"KeyToPath.path":                                "mutated",
	"DownwardAPIVolumeFile.path":                    "mutated",
	"ServiceAccountTokenProjection.path":            "token",
	"HostPathVolumeSource.path":                     "/var/lib/mutated",
	"Container.terminationMessagePath":              "/dev/termination-log",
	"Container.workingDir":                          "/work",
	"ObjectMeta.finalizers[]":                       "example.com/mutated",
	"ObjectMeta.generateName":                       "mutated-",
	"PodSpec.nodeName":                              "mutated-node",
	"EnvVar.name":                                   "MUT_VAR",
	"EnvFromSource.prefix":                          "MUT_",
	"PodSpec.hostname":                              "mutated",
	"HostAlias.hostnames[]":                         "mutated.local",
	"PodDNSConfig.searches[]":                       "mutated.example.com",
	"Container.image":                               "registry.example.com/mutated:v1",
	"ObjectMeta.resourceVersion":                    "",
}

// stringSkeleton is a valid value of a string field.
func stringSkeleton(f *Field) string {
	if v, ok := stringSkeletons[f.ID()]; ok {
		return v
	}
	if vs := enumValues[f.Type.PkgPath()+"."+f.Type.Name()]; len(vs) > 0 {
		return vs[0]
	}
	if ex := stringExtras(f); len(ex) > 0 {
		return ex[0]
	}
	return "mutated"
}

// scalarSkeletons are valid values (YAML) of fields whose type's default
// skeleton is not valid there.
var scalarSkeletons = map[string]string{
	"PodSpec.hostUsers":                               "true",
	"PodCertificateProjection.maxExpirationSeconds":   "3600",
	"ServiceAccountTokenProjection.expirationSeconds": "3600",
	"PodCertificateProjection.userAnnotations":        "{example.com/mutated: x}",
	"PodSpec.terminationGracePeriodSeconds":           "30",
}

// contextFixups adjust the neighbours of a field the mutator had to
// create, keyed Owner.field: some fields are valid only with others
// (a tolerationSeconds needs effect NoExecute).
var contextFixups = map[string]func(parent, root *yaml.Node, path string){
	"Toleration.tolerationSeconds": func(p, _ *yaml.Node, _ string) { set(p, "effect", str("NoExecute")) },
	"Toleration.value": func(p, _ *yaml.Node, _ string) {
		set(p, "operator", str("Equal"))
		if get(p, "key") == nil {
			set(p, "key", str("example.com/mutated"))
		}
	},
	"TopologySpreadConstraint.minDomains": func(p, _ *yaml.Node, _ string) { set(p, "whenUnsatisfiable", str("DoNotSchedule")) },
	"SeccompProfile.localhostProfile":     func(p, _ *yaml.Node, _ string) { set(p, "type", str("Localhost")) },
	"AppArmorProfile.localhostProfile":    func(p, _ *yaml.Node, _ string) { set(p, "type", str("Localhost")) },
	"Container.restartPolicyRules":        func(p, _ *yaml.Node, _ string) { set(p, "restartPolicy", str("Always")) },
	// Probes and hooks are for sidecars among init containers.
	"Container.livenessProbe":  sidecar,
	"Container.readinessProbe": sidecar,
	"Container.startupProbe":   sidecar,
	"Container.lifecycle":      sidecar,
	"ClusterTrustBundleProjection.labelSelector": func(p, _ *yaml.Node, _ string) {
		del(p, "name")
		if get(p, "signerName") == nil {
			set(p, "signerName", str("example.com/mutated"))
		}
	},
	// Windows options are refused in a pod that says it is Linux.
	"SecurityContext.windowsOptions":    dropPodOS,
	"PodSecurityContext.windowsOptions": dropPodOS,
}

func sidecar(c, _ *yaml.Node, path string) {
	if strings.HasPrefix(path, "spec.template.spec.initContainers[]") {
		set(c, "restartPolicy", str("Always"))
	}
}

func dropPodOS(_, root *yaml.Node, _ string) {
	if pod := get(get(get(root, "spec"), "template"), "spec"); pod != nil {
		del(pod, "os")
	}
}

// One applies the op-th mutation of the field-th field (both taken modulo
// their counts) to a base: a structured input for fuzzing. ok is false
// when the op does not apply there.
func One(b Base, field, op int) (c Case, ok bool) {
	liveOnce.Do(func() {
		for _, f := range Fields() {
			if f.Excluded == "" && len(opsFor(f)) > 0 {
				live = append(live, f)
			}
		}
	})
	f := live[abs(field)%len(live)]
	ops := opsFor(f)
	o := ops[abs(op)%len(ops)]
	root, err := parseDoc(b.Data)
	if err != nil {
		return Case{}, false
	}
	s, path, _, ok := ensure(root, f)
	if !ok {
		return Case{}, false
	}
	fixups(root)
	if !o.apply(s) {
		return Case{}, false
	}
	data, err := encode(root)
	if err != nil {
		return Case{}, false
	}
	return Case{ID: b.Name + ":" + path + ":" + o.Name, Base: b.Name, Field: f.Path, FieldID: f.ID(), Op: o.Name, Data: data}, true
}

var (
	liveOnce sync.Once
	live     []*Field
)

func abs(i int) int {
	if i < 0 {
		return -(i + 1)
	}
	return i
}
