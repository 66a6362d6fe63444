package conformance

import (
	"bytes"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	yaml "go.yaml.in/yaml/v3"

	"github.com/everynode/everynode/conformance/oracle"
	"github.com/everynode/everynode/conformance/suite"
)

// TestAgainstAPIServer checks the oracle against a real kube-apiserver
// v1.37.2 on a sample of the cases: each is sent as kubectl would send it
// to create it, with server-side dry run, and the verdicts (and the first
// error's field) are compared. It runs only when CONFORMANCE_APISERVER is
// the URL of an API server that needs no credentials, such as
// `kubectl proxy` in front of a throwaway cluster:
//
//	eval "$(CLUSTER/up.sh STATE)"; kubectl proxy --port 8001 &
//	CONFORMANCE_APISERVER=http://127.0.0.1:8001 go test -run TestAgainstAPIServer .
//
// It writes what it found to testdata/apiserver-crosscheck.txt, which the
// report quotes.
func TestAgainstAPIServer(t *testing.T) {
	base := os.Getenv("CONFORMANCE_APISERVER")
	if base == "" {
		t.Skip("CONFORMANCE_APISERVER is not set (see the test's doc)")
	}
	s := theSuite(t)
	sample := crossCheckSample(s)
	client := &http.Client{Timeout: 30 * time.Second}
	var version struct {
		GitVersion string `json:"gitVersion"`
	}
	if err := getJSON(client, base+"/version", &version); err != nil {
		t.Fatal(err)
	}
	for _, ns := range namespacesOf(sample) {
		body := fmt.Sprintf(`{"apiVersion":"v1","kind":"Namespace","metadata":{"name":%q}}`, ns)
		resp, err := client.Post(base+"/api/v1/namespaces", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	type diff struct{ id, oracle, server string }
	var verdictDiffs, fieldDiffs []diff
	rejected, fieldCompared := 0, 0
	clientOnly := 0
	for _, r := range sample {
		if r.K8s.Stage == oracle.StageClient {
			// kubectl refuses these before the API server sees them.
			clientOnly++
			continue
		}
		sv, err := serverVerdict(client, base, r.Case.Data)
		if err != nil {
			t.Fatalf("%s: %v", r.Case.ID, err)
		}
		ov := "accepted"
		if !r.K8s.Accepted() {
			ov = "rejected: " + r.K8s.First().String()
		}
		if sv.accepted != r.K8s.Accepted() {
			verdictDiffs = append(verdictDiffs, diff{r.Case.ID, ov, sv.String()})
			continue
		}
		if sv.accepted {
			continue
		}
		rejected++
		if r.K8s.Stage == oracle.StageValidate {
			fieldCompared++
			// Errors on different keys of one map come in any order.
			if suite.NormalizePath(sv.field) != suite.NormalizePath(r.K8s.First().Field) {
				fieldDiffs = append(fieldDiffs, diff{r.Case.ID, ov, sv.String()})
			}
		}
	}
	podChecked, podAgree, podDiffs := checkPods(t, client, base, s)
	var b strings.Builder
	fmt.Fprintf(&b, "# The oracle against a real kube-apiserver (%s), POST with dryRun=All and\n", version.GitVersion)
	fmt.Fprintf(&b, "# fieldValidation=Strict, application/yaml; written by TestAgainstAPIServer.\n")
	fmt.Fprintf(&b, "cases: %d (%d rejected by both; %d not sent: without apiVersion or kind, kubectl refuses them)\n", len(sample), rejected, clientOnly)
	fmt.Fprintf(&b, "verdicts agree: %d of %d\n", len(sample)-clientOnly-len(verdictDiffs), len(sample)-clientOnly)
	fmt.Fprintf(&b, "first error's field agrees (map keys and indices as [*]): %d of %d validation rejections\n", fieldCompared-len(fieldDiffs), fieldCompared)
	fmt.Fprintf(&b, "DaemonSets the oracle accepts but whose pods it refuses, created for real: the controller's pods are refused (FailedCreate) for %d of %d\n", podAgree, podChecked)
	for _, d := range verdictDiffs {
		fmt.Fprintf(&b, "verdict differs: %s\n  oracle: %s\n  server: %s\n", d.id, d.oracle, d.server)
	}
	for _, d := range podDiffs {
		fmt.Fprintf(&b, "pods differ: %s\n", d)
	}
	for _, d := range fieldDiffs {
		fmt.Fprintf(&b, "field differs: %s\n  oracle: %s\n  server: %s\n", d.id, d.oracle, d.server)
	}
	root, err := suite.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	if err := writeFile(filepath.Join(root, filepath.FromSlash(suite.CrossCheckFile)), []byte(b.String())); err != nil {
		t.Fatal(err)
	}
	t.Log(b.String())
	for _, d := range verdictDiffs {
		t.Errorf("%s: oracle %s, server %s", d.id, d.oracle, d.server)
	}
}

// checkPods creates, for real, every DaemonSet the oracle accepts but
// whose pods it refuses, with a Node it selects, and waits for the
// DaemonSet controller to fail to create the pod (a FailedCreate event
// naming the field of the oracle's pod error). It needs the DaemonSet
// controller; it creates the namespaces, service accounts and nodes.
func checkPods(t *testing.T, client *http.Client, base string, s *suite.Suite) (checked, agree int, diffs []string) {
	var rs []suite.Result
	for _, r := range s.Results {
		if r.K8s.Accepted() && len(r.K8s.PodErrors) > 0 {
			rs = append(rs, r)
		}
	}
	post := func(u, body string) int {
		resp, err := client.Post(base+u, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	del := func(u string) {
		req, _ := http.NewRequest(http.MethodDelete, base+u, nil)
		if resp, err := client.Do(req); err == nil {
			resp.Body.Close()
		}
	}
	// Namespaces and service accounts first: the ServiceAccount admission
	// plugin reads them from a cache, which needs a moment.
	for _, r := range rs {
		ns := namespaceOf(r.Case.Data)
		post("/api/v1/namespaces", fmt.Sprintf(`{"apiVersion":"v1","kind":"Namespace","metadata":{"name":%q}}`, ns))
		if sa := serviceAccountOf(r.Case.Data); sa != "" {
			post("/api/v1/namespaces/"+ns+"/serviceaccounts", fmt.Sprintf(`{"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":%q}}`, sa))
		}
		// The RuntimeClass admission plugin needs the class to exist.
		if rc := runtimeClassOf(r.Case.Data); rc != "" {
			post("/apis/node.k8s.io/v1/runtimeclasses", fmt.Sprintf(`{"apiVersion":"node.k8s.io/v1","kind":"RuntimeClass","metadata":{"name":%q},"handler":"runc"}`, rc))
		}
	}
	time.Sleep(2 * time.Second)
	for _, r := range rs {
		checked++
		h := fnv.New32a()
		h.Write([]byte(r.Case.ID))
		name := fmt.Sprintf("xc-%08x", h.Sum32())
		data, ok := renamed(r.Case.Data, name)
		if !ok {
			diffs = append(diffs, r.Case.ID+": cannot rename")
			continue
		}
		node, _ := json.Marshal(map[string]any{"apiVersion": "v1", "kind": "Node",
			"metadata": map[string]any{"name": name, "labels": nodeLabels(r.Case.Data, name)}})
		post("/api/v1/nodes", string(node))
		ns := namespaceOf(r.Case.Data)
		dsURL := fmt.Sprintf("/apis/apps/v1/namespaces/%s/daemonsets", ns)
		resp, err := client.Post(base+dsURL, "application/yaml", bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode/100 != 2 {
			diffs = append(diffs, fmt.Sprintf("%s: the server refuses the DaemonSet itself (%s)", r.Case.ID, resp.Status))
			del("/api/v1/nodes/" + name)
			continue
		}
		want := r.K8s.PodErrors[0].Field
		last := ""
		for range 60 {
			var events struct {
				Items []struct {
					Reason  string `json:"reason"`
					Message string `json:"message"`
				} `json:"items"`
			}
			q := url.Values{"fieldSelector": {"involvedObject.name=" + name}}
			if err := getJSON(client, fmt.Sprintf("%s/api/v1/namespaces/%s/events?%s", base, ns, q.Encode()), &events); err == nil {
				for _, e := range events.Items {
					if e.Reason == "FailedCreate" {
						last = e.Message
					}
				}
			}
			if strings.Contains(last, want) {
				break
			}
			time.Sleep(500 * time.Millisecond)
		}
		del(dsURL + "/" + name)
		del("/api/v1/nodes/" + name)
		if strings.Contains(last, want) {
			agree++
		} else {
			diffs = append(diffs, fmt.Sprintf("%s: oracle: %s; controller: %q", r.Case.ID, r.K8s.PodErrors[0], last))
		}
	}
	return checked, agree, diffs
}

// nodeLabels are labels of a node the DaemonSet selects: its node
// selector, and the first required node-affinity term's In and Exists
// expressions.
func nodeLabels(data []byte, name string) map[string]string {
	labels := map[string]string{"kubernetes.io/os": "linux", "kubernetes.io/hostname": name}
	var v struct {
		Spec struct {
			Template struct {
				Spec struct {
					NodeSelector map[string]string `yaml:"nodeSelector"`
					Affinity     struct {
						NodeAffinity struct {
							Required struct {
								Terms []struct {
									Exprs []struct {
										Key      string   `yaml:"key"`
										Operator string   `yaml:"operator"`
										Values   []string `yaml:"values"`
									} `yaml:"matchExpressions"`
								} `yaml:"nodeSelectorTerms"`
							} `yaml:"requiredDuringSchedulingIgnoredDuringExecution"`
						} `yaml:"nodeAffinity"`
					} `yaml:"affinity"`
				} `yaml:"spec"`
			} `yaml:"template"`
		} `yaml:"spec"`
	}
	if yaml.Unmarshal(data, &v) != nil {
		return labels
	}
	for k, val := range v.Spec.Template.Spec.NodeSelector {
		labels[k] = val
	}
	if terms := v.Spec.Template.Spec.Affinity.NodeAffinity.Required.Terms; len(terms) > 0 {
		for _, e := range terms[0].Exprs {
			switch {
			case e.Operator == "In" && len(e.Values) > 0:
				labels[e.Key] = e.Values[0]
			case e.Operator == "Exists":
				labels[e.Key] = "true"
			}
		}
	}
	return labels
}

// serviceAccountOf is the pod template's service account ("" for none).
func serviceAccountOf(data []byte) string {
	var v struct {
		Spec struct {
			Template struct {
				Spec struct {
					ServiceAccountName string `yaml:"serviceAccountName"`
					ServiceAccount     string `yaml:"serviceAccount"`
				} `yaml:"spec"`
			} `yaml:"template"`
		} `yaml:"spec"`
	}
	if yaml.Unmarshal(data, &v) != nil {
		return ""
	}
	if v.Spec.Template.Spec.ServiceAccountName != "" {
		return v.Spec.Template.Spec.ServiceAccountName
	}
	return v.Spec.Template.Spec.ServiceAccount
}

// runtimeClassOf is the pod template's runtime class ("" for none).
func runtimeClassOf(data []byte) string {
	var v struct {
		Spec struct {
			Template struct {
				Spec struct {
					RuntimeClassName string `yaml:"runtimeClassName"`
				} `yaml:"spec"`
			} `yaml:"template"`
		} `yaml:"spec"`
	}
	if yaml.Unmarshal(data, &v) != nil {
		return ""
	}
	return v.Spec.Template.Spec.RuntimeClassName
}

// renamed returns data with metadata.name set to name.
func renamed(data []byte, name string) ([]byte, bool) {
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) != nil || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, false
	}
	m := doc.Content[0]
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == "metadata" && m.Content[i+1].Kind == yaml.MappingNode {
			md := m.Content[i+1]
			for j := 0; j+1 < len(md.Content); j += 2 {
				if md.Content[j].Value == "name" {
					md.Content[j+1].Value = name
					out, err := yaml.Marshal(&doc)
					return out, err == nil
				}
			}
		}
	}
	return nil, false
}

// crossCheckSample picks a few hundred cases, valid and invalid: every
// base, the scenarios of two bases, one mutation in 60 (by a hash of its
// ID) and every eighth manifest of the repository.
func crossCheckSample(s *suite.Suite) []suite.Result {
	var out []suite.Result
	for _, r := range s.Results {
		h := fnv.New32a()
		h.Write([]byte(r.Case.ID))
		switch r.Case.Source {
		case suite.SourceBase:
			out = append(out, r)
		case suite.SourceScenario:
			if strings.HasPrefix(r.Case.ID, "cni-agent:") || strings.HasPrefix(r.Case.ID, "security-agent:") || strings.HasPrefix(r.Case.ID, "windows-exporter:") {
				out = append(out, r)
			}
		case suite.SourceMutation:
			if h.Sum32()%60 == 0 {
				out = append(out, r)
			}
		case suite.SourceCorpus:
			// The hand-written cases all: they are there to combine what
			// the mutations do not, and the oracle must be right on them.
			if h.Sum32()%8 == 0 || strings.Contains(r.Case.ID, "conformance/testdata/cases/") {
				out = append(out, r)
			}
		}
	}
	return out
}

// namespaceOf is the namespace kubectl sends an object to.
func namespaceOf(data []byte) string {
	var v struct {
		Metadata struct {
			Namespace string `yaml:"namespace"`
		} `yaml:"metadata"`
	}
	if yaml.Unmarshal(data, &v) != nil || v.Metadata.Namespace == "" {
		return oracle.DefaultNamespace
	}
	return v.Metadata.Namespace
}

func namespacesOf(rs []suite.Result) []string {
	var out []string
	for _, r := range rs {
		if ns := namespaceOf(r.Case.Data); !slices.Contains(out, ns) {
			out = append(out, ns)
		}
	}
	slices.Sort(out)
	return out
}

type apiVerdict struct {
	accepted bool
	code     int
	field    string
	message  string
}

func (v apiVerdict) String() string {
	if v.accepted {
		return "accepted"
	}
	if v.field != "" {
		return fmt.Sprintf("rejected (%d): %s: %s", v.code, v.field, v.message)
	}
	return fmt.Sprintf("rejected (%d): %s", v.code, v.message)
}

func serverVerdict(client *http.Client, base string, data []byte) (apiVerdict, error) {
	u := fmt.Sprintf("%s/apis/apps/v1/namespaces/%s/daemonsets?dryRun=All&fieldValidation=Strict", base, url.PathEscape(namespaceOf(data)))
	resp, err := client.Post(u, "application/yaml", bytes.NewReader(data))
	if err != nil {
		return apiVerdict{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return apiVerdict{}, err
	}
	if resp.StatusCode/100 == 2 {
		return apiVerdict{accepted: true, code: resp.StatusCode}, nil
	}
	var st struct {
		Message string `json:"message"`
		Details struct {
			Causes []struct {
				Field   string `json:"field"`
				Message string `json:"message"`
			} `json:"causes"`
		} `json:"details"`
	}
	v := apiVerdict{code: resp.StatusCode}
	if json.Unmarshal(body, &st) == nil {
		v.message = st.Message
		if len(st.Details.Causes) > 0 {
			v.field = st.Details.Causes[0].Field
			v.message = st.Details.Causes[0].Message
		}
	} else {
		v.message = string(body)
	}
	if len(v.message) > 300 {
		v.message = v.message[:300] + "..."
	}
	return v, nil
}

func getJSON(client *http.Client, u string, v any) error {
	resp, err := client.Get(u)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}
