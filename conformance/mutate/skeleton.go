package mutate

import (
	"reflect"

	yaml "go.yaml.in/yaml/v3"
)

// skeletons are small valid values of the struct types that are not valid
// empty, used when a mutation needs a field whose parent the base does
// not have (a startupProbe's httpGet.port in a base without probes). A
// type not listed starts as {}. TestSkeletonsAreValid checks that every
// field's parent chain, built from these, is accepted by Kubernetes.
//
// Names that must match something else are placeholders the fix-ups
// resolve: mut-vol (an emptyDir volume), mut-block (a block-mode
// ephemeral volume), mut-claim (a pod resource claim), $CONTAINER (the
// first container's name).
var skeletons = map[string]string{
	// Pod template and containers.
	"Container":                       `{name: mutated, image: "registry.example.com/mutated:v1"}`,
	"ContainerPort":                   `{containerPort: 18080}`,
	"EnvVar":                          `{name: MUT_VAR, value: x}`,
	"EnvVarSource":                    `{fieldRef: {fieldPath: metadata.name}}`,
	"ObjectFieldSelector":             `{fieldPath: metadata.name}`,
	"ResourceFieldSelector":           `{resource: limits.memory}`,
	"ConfigMapKeySelector":            `{name: mut-config, key: key}`,
	"SecretKeySelector":               `{name: mut-secret, key: key}`,
	"FileKeySelector":                 `{volumeName: mut-vol, path: env.properties, key: KEY}`,
	"EnvFromSource":                   `{configMapRef: {name: mut-config}}`,
	"ConfigMapEnvSource":              `{name: mut-config}`,
	"SecretEnvSource":                 `{name: mut-secret}`,
	"VolumeMount":                     `{name: mut-vol, mountPath: /mutated}`,
	"VolumeDevice":                    `{name: mut-block, devicePath: /dev/mutated}`,
	"Probe":                           `{exec: {command: [/bin/true]}}`,
	"ExecAction":                      `{command: [/bin/true]}`,
	"HTTPGetAction":                   `{port: 18081}`,
	"HTTPHeader":                      `{name: X-Mutated, value: "1"}`,
	"TCPSocketAction":                 `{port: 18081}`,
	"GRPCAction":                      `{port: 18082}`,
	"SleepAction":                     `{seconds: 1}`,
	"Lifecycle":                       `{preStop: {sleep: {seconds: 1}}}`,
	"LifecycleHandler":                `{exec: {command: [/bin/true]}}`,
	"ContainerResizePolicy":           `{resourceName: cpu, restartPolicy: NotRequired}`,
	"ResourceClaim":                   `{name: mut-claim}`,
	"PodResourceClaim":                `{name: mut-claim, resourceClaimTemplateName: mut-template}`,
	"ContainerRestartRule":            `{action: Restart, exitCodes: {operator: In, values: [42]}}`,
	"ContainerRestartRuleOnExitCodes": `{operator: In, values: [42]}`,
	"Capabilities":                    `{drop: [ALL]}`,
	"SeccompProfile":                  `{type: RuntimeDefault}`,
	"AppArmorProfile":                 `{type: RuntimeDefault}`,
	"SELinuxOptions":                  `{type: container_t}`,
	"Sysctl":                          `{name: kernel.shm_rmid_forced, value: "0"}`,
	"HostAlias":                       `{ip: 10.0.0.1, hostnames: [mutated.local]}`,
	"PodDNSConfig":                    `{searches: [mutated.example.com]}`,
	"PodDNSConfigOption":              `{name: ndots, value: "2"}`,
	"LocalObjectReference":            `{name: mut-ref}`,
	"PodReadinessGate":                `{conditionType: example.com/mutated}`,
	"PodSchedulingGate":               `{name: example.com/mutated}`,
	"PodOS":                           `{name: linux}`,
	"Toleration":                      `{key: example.com/mutated, operator: Exists}`,
	"TopologySpreadConstraint":        `{maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: ScheduleAnyway, labelSelector: {matchLabels: {mutated: "true"}}}`,
	"NodeSelector":                    `{nodeSelectorTerms: [{matchExpressions: [{key: mutated, operator: Exists}]}]}`,
	"NodeSelectorTerm":                `{matchExpressions: [{key: mutated, operator: Exists}]}`,
	"NodeSelectorRequirement":         `{key: mutated, operator: In, values: ["true"]}`,
	"PreferredSchedulingTerm":         `{weight: 1, preference: {matchExpressions: [{key: mutated, operator: Exists}]}}`,
	"PodAffinityTerm":                 `{topologyKey: kubernetes.io/hostname, labelSelector: {matchLabels: {mutated: "true"}}}`,
	"WeightedPodAffinityTerm":         `{weight: 1, podAffinityTerm: {topologyKey: kubernetes.io/hostname, labelSelector: {matchLabels: {mutated: "true"}}}}`,
	"LabelSelectorRequirement":        `{key: mutated, operator: In, values: ["true"]}`,
	"OwnerReference":                  `{apiVersion: v1, kind: ConfigMap, name: mut-owner, uid: 0b5ea6a7-3b5c-4f7e-9d0e-3c1f2b4a5d6e}`,
	"WorkloadReference":               `{name: mut-workload, podGroup: mut-group}`,

	// Volumes: the Volume itself, and each source with what it requires.
	"Volume":                            `{name: mut-vol2, emptyDir: {}}`,
	"HostPathVolumeSource":              `{path: /var/lib/mutated}`,
	"GCEPersistentDiskVolumeSource":     `{pdName: mut-disk}`,
	"AWSElasticBlockStoreVolumeSource":  `{volumeID: vol-0123456789abcdef0}`,
	"GitRepoVolumeSource":               `{repository: "https://example.com/repo.git"}`,
	"SecretVolumeSource":                `{secretName: mut-secret}`,
	"NFSVolumeSource":                   `{server: nfs.example.com, path: /exports}`,
	"ISCSIVolumeSource":                 `{targetPortal: "10.0.0.1:3260", iqn: "iqn.2001-04.com.example:storage", lun: 0}`,
	"GlusterfsVolumeSource":             `{endpoints: mut-endpoints, path: mut-volume}`,
	"PersistentVolumeClaimVolumeSource": `{claimName: mut-pvc}`,
	"RBDVolumeSource":                   `{monitors: ["10.0.0.1:6789"], image: mut-image}`,
	"FlexVolumeSource":                  `{driver: example.com/flex}`,
	"CinderVolumeSource":                `{volumeID: mut-volume}`,
	"CephFSVolumeSource":                `{monitors: ["10.0.0.1:6789"]}`,
	"FlockerVolumeSource":               `{datasetName: mut-dataset}`,
	"DownwardAPIVolumeSource":           `{items: [{path: labels, fieldRef: {fieldPath: metadata.labels}}]}`,
	"DownwardAPIVolumeFile":             `{path: mutated, fieldRef: {fieldPath: metadata.name}}`,
	"FCVolumeSource":                    `{targetWWNs: [500a0982991b8dc5], lun: 0}`,
	"AzureFileVolumeSource":             `{secretName: mut-secret, shareName: mut-share}`,
	"ConfigMapVolumeSource":             `{name: mut-config}`,
	"VsphereVirtualDiskVolumeSource":    `{volumePath: "[datastore] mutated.vmdk"}`,
	"QuobyteVolumeSource":               `{registry: "quobyte.example.com:7861", volume: mut-volume}`,
	"AzureDiskVolumeSource":             `{diskName: mut-disk, diskURI: "https://example.blob.core.windows.net/vhds/mutated.vhd"}`,
	"PhotonPersistentDiskVolumeSource":  `{pdID: mut-disk}`,
	"ProjectedVolumeSource":             `{sources: [{configMap: {name: mut-config}}]}`,
	"VolumeProjection":                  `{configMap: {name: mut-config}}`,
	"SecretProjection":                  `{name: mut-secret}`,
	"ConfigMapProjection":               `{name: mut-config}`,
	"DownwardAPIProjection":             `{items: [{path: labels, fieldRef: {fieldPath: metadata.labels}}]}`,
	"ServiceAccountTokenProjection":     `{path: token}`,
	"ClusterTrustBundleProjection":      `{name: mut-bundle, path: bundle.pem}`,
	"PodCertificateProjection":          `{signerName: example.com/mutated, keyType: ED25519, credentialBundlePath: credentials.pem}`,
	"PortworxVolumeSource":              `{volumeID: mut-volume}`,
	"ScaleIOVolumeSource":               `{gateway: "https://scaleio.example.com", system: mut-system, volumeName: mut-volume, secretRef: {name: mut-secret}}`,
	"StorageOSVolumeSource":             `{volumeName: mut-volume}`,
	"CSIVolumeSource":                   `{driver: csi.example.com}`,
	"EphemeralVolumeSource":             `{volumeClaimTemplate: {spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}}}`,
	"PersistentVolumeClaimTemplate":     `{spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}}`,
	"PersistentVolumeClaimSpec":         `{accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}`,
	"ImageVolumeSource":                 `{reference: "registry.example.com/data:v1", pullPolicy: IfNotPresent}`,
	"KeyToPath":                         `{key: key, path: mutated}`,
	"TypedLocalObjectReference":         `{kind: VolumeSnapshot, apiGroup: snapshot.storage.k8s.io, name: mut-snapshot}`,
	"TypedObjectReference":              `{kind: VolumeSnapshot, apiGroup: snapshot.storage.k8s.io, name: mut-snapshot}`,

	// The DaemonSet.
	"DaemonSetUpdateStrategy": `{type: RollingUpdate}`,
	"RollingUpdateDaemonSet":  `{maxUnavailable: 1}`,
	"LabelSelector":           `{matchLabels: {mutated: "true"}}`,
}

// oneOf lists, per struct type, the fields of which at most one may be
// set: adding one removes the others (and scenarios add a second one on
// purpose).
var oneOf = map[string][]string{
	"Volume":                       volumeSources,
	"Probe":                        {"exec", "httpGet", "tcpSocket", "grpc"},
	"LifecycleHandler":             {"exec", "httpGet", "tcpSocket", "sleep"},
	"EnvVarSource":                 {"fieldRef", "resourceFieldRef", "configMapKeyRef", "secretKeyRef", "fileKeyRef"},
	"EnvVar":                       {"value", "valueFrom"},
	"EnvFromSource":                {"configMapRef", "secretRef"},
	"VolumeProjection":             {"secret", "downwardAPI", "configMap", "serviceAccountToken", "clusterTrustBundle", "podCertificate"},
	"DownwardAPIVolumeFile":        {"fieldRef", "resourceFieldRef"},
	"VolumeMount":                  {"subPath", "subPathExpr"},
	"PodResourceClaim":             {"resourceClaimName", "resourceClaimTemplateName"},
	"ClusterTrustBundleProjection": {"name", "signerName"},
	"FCVolumeSource":               {"targetWWNs", "wwids"},
	"FlockerVolumeSource":          {"datasetName", "datasetUUID"},
}

var volumeSources = []string{"hostPath", "emptyDir", "gcePersistentDisk", "awsElasticBlockStore", "gitRepo", "secret", "nfs", "iscsi",
	"glusterfs", "persistentVolumeClaim", "rbd", "flexVolume", "cinder", "cephfs", "flocker", "downwardAPI", "fc", "azureFile",
	"configMap", "vsphereVolume", "quobyte", "azureDisk", "photonPersistentDisk", "projected", "portworxVolume", "scaleIO",
	"storageos", "csi", "ephemeral", "image"}

// skeleton returns a fresh valid value of type t.
func skeleton(t reflect.Type) *yaml.Node {
	switch kindOf(t) {
	case KStruct:
		if s, ok := skeletons[t.Name()]; ok {
			return mustYAML(s)
		}
		return mapping()
	case KList:
		et := t.Elem()
		for et.Kind() == reflect.Pointer {
			et = et.Elem()
		}
		return seq(skeleton(et))
	case KMap:
		return mapping(str("mutated"), str("true"))
	case KResources:
		return mapping(str("cpu"), str("10m"))
	case KString:
		if vs := enumValues[t.PkgPath()+"."+t.Name()]; len(vs) > 0 {
			return str(vs[0])
		}
		return str("mutated")
	case KInt:
		return integer(1)
	case KBool:
		return boolean(false)
	case KQuantity:
		return str("1")
	case KTime:
		return str("2024-01-01T00:00:00Z")
	case KIntOrString:
		return integer(1)
	}
	return mapping()
}

// fixups resolves the placeholders of skeletons in a DaemonSet tree: the
// volumes, claims and container names they refer to are added.
func fixups(root *yaml.Node) {
	pod := get(get(get(root, "spec"), "template"), "spec")
	if pod == nil {
		return
	}
	refs := map[string]bool{}
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n == nil {
			return
		}
		if n.Kind == yaml.ScalarNode {
			switch n.Value {
			case "mut-vol", "mut-block", "mut-claim":
				refs[n.Value] = true
			case "$CONTAINER":
				if c := get(pod, "containers"); c != nil && len(c.Content) > 0 {
					if name := get(c.Content[0], "name"); name != nil {
						*n = *str(name.Value)
					}
				}
			case "$TEMPLATE_LABEL_KEY", "$TEMPLATE_LABEL_VALUE":
				if l := get(get(get(get(root, "spec"), "template"), "metadata"), "labels"); l != nil && len(l.Content) >= 2 {
					if n.Value == "$TEMPLATE_LABEL_KEY" {
						*n = *str(l.Content[0].Value)
					} else {
						*n = *str(l.Content[1].Value)
					}
				}
			}
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(get(root, "spec"))
	hasVolume := func(name string) bool {
		for _, v := range contentOf(get(pod, "volumes")) {
			if n := get(v, "name"); n != nil && n.Value == name {
				return true
			}
		}
		return false
	}
	addVolume := func(v string) {
		vols := get(pod, "volumes")
		if vols == nil || vols.Kind != yaml.SequenceNode {
			vols = seq()
			set(pod, "volumes", vols)
		}
		vols.Content = append(vols.Content, mustYAML(v))
	}
	if refs["mut-vol"] && !hasVolume("mut-vol") {
		addVolume(`{name: mut-vol, emptyDir: {}}`)
	}
	if refs["mut-block"] && !hasVolume("mut-block") {
		addVolume(`{name: mut-block, ephemeral: {volumeClaimTemplate: {spec: {accessModes: [ReadWriteOnce], volumeMode: Block, resources: {requests: {storage: 1Gi}}}}}}`)
	}
	if refs["mut-claim"] {
		claims := get(pod, "resourceClaims")
		found := false
		for _, c := range contentOf(claims) {
			if n := get(c, "name"); n != nil && n.Value == "mut-claim" {
				found = true
			}
		}
		if !found {
			if claims == nil || claims.Kind != yaml.SequenceNode {
				claims = seq()
				set(pod, "resourceClaims", claims)
			}
			claims.Content = append(claims.Content, mustYAML(skeletons["PodResourceClaim"]))
		}
	}
}

func contentOf(n *yaml.Node) []*yaml.Node {
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	return n.Content
}
