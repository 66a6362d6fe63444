package mutate

import (
	"fmt"
	"reflect"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// site is where a field's value is in a tree: a key of a mapping, or an
// element of a sequence.
type site struct {
	parent *yaml.Node
	key    string
	elem   bool
	index  int
}

func (s site) get() *yaml.Node {
	if s.elem {
		return s.parent.Content[s.index]
	}
	return get(s.parent, s.key)
}

func (s site) put(v *yaml.Node) {
	if s.elem {
		s.parent.Content[s.index] = v
		return
	}
	set(s.parent, s.key, v)
}

func (s site) remove() {
	if s.elem {
		s.parent.Content = append(s.parent.Content[:s.index], s.parent.Content[s.index+1:]...)
		return
	}
	del(s.parent, s.key)
}

// Op is one mutation of the value at a site. Name says what it does,
// "kind:variant" (int:-1, str:len64, struct:unknown-field); apply returns
// false when the op does not apply to what is there.
type Op struct {
	Name  string
	apply func(s site) bool
}

func setTo(name string, v func() *yaml.Node) Op {
	return Op{Name: name, apply: func(s site) bool { s.put(v()); return true }}
}

func strOp(variant, value string) Op {
	return setTo("str:"+variant, func() *yaml.Node { return str(value) })
}

// wrongTypes are values of the other JSON types.
func wrongTypes(k Kind) []Op {
	var ops []Op
	if k != KString && k != KQuantity && k != KIntOrString && k != KTime {
		ops = append(ops, setTo("type:string", func() *yaml.Node { return str("x") }))
	}
	if k != KInt && k != KQuantity && k != KIntOrString && k != KFloat {
		ops = append(ops, setTo("type:number", func() *yaml.Node { return integer(1) }))
	}
	if k != KBool {
		ops = append(ops, setTo("type:bool", func() *yaml.Node { return boolean(true) }))
	}
	if k != KList {
		ops = append(ops, setTo("type:list", func() *yaml.Node { return seq(str("x")) }))
	}
	if k != KStruct && k != KMap && k != KResources {
		ops = append(ops, setTo("type:object", func() *yaml.Node { return mapping(str("x"), str("y")) }))
	}
	ops = append(ops, setTo("null", null))
	return ops
}

var (
	genericStrings = []struct{ variant, value string }{
		{"empty", ""},
		{"blank", "  "},
		{"padded", " x "},
		{"upper", "UPPER"},
		{"underscore", "bad_value"},
		{"punct", "bad value!"},
		{"dotted", "a.b"},
		{"dotdot", "a..b"},
		{"lead-dash", "-a"},
		{"trail-dash", "a-"},
		{"digits", "123"},
		{"len63", strings.Repeat("a", 63)},
		{"len64", strings.Repeat("a", 64)},
		{"len253", strings.Repeat("a", 253)},
		{"len254", strings.Repeat("a", 254)},
		{"relative", "a/b"},
		{"absolute", "/a/b"},
		{"parent", "../a"},
		{"colon", "a:b"},
		{"newline", "a\nb"},
		{"unicode", "ünïcödé"},
		{"bogus", "Bogus"},
	}
	ipStrings      = []string{"10.0.0.1", "::1", "2001:db8::1", "0.0.0.0", "256.0.0.1", "10.0.0", "010.0.0.1", "fe80::1%eth0", "10.0.0.1/24", "localhost"}
	pathStrings    = []string{"/", "..", "a/../b", "/a/../b", "a//b", "/a/./b", "./a", "C:\\data", "/" + strings.Repeat("a", 4096)}
	resourceNames  = []string{"cpu", "memory", "ephemeral-storage", "storage", "hugepages-2Mi", "hugepages-1Gi", "example.com/gpu", "nvidia.com/gpu", "requests.cpu", "limits.memory", "kubernetes.io/bogus", "pods", "bogus"}
	fieldPaths     = []string{"metadata.name", "metadata.namespace", "metadata.uid", "metadata.labels", "metadata.annotations", "metadata.labels['app']", "metadata.annotations['a.b/c']", "metadata.labels[app]", "metadata.generateName", "spec.nodeName", "spec.serviceAccountName", "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs", "status.phase", "spec.bogus"}
	resourceRefs   = []string{"limits.cpu", "limits.memory", "limits.ephemeral-storage", "requests.cpu", "requests.memory", "requests.ephemeral-storage", "requests.hugepages-2Mi", "limits.hugepages-2Mi", "cpu", "limits.nvidia.com/gpu"}
	qualifiedNames = []string{"example.com/key", "kubernetes.io/hostname", "a/b/c", "example.com/" + strings.Repeat("a", 64), strings.Repeat("a", 250) + ".com/b", "Example.COM/Key", "/key", "example.com/"}
	envNames       = []string{"1BAD", "A=B", "a.b-c", "A B", "_OK", "Ü"}
	capabilities   = []string{"ALL", "NET_ADMIN", "CAP_NET_ADMIN", "net_admin", "SYS_ADMIN"}
	sysctlNames    = []string{"net.ipv4.ip_forward", "kernel.shm_rmid_forced", "net/ipv4/conf/eth0/rp_filter", "net.ipv4.conf.eth0.rp_filter", "kernel.bogus", "vm.swappiness", "net.ipv4.ip_unprivileged_port_start"}
	apiVersions    = []string{"v1", "v2", "apps/v1", "a/b/c"}
	signerNames    = []string{"example.com/signer", "signer", "example.com/a/b", "kubernetes.io/kube-apiserver-client"}
	keyTypes       = []string{"RSA3072", "RSA4096", "ECDSAP256", "ECDSAP384", "ECDSAP521", "ED25519", "RSA2048"}
	quantities     = []string{"0", "1", "-1", "1.5", "100m", "1m", "0.1m", "1Gi", "1.5Gi", "1e3", "1E", "1Ki", "1Ei", "9999999999999999999Ei", "+1", "abc", ""}
	hostnames      = []string{"host.example.com", "UPPER", "bad_host", "a.-b", "*.example.com"}
	headerNames    = []string{"X-Valid", "bad header", "X_Under", "x-ütf"}
)

// stringDomains gives, per field (Owner.json or json), the values of its
// domain beyond the generic battery.
func stringExtras(f *Field) []string {
	name := f.Name
	owner := ""
	if f.Owner != nil {
		owner = f.Owner.Name()
	}
	if f.ElemOf != nil {
		name = f.ElemOf.Name
		if f.ElemOf.Owner != nil {
			owner = f.ElemOf.Owner.Name()
		}
	}
	switch {
	case f.Type.Name() == "Capability":
		return capabilities
	case f.Type.Name() == "ResourceName" || name == "resourceName":
		return resourceNames
	case owner == "ObjectFieldSelector" && name == "fieldPath":
		return fieldPaths
	case owner == "ResourceFieldSelector" && name == "resource":
		return resourceRefs
	case name == "apiVersion" || name == "apiGroup":
		return apiVersions
	case strings.EqualFold(name, "ip") || strings.HasSuffix(name, "IP") || name == "nameservers" || name == "hostIPs":
		return ipStrings
	case strings.HasSuffix(name, "Path") || name == "path" || name == "subPath" || name == "subPathExpr" || name == "workingDir" || name == "localhostProfile":
		return pathStrings
	case name == "topologyKey" || name == "key" || name == "conditionType" || name == "matchLabelKeys" || name == "mismatchLabelKeys":
		return qualifiedNames
	case owner == "EnvVar" && name == "name":
		return envNames
	case owner == "EnvFromSource" && name == "prefix":
		return envNames
	case owner == "Sysctl" && name == "name":
		return sysctlNames
	case name == "signerName":
		return signerNames
	case name == "keyType":
		return keyTypes
	case name == "hostnames" || name == "hostname" || name == "subdomain" || name == "searches":
		return hostnames
	case owner == "HTTPHeader" && name == "name":
		return headerNames
	}
	return nil
}

// stringOps: an enumerated type gets each of its values, a wrong case and
// an unknown one; every string gets the generic battery and its domain's
// values.
func stringOps(f *Field) []Op {
	var ops []Op
	if vs := enumValues[f.Type.PkgPath()+"."+f.Type.Name()]; len(vs) > 0 {
		for _, v := range vs {
			ops = append(ops, strOp("enum="+v, v))
		}
		if low := strings.ToLower(vs[0]); low != vs[0] {
			ops = append(ops, strOp("enum-lower", low))
		} else if up := strings.ToUpper(vs[0]); up != vs[0] {
			ops = append(ops, strOp("enum-upper", up))
		}
		ops = append(ops, strOp("enum-unknown", "Bogus"), strOp("empty", ""))
	} else {
		for _, g := range genericStrings {
			ops = append(ops, strOp(g.variant, g.value))
		}
	}
	for _, v := range stringExtras(f) {
		ops = append(ops, strOp("="+shortValue(v), v))
	}
	return ops
}

// shortValue names a value in an op name: itself when short, its length
// otherwise.
func shortValue(v string) string {
	if len(v) > 40 {
		return fmt.Sprintf("%s...(%d)", v[:12], len(v))
	}
	return v
}

var intValues = []struct {
	variant string
	node    func() *yaml.Node
}{
	{"-1", func() *yaml.Node { return integer(-1) }},
	{"0", func() *yaml.Node { return integer(0) }},
	{"1", func() *yaml.Node { return integer(1) }},
	{"max-int32", func() *yaml.Node { return integer(1<<31 - 1) }},
	{"max-int32+1", func() *yaml.Node { return integer(1 << 31) }},
	{"min-int32-1", func() *yaml.Node { return integer(-(1 << 31) - 1) }},
	{"max-uint32+1", func() *yaml.Node { return integer(1 << 32) }},
	{"max-int64+1", func() *yaml.Node { return plain("9223372036854775808") }},
	{"float", func() *yaml.Node { return plain("1.5") }},
	{"float-integral", func() *yaml.Node { return plain("2.0") }},
	{"exponent", func() *yaml.Node { return plain("1e3") }},
	{"octal", func() *yaml.Node { return plain("0644") }},
}

// intExtras are boundary values of a field's domain.
func intExtras(f *Field) []int64 {
	switch n := f.Name; {
	case strings.HasSuffix(n, "Port") || n == "port":
		return []int64{65535, 65536}
	case n == "defaultMode" || n == "mode":
		return []int64{0o644, 0o777, 0o1000}
	case n == "weight":
		return []int64{100, 101}
	case n == "lun":
		return []int64{255, 256}
	case n == "expirationSeconds":
		return []int64{599, 600, 1 << 32}
	case n == "maxSkew" || n == "minDomains":
		return []int64{2}
	case strings.HasSuffix(n, "Seconds"):
		return []int64{86400, 1 << 40}
	case strings.HasSuffix(n, "Threshold"):
		return []int64{2}
	}
	return nil
}

func intOps(f *Field) []Op {
	var ops []Op
	for _, v := range intValues {
		ops = append(ops, setTo("int:"+v.variant, v.node))
	}
	for _, v := range intExtras(f) {
		ops = append(ops, setTo(fmt.Sprintf("int:%d", v), func() *yaml.Node { return integer(v) }))
	}
	return ops
}

func boolOps() []Op {
	return []Op{
		setTo("bool:true", func() *yaml.Node { return boolean(true) }),
		setTo("bool:false", func() *yaml.Node { return boolean(false) }),
		setTo("bool:quoted", func() *yaml.Node { return str("true") }),
		setTo("bool:yaml11-yes", func() *yaml.Node { return plain("yes") }),
		setTo("bool:yaml11-off", func() *yaml.Node { return plain("off") }),
		setTo("bool:empty", func() *yaml.Node { return str("") }),
	}
}

func quantityOps() []Op {
	ops := []Op{
		setTo("quantity:int", func() *yaml.Node { return integer(2) }),
		setTo("quantity:negative-int", func() *yaml.Node { return integer(-2) }),
		setTo("quantity:float", func() *yaml.Node { return plain("0.5") }),
	}
	for _, q := range quantities {
		ops = append(ops, strOp("quantity="+q, q))
	}
	return ops
}

func intOrStringOps(f *Field) []Op {
	ops := []Op{
		setTo("int:0", func() *yaml.Node { return integer(0) }),
		setTo("int:-1", func() *yaml.Node { return integer(-1) }),
		setTo("int:1", func() *yaml.Node { return integer(1) }),
		setTo("int:65535", func() *yaml.Node { return integer(65535) }),
		setTo("int:65536", func() *yaml.Node { return integer(65536) }),
		setTo("int:float", func() *yaml.Node { return plain("1.5") }),
	}
	for _, s := range []string{"http", "HTTP", "bad_name", "a--b", "1234", "abcdefghijklmnop", "", "0%", "50%", "100%", "101%", "-1%", "1.5%", "1", "-1"} {
		ops = append(ops, strOp("="+s, s))
	}
	return ops
}

func timeOps() []Op {
	return []Op{
		strOp("time", "2024-01-01T00:00:00Z"),
		strOp("time-bad", "yesterday"),
		setTo("time-number", func() *yaml.Node { return integer(0) }),
	}
}

// structOps change a whole object.
func structOps(f *Field) []Op {
	ops := []Op{
		setTo("struct:empty", func() *yaml.Node { return mapping() }),
		{Name: "struct:unknown-field", apply: func(s site) bool {
			v := s.get()
			if v == nil || v.Kind != yaml.MappingNode {
				return false
			}
			v.Content = append(v.Content, str("bogusField"), str("x"))
			return true
		}},
		{Name: "struct:duplicate-key", apply: func(s site) bool {
			v := s.get()
			if v == nil || v.Kind != yaml.MappingNode || len(v.Content) < 2 {
				return false
			}
			v.Content = append(v.Content, clone(v.Content[0]), clone(v.Content[1]))
			return true
		}},
		{Name: "struct:camel-case-typo", apply: func(s site) bool {
			// A field spelt with the wrong case: strict decoding is
			// case-sensitive.
			v := s.get()
			if v == nil || v.Kind != yaml.MappingNode || len(v.Content) < 2 {
				return false
			}
			k := v.Content[0]
			if k.Value == strings.ToUpper(k.Value[:1])+k.Value[1:] {
				return false
			}
			v.Content[0] = str(strings.ToUpper(k.Value[:1]) + k.Value[1:])
			return true
		}},
	}
	// Mutually exclusive members: add each one that is not there.
	if members := oneOf[f.Type.Name()]; len(members) > 0 {
		for _, m := range members {
			mt := memberType(f.Type, m)
			if mt == nil {
				continue
			}
			ops = append(ops, Op{Name: "one-of:+" + m, apply: func(s site) bool {
				v := s.get()
				if v == nil || v.Kind != yaml.MappingNode || get(v, m) != nil {
					return false
				}
				present := false
				for _, o := range members {
					if get(v, o) != nil {
						present = true
					}
				}
				if !present {
					return false
				}
				set(v, m, skeleton(mt))
				return true
			}})
		}
	}
	return append(ops, wrongTypes(KStruct)...)
}

// memberType finds the type of a JSON field of a struct, inline fields
// included.
func memberType(t reflect.Type, name string) reflect.Type {
	for i := range t.NumField() {
		sf := t.Field(i)
		tag, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		ft := sf.Type
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if tag == "" && sf.Anonymous && ft.Kind() == reflect.Struct {
			if mt := memberType(ft, name); mt != nil {
				return mt
			}
			continue
		}
		if tag == name {
			return ft
		}
	}
	return nil
}

// listOps change a whole list.
func listOps(f *Field) []Op {
	et := f.Type.Elem()
	for et.Kind() == reflect.Pointer {
		et = et.Elem()
	}
	ops := []Op{
		setTo("list:empty", func() *yaml.Node { return seq() }),
		{Name: "list:duplicate", apply: func(s site) bool {
			v := s.get()
			if v == nil || v.Kind != yaml.SequenceNode || len(v.Content) == 0 {
				return false
			}
			v.Content = append(v.Content, clone(v.Content[0]))
			return true
		}},
		{Name: "list:null-item", apply: func(s site) bool {
			v := s.get()
			if v == nil || v.Kind != yaml.SequenceNode {
				return false
			}
			v.Content = append(v.Content, null())
			return true
		}},
	}
	if kindOf(et) == KString {
		// Many distinct items: the limits on searches, nameservers,
		// hostnames, values, ...
		for _, n := range []int{4, 33, 257} {
			ops = append(ops, setTo(fmt.Sprintf("list:%d-items", n), func() *yaml.Node {
				l := seq()
				for i := range n {
					l.Content = append(l.Content, str(fmt.Sprintf("item%d.example.com", i)))
				}
				return l
			}))
		}
	}
	if kindOf(et) == KStruct {
		ops = append(ops, Op{Name: "list:many-items", apply: func(s site) bool {
			v := s.get()
			if v == nil || v.Kind != yaml.SequenceNode || len(v.Content) == 0 {
				return false
			}
			for range 40 {
				v.Content = append(v.Content, clone(v.Content[0]))
			}
			return true
		}})
	}
	return append(ops, wrongTypes(KList)...)
}

var (
	labelKeys   = []string{"example.com/key", "bad key", "-a", "a/b/c", "example.com/" + strings.Repeat("a", 64), strings.Repeat("a", 250) + ".com/b", "", "Example.COM/Key", "kubernetes.io/x", strings.Repeat("a", 63), strings.Repeat("a", 64)}
	labelValues = []string{"", "bad value!", "-a", "a-", strings.Repeat("a", 63), strings.Repeat("a", 64), "a.b_c-d", "ünï"}
)

// mapOps change a map of strings: its keys and values.
func mapOps(f *Field) []Op {
	var ops []Op
	for _, k := range labelKeys {
		ops = append(ops, Op{Name: "map:key=" + shortValue(k), apply: func(s site) bool {
			v := s.get()
			if v == nil || v.Kind != yaml.MappingNode {
				return false
			}
			v.Content = append(v.Content, str(k), str("v"))
			return true
		}})
	}
	for _, val := range labelValues {
		ops = append(ops, Op{Name: "map:value=" + shortValue(val), apply: func(s site) bool {
			v := s.get()
			if v == nil || v.Kind != yaml.MappingNode {
				return false
			}
			v.Content = append(v.Content, str("example.com/mutated"), str(val))
			return true
		}})
	}
	ops = append(ops,
		Op{Name: "map:value-256KiB", apply: func(s site) bool {
			v := s.get()
			if v == nil || v.Kind != yaml.MappingNode {
				return false
			}
			v.Content = append(v.Content, str("example.com/big"), str(strings.Repeat("a", 256*1024)))
			return true
		}},
		Op{Name: "map:value-number", apply: func(s site) bool {
			v := s.get()
			if v == nil || v.Kind != yaml.MappingNode {
				return false
			}
			v.Content = append(v.Content, str("example.com/number"), integer(1))
			return true
		}},
		Op{Name: "map:value-bool", apply: func(s site) bool {
			v := s.get()
			if v == nil || v.Kind != yaml.MappingNode {
				return false
			}
			v.Content = append(v.Content, str("example.com/bool"), plain("true"))
			return true
		}},
		setTo("map:empty", func() *yaml.Node { return mapping() }),
	)
	return append(ops, wrongTypes(KMap)...)
}

// resourceOps change a ResourceList: resource names and quantities.
func resourceOps() []Op {
	var ops []Op
	for _, r := range append(resourceNames, "Bad Name", "requests.memory") {
		ops = append(ops, Op{Name: "resources:+" + r, apply: func(s site) bool {
			v := s.get()
			if v == nil || v.Kind != yaml.MappingNode || get(v, r) != nil {
				return false
			}
			v.Content = append(v.Content, str(r), str("1"))
			return true
		}})
	}
	for _, q := range quantities {
		ops = append(ops, Op{Name: "resources:cpu=" + q, apply: func(s site) bool {
			v := s.get()
			if v == nil || v.Kind != yaml.MappingNode {
				return false
			}
			set(v, "cpu", str(q))
			return true
		}}, Op{Name: "resources:memory=" + q, apply: func(s site) bool {
			v := s.get()
			if v == nil || v.Kind != yaml.MappingNode {
				return false
			}
			set(v, "memory", str(q))
			return true
		}})
	}
	for _, h := range []string{"1Gi", "1Mi", "100m", "3Mi"} {
		ops = append(ops, Op{Name: "resources:hugepages-2Mi=" + h, apply: func(s site) bool {
			v := s.get()
			if v == nil || v.Kind != yaml.MappingNode {
				return false
			}
			set(v, "hugepages-2Mi", str(h))
			return true
		}})
	}
	ops = append(ops, Op{Name: "resources:example.com/gpu=0.5", apply: func(s site) bool {
		v := s.get()
		if v == nil || v.Kind != yaml.MappingNode {
			return false
		}
		set(v, "example.com/gpu", str("500m"))
		return true
	}}, setTo("resources:empty", func() *yaml.Node { return mapping() }))
	return append(ops, wrongTypes(KResources)...)
}

// deleteOp removes the field.
var deleteOp = Op{Name: "delete", apply: func(s site) bool {
	if s.get() == nil {
		return false
	}
	s.remove()
	return true
}}

// opsFor lists the mutations of one field.
func opsFor(f *Field) []Op {
	var ops []Op
	switch f.Kind {
	case KString:
		ops = append(stringOps(f), wrongTypes(KString)...)
	case KInt:
		ops = append(intOps(f), wrongTypes(KInt)...)
	case KBool:
		ops = append(boolOps(), wrongTypes(KBool)...)
	case KStruct:
		ops = structOps(f)
	case KList:
		ops = listOps(f)
	case KMap:
		ops = mapOps(f)
	case KResources:
		ops = resourceOps()
	case KQuantity:
		ops = append(quantityOps(), wrongTypes(KQuantity)...)
	case KIntOrString:
		ops = append(intOrStringOps(f), wrongTypes(KIntOrString)...)
	case KTime:
		ops = append(timeOps(), wrongTypes(KTime)...)
	default:
		return nil
	}
	if f.ElemOf == nil {
		ops = append(ops, deleteOp)
	}
	return ops
}

// GenericStrings is the number of values of the generic string battery.
func GenericStrings() int { return len(genericStrings) }
