package plan_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var rewrite = flag.Bool("rewrite", false, "rewrite the expected output of the datadriven plan tests")

// TestRules runs the datadriven plan-shape tests in testdata/<rule>: each
// case is a command, a "----" line and the expected output, cases
// separated by blank lines. The command "plan <producer> <query>" prints
// the physical plan of a TPC-H fixture. Run with -rewrite to refresh the
// files, and review the diff.
func TestRules(t *testing.T) {
	for _, rule := range []string{"fold_constants", "prune_columns", "push_filters"} {
		t.Run(rule, func(t *testing.T) {
			path := filepath.Join("testdata", rule)
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var out strings.Builder
			for _, c := range parseCases(string(data)) {
				got := runRuleCommand(t, c.cmd)
				if !*rewrite && got != c.want {
					t.Errorf("%s:\n%s\ngot:\n%s\nwant:\n%s", path, c.cmd, got, c.want)
				}
				out.WriteString(c.comment + c.cmd + "\n----\n" + got + "\n")
			}
			if *rewrite {
				if err := os.WriteFile(path, []byte(strings.TrimSuffix(out.String(), "\n")), 0o644); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

type ruleCase struct{ comment, cmd, want string }

// parseCases splits a datadriven file: comment lines (#) and a command,
// "----", then expected output up to a blank line.
func parseCases(s string) []ruleCase {
	var cases []ruleCase
	lines := strings.Split(s, "\n")
	for i := 0; i < len(lines); {
		var c ruleCase
		for i < len(lines) && (strings.HasPrefix(lines[i], "#") || strings.TrimSpace(lines[i]) == "") {
			if strings.HasPrefix(lines[i], "#") {
				c.comment += lines[i] + "\n"
			}
			i++
		}
		if i >= len(lines) {
			break
		}
		c.cmd = lines[i]
		i++
		if i < len(lines) && lines[i] == "----" {
			i++
		}
		var want []string
		for i < len(lines) && strings.TrimSpace(lines[i]) != "" {
			want = append(want, lines[i])
			i++
		}
		if len(want) > 0 {
			c.want = strings.Join(want, "\n") + "\n"
		}
		cases = append(cases, c)
	}
	return cases
}

func runRuleCommand(t *testing.T, cmd string) string {
	f := strings.Fields(cmd)
	switch {
	case len(f) == 3 && f[0] == "plan":
		return buildTPCH(t, f[1], f[2])
	}
	t.Fatalf("unknown command %q", cmd)
	return ""
}
