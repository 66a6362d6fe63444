package krm

import (
	"maps"
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v3"
	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
)

// The legacy annotations are deprecated in kyaml, but kustomize and older
// kpt still write them, alone or beside the internal ones.
const (
	legacyPathAnnotation  = "config.kubernetes.io/path"
	legacyIndexAnnotation = "config.kubernetes.io/index"
)

// originAnnotation is what kustomize writes with buildMetadata:
// [originAnnotations]: a small YAML document whose path is the file the
// object came from, relative to the kustomization.
const originAnnotation = "config.kubernetes.io/origin"

// origin is where an object came from, as KRM clients record it: kpt sets
// the path and index annotations; kustomize sets only an index (of the
// list, not a file) unless buildMetadata asks for origin annotations.
func origin(obj map[string]any) (file string, index int, ok bool) {
	ann := annotations(obj)
	file = first(ann, kioutil.PathAnnotation, legacyPathAnnotation)
	if file != "" {
		index, _ = strconv.Atoi(first(ann, kioutil.IndexAnnotation, legacyIndexAnnotation))
		return file, index, true
	}
	if o, ok := ann[originAnnotation].(string); ok {
		var v struct {
			Path string `yaml:"path"`
		}
		if yaml.Unmarshal([]byte(o), &v) == nil && v.Path != "" {
			return v.Path, 0, true
		}
	}
	return "", 0, false
}

// localConfig reports whether obj is marked as local configuration,
// which KRM clients never apply to a cluster.
func localConfig(obj map[string]any) bool {
	v, _ := annotations(obj)["config.kubernetes.io/local-config"].(string)
	return strings.EqualFold(strings.TrimSpace(v), "true")
}

func annotations(obj map[string]any) map[string]any {
	md, _ := obj["metadata"].(map[string]any)
	ann, _ := md["annotations"].(map[string]any)
	return ann
}

func first(ann map[string]any, keys ...string) string {
	for _, k := range keys {
		if s, ok := ann[k].(string); ok && s != "" {
			return s
		}
	}
	return ""
}

// toolAnnotation reports whether an annotation is the KRM client's
// bookkeeping (file, index, ids, the function's own config) rather than
// part of the object the user wrote.
func toolAnnotation(key string) bool {
	for _, prefix := range []string{"internal.config.kubernetes.io/", "config.kubernetes.io/", "kustomize.config.k8s.io/", "config.k8s.io/"} {
		if strings.HasPrefix(key, prefix) {
			return true
		}
	}
	return false
}

// withoutToolAnnotations returns obj as the user wrote it: without the
// annotations kustomize and kpt add on the way. Only the maps on the way
// to the annotations are copied; obj itself is not changed.
func withoutToolAnnotations(obj map[string]any) map[string]any {
	ann := annotations(obj)
	if !hasToolAnnotation(ann) {
		return obj
	}
	kept := make(map[string]any, len(ann))
	for k, v := range ann {
		if !toolAnnotation(k) {
			kept[k] = v
		}
	}
	md := maps.Clone(obj["metadata"].(map[string]any))
	if len(kept) == 0 {
		delete(md, "annotations")
	} else {
		md["annotations"] = kept
	}
	out := maps.Clone(obj)
	out["metadata"] = md
	return out
}

func hasToolAnnotation(ann map[string]any) bool {
	for k := range ann {
		if toolAnnotation(k) {
			return true
		}
	}
	return false
}
