// ksit-kstatus: what a GitOps tool built on kstatus (sigs.k8s.io/cli-utils, which Flux uses for its health checks)
// concludes about Kubernetes objects. Reads one object or a List as JSON on stdin (`kubectl get ... -o json`) and
// prints one JSON line per object: {"kind", "namespace", "name", "status", "message"}, where status is kstatus's
// Current, InProgress, Failed, Terminating, NotFound or Unknown. Built by deploy/local/tools.sh (kstatus).
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"
)

type result struct {
	Kind      string `json:"kind"`
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	Status    string `json:"status"`
	Message   string `json:"message"`
}

func main() {
	input, err := io.ReadAll(os.Stdin)
	if err != nil {
		fail("reading stdin: %v", err)
	}
	// UnmarshalJSON keeps integers as int64, as the API machinery does (plain encoding/json would make them float64,
	// which kstatus refuses for metadata.generation).
	doc := &unstructured.Unstructured{}
	if err := doc.UnmarshalJSON(input); err != nil {
		fail("stdin is not one Kubernetes object or List as JSON (kubectl get ... -o json): %v", err)
	}
	objects := []unstructured.Unstructured{*doc}
	if doc.IsList() {
		list, err := doc.ToList()
		if err != nil {
			fail("reading the List: %v", err)
		}
		objects = list.Items
	}
	out := json.NewEncoder(os.Stdout)
	for i := range objects {
		u := &objects[i]
		r := result{Kind: u.GetKind(), Namespace: u.GetNamespace(), Name: u.GetName()}
		computed, err := status.Compute(u)
		if err != nil {
			r.Status, r.Message = "Unknown", err.Error()
		} else {
			r.Status, r.Message = computed.Status.String(), computed.Message
		}
		if err := out.Encode(r); err != nil {
			fail("writing: %v", err)
		}
	}
}

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "ksit-kstatus: "+format+"\n", args...)
	os.Exit(2)
}
