package spec

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

func TestParsePort(t *testing.T) {
	tests := []struct {
		in      string
		want    corev1.ContainerPort
		wantErr string
	}{
		{"9100", corev1.ContainerPort{ContainerPort: 9100}, ""},
		{"metrics:9100", corev1.ContainerPort{Name: "metrics", ContainerPort: 9100}, ""},
		{"dns:53/udp", corev1.ContainerPort{Name: "dns", ContainerPort: 53, Protocol: corev1.ProtocolUDP}, ""},
		{"53/SCTP", corev1.ContainerPort{ContainerPort: 53, Protocol: corev1.ProtocolSCTP}, ""},
		{"metrics:0", corev1.ContainerPort{}, "not between 1 and 65535"},
		{"metrics:65536", corev1.ContainerPort{}, "not between 1 and 65535"},
		{"metrics", corev1.ContainerPort{}, `"metrics" is not a port number`},
		{":80", corev1.ContainerPort{}, "name before ':' is empty"},
		{"a:80/http", corev1.ContainerPort{}, `unknown protocol "http"`},
		{"a:b:80", corev1.ContainerPort{}, `"b:80" is not a port number`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parsePort(tt.in)
			checkErr(t, err, tt.wantErr)
			if tt.wantErr == "" && got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func checkErr(t *testing.T, err error, want string) {
	t.Helper()
	switch {
	case want == "" && err != nil:
		t.Fatalf("unexpected error: %v", err)
	case want != "" && err == nil:
		t.Fatalf("no error, want one containing %q", want)
	case want != "" && !strings.Contains(err.Error(), want):
		t.Fatalf("error %q does not contain %q", err, want)
	}
}

func TestParseHostMount(t *testing.T) {
	ro, rw := true, false
	hostToContainer, bidi := corev1.MountPropagationHostToContainer, corev1.MountPropagationBidirectional
	tests := []struct {
		in      string
		want    hostMount
		wantErr string
	}{
		{"/:/host", hostMount{host: "/", container: "/host"}, ""},
		{"/:/host:ro", hostMount{host: "/", container: "/host", readOnly: &ro}, ""},
		{"/a:/b:rw:Bidirectional", hostMount{host: "/a", container: "/b", readOnly: &rw, propagation: &bidi}, ""},
		{"/a:/b:ro,rslave", hostMount{host: "/a", container: "/b", readOnly: &ro, propagation: &hostToContainer}, ""},
		{"/s.sock:/s.sock:Socket", hostMount{host: "/s.sock", container: "/s.sock", typ: corev1.HostPathSocket}, ""},
		{"/a", hostMount{}, "want HOST:CONTAINER"},
		{"a:/b", hostMount{}, "must be absolute"},
		{"/a:b", hostMount{}, "must be absolute"},
		{"/a:/b:RO", hostMount{}, `unknown option "RO" (did you mean "ro"?)`},
		{"/a:/b:rw:ro", hostMount{}, "given twice"},
		{"/a:/b:rshared:None", hostMount{}, "more than one mount propagation"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parseHostMount(tt.in)
			checkErr(t, err, tt.wantErr)
			if tt.wantErr == "" && !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestParseToleration(t *testing.T) {
	tests := []struct {
		in      string
		want    corev1.Toleration
		wantErr string
	}{
		{"everywhere", corev1.Toleration{Operator: corev1.TolerationOpExists}, ""},
		{"control-plane", corev1.Toleration{Key: "node-role.kubernetes.io/control-plane", Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoSchedule}, ""},
		{"dedicated=agents:NoSchedule", corev1.Toleration{Key: "dedicated", Operator: corev1.TolerationOpEqual, Value: "agents", Effect: corev1.TaintEffectNoSchedule}, ""},
		{"nvidia.com/gpu:NoSchedule", corev1.Toleration{Key: "nvidia.com/gpu", Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoSchedule}, ""},
		{"dedicated", corev1.Toleration{Key: "dedicated", Operator: corev1.TolerationOpExists}, ""},
		{"everywere", corev1.Toleration{}, `did you mean "everywhere"`},
		{"a:NoScheduled", corev1.Toleration{}, `did you mean "NoSchedule"`},
		{"a b", corev1.Toleration{}, "is not valid"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parseToleration(tt.in)
			checkErr(t, err, tt.wantErr)
			if tt.wantErr == "" && got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestParseSelectorTerm(t *testing.T) {
	tests := []struct {
		in, want, wantErr string
	}{
		{"a=b", "a In [b]", ""},
		{"a in (x,y),!b", "a In [x y]; b DoesNotExist []", ""},
		{"a!=b,c", "a NotIn [b]; c Exists []", ""},
		{"gen>3", "gen Gt [3]", ""},
		{"a in (b", "", "invalid node selector"},
		{"", "", "selects nothing"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parseSelectorTerm(tt.in)
			checkErr(t, err, tt.wantErr)
			if tt.wantErr != "" {
				return
			}
			var parts []string
			for _, e := range got.MatchExpressions {
				parts = append(parts, fmt.Sprintf("%s %s %v", e.Key, e.Operator, e.Values))
			}
			if s := strings.Join(parts, "; "); s != tt.want {
				t.Errorf("got %s, want %s", s, tt.want)
			}
		})
	}
}

func TestParsePolicyRules(t *testing.T) {
	tests := []struct {
		in      string
		cluster bool
		want    string
		wantErr string
	}{
		{"get,list pods,nodes", true, `[{"apiGroups":[""],"resources":["pods","nodes"],"verbs":["get","list"]}]`, ""},
		{"get deployments.apps/scale,pods", true, `[{"apiGroups":["apps"],"resources":["deployments/scale"],"verbs":["get"]},{"apiGroups":[""],"resources":["pods"],"verbs":["get"]}]`, ""},
		{"get /metrics", true, `[{"nonResourceURLs":["/metrics"],"verbs":["get"]}]`, ""},
		{"get /metrics", false, "", "only allowed in clusterRules"},
		{"get", true, "", "want \"VERBS RESOURCES\""},
		{"lsit pods", true, "", `did you mean "list"`},
		{"get pods,", true, "", "empty resource"},
		{"frobnicate widgets.example.com", true, `[{"apiGroups":["example.com"],"resources":["widgets"],"verbs":["frobnicate"]}]`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parsePolicyRules(tt.in, tt.cluster)
			checkErr(t, err, tt.wantErr)
			if tt.wantErr != "" {
				return
			}
			b, _ := yaml.Marshal(got)
			j, _ := yaml.YAMLToJSON(b)
			if string(j) != tt.want {
				t.Errorf("got %s, want %s", j, tt.want)
			}
		})
	}
}

func TestParseHTTPProbe(t *testing.T) {
	tests := []struct{ in, path, port, wantErr string }{
		{"/healthz:8080", "/healthz", "8080", ""},
		{"/healthz:http", "/healthz", "http", ""},
		{"/healthz", "/healthz", "", ""},
		{":8080", "/", "8080", ""},
		{"/a:b:9000", "/a:b", "9000", ""},
		{"healthz", "", "", "must start with /"},
		{"/x:", "", "", "nothing after"},
		{"/x:99999", "", "", "not between 1 and 65535"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			path, port, err := parseHTTPProbe(tt.in)
			checkErr(t, err, tt.wantErr)
			if tt.wantErr == "" && (path != tt.path || port != tt.port) {
				t.Errorf("got %q %q, want %q %q", path, port, tt.path, tt.port)
			}
		})
	}
}

func TestSuggest(t *testing.T) {
	cands := []string{"hostNetwork", "hostPID", "hostIPC", "image", "imagePullPolicy"}
	for in, want := range map[string]string{
		"hostNetwrok": "hostNetwork", "hostnetwork": "hostNetwork", "imgae": "image",
		"hostPid": "hostPID", "imagePullPolcy": "imagePullPolicy", "zzz": "", "completelydifferent": "",
	} {
		if got := suggestOne(in, cands); got != want {
			t.Errorf("suggestOne(%q) = %q, want %q", in, got, want)
		}
	}
}
