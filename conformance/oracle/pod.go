package oracle

import (
	"context"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/operation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
	genericapirequest "k8s.io/apiserver/pkg/endpoints/request"
	"k8s.io/apiserver/pkg/registry/rest"
	"k8s.io/kubernetes/pkg/api/legacyscheme"
	podutil "k8s.io/kubernetes/pkg/api/pod"
	"k8s.io/kubernetes/pkg/apis/apps"
	"k8s.io/kubernetes/pkg/apis/core"
	corevalidation "k8s.io/kubernetes/pkg/apis/core/validation"
	"k8s.io/kubernetes/pkg/controller/daemon/util"
)

// podNode is the node the checked pod is for.
const podNode = "node-1"

// podErrors checks the pod the DaemonSet controller creates from an
// accepted DaemonSet, as the API server checks a pod. The pod is built as
// the controller builds it (GetPodFromTemplate: the template's labels,
// annotations and finalizers, a name generated from the DaemonSet's, the
// controller reference; the revision labels, the default tolerations and
// the node affinity to its node), then as the API server treats it: the
// ServiceAccount admission plugin's default (serviceAccountName
// "default"; whether the account exists is cluster state and not
// checked), the pod defaulters (which, unlike a template's, default a
// hostNetwork pod's hostPorts to its container ports and requests from
// limits), the pod strategy's PrepareForCreate (disabled fields dropped,
// generation 1), ValidatePodCreate and the pod's declarative validation.
// The other admission plugins (PodSecurity, LimitRanger, Priority, ...)
// depend on the cluster and are not run.
func podErrors(ds *apps.DaemonSet) (errs []Error) {
	defer func() {
		if p := recover(); p != nil {
			errs = []Error{{Type: "internal", Detail: fmt.Sprintf("panic: %v", p), Reason: "the pod check panics"}}
		}
	}()
	var v1ds appsv1.DaemonSet
	if err := legacyscheme.Scheme.Convert(ds, &v1ds, nil); err != nil {
		return []Error{{Type: "internal", Detail: err.Error()}}
	}
	template := util.CreatePodTemplate(v1ds.Spec.Template, new(int64(1)), "5d8f9c7b6")
	prefix := v1ds.Name + "-"
	if len(corevalidation.ValidatePodName(prefix, true)) != 0 {
		prefix = v1ds.Name
	}
	controller := true
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{
			Namespace:    v1ds.Namespace,
			GenerateName: prefix,
			Labels:       template.Labels,
			Annotations:  template.Annotations,
			Finalizers:   template.Finalizers,
			OwnerReferences: []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "DaemonSet", Name: v1ds.Name,
				UID: "0b5ea6a7-3b5c-4f7e-9d0e-3c1f2b4a5d6e", Controller: &controller, BlockOwnerDeletion: &controller}},
		},
		Spec: template.Spec,
	}
	// names.SimpleNameGenerator: the prefix cut to 58 bytes, 5 random
	// characters.
	base := prefix
	if len(base) > 58 {
		base = base[:58]
	}
	pod.Name = base + "x7k2q"
	util.AddOrUpdateDaemonPodTolerations(&pod.Spec)
	pod.Spec.Affinity = util.ReplaceDaemonSetPodNodeNameNodeAffinity(pod.Spec.Affinity, podNode)
	if pod.Spec.ServiceAccountName == "" {
		pod.Spec.ServiceAccountName = "default"
	}
	legacyscheme.Scheme.Default(pod)
	var ipod core.Pod
	if err := legacyscheme.Scheme.Convert(pod, &ipod, nil); err != nil {
		return []Error{{Type: "internal", Detail: err.Error()}}
	}
	rest.FillObjectMetaSystemFields(&ipod)
	ipod.Generation = 1
	ipod.Status = core.PodStatus{Phase: core.PodPending}
	podutil.DropDisabledPodFields(&ipod, nil)
	opts := podutil.GetValidationOptionsFromPodSpecAndMeta(&ipod.Spec, nil, &ipod.ObjectMeta, nil)
	opts.ResourceIsPod = true
	ferrs := corevalidation.ValidatePodCreate(&ipod, opts)
	ctx := genericapirequest.WithNamespace(context.Background(), ipod.Namespace)
	ctx = genericapirequest.WithRequestInfo(ctx, &genericapirequest.RequestInfo{
		IsResourceRequest: true, Verb: "create", APIPrefix: "api", APIVersion: "v1",
		Namespace: ipod.Namespace, Resource: "pods", Name: ipod.Name,
	})
	dv := rest.DeclarativeValidation{Scheme: legacyscheme.Scheme}
	ferrs = dv.ValidateDeclaratively(ctx, &ipod, nil, ferrs, operation.Create, rest.DeclarativeValidationConfig{})
	for _, e := range stableOrder(dedupe(ferrs)) {
		errs = append(errs, Error{Field: e.Field, Type: e.Type.String(), Detail: detail(e), Reason: e.Detail})
	}
	return errs
}

func dedupe(errs field.ErrorList) field.ErrorList {
	seen := map[string]bool{}
	var out field.ErrorList
	for _, e := range errs {
		if k := e.Error(); !seen[k] {
			seen[k] = true
			out = append(out, e)
		}
	}
	return out
}
