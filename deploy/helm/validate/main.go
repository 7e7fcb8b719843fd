// Command validate-manifests reads rendered Kubernetes manifests (a multi-document YAML stream, as
// `helm template` prints) from stdin and decodes every object strictly into its Kubernetes API type:
// an unknown or misspelt field, a wrong type or an unsupported kind fails the run, naming the
// object and the field. It stands in for a cluster's API server in CI.
//
// Usage: helm template ... | validate-manifests [-env-json FILE]
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"sigs.k8s.io/yaml"
)

// kinds maps apiVersion/kind to a fresh value of its API type; a kind the chart renders must be here.
var kinds = map[string]func() any{
	"v1/ConfigMap":                            func() any { return &corev1.ConfigMap{} },
	"v1/Secret":                               func() any { return &corev1.Secret{} },
	"v1/Service":                              func() any { return &corev1.Service{} },
	"v1/ServiceAccount":                       func() any { return &corev1.ServiceAccount{} },
	"apps/v1/Deployment":                      func() any { return &appsv1.Deployment{} },
	"batch/v1/Job":                            func() any { return &batchv1.Job{} },
	"policy/v1/PodDisruptionBudget":           func() any { return &policyv1.PodDisruptionBudget{} },
	"autoscaling/v2/HorizontalPodAutoscaler":  func() any { return &autoscalingv2.HorizontalPodAutoscaler{} },
	"monitoring.coreos.com/v1/ServiceMonitor": func() any { return &ServiceMonitor{} },
}

type header struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name string `json:"name"`
	} `json:"metadata"`
}

func main() {
	envOut := flag.String("env-json", "", "also write the environment the pods get from every ConfigMap and Secret (decoded) to this file, as JSON")
	flag.Parse()
	env := map[string]string{}
	docs, err := splitDocuments(os.Stdin)
	if err != nil {
		fail("reading stdin: %v", err)
	}
	counts := map[string]int{}
	problems := 0
	for i, doc := range docs {
		var h header
		if err := yaml.Unmarshal(doc.body, &h); err != nil {
			fmt.Fprintf(os.Stderr, "%s (document %d): not YAML: %v\n", doc.source, i+1, err)
			problems++
			continue
		}
		if h.Kind == "" && h.APIVersion == "" {
			continue // an empty document, e.g. a template rendered to nothing
		}
		key := h.APIVersion + "/" + h.Kind
		newObject, known := kinds[key]
		if !known {
			fmt.Fprintf(os.Stderr, "%s: %s %q: kind not known to the validator\n", doc.source, key, h.Metadata.Name)
			problems++
			continue
		}
		object := newObject()
		if err := yaml.UnmarshalStrict(doc.body, object); err != nil {
			fmt.Fprintf(os.Stderr, "%s: %s %q: %v\n", doc.source, key, h.Metadata.Name, err)
			problems++
			continue
		}
		switch o := object.(type) {
		case *corev1.ConfigMap:
			for k, v := range o.Data {
				env[k] = v
			}
		case *corev1.Secret:
			for k, v := range o.Data {
				env[k] = string(v)
			}
			for k, v := range o.StringData {
				env[k] = v
			}
		}
		if h.Metadata.Name == "" {
			fmt.Fprintf(os.Stderr, "%s: %s: metadata.name is empty\n", doc.source, key)
			problems++
			continue
		}
		counts[h.Kind]++
	}
	if problems > 0 {
		fail("%d of %d objects failed validation", problems, len(docs))
	}
	total := 0
	parts := []string{}
	for kind, n := range counts {
		total += n
		parts = append(parts, fmt.Sprintf("%s=%d", kind, n))
	}
	if total == 0 {
		fail("no Kubernetes objects on stdin")
	}
	if *envOut != "" {
		out, _ := json.MarshalIndent(env, "", "  ")
		if err := os.WriteFile(*envOut, out, 0o600); err != nil {
			fail("writing %s: %v", *envOut, err)
		}
	}
	fmt.Printf("validate-manifests: %d objects valid (%s)\n", total, strings.Join(sortStrings(parts), " "))
}

type document struct {
	source string
	body   []byte
}

// splitDocuments cuts a YAML stream at `---` lines, remembering helm's `# Source:` comment of each.
func splitDocuments(r io.Reader) ([]document, error) {
	var docs []document
	var current bytes.Buffer
	source := "stdin"
	flush := func() {
		if strings.TrimSpace(current.String()) != "" {
			docs = append(docs, document{source: source, body: append([]byte(nil), current.Bytes()...)})
		}
		current.Reset()
	}
	scanner := bufio.NewScanner(r)
	scanner.Buffer(make([]byte, 1024*1024), 16*1024*1024)
	for scanner.Scan() {
		line := scanner.Text()
		if strings.TrimRight(line, " ") == "---" {
			flush()
			source = "stdin"
			continue
		}
		if strings.HasPrefix(line, "# Source: ") {
			source = strings.TrimPrefix(line, "# Source: ")
		}
		current.WriteString(line)
		current.WriteByte('\n')
	}
	flush()
	return docs, scanner.Err()
}

func sortStrings(s []string) []string {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
	return s
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "validate-manifests: "+format+"\n", args...)
	os.Exit(1)
}
