package standalone_test

import (
	"context"
	"testing"

	"github.com/trebuchet-dev/trebuchet/scheduler/standalone"
	"github.com/trebuchet-dev/trebuchet/sdk/client"
)

func TestStartAndClose(t *testing.T) {
	c, err := standalone.Start(context.Background(), standalone.Config{Executors: 2, Slots: 1})
	if err != nil {
		t.Fatal(err)
	}
	// The gateway serves: an empty job list, not a connection error.
	if _, err := client.New(c.Address()).ListJobs(context.Background()); err != nil {
		t.Errorf("list jobs: %v", err)
	}
	if err := c.Close(); err != nil {
		t.Errorf("close: %v", err)
	}
}

func TestStartErrors(t *testing.T) {
	if _, err := standalone.Start(context.Background(), standalone.Config{Listen: "not an address"}); err == nil {
		t.Error("bad listen address: no error")
	}
	if _, err := standalone.Start(context.Background(), standalone.Config{Executors: -1}); err == nil {
		t.Error("negative executors: no error")
	}
}
