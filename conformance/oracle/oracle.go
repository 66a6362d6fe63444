// Package oracle runs Kubernetes' own create path for a DaemonSet on raw
// bytes, in process, and says whether the API server would accept them.
//
// The steps are those of kube-apiserver v1.37.2 handling
// POST /apis/apps/v1/namespaces/NS/daemonsets?fieldValidation=Strict with
// the bytes as an application/yaml body (what kubectl create/apply send,
// with kubectl's default strict field validation):
//
//  1. strict decoding with the API server's own YAML serializer: unknown
//     and duplicate fields are errors, as are values of the wrong type;
//  2. defaulting (the apps/v1 defaulters, SetObjectDefaults_DaemonSet,
//     which default the pod template through the core/v1 defaulters) and
//     conversion to the internal apps.DaemonSet, both done by the
//     versioning decoder exactly as in the server;
//  3. the request checks of the create handler: the object's apiVersion
//     must be apps/v1 (the endpoint's), system metadata fields are wiped
//     and filled, and the object's namespace must match the request's;
//  4. rest.BeforeCreate with the registry's daemonset.Strategy:
//     PrepareForCreate, Validate (ValidateDaemonSet: the DaemonSet spec,
//     the pod template, ObjectMeta), the generic ObjectMeta checks, the
//     declarative validation that 1.37 runs beside the handwritten one
//     (it needs the RequestInfo of a create of apps/v1 daemonsets in the
//     context), and Canonicalize.
//
// Privileged containers are allowed, as kube-apiserver does it with
// --allow-privileged=true (capabilities.Setup). Feature gates are the
// defaults of 1.37 (k8s.io/kubernetes/pkg/features registers them).
//
// The namespace: kubectl sends an object without metadata.namespace to
// its context's namespace; the oracle uses "default" then, and the
// object's own namespace otherwise (kubectl puts it in the URL). Whether
// that namespace exists is cluster state (admission's NamespaceLifecycle)
// and not judged here.
//
// Not modelled (cluster state or admission, see Limits in the package
// README of the conformance module): admission plugins (PodSecurity only
// warns for workload objects; NamespaceLifecycle needs the namespace to
// exist; webhooks), the managed-fields bookkeeping, name conflicts with
// existing objects, and the request body size limit (3 MiB by default).
package oracle

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"

	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/apimachinery/pkg/util/validation/field"
	genericapirequest "k8s.io/apiserver/pkg/endpoints/request"
	"k8s.io/apiserver/pkg/registry/rest"
	"k8s.io/kubernetes/pkg/api/legacyscheme"
	"k8s.io/kubernetes/pkg/apis/apps"
	_ "k8s.io/kubernetes/pkg/apis/apps/install" // apps/v1 types, defaulters, conversions, declarative validation
	"k8s.io/kubernetes/pkg/apis/core"
	_ "k8s.io/kubernetes/pkg/apis/core/install" // core, as the API server's scheme has it
	"k8s.io/kubernetes/pkg/capabilities"
	"k8s.io/kubernetes/pkg/registry/apps/daemonset"
	sigsyaml "sigs.k8s.io/yaml"
)

// KubernetesVersion is the release whose code this oracle runs.
const KubernetesVersion = "v1.37.2"

// DefaultNamespace is the request namespace for an object that names none
// (kubectl's default context namespace).
const DefaultNamespace = "default"

// Stage says where the create path stopped.
type Stage string

const (
	// StageAccepted: the object would be created.
	StageAccepted Stage = ""
	// StageDecode: the body does not decode (YAML syntax, unknown or
	// duplicate field, wrong type, unknown kind): HTTP 400.
	StageDecode Stage = "decode"
	// StageRequest: the object does not belong at this endpoint (another
	// apiVersion or kind, a namespace that differs from the request's).
	StageRequest Stage = "request"
	// StageValidate: the registry's validation rejects it: HTTP 422.
	StageValidate Stage = "validate"
	// StagePanic: Kubernetes' code panics on it (HTTP 500).
	StagePanic Stage = "panic"
	// StageClient: kubectl cannot send it: a document without apiVersion
	// or kind names no endpoint. (Posted to the DaemonSet endpoint
	// directly, the API server would fill both in.)
	StageClient Stage = "client"
)

// Error is one problem, in the API server's order.
type Error struct {
	// Field is the field path as Kubernetes prints it:
	// spec.template.spec.containers[0].image. Decoding errors name the
	// field too where the decoder does (unknown field "...", duplicate
	// field "...", the Go struct field of a type error; those paths have
	// no list indices), and "" where it cannot (YAML syntax).
	Field string
	// Type is field.ErrorType's string for validation errors ("Required
	// value", "Invalid value", "Unsupported value", ...) and, for the
	// other stages, "unknown field", "duplicate field", "wrong type",
	// "syntax", "request".
	Type string
	// Detail is the message without the field path (for validation
	// errors it starts with the type: "Invalid value: 0: must be ...").
	Detail string
	// Reason is the part of the message that does not depend on the
	// value: field.Error's Detail for validation errors ("must be between
	// 1 and 65535, inclusive"), a summary for the other stages.
	Reason string
}

func (e Error) String() string {
	if e.Field == "" {
		return e.Detail
	}
	return e.Field + ": " + e.Detail
}

// Verdict is what the API server answers.
type Verdict struct {
	Stage  Stage
	Errors []Error
	// Message is the whole error message as the API server builds it.
	Message string
	// Dropped lists the fields PrepareForCreate removed because their
	// feature gate is off by default in this release (alpha fields): the
	// API server creates the object without them, silently.
	Dropped []string
	// PodErrors, for an accepted DaemonSet, are the API server's errors
	// on the pods its controller creates from it (see podErrors): the
	// DaemonSet is created, and every pod of it is refused.
	PodErrors []Error
}

// Accepted reports whether the object would be created.
func (v Verdict) Accepted() bool { return v.Stage == StageAccepted }

// First is the first error (the zero Error when accepted).
func (v Verdict) First() Error {
	if len(v.Errors) == 0 {
		return Error{}
	}
	return v.Errors[0]
}

var (
	setupOnce sync.Once
	decoder   runtime.Decoder
)

func setup() {
	// kube-apiserver --allow-privileged=true (the default of every real
	// cluster that runs node agents): privileged containers validate.
	capabilities.Setup(true, 0)
	codecs := serializer.NewCodecFactory(legacyscheme.Scheme)
	info, ok := runtime.SerializerInfoForMediaType(codecs.SupportedMediaTypes(), runtime.ContentTypeYAML)
	if !ok || info.StrictSerializer == nil {
		panic("oracle: no strict YAML serializer in the scheme's codec factory")
	}
	// The hub version: decode, default (apps/v1) and convert to internal.
	decoder = codecs.DecoderToVersion(info.StrictSerializer, schema.GroupVersion{Group: apps.GroupName, Version: runtime.APIVersionInternal})
}

var endpointGVK = schema.GroupVersionKind{Group: "apps", Version: "v1", Kind: "DaemonSet"}

// Create runs the create path on data, one YAML (or JSON) document.
func Create(data []byte) (v Verdict) {
	setupOnce.Do(setup)
	defer func() {
		// The API server turns a panic in a handler into a 500: the
		// object is not created.
		if p := recover(); p != nil {
			msg := fmt.Sprintf("panic: %v", p)
			v = Verdict{Stage: StagePanic, Errors: []Error{{Type: "internal", Detail: msg, Reason: "the create path panics"}}, Message: msg}
		}
	}()
	if v, bad := clientCheck(data); bad {
		return v
	}
	defaultGVK := endpointGVK
	obj, gvk, err := decoder.Decode(data, &defaultGVK, &apps.DaemonSet{})
	if err != nil {
		return decodeVerdict(err)
	}
	if gvk.GroupVersion() != endpointGVK.GroupVersion() {
		msg := fmt.Sprintf("the API version in the data (%s) does not match the expected API version (%s)", gvk.GroupVersion(), endpointGVK.GroupVersion())
		return Verdict{Stage: StageRequest, Errors: []Error{{Field: "apiVersion", Type: "request", Detail: msg}}, Message: msg}
	}
	ds, ok := obj.(*apps.DaemonSet)
	if !ok || gvk.Kind != endpointGVK.Kind {
		msg := fmt.Sprintf("kind %s is not a DaemonSet", gvk.Kind)
		return Verdict{Stage: StageRequest, Errors: []Error{{Field: "kind", Type: "request", Detail: msg}}, Message: msg}
	}
	namespace := ds.Namespace
	if namespace == "" {
		namespace = DefaultNamespace
	}
	ctx := genericapirequest.WithNamespace(context.Background(), namespace)
	ctx = genericapirequest.WithRequestInfo(ctx, &genericapirequest.RequestInfo{
		IsResourceRequest: true,
		Verb:              "create",
		APIPrefix:         "apis",
		APIGroup:          "apps",
		APIVersion:        "v1",
		Namespace:         namespace,
		Resource:          "daemonsets",
		Name:              ds.Name,
	})
	// What the create handler and the generic store do before
	// BeforeCreate.
	rest.WipeObjectMetaSystemFields(ds)
	if err := rest.EnsureObjectNamespaceMatchesRequestNamespace(namespace, ds); err != nil {
		return Verdict{Stage: StageRequest, Errors: []Error{{Field: "metadata.namespace", Type: "request", Detail: err.Error()}}, Message: err.Error()}
	}
	rest.FillObjectMetaSystemFields(ds)
	if ds.GenerateName != "" && ds.Name == "" {
		ds.Name = daemonset.Strategy.GenerateName(ds.GenerateName)
	}
	errs, dropped := beforeCreate(ctx, ds)
	if len(errs) == 0 {
		return Verdict{Dropped: dropped, PodErrors: podErrors(ds)}
	}
	errs = stableOrder(errs)
	v = Verdict{Stage: StageValidate, Message: errorMessage(ds, errs), Dropped: dropped}
	for _, e := range errs {
		v.Errors = append(v.Errors, Error{Field: e.Field, Type: e.Type.String(), Detail: detail(e), Reason: e.Detail})
	}
	return v
}

// clientCheck is kubectl's part: it reads apiVersion and kind to find the
// endpoint, and refuses a document without them. A document that is not
// an object is left to the decoder.
func clientCheck(data []byte) (Verdict, bool) {
	j, err := sigsyaml.YAMLToJSON(data)
	if err != nil {
		return Verdict{}, false
	}
	var tm struct {
		APIVersion *string `json:"apiVersion"`
		Kind       *string `json:"kind"`
	}
	if json.Unmarshal(j, &tm) != nil {
		return Verdict{}, false
	}
	// The messages are apimachinery's (runtime.missingKindErr and
	// missingVersionErr), which kubectl prints.
	for _, f := range []struct {
		name, quoted string
		v            *string
	}{{"apiVersion", "apiVersion", tm.APIVersion}, {"kind", "Kind", tm.Kind}} {
		if f.v == nil || *f.v == "" {
			msg := fmt.Sprintf("Object '%s' is missing: kubectl cannot tell where to send it", f.quoted)
			return Verdict{Stage: StageClient, Errors: []Error{{Field: f.name, Type: "Required value", Detail: msg, Reason: "kubectl needs it to find the endpoint"}}, Message: msg}, true
		}
	}
	return Verdict{}, false
}

// beforeCreate is rest.BeforeCreate, keeping the field errors (it returns
// them wrapped in a StatusError whose causes lose the error types), and
// noting the fields PrepareForCreate drops.
func beforeCreate(ctx context.Context, ds *apps.DaemonSet) (errs field.ErrorList, dropped []string) {
	// BeforeCreate's own checks (namespace, generated name) passed above;
	// what remains is exactly this sequence from rest.BeforeCreate.
	before := ds.Spec.Template.DeepCopy()
	daemonset.Strategy.PrepareForCreate(ctx, ds)
	if !apiequality.Semantic.DeepEqual(before, &ds.Spec.Template) {
		dropped = droppedFields(before, &ds.Spec.Template)
	}
	errs = rest.ValidateCreate(ctx, ds, daemonset.Strategy)
	if len(errs) == 0 {
		daemonset.Strategy.Canonicalize(ds)
	}
	return errs, dropped
}

// droppedFields lists, as field paths, what is in before and not in after
// (two internal pod templates), by their apps/v1 JSON.
func droppedFields(before, after *core.PodTemplateSpec) []string {
	b, errB := templateJSON(before)
	a, errA := templateJSON(after)
	if errB != nil || errA != nil {
		return []string{"spec.template"}
	}
	var out []string
	var walk func(path string, b, a any)
	walk = func(path string, b, a any) {
		switch bv := b.(type) {
		case map[string]any:
			am, _ := a.(map[string]any)
			keys := make([]string, 0, len(bv))
			for k := range bv {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			for _, k := range keys {
				if av, ok := am[k]; ok {
					walk(path+"."+k, bv[k], av)
				} else {
					out = append(out, path+"."+k)
				}
			}
		case []any:
			al, _ := a.([]any)
			for i := range bv {
				if i < len(al) {
					walk(fmt.Sprintf("%s[%d]", path, i), bv[i], al[i])
				} else {
					out = append(out, fmt.Sprintf("%s[%d]", path, i))
				}
			}
		}
	}
	walk("spec.template", b, a)
	return out
}

func templateJSON(t *core.PodTemplateSpec) (any, error) {
	var v1t corev1.PodTemplateSpec
	if err := legacyscheme.Scheme.Convert(t, &v1t, nil); err != nil {
		return nil, err
	}
	data, err := json.Marshal(&v1t)
	if err != nil {
		return nil, err
	}
	var out any
	err = json.Unmarshal(data, &out)
	return out, err
}

// stableOrder keeps the API server's order of errors, except where it is
// random: validation iterates Go maps (resource lists, labels), so errors
// on different keys of one map come in any order. Errors whose paths are
// the same once keys and indices are blanked out are grouped where the
// first of them is, and sorted by path and message inside the group; so
// the first error, which the suite counts by, is the same on every run.
func stableOrder(errs field.ErrorList) field.ErrorList {
	group := map[string]int{}
	var groups [][]*field.Error
	for _, e := range errs {
		k := indexOrKey.ReplaceAllString(e.Field, "[]")
		i, ok := group[k]
		if !ok {
			i = len(groups)
			group[k] = i
			groups = append(groups, nil)
		}
		groups[i] = append(groups[i], e)
	}
	out := make(field.ErrorList, 0, len(errs))
	for _, g := range groups {
		slices.SortStableFunc(g, func(a, b *field.Error) int {
			if c := strings.Compare(a.Field, b.Field); c != 0 {
				return c
			}
			return strings.Compare(a.Error(), b.Error())
		})
		out = append(out, g...)
	}
	return out
}

var indexOrKey = regexp.MustCompile(`\[[^\]]*\]`)

// errorMessage builds the message of errors.NewInvalid, as the API server
// returns it.
func errorMessage(ds *apps.DaemonSet, errs field.ErrorList) string {
	return fmt.Sprintf("DaemonSet.apps %q is invalid: %s", ds.Name, errs.ToAggregate().Error())
}

// detail is an error's message without its field path.
func detail(e *field.Error) string { return e.ErrorBody() }

var (
	// unknown field "spec.template.spec.foo", duplicate field "spec.x"
	strictField = regexp.MustCompile(`^(unknown|duplicate) field "(.*)"$`)
	// json: cannot unmarshal string into Go struct field PodSpec.spec.template.spec.hostNetwork of type bool
	typeField = regexp.MustCompile(`Go struct field [A-Za-z0-9_]+\.(\S+) of type`)
	// ... cannot unmarshal number 2147483648 into Go struct field ... of type int32
	typeReason = regexp.MustCompile(`cannot unmarshal (\w+)(?: \S+)? into Go struct field \S+ of type (\S+)`)
	// Object 'Kind' is missing in '...', no kind "X" is registered for version "v" ...
)

// jsonPath drops the names of embedded Go structs from a decoder's field
// path (spec.template.spec.volumes.VolumeSource.hostPath.path): JSON field
// names start with a lower-case letter, Go type names with an upper-case
// one.
func jsonPath(p string) string {
	parts := strings.Split(p, ".")
	out := parts[:0]
	for _, s := range parts {
		if s != "" && s[0] >= 'A' && s[0] <= 'Z' {
			continue
		}
		out = append(out, s)
	}
	return strings.Join(out, ".")
}

// decodeVerdict turns a decoding error into errors with field paths.
func decodeVerdict(err error) Verdict {
	v := Verdict{Stage: StageDecode, Message: err.Error()}
	if se, ok := runtime.AsStrictDecodingError(err); ok {
		for _, e := range se.Errors() {
			if m := strictField.FindStringSubmatch(e.Error()); m != nil {
				v.Errors = append(v.Errors, Error{Field: m[2], Type: m[1] + " field", Detail: e.Error()})
			} else if strings.Contains(e.Error(), "already set in map") {
				// The YAML-to-JSON conversion's duplicate key: no path.
				v.Errors = append(v.Errors, Error{Type: "duplicate field", Detail: e.Error(), Reason: "a key appears twice in a mapping"})
			} else {
				v.Errors = append(v.Errors, Error{Type: "strict", Detail: e.Error()})
			}
		}
		return v
	}
	msg := err.Error()
	switch {
	case typeField.MatchString(msg):
		m := typeField.FindStringSubmatch(msg)
		reason := ""
		if r := typeReason.FindStringSubmatch(msg); r != nil {
			reason = "cannot unmarshal " + r[1] + " into " + r[2]
		}
		v.Errors = []Error{{Field: jsonPath(m[1]), Type: "wrong type", Detail: msg, Reason: reason}}
	case runtime.IsNotRegisteredError(err):
		v.Errors = []Error{{Field: "apiVersion", Type: "request", Detail: msg}}
	case runtime.IsMissingKind(err):
		v.Errors = []Error{{Field: "kind", Type: "request", Detail: msg}}
	case runtime.IsMissingVersion(err):
		v.Errors = []Error{{Field: "apiVersion", Type: "request", Detail: msg}}
	case strings.HasPrefix(msg, "couldn't get version/kind"):
		v.Errors = []Error{{Type: "syntax", Detail: msg, Reason: "the document is not an object"}}
	case strings.HasPrefix(msg, "quantities must match"):
		v.Errors = []Error{{Type: "syntax", Detail: msg, Reason: "not a quantity"}}
	default:
		v.Errors = []Error{{Type: "syntax", Detail: msg}}
	}
	return v
}
