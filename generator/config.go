package generator

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"maps"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/everynode/everynode/lint/fieldpath"
)

// config renders spec.config as a ConfigMap mounted read-only, and the
// hash of its data on the pod template.
func (r *renderer) config() {
	c := r.spec.Config
	if c == nil {
		return
	}
	sp := specRoot.Child("config")
	data := map[string]string{}
	r.configProv = NewProvenance()
	r.configProv.Record(nil, sp)
	for _, k := range slices.Sorted(maps.Keys(c.Files)) {
		if errs := validation.IsConfigMapKey(k); len(errs) > 0 {
			r.errorAtKey(sp.Child("files", k), "invalid file name %q: %s", k, strings.Join(errs, "; "))
			continue
		}
		data[k] = c.Files[k]
		r.configProv.Record(fieldpath.New("data", k), sp.Child("files", k))
	}
	name := r.name + "-config"
	r.configMap = &corev1.ConfigMap{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: r.namespace, Labels: copyMap(r.labels)},
		Data:       data,
	}
	r.configProv.Record(fieldpath.New("metadata"), fieldpath.New("metadata"))
	r.pod.Volumes = append(r.pod.Volumes, corev1.Volume{Name: r.configVolume, VolumeSource: corev1.VolumeSource{
		ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: name}},
	}})
	r.rec(podPath.Child("volumes").Index(len(r.pod.Volumes)-1), sp)
	r.main.VolumeMounts = append(r.main.VolumeMounts, corev1.VolumeMount{Name: r.configVolume, MountPath: c.MountPath, ReadOnly: true})
	r.rec(mainPath.Child("volumeMounts").Index(len(r.main.VolumeMounts)-1), sp.Child("mountPath"))

	if r.ds.Spec.Template.Annotations == nil {
		r.ds.Spec.Template.Annotations = map[string]string{}
	}
	r.ds.Spec.Template.Annotations[ConfigHashAnnotation] = configHash(data)
	r.rec(fieldpath.New("spec", "template", "metadata", "annotations", ConfigHashAnnotation), sp)
}

// configHash is the sha256 of the data in a canonical form (JSON with
// sorted keys), hex-encoded.
func configHash(data map[string]string) string {
	b, _ := json.Marshal(data) // a map[string]string always marshals
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
