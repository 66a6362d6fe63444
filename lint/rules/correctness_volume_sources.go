package rules

import (
	"fmt"
	"net"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/everynode/everynode/lint/fieldpath"
	"github.com/everynode/everynode/lint/rule"
)

// The fields of each volume source, as the API server checks them once a
// volume has exactly one source (invalid-volume-source). Each check names
// the field the API server names, with a path into the list item where
// Kubernetes names only the list (downwardAPI items): the finding then
// sits on the offending line.

// maxFileMode is the largest file mode a volume may give its files (0777).
const maxFileMode = 0o777

// iSCSI names: iqn.YYYY-MM.reversed.domain[:name], eui.<16 hex>, naa.<32 or 16 hex>.
var (
	iqnRE = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^iqn\.\d{4}-\d{2}\.([[:alnum:]-.]+)(:[^,;*&$|\s]+)$`)
	})
	euiRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^eui.[[:alnum:]]{16}$`) })
	naaRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^naa.[[:alnum:]]{32}$`) })
)

// The fields a downwardAPI volume file can refer to, and the container
// resources it can expose.
var (
	volumeFieldPaths  = []string{"metadata.annotations", "metadata.labels", "metadata.name", "metadata.namespace", "metadata.uid"}
	resourceFieldRefs = []string{"limits.cpu", "limits.ephemeral-storage", "limits.memory", "requests.cpu", "requests.ephemeral-storage", "requests.memory"}
	podCertKeyTypes   = []string{"RSA3072", "RSA4096", "ECDSAP256", "ECDSAP384", "ECDSAP521", "ED25519"}
	azureCachingModes = []string{"None", "ReadOnly", "ReadWrite"}
	azureDiskKinds    = []string{"Dedicated", "Managed", "Shared"}
)

// volumeChecks reports problems of one volume's source fields.
type volumeChecks struct {
	p    *rule.Pass
	name string // the volume's name, for messages
}

func (c volumeChecks) reportf(at fieldpath.Path, atValue bool, format string, args ...any) {
	c.p.Report(rule.Diagnostic{Path: at, AtValue: atValue, Message: fmt.Sprintf("volume %q: ", c.name) + fmt.Sprintf(format, args...)})
}

func (c volumeChecks) required(at fieldpath.Path, field, what string) {
	c.reportf(at, false, "%s is required: %s", field, what)
}

// written reports a field the API server requires to be non-empty and
// that is written empty ("" or []). One left out is the schema's to
// report: the OpenAPI document lists these fields as required, and two
// findings for one mistake are noise.
func (c volumeChecks) written(at fieldpath.Path, field string, empty bool, what string) {
	if empty && c.p.Object.Get(at) != nil {
		c.reportf(at, true, "%s is empty: %s", field, what)
	}
}

// relativePath checks a path a volume writes a file to: relative, no '..'
// element, not starting with "..".
func (c volumeChecks) relativePath(at fieldpath.Path, field, s string) {
	if problem := localPathProblem(s); problem != "" {
		c.reportf(at, true, "%s %q %s: write a path relative to the volume's root, without '..'", field, s, problem)
		return
	}
	if strings.HasPrefix(s, "..") {
		c.reportf(at, true, "%s %q must not start with '..': rename the file", field, s)
	}
}

func (c volumeChecks) mode(at fieldpath.Path, field string, m *int32) {
	if m != nil && (*m < 0 || *m > maxFileMode) {
		c.reportf(at, true, "%s %d is not a file mode: use a number from 0 to 0777 (octal, such as 0644; in JSON the decimal 420)", field, *m)
	}
}

func (c volumeChecks) dnsLabel(at fieldpath.Path, field, s string) {
	if msgs := validation.IsDNS1123Label(s); len(msgs) > 0 {
		c.reportf(at, true, "%s %q is not a DNS-1123 label: %s", field, s, labelProblem(s, msgs))
	}
}

func (c volumeChecks) dnsSubdomain(at fieldpath.Path, field, s string) {
	if msgs := validation.IsDNS1123Subdomain(s); len(msgs) > 0 {
		c.reportf(at, true, "%s %q is not a DNS-1123 subdomain: %s", field, s, labelProblem(s, msgs))
	}
}

// items checks the key-to-path items of a configMap or secret.
func (c volumeChecks) items(at fieldpath.Path, items []corev1.KeyToPath) {
	for i, kp := range items {
		ip := at.Index(i)
		if kp.Key == "" {
			c.required(ip.Child("key"), "key", "name the key to project")
		}
		if kp.Path == "" {
			c.required(ip.Child("path"), "path", "name the file to write the key to")
		}
		c.relativePath(ip.Child("path"), "path", kp.Path)
		c.mode(ip.Child("mode"), "mode", kp.Mode)
	}
}

// iscsiName checks an iSCSI qualified name.
func (c volumeChecks) iscsiName(at fieldpath.Path, field, s string) {
	var re *regexp.Regexp
	switch {
	case strings.HasPrefix(s, "iqn"):
		re = iqnRE()
	case strings.HasPrefix(s, "eui"):
		re = euiRE()
	case strings.HasPrefix(s, "naa"):
		re = naaRE()
	default:
		c.reportf(at, true, "%s %q must start with iqn, eui or naa (such as iqn.2001-04.com.example:storage)", field, s)
		return
	}
	if !re.MatchString(s) {
		c.reportf(at, true, "%s %q is not a valid iSCSI name (such as iqn.2001-04.com.example:storage)", field, s)
	}
}

// checkVolumeSourceFields checks the fields of a volume's one source that
// invalid-volume-source's basic checks (a hostPath's path, a configMap's
// name, a secret's secretName, a claimName) leave out.
func checkVolumeSourceFields(p *rule.Pass, v *corev1.Volume, vp fieldpath.Path) {
	c := volumeChecks{p: p, name: v.Name}
	s := &v.VolumeSource
	switch {
	case s.HostPath != nil:
		if s.HostPath.Path != "" && localPathProblem(strings.TrimPrefix(s.HostPath.Path, "/")) == "must not contain '..'" {
			c.reportf(vp.Child("hostPath", "path"), true, "hostPath path %q must not contain '..': write the path without it", s.HostPath.Path)
		}
	case s.GitRepo != nil:
		at := vp.Child("gitRepo")
		if s.GitRepo.Repository == "" {
			c.required(at.Child("repository"), "gitRepo.repository", "give the repository URL")
		}
		if s.GitRepo.Directory != "" {
			if problem := localPathProblem(s.GitRepo.Directory); problem != "" {
				c.reportf(at.Child("directory"), true, "gitRepo directory %q %s", s.GitRepo.Directory, problem)
			}
		}
	case s.Secret != nil:
		at := vp.Child("secret")
		c.mode(at.Child("defaultMode"), "defaultMode", s.Secret.DefaultMode)
		c.items(at.Child("items"), s.Secret.Items)
	case s.ConfigMap != nil:
		at := vp.Child("configMap")
		c.mode(at.Child("defaultMode"), "defaultMode", s.ConfigMap.DefaultMode)
		c.items(at.Child("items"), s.ConfigMap.Items)
	case s.NFS != nil:
		at := vp.Child("nfs")
		if s.NFS.Server == "" {
			c.required(at.Child("server"), "nfs.server", "give the NFS server's host name or address")
		}
		if s.NFS.Path == "" {
			c.required(at.Child("path"), "nfs.path", "give the exported directory")
		} else if !strings.HasPrefix(s.NFS.Path, "/") {
			c.reportf(at.Child("path"), true, "nfs path %q must be an absolute path: the exported directory, such as /exports/data", s.NFS.Path)
		}
	case s.ISCSI != nil:
		checkISCSI(c, s.ISCSI, vp.Child("iscsi"))
		if iface := v.Name + ":" + s.ISCSI.TargetPortal; s.ISCSI.InitiatorName != nil && len(iface) > maxISCSIInterface {
			c.reportf(vp.Child("name"), true, "with iscsi.initiatorName set, the volume name and targetPortal (%q) must be at most %d characters together: shorten the volume's name", iface, maxISCSIInterface)
		}
	case s.FC != nil:
		at := vp.Child("fc")
		switch {
		case len(s.FC.TargetWWNs) == 0 && len(s.FC.WWIDs) == 0:
			c.reportf(at.Child("targetWWNs"), false, "fc needs targetWWNs (with lun) or wwids: add one")
		case len(s.FC.TargetWWNs) > 0 && len(s.FC.WWIDs) > 0:
			c.reportf(at.Child("targetWWNs"), false, "fc takes targetWWNs or wwids, not both: remove one")
		}
		if len(s.FC.TargetWWNs) > 0 {
			if s.FC.Lun == nil {
				c.required(at.Child("lun"), "fc.lun", "targetWWNs need a lun from 0 to 255")
			} else if *s.FC.Lun < 0 || *s.FC.Lun > 255 {
				c.reportf(at.Child("lun"), true, "fc lun %d must be from 0 to 255", *s.FC.Lun)
			}
		}
	case s.GCEPersistentDisk != nil:
		c.written(vp.Child("gcePersistentDisk", "pdName"), "gcePersistentDisk.pdName", s.GCEPersistentDisk.PDName == "", "name the GCE persistent disk")
		if pt := s.GCEPersistentDisk.Partition; pt < 0 || pt > 255 {
			c.reportf(vp.Child("gcePersistentDisk", "partition"), true, "partition %d must be from 1 to 255 (or 0 for the whole disk)", pt)
		}
	case s.AWSElasticBlockStore != nil:
		c.written(vp.Child("awsElasticBlockStore", "volumeID"), "awsElasticBlockStore.volumeID", s.AWSElasticBlockStore.VolumeID == "", "give the EBS volume's ID")
		if pt := s.AWSElasticBlockStore.Partition; pt < 0 || pt > 255 {
			c.reportf(vp.Child("awsElasticBlockStore", "partition"), true, "partition %d must be from 1 to 255 (or 0 for the whole disk)", pt)
		}
	case s.EmptyDir != nil:
		// A negative size is refused; zero means no limit.
		if l := s.EmptyDir.SizeLimit; l != nil && l.Sign() < 0 {
			c.reportf(vp.Child("emptyDir", "sizeLimit"), true, "emptyDir sizeLimit %s is negative: give a size such as 1Gi, or leave it out for no limit", l.String())
		}
	case s.Glusterfs != nil:
		at := vp.Child("glusterfs")
		c.written(at.Child("endpoints"), "glusterfs.endpoints", s.Glusterfs.EndpointsName == "", "name the Endpoints object of the Glusterfs cluster")
		c.written(at.Child("path"), "glusterfs.path", s.Glusterfs.Path == "", "name the Glusterfs volume")
	case s.RBD != nil:
		at := vp.Child("rbd")
		c.written(at.Child("monitors"), "rbd.monitors", len(s.RBD.CephMonitors) == 0, "list the Ceph monitors, such as [10.0.0.1:6789]")
		c.written(at.Child("image"), "rbd.image", s.RBD.RBDImage == "", "name the RADOS block device image")
	case s.CephFS != nil:
		c.written(vp.Child("cephfs", "monitors"), "cephfs.monitors", len(s.CephFS.Monitors) == 0, "list the Ceph monitors, such as [10.0.0.1:6789]")
	case s.AzureFile != nil:
		at := vp.Child("azureFile")
		c.written(at.Child("secretName"), "azureFile.secretName", s.AzureFile.SecretName == "", "name the Secret with the storage account's name and key")
		c.written(at.Child("shareName"), "azureFile.shareName", s.AzureFile.ShareName == "", "name the Azure file share")
	case s.VsphereVolume != nil:
		c.written(vp.Child("vsphereVolume", "volumePath"), "vsphereVolume.volumePath", s.VsphereVolume.VolumePath == "", "give the path of the vSphere disk")
	case s.PhotonPersistentDisk != nil:
		c.written(vp.Child("photonPersistentDisk", "pdID"), "photonPersistentDisk.pdID", s.PhotonPersistentDisk.PdID == "", "give the Photon disk's ID")
	case s.PortworxVolume != nil:
		c.written(vp.Child("portworxVolume", "volumeID"), "portworxVolume.volumeID", s.PortworxVolume.VolumeID == "", "give the Portworx volume's ID")
	case s.Image != nil:
		at := vp.Child("image")
		// A pod template may leave the reference empty before 1.37
		// (only pods needed one); from 1.37 templates need one too.
		if s.Image.Reference == "" && c.p.Object.AtLeast(37) {
			c.reportf(at.Child("reference"), c.p.Object.Get(at.Child("reference")) != nil, "image.reference is required: name the OCI image or artifact to mount, such as example.com/data:1.0")
		}
		if pp := s.Image.PullPolicy; pp != "" && !slices.Contains(pullPolicies, string(pp)) {
			c.reportf(at.Child("pullPolicy"), true, "image pullPolicy %q is not supported%s: use one of %s", pp, didYouMean(string(pp), pullPolicies), strings.Join(pullPolicies, ", "))
		}
	case s.Quobyte != nil:
		at := vp.Child("quobyte")
		switch {
		case s.Quobyte.Registry == "":
			c.required(at.Child("registry"), "quobyte.registry", "give host:port pairs separated by commas")
		case len(s.Quobyte.Tenant) >= 65:
			c.reportf(at.Child("tenant"), true, "quobyte tenant must be a UUID of at most 64 characters")
		default:
			for _, hp := range strings.Split(s.Quobyte.Registry, ",") {
				if _, _, err := net.SplitHostPort(hp); err != nil {
					c.reportf(at.Child("registry"), true, "quobyte registry %q must be host:port pairs separated by commas", s.Quobyte.Registry)
					break
				}
			}
		}
		if s.Quobyte.Volume == "" {
			c.required(at.Child("volume"), "quobyte.volume", "name the Quobyte volume")
		}
	case s.Flocker != nil:
		at := vp.Child("flocker")
		switch {
		case s.Flocker.DatasetName == "" && s.Flocker.DatasetUUID == "":
			c.reportf(at, false, "flocker needs datasetName or datasetUUID: add one")
		case s.Flocker.DatasetName != "" && s.Flocker.DatasetUUID != "":
			c.reportf(at, false, "flocker takes datasetName or datasetUUID, not both: remove one")
		}
		if strings.Contains(s.Flocker.DatasetName, "/") {
			c.reportf(at.Child("datasetName"), true, "flocker datasetName %q must not contain '/'", s.Flocker.DatasetName)
		}
	case s.DownwardAPI != nil:
		at := vp.Child("downwardAPI")
		c.mode(at.Child("defaultMode"), "defaultMode", s.DownwardAPI.DefaultMode)
		for i := range s.DownwardAPI.Items {
			checkDownwardAPIFile(c, &s.DownwardAPI.Items[i], at.Child("items").Index(i))
		}
	case s.Projected != nil:
		checkProjected(c, s.Projected, vp.Child("projected"))
	case s.Cinder != nil:
		c.written(vp.Child("cinder", "volumeID"), "cinder.volumeID", s.Cinder.VolumeID == "", "give the Cinder volume's ID")
		if r := s.Cinder.SecretRef; r != nil && r.Name == "" {
			c.required(vp.Child("cinder", "secretRef", "name"), "cinder.secretRef.name", "name the Secret")
		}
	case s.FlexVolume != nil:
		c.written(vp.Child("flexVolume", "driver"), "flexVolume.driver", s.FlexVolume.Driver == "", "name the FlexVolume driver, such as example.com/lvm")
		for _, k := range sortedKeys(s.FlexVolume.Options) {
			ns, _, _ := strings.Cut(k, "/")
			if n := "." + strings.ToLower(ns); strings.HasSuffix(n, ".kubernetes.io") || strings.HasSuffix(n, ".k8s.io") {
				c.reportf(vp.Child("flexVolume", "options", k), false, "flexVolume option %q uses a reserved kubernetes.io or k8s.io prefix: use your own domain", k)
			}
		}
	case s.AzureDisk != nil:
		checkAzureDisk(c, s.AzureDisk, vp.Child("azureDisk"))
	case s.ScaleIO != nil:
		c.written(vp.Child("scaleIO", "gateway"), "scaleIO.gateway", s.ScaleIO.Gateway == "", "give the ScaleIO API gateway's address")
		c.written(vp.Child("scaleIO", "system"), "scaleIO.system", s.ScaleIO.System == "", "name the ScaleIO storage system")
		if s.ScaleIO.VolumeName == "" {
			c.required(vp.Child("scaleIO", "volumeName"), "scaleIO.volumeName", "name the ScaleIO volume")
		}
	case s.StorageOS != nil:
		at := vp.Child("storageos")
		if s.StorageOS.VolumeName == "" {
			c.required(at.Child("volumeName"), "storageos.volumeName", "name the StorageOS volume")
		} else {
			c.dnsLabel(at.Child("volumeName"), "storageos volumeName", s.StorageOS.VolumeName)
		}
		if s.StorageOS.VolumeNamespace != "" {
			c.dnsLabel(at.Child("volumeNamespace"), "storageos volumeNamespace", s.StorageOS.VolumeNamespace)
		}
		if r := s.StorageOS.SecretRef; r != nil && r.Name == "" {
			c.required(at.Child("secretRef", "name"), "storageos.secretRef.name", "name the Secret")
		}
	case s.Ephemeral != nil:
		checkEphemeral(c, s.Ephemeral, vp.Child("ephemeral"))
	case s.CSI != nil:
		at := vp.Child("csi")
		c.written(at.Child("driver"), "csi.driver", s.CSI.Driver == "", "name the CSI driver, such as ebs.csi.aws.com")
		if s.CSI.Driver != "" {
			if len(s.CSI.Driver) > 63 {
				c.reportf(at.Child("driver"), true, "csi driver %q is longer than 63 characters", s.CSI.Driver)
			} else {
				c.dnsSubdomain(at.Child("driver"), "csi driver", strings.ToLower(s.CSI.Driver))
			}
		}
		if r := s.CSI.NodePublishSecretRef; r != nil {
			if r.Name == "" {
				c.required(at.Child("nodePublishSecretRef", "name"), "csi.nodePublishSecretRef.name", "name the Secret")
			} else if msgs := validation.IsDNS1123Subdomain(r.Name); len(msgs) > 0 {
				// The API server names csi.name for this (sic).
				c.reportf(at.Child("name"), false, "csi nodePublishSecretRef name %q is not a Secret name: %s", r.Name, labelProblem(r.Name, msgs))
			}
		}
	}
}

func checkISCSI(c volumeChecks, s *corev1.ISCSIVolumeSource, at fieldpath.Path) {
	if s.TargetPortal == "" {
		c.required(at.Child("targetPortal"), "iscsi.targetPortal", "give the target's address, such as 10.0.0.1:3260")
	}
	if s.IQN == "" {
		c.required(at.Child("iqn"), "iscsi.iqn", "give the target's iSCSI qualified name")
	} else {
		c.iscsiName(at.Child("iqn"), "iqn", s.IQN)
	}
	if s.Lun < 0 || s.Lun > 255 {
		c.reportf(at.Child("lun"), true, "iscsi lun %d must be from 0 to 255", s.Lun)
	}
	if (s.DiscoveryCHAPAuth || s.SessionCHAPAuth) && s.SecretRef == nil {
		c.required(at.Child("secretRef"), "iscsi.secretRef", "CHAP authentication needs the Secret with its credentials")
	}
	if s.InitiatorName != nil {
		c.iscsiName(at.Child("initiatorName"), "initiatorName", *s.InitiatorName)
	}
}

// maxISCSIInterface is how long "<volume name>:<targetPortal>" may be when
// the volume sets its own initiatorName: the kubelet names an iSCSI
// interface after it, and the API server refuses longer ones.
const maxISCSIInterface = 64

func checkAzureDisk(c volumeChecks, s *corev1.AzureDiskVolumeSource, at fieldpath.Path) {
	c.written(at.Child("diskName"), "azureDisk.diskName", s.DiskName == "", "name the data disk")
	c.written(at.Child("diskURI"), "azureDisk.diskURI", s.DataDiskURI == "", "give the data disk's URI")
	if m := s.CachingMode; m != nil && !slices.Contains(azureCachingModes, string(*m)) {
		c.reportf(at.Child("cachingMode"), true, "azureDisk cachingMode %q is not supported: use one of %s", *m, strings.Join(azureCachingModes, ", "))
	}
	// A kind left out is defaulted to Shared, a blob disk.
	kind := corev1.AzureSharedBlobDisk
	if s.Kind != nil {
		kind = *s.Kind
	}
	if !slices.Contains(azureDiskKinds, string(kind)) {
		c.reportf(at.Child("kind"), true, "azureDisk kind %q is not supported: use one of %s", kind, strings.Join(azureDiskKinds, ", "))
		return
	}
	if s.DataDiskURI == "" {
		return
	}
	switch {
	case kind == corev1.AzureManagedDisk && !strings.HasPrefix(s.DataDiskURI, "/subscriptions/"):
		c.reportf(at.Child("diskURI"), true, "azureDisk diskURI %q of a Managed disk must be /subscriptions/{sub-id}/resourcegroups/{group}/providers/microsoft.compute/disks/{disk}", s.DataDiskURI)
	case kind != corev1.AzureManagedDisk && !strings.HasPrefix(s.DataDiskURI, "https://"):
		c.reportf(at.Child("diskURI"), true, "azureDisk diskURI %q of a %s blob disk (the default kind is Shared) must be https://{account}.blob.core.windows.net/{container}/{disk}.vhd, or set kind: Managed for a managed disk", s.DataDiskURI, kind)
	}
}

// checkDownwardAPIFile checks one file of a downwardAPI volume or
// projection: its path, and what it exposes.
func checkDownwardAPIFile(c volumeChecks, f *corev1.DownwardAPIVolumeFile, at fieldpath.Path) {
	if f.Path == "" {
		c.required(at.Child("path"), "path", "name the file to write")
	}
	c.relativePath(at.Child("path"), "path", f.Path)
	switch {
	case f.FieldRef != nil && f.ResourceFieldRef != nil:
		c.reportf(at, false, "a downwardAPI file takes fieldRef or resourceFieldRef, not both: remove one")
	case f.FieldRef != nil:
		checkVolumeFieldRef(c, f.FieldRef, at.Child("fieldRef"))
	case f.ResourceFieldRef != nil:
		checkVolumeResourceFieldRef(c, f.ResourceFieldRef, at.Child("resourceFieldRef"))
	default:
		c.reportf(at, false, "a downwardAPI file needs fieldRef or resourceFieldRef: add one")
	}
	c.mode(at.Child("mode"), "mode", f.Mode)
}

func checkVolumeFieldRef(c volumeChecks, r *corev1.ObjectFieldSelector, at fieldpath.Path) {
	fp := at.Child("fieldPath")
	if r.FieldPath == "" {
		c.required(fp, "fieldRef.fieldPath", "name the pod field, such as metadata.labels")
		return
	}
	// An apiVersion left out is defaulted to v1.
	if r.APIVersion != "" && r.APIVersion != "v1" {
		c.reportf(at.Child("apiVersion"), true, "fieldRef apiVersion %q is not supported: use v1 or leave it out", r.APIVersion)
		return
	}
	// A key is written metadata.labels['key'], with the quotes; anything
	// else is looked up as a field name whole.
	if path, key, ok := subscripted(r.FieldPath); ok {
		if path != "metadata.annotations" && path != "metadata.labels" {
			c.reportf(fp, true, "fieldPath %q is not supported: only metadata.labels['key'] and metadata.annotations['key'] take a key", r.FieldPath)
			return
		}
		if path == "metadata.annotations" {
			key = strings.ToLower(key)
		}
		if msgs := qualifiedName(key); len(msgs) > 0 {
			c.reportf(fp, true, "fieldPath %q: the key is not a qualified name: %s", r.FieldPath, invalidBecause(msgs))
		}
		return
	}
	if !slices.Contains(downwardLabels, r.FieldPath) {
		hint := ""
		if strings.Contains(r.FieldPath, "[") {
			hint = " (a key is written with quotes: metadata.labels['key'])"
		}
		c.reportf(fp, true, "fieldPath %q is not a pod field a volume can expose%s: use one of %s", r.FieldPath, hint, strings.Join(volumeFieldPaths, ", "))
		return
	}
	if !slices.Contains(volumeFieldPaths, r.FieldPath) {
		c.reportf(fp, true, "fieldPath %q can be an environment variable but not a volume file: use one of %s", r.FieldPath, strings.Join(volumeFieldPaths, ", "))
	}
}

func checkVolumeResourceFieldRef(c volumeChecks, r *corev1.ResourceFieldSelector, at fieldpath.Path) {
	switch {
	case r.ContainerName == "":
		c.required(at.Child("containerName"), "resourceFieldRef.containerName", "name the container whose resource to expose")
	case r.Resource == "":
		c.required(at.Child("resource"), "resourceFieldRef.resource", "name the resource, such as limits.memory")
	case !slices.Contains(resourceFieldRefs, r.Resource) && !strings.HasPrefix(r.Resource, "requests.hugepages-") && !strings.HasPrefix(r.Resource, "limits.hugepages-"):
		c.reportf(at.Child("resource"), true, "resource %q is not supported%s: use one of %s", r.Resource, didYouMean(r.Resource, resourceFieldRefs), strings.Join(resourceFieldRefs, ", "))
	}
	if r.Divisor.IsZero() {
		return
	}
	d := r.Divisor.String()
	var allowed []string
	switch {
	case strings.HasSuffix(r.Resource, ".cpu"):
		allowed = cpuDivisors
	case strings.HasSuffix(r.Resource, ".memory"), strings.HasSuffix(r.Resource, ".ephemeral-storage"), strings.Contains(r.Resource, ".hugepages-"):
		allowed = byteDivisors
	default:
		return
	}
	if !slices.Contains(allowed, d) {
		c.reportf(at.Child("divisor"), true, "divisor %s is not supported for %s: use one of %s", d, r.Resource, strings.Join(allowed, ", "))
	}
}

// checkProjected checks a projected volume: each source has exactly one
// kind, and no two write the same file.
func checkProjected(c volumeChecks, s *corev1.ProjectedVolumeSource, at fieldpath.Path) {
	c.mode(at.Child("defaultMode"), "defaultMode", s.DefaultMode)
	paths := map[string]bool{}
	dup := func(pathAt fieldpath.Path, path string) {
		if path == "" {
			return
		}
		if paths[path] {
			c.reportf(pathAt, true, "two sources of the projected volume write %q: give each file its own path", path)
		}
		paths[path] = true
	}
	for i := range s.Sources {
		src := &s.Sources[i]
		sp := at.Child("sources").Index(i)
		n := 0
		if src.Secret != nil {
			n++
			if src.Secret.Name == "" {
				c.required(sp.Child("secret", "name"), "secret.name", "name the Secret")
			}
			c.items(sp.Child("secret", "items"), src.Secret.Items)
			for j, kp := range src.Secret.Items {
				dup(sp.Child("secret", "items").Index(j).Child("path"), kp.Path)
			}
		}
		if src.ConfigMap != nil {
			n++
			if src.ConfigMap.Name == "" {
				c.required(sp.Child("configMap", "name"), "configMap.name", "name the ConfigMap")
			}
			c.items(sp.Child("configMap", "items"), src.ConfigMap.Items)
			for j, kp := range src.ConfigMap.Items {
				dup(sp.Child("configMap", "items").Index(j).Child("path"), kp.Path)
			}
		}
		if src.DownwardAPI != nil {
			n++
			for j := range src.DownwardAPI.Items {
				fp := sp.Child("downwardAPI", "items").Index(j)
				checkDownwardAPIFile(c, &src.DownwardAPI.Items[j], fp)
				dup(fp.Child("path"), src.DownwardAPI.Items[j].Path)
			}
		}
		if t := src.ServiceAccountToken; t != nil {
			n++
			tp := sp.Child("serviceAccountToken")
			if e := t.ExpirationSeconds; e != nil && *e < 600 {
				c.reportf(tp.Child("expirationSeconds"), true, "serviceAccountToken expirationSeconds %d is less than 10 minutes: use 600 or more", *e)
			} else if e != nil && *e > 1<<32 {
				c.reportf(tp.Child("expirationSeconds"), true, "serviceAccountToken expirationSeconds %d is more than 2^32 seconds", *e)
			}
			if t.Path == "" {
				c.required(tp.Child("path"), "serviceAccountToken.path", "name the file to write the token to")
			} else {
				c.relativePath(tp.Child("path"), "path", t.Path)
			}
		}
		if b := src.ClusterTrustBundle; b != nil {
			n++
			checkClusterTrustBundle(c, b, sp.Child("clusterTrustBundle"))
			dup(sp.Child("clusterTrustBundle", "path"), b.Path)
		}
		if pc := src.PodCertificate; pc != nil {
			n++
			pp := sp.Child("podCertificate")
			checkSignerName(c, pp.Child("signerName"), pc.SignerName)
			if !slices.Contains(podCertKeyTypes, pc.KeyType) {
				c.reportf(pp.Child("keyType"), pc.KeyType != "", "podCertificate keyType %q is not supported: use one of %s", pc.KeyType, strings.Join(podCertKeyTypes, ", "))
			}
			if e := pc.MaxExpirationSeconds; e != nil {
				checkPodCertExpiration(c, pp.Child("maxExpirationSeconds"), pc.SignerName, *e)
			}
			if pc.UserAnnotations != nil {
				checkUserAnnotations(c, pp.Child("userAnnotations"), pc.UserAnnotations)
			}
			count := 0
			for _, f := range []struct{ name, value string }{
				{"credentialBundlePath", pc.CredentialBundlePath}, {"keyPath", pc.KeyPath}, {"certificateChainPath", pc.CertificateChainPath},
			} {
				if f.value == "" {
					continue
				}
				count++
				c.relativePath(pp.Child(f.name), f.name, f.value)
				dup(pp.Child(f.name), f.value)
			}
			if count == 0 {
				c.reportf(pp, false, "podCertificate needs at least one of credentialBundlePath, keyPath and certificateChainPath")
			}
		}
		if n > 1 {
			c.reportf(sp, false, "a projected source is one kind (secret, configMap, downwardAPI, serviceAccountToken, ...), and this one has %d: split it into separate sources", n)
		}
	}
}

// The longest certificate lifetimes a pod may ask for: 91 days, and one day
// from a kubernetes.io signer.
const (
	maxPodCertSeconds           = 91 * 24 * 60 * 60
	maxKubernetesPodCertSeconds = 24 * 60 * 60
)

func checkPodCertExpiration(c volumeChecks, at fieldpath.Path, signer string, e int32) {
	limit, why := maxPodCertSeconds, "91 days"
	if host, _, _ := strings.Cut(signer, "/"); host == "kubernetes.io" || strings.HasSuffix(host, ".kubernetes.io") {
		limit, why = maxKubernetesPodCertSeconds, "one day for a kubernetes.io signer"
	}
	switch {
	case e < 3600:
		c.reportf(at, true, "podCertificate maxExpirationSeconds %d is less than an hour: use 3600 or more", e)
	case int(e) > limit:
		c.reportf(at, true, "podCertificate maxExpirationSeconds %d is more than %s: use %d or less", e, why, limit)
	}
}

// checkUserAnnotations checks a podCertificate's userAnnotations, which
// the signer reads: each key (compared in lower case) is a label key with
// a domain prefix, such as example.com/purpose, and all of them fit the
// annotation size limit. The API server's error names the map.
func checkUserAnnotations(c volumeChecks, at fieldpath.Path, m map[string]string) {
	total := 0
	for _, k := range sortedKeys(m) {
		total += len(k) + len(m[k])
		key := strings.ToLower(k)
		if key == "" {
			c.reportf(at, false, "podCertificate userAnnotations has an empty key: use a domain-prefixed key such as example.com/purpose")
			continue
		}
		if msgs := qualifiedName(key); len(msgs) > 0 {
			c.reportf(at, false, "podCertificate userAnnotations key %q is not a valid label key: %s", k, labelProblem(key, msgs))
			continue
		}
		if strings.Count(key, "/") != 1 {
			c.reportf(at, false, "podCertificate userAnnotations key %q needs a domain prefix, such as example.com/%s", k, key)
		}
	}
	if total > maxAnnotationBytes {
		c.reportf(at, false, "podCertificate userAnnotations add up to %d bytes, over the limit of %d: pass large values another way", total, maxAnnotationBytes)
	}
}

func checkClusterTrustBundle(c volumeChecks, b *corev1.ClusterTrustBundleProjection, at fieldpath.Path) {
	switch {
	case b.Name != nil && b.SignerName != nil:
		c.reportf(at, false, "clusterTrustBundle takes name or signerName, not both: remove one")
	case b.Name != nil:
		if msgs := validation.IsDNS1123Subdomain(*b.Name); len(msgs) > 0 && !strings.Contains(*b.Name, ":") {
			c.reportf(at.Child("name"), true, "clusterTrustBundle name %q is not a valid object name: %s", *b.Name, labelProblem(*b.Name, msgs))
		}
		if b.LabelSelector != nil {
			c.reportf(at.Child("labelSelector"), false, "clusterTrustBundle labelSelector cannot be combined with name: remove it")
		}
	case b.SignerName != nil:
		checkSignerName(c, at.Child("signerName"), *b.SignerName)
		c.selector(b.LabelSelector, at.Child("labelSelector"), "clusterTrustBundle labelSelector")
	default:
		c.reportf(at, false, "clusterTrustBundle needs name or signerName: add one")
	}
	if b.Path == "" {
		c.required(at.Child("path"), "clusterTrustBundle.path", "name the file to write the bundle to")
	}
	c.relativePath(at.Child("path"), "path", b.Path)
}

// checkSignerName checks a certificate signer name: a domain of at least
// two DNS labels, one '/', and a path of DNS subdomains separated by dots
// (example.com/signer-name).
func checkSignerName(c volumeChecks, at fieldpath.Path, s string) {
	if s == "" {
		c.required(at, "signerName", "give a signer name such as example.com/signer-name")
		return
	}
	bad := func() {
		c.reportf(at, true, "signerName %q must be a fully qualified domain and a path, such as example.com/signer-name", s)
	}
	domain, path, ok := strings.Cut(s, "/")
	if !ok || strings.Contains(path, "/") || len(domain) > 253 || len(s) > 253+1+253+63+1 {
		bad()
		return
	}
	labels := strings.Split(domain, ".")
	if len(labels) < 2 {
		bad()
		return
	}
	for _, l := range labels {
		if len(validation.IsDNS1123Label(l)) > 0 {
			bad()
			return
		}
	}
	for _, l := range strings.Split(path, ".") {
		if len(validation.IsDNS1123Subdomain(l)) > 0 {
			bad()
			return
		}
	}
}

// selector reports a label selector's problems inside a volume, with the
// checks every other selector of the pod template gets.
func (c volumeChecks) selector(sel *metav1.LabelSelector, at fieldpath.Path, what string) {
	checkLabelSelector(reporter{c.p}, at, fmt.Sprintf("volume %q: %s", c.name, what), sel, false)
}

var (
	pvcAccessModes = []string{"ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"}
	pvcVolumeModes = []string{"Block", "Filesystem"}
)

// checkEphemeral checks a generic ephemeral volume's claim template: the
// spec of the PersistentVolumeClaim each pod gets.
func checkEphemeral(c volumeChecks, e *corev1.EphemeralVolumeSource, at fieldpath.Path) {
	if e.VolumeClaimTemplate == nil {
		c.required(at.Child("volumeClaimTemplate"), "ephemeral.volumeClaimTemplate", "give the PersistentVolumeClaim to create for each pod")
		return
	}
	checkClaimTemplateMeta(c, &e.VolumeClaimTemplate.ObjectMeta, at.Child("volumeClaimTemplate", "metadata"))
	sp := at.Child("volumeClaimTemplate", "spec")
	spec := &e.VolumeClaimTemplate.Spec
	if len(spec.AccessModes) == 0 {
		c.required(sp.Child("accessModes"), "accessModes", "give at least one, such as [ReadWriteOnce]")
	}
	c.selector(spec.Selector, sp.Child("selector"), "claim template selector")
	rwop, other := false, false
	for i, m := range spec.AccessModes {
		switch {
		case !slices.Contains(pvcAccessModes, string(m)):
			c.reportf(sp.Child("accessModes").Index(i), true, "access mode %q is not supported%s: use one of %s", m, didYouMean(string(m), pvcAccessModes), strings.Join(pvcAccessModes, ", "))
		case m == corev1.ReadWriteOncePod:
			rwop = true
		default:
			other = true
		}
	}
	if rwop && other {
		c.reportf(sp.Child("accessModes"), false, "ReadWriteOncePod cannot be combined with other access modes: keep it alone")
	}
	// The storage request is invalid-resources' to check.
	if n := spec.StorageClassName; n != nil && *n != "" {
		c.dnsSubdomain(sp.Child("storageClassName"), "storageClassName", *n)
	}
	if n := spec.VolumeAttributesClassName; n != nil && *n != "" {
		c.dnsSubdomain(sp.Child("volumeAttributesClassName"), "volumeAttributesClassName", *n)
	}
	if m := spec.VolumeMode; m != nil && !slices.Contains(pvcVolumeModes, string(*m)) {
		c.reportf(sp.Child("volumeMode"), true, "volumeMode %q is not supported: use Block or Filesystem", *m)
	}
	if ds := spec.DataSource; ds != nil {
		checkDataSource(c, sp.Child("dataSource"), ds.Name, ds.Kind, ds.APIGroup)
	}
	if ds := spec.DataSourceRef; ds != nil {
		checkDataSource(c, sp.Child("dataSourceRef"), ds.Name, ds.Kind, ds.APIGroup)
		if ns := ds.Namespace; ns != nil && *ns != "" {
			c.dnsLabel(sp.Child("dataSourceRef", "namespace"), "dataSourceRef namespace", *ns)
		}
	}
}

// checkClaimTemplateMeta reports the metadata fields of a claim template
// other than labels and annotations (whose format invalid-label and
// invalid-annotation-key check): the claim's name is the pod's name and
// the volume's, its namespace the pod's, and the API server refuses any
// other field set to a value.
func checkClaimTemplateMeta(c volumeChecks, m *metav1.ObjectMeta, at fieldpath.Path) {
	rv := reflect.ValueOf(*m)
	rt := rv.Type()
	for i := 0; i < rt.NumField(); i++ {
		name, _, _ := strings.Cut(rt.Field(i).Tag.Get("json"), ",")
		if name == "labels" || name == "annotations" || name == "" || rv.Field(i).IsZero() {
			continue
		}
		c.reportf(at.Child(name), false, "a claim template's metadata.%s cannot be set (only labels and annotations can; the claim is named <pod>-<volume>): remove it", name)
	}
}

func checkDataSource(c volumeChecks, at fieldpath.Path, name, kind string, apiGroup *string) {
	if name == "" {
		c.required(at.Child("name"), "name", "name the object to populate the claim from")
	}
	if kind == "" {
		c.required(at.Child("kind"), "kind", "give the kind of the object, such as VolumeSnapshot")
	}
	group := ""
	if apiGroup != nil {
		group = *apiGroup
	}
	if group == "" && kind != "PersistentVolumeClaim" {
		c.reportf(at, false, "a data source in the core group must be a PersistentVolumeClaim, not %q: set apiGroup (snapshot.storage.k8s.io for a VolumeSnapshot)", kind)
	}
	if group != "" {
		c.dnsSubdomain(at.Child("apiGroup"), "apiGroup", group)
	}
}
