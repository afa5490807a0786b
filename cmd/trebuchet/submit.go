package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"connectrpc.com/connect"

	"github.com/trebuchet-dev/trebuchet/sdk/client"
	trebuchetv1 "github.com/trebuchet-dev/trebuchet/spec/gen/go/trebuchet/v1"
)

func runSubmit(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlagSet("submit", "submit [flags] PLAN.json|PLAN.pb|-")
	gw := fs.String("gateway", "127.0.0.1:50050", "address of the gateway")
	timeout := fs.Duration("timeout", 0, "give up (and cancel the job) after this long; 0 for no limit")
	timing := fs.Bool("timing", false, "print the elapsed time after the result")
	explain := fs.Bool("explain", false, "print the physical plan instead of running it")
	analyze := fs.Bool("analyze", false, "run the plan and print the physical plan with each operator's rows and time (EXPLAIN ANALYZE)")
	var settings repeated
	fs.Var(&settings, "set", "a session setting key=value (repeatable)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errors.New("submit: want exactly one plan file (- for standard input)")
	}
	plan, err := readPlan(fs.Arg(0))
	if err != nil {
		return err
	}
	values := map[string]string{}
	for _, s := range settings {
		k, v, ok := strings.Cut(s, "=")
		if !ok {
			return fmt.Errorf("-set %q: want key=value", s)
		}
		values[k] = v
	}
	if *timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, *timeout)
		defer cancel()
	}
	start := time.Now()
	c := client.New(*gw)
	if *explain || *analyze {
		text, err := c.Explain(ctx, plan, values, *analyze)
		if err != nil {
			return fmt.Errorf("%s: %w", connect.CodeOf(err), err)
		}
		_, err = io.WriteString(stdout, text)
		return err
	}
	res, err := c.Execute(ctx, plan, values)
	if err != nil {
		return fmt.Errorf("%s: %w", connect.CodeOf(err), err)
	}
	defer res.Release()
	if err := client.WriteTable(stdout, res.Schema, res.Batches); err != nil {
		return err
	}
	if *timing {
		fmt.Fprintf(stdout, "Time: %s\n", time.Since(start).Round(time.Microsecond))
	}
	return nil
}

// readPlan reads a plan file: JSON unless it ends in .pb or .bin, or starts
// with something other than '{'.
func readPlan(path string) (*trebuchetv1.Plan, error) {
	var data []byte
	var err error
	if path == "-" {
		data, err = io.ReadAll(os.Stdin)
	} else {
		data, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, err
	}
	switch ext := filepath.Ext(path); {
	case ext == ".pb" || ext == ".bin":
		return client.BinaryPlan(data), nil
	case len(strings.TrimSpace(string(data))) > 0 && strings.TrimSpace(string(data))[0] == '{':
		return client.JSONPlan(data), nil
	}
	return client.BinaryPlan(data), nil
}
