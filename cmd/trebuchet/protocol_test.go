package main

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"
	"connectrpc.com/grpchealth"
	"connectrpc.com/grpcreflect"

	trebuchetv1 "github.com/trebuchet-dev/trebuchet/spec/gen/go/trebuchet/v1"
	"github.com/trebuchet-dev/trebuchet/spec/gen/go/trebuchet/v1/trebuchetv1connect"
	"github.com/trebuchet-dev/trebuchet/spec/transport"
)

// readmeExample returns the shell command in the README block that follows
// the marker comment.
func readmeExample(t *testing.T, marker string) string {
	t.Helper()
	readme := string(readFile(t, "../../README.md"))
	m := regexp.MustCompile("(?s)<!-- " + marker + " -->\\s*```(?:sh|bash)?\\n(.*?)```").FindStringSubmatch(readme)
	if m == nil {
		t.Fatalf("README has no example after <!-- %s -->", marker)
	}
	return m[1]
}

// TestCurlExample runs the README's curl command, which posts Connect JSON to
// ExecutePlan, against a standalone server.
func TestCurlExample(t *testing.T) {
	for _, tool := range []string{"curl", "jq"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is needed to run the README's example: %v", tool, err)
		}
	}
	_, addr := startStandalone(t)
	cmd := strings.ReplaceAll(readmeExample(t, "curl-example"), "127.0.0.1:50050", addr)
	sh := exec.Command("bash", "-eo", "pipefail", "-c", cmd)
	sh.Dir = "../.."
	sh.Stderr = os.Stderr
	out, err := sh.Output()
	if err != nil {
		t.Fatalf("%s\n%v\n%s", cmd, err, out)
	}
	var resp struct {
		JobID   string `json:"jobId"`
		Columns []struct{ Name, Type string }
		Rows    [][]any
	}
	if err := json.Unmarshal(out, &resp); err != nil {
		t.Fatalf("response is not JSON: %v\n%s", err, out)
	}
	if len(resp.Rows) != 1 || len(resp.Rows[0]) != 1 || len(resp.Columns) != 1 || resp.Columns[0].Name != "revenue" {
		t.Fatalf("unexpected response: %s", out)
	}
	revenue, err := strconv.ParseFloat(resp.Rows[0][0].(string), 64)
	if err != nil || revenue < 1193053.2153 || revenue > 1193053.2353 {
		t.Errorf("revenue = %v (%v), want 1193053.2253", resp.Rows[0][0], err)
	}
}

// TestHealthAndReflection checks what grpcurl and load balancers rely on,
// and that one port answers all three protocols.
func TestHealthAndReflection(t *testing.T) {
	_, addr := startStandalone(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, tc := range []struct {
		name string
		http *http.Client
		opts []connect.ClientOption
	}{
		{"connect over HTTP/1.1", http.DefaultClient, nil},
		{"gRPC-Web over HTTP/1.1", http.DefaultClient, []connect.ClientOption{connect.WithGRPCWeb()}},
		{"gRPC over h2c", transport.NewClient(), []connect.ClientOption{connect.WithGRPC()}},
	} {
		q := trebuchetv1connect.NewQueryServiceClient(tc.http, transport.BaseURL(addr), tc.opts...)
		if _, err := q.ListJobs(ctx, connect.NewRequest(&trebuchetv1.ListJobsRequest{})); err != nil {
			t.Errorf("ListJobs, %s: %v", tc.name, err)
		}
	}
	health := grpchealth.NewClient(transport.NewClient(), transport.BaseURL(addr), transport.ClientOptions()...)
	resp, err := health.Check(ctx, &grpchealth.CheckRequest{Service: trebuchetv1connect.QueryServiceName})
	if err != nil || resp.Status != grpchealth.StatusServing {
		t.Errorf("health check: %v, %v", resp, err)
	}
	stream := grpcreflect.NewClient(transport.NewClient(), transport.BaseURL(addr)).NewStream(ctx)
	defer stream.Close()
	names, err := stream.ListServices()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, n := range names {
		got = append(got, string(n))
	}
	for _, want := range []string{trebuchetv1connect.QueryServiceName, trebuchetv1connect.SchedulerServiceName} {
		if !slices.Contains(got, want) {
			t.Errorf("reflection lists %v, missing %s", got, want)
		}
	}
}
