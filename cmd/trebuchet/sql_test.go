package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// sqlShell runs `trebuchet sql args...` with stdin and returns its output
// and exit code.
func sqlShell(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(binary, append([]string{"sql"}, args...)...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	return out.String(), errOut.String(), code
}

// answerCSV is a TPC-H reference answer as the shell prints it in CSV.
func answerCSV(t *testing.T, q string) string {
	return strings.ReplaceAll(string(readFile(t, filepath.Join(tpchDir, "answers", "sf0.01", q+".csv"))), "|", ",")
}

// TPC-H query files run with -f give the reference answers.
func TestSQLShellFiles(t *testing.T) {
	args := append(tableFlags(t), "--format", "csv")
	for _, q := range []string{"q03", "q06"} {
		args = append(args, "-f", filepath.Join(tpchDir, "queries", q+".sql"))
	}
	stdout, stderr, code := sqlShell(t, "", args...)
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	if want := answerCSV(t, "q03") + answerCSV(t, "q06"); stdout != want {
		t.Errorf("got\n%s\nwant\n%s", stdout, want)
	}
}

// -c runs statements and backslash commands; tables made with CREATE
// EXTERNAL TABLE are the in-process cluster's.
func TestSQLShellCommand(t *testing.T) {
	region, err := filepath.Abs(filepath.Join(tpchDir, "sf0.01", "region.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := sqlShell(t, "",
		"-c", "CREATE EXTERNAL TABLE r STORED AS PARQUET LOCATION '"+region+"'; SELECT r_regionkey, r_name FROM r WHERE r_regionkey < 2 ORDER BY 1",
		"-c", `\d r`)
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	want := `status               
---------------------
CREATE EXTERNAL TABLE
(1 row)
r_regionkey | r_name 
------------+--------
          0 | AFRICA 
          1 | AMERICA
(2 rows)
column_name | column_type | null
------------+-------------+-----
r_regionkey | bigint      | NO  
r_name      | text        | NO  
r_comment   | text        | NO  
(3 rows)
`
	if stdout != want {
		t.Errorf("got\n%s\nwant\n%s", stdout, want)
	}
}

// CREATE TABLE AS in the shell's in-process cluster stores the table in
// its warehouse; the shell reads it at once, and a shell started later on
// the same warehouse serves it. count(*) is a bigint.
func TestSQLShellCreateTableAs(t *testing.T) {
	warehouse := filepath.Join(t.TempDir(), "warehouse")
	args := append(tableFlags(t), "--warehouse", warehouse, "--format", "csv")
	stdout, stderr, code := sqlShell(t, "", append(args,
		"-c", "CREATE TABLE per_region AS SELECT n_regionkey AS region, count(*) AS nations FROM nation GROUP BY n_regionkey",
		"-c", "SELECT region, nations FROM per_region WHERE region < 2 ORDER BY region")...)
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	if want := "count\n5\nregion,nations\n0,5\n1,5\n"; stdout != want {
		t.Errorf("got\n%s\nwant\n%s", stdout, want)
	}
	if files, err := filepath.Glob(filepath.Join(warehouse, "per_region", "*.parquet")); err != nil || len(files) == 0 {
		t.Errorf("the warehouse holds no files of per_region (%v)", err)
	}

	stdout, stderr, code = sqlShell(t, "", "--warehouse", warehouse, "--format", "csv",
		"-c", `\d per_region`, "-c", "SELECT sum(nations) AS n FROM per_region")
	if code != 0 {
		t.Fatalf("restarted: exit %d:\n%s", code, stderr)
	}
	if want := "column_name,column_type,null\nregion,bigint,YES\nnations,bigint,YES\nn\n25\n"; stdout != want {
		t.Errorf("restarted: got\n%s\nwant\n%s", stdout, want)
	}
	_, stderr, code = sqlShell(t, "", "--warehouse", warehouse, "-c", "CREATE TABLE per_region AS SELECT 1 AS x")
	if code == 0 || !strings.Contains(stderr, `table "per_region" already exists`) {
		t.Errorf("CREATE TABLE AS of an existing table: exit %d:\n%s", code, stderr)
	}
}

// Piped standard input is read like a script: statements over several
// lines, strings holding semicolons, comments, format and timing
// switches, and a last statement without a semicolon.
func TestSQLShellStdin(t *testing.T) {
	input := `-- regions starting with A
SELECT r_name,
       r_regionkey   -- the key
FROM region
WHERE r_name LIKE 'A%'
ORDER BY 1;
\format csv
\timing on
SELECT 'a;b' AS s, 'two
lines' AS t;
\format json
SELECT n_name AS name, n_nationkey AS k FROM nation
  WHERE n_nationkey < 2 ORDER BY 2; \timing off
SELECT max(n_nationkey) AS n FROM nation`
	stdout, stderr, code := sqlShell(t, input, tableFlags(t)...)
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	want := `r_name  | r_regionkey
--------+------------
AFRICA  |           0
AMERICA |           1
ASIA    |           2
(3 rows)
s,t
a;b,"two
lines"
[
{"name":"ALGERIA","k":0},
{"name":"ARGENTINA","k":1}
]
[
{"n":24}
]
`
	if stdout != want {
		t.Errorf("stdout: got\n%s\nwant\n%s", stdout, want)
	}
	// Two statements ran with timing on.
	if m := regexp.MustCompile(`(?m)^Time: \d+\.\d{3} ms$`).FindAllString(stderr, -1); len(m) != 2 {
		t.Errorf("stderr: want 2 timings, got\n%s", stderr)
	}
	for _, s := range []string{"Output format is csv.", "Timing is on.", "Output format is json.", "Timing is off."} {
		if !strings.Contains(stderr, s) {
			t.Errorf("stderr lacks %q:\n%s", s, stderr)
		}
	}
}

// Errors go to standard error, with where they are; a script stops at
// the first, with a non-zero exit status.
func TestSQLShellErrors(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "bad.sql")
	if err := os.WriteFile(script, []byte("SELECT 1 AS a;\n\nSELECT r_name\n  FORM region;\nSELECT 2 AS b;\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		args   []string
		stdout string
		stderr string
	}{
		{"syntax error in a file", []string{"-f", script}, "a\n-\n1\n(1 row)\n",
			script + `:4: ERROR: invalid_argument: sql: syntax error at or near "region" at line 2, column 8 (position 22)
LINE 2:   FORM region
               ^
`},
		{"unknown table", []string{"-c", "SELECT * FROM nowhere"}, "", `ERROR: not_found: sql: table "nowhere" not found` + "\n"},
		{"unknown command", []string{"-c", `\x`, "-c", "SELECT 1"}, "", `ERROR: unknown command \x; \? lists the commands` + "\n"},
		{"bad format", []string{"-c", `\format xml`}, "", `ERROR: \format takes table, csv or json` + "\n"},
		{"stdin", []string{"-f", "-"}, "", "<stdin>:1: ERROR: invalid_argument: sql: syntax error at or near \"SELEC\" at line 1, column 1 (position 1)\nLINE 1: SELEC 1\n        ^\n"},
	} {
		stdout, stderr, code := sqlShell(t, "SELEC 1;\n", append(tableFlags(t), tc.args...)...)
		if code == 0 {
			t.Errorf("%s: exit status 0", tc.name)
		}
		if stdout != tc.stdout || stderr != tc.stderr {
			t.Errorf("%s:\nstdout\n%s\nwant\n%s\nstderr\n%s\nwant\n%s", tc.name, stdout, tc.stdout, stderr, tc.stderr)
		}
	}
	if _, stderr, code := sqlShell(t, "", "--addr", "127.0.0.1:1", "--table", "x=y.parquet"); code == 0 || !strings.Contains(stderr, "with -addr, use CREATE EXTERNAL TABLE") {
		t.Errorf("--addr with --table: exit %d, %s", code, stderr)
	}
}

// With --addr the shell sends SQL to a running cluster's gateway.
func TestSQLShellAddr(t *testing.T) {
	_, addr := startStandalone(t)
	stdout, stderr, code := sqlShell(t, "", "--addr", addr, "--format", "csv", "-f", filepath.Join(tpchDir, "queries", "q06.sql"))
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	if want := answerCSV(t, "q06"); stdout != want {
		t.Errorf("got\n%s\nwant\n%s", stdout, want)
	}
}

// TestCurlSQLExample runs the README's curl command that posts SQL text to
// ExecutePlan.
func TestCurlSQLExample(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Fatalf("curl is needed to run the README's example: %v", err)
	}
	_, addr := startStandalone(t)
	cmd := strings.ReplaceAll(readmeExample(t, "curl-sql-example"), "127.0.0.1:50050", addr)
	sh := exec.Command("bash", "-eo", "pipefail", "-c", cmd)
	sh.Stderr = os.Stderr
	out, err := sh.Output()
	if err != nil {
		t.Fatalf("%s\n%v\n%s", cmd, err, out)
	}
	var resp struct {
		Columns []struct{ Name, Type string }
		Rows    [][]string
	}
	if err := json.Unmarshal(out, &resp); err != nil {
		t.Fatalf("response is not JSON: %v\n%s", err, out)
	}
	if len(resp.Columns) != 1 || resp.Columns[0].Name != "n_name" || resp.Columns[0].Type != "utf8" {
		t.Errorf("columns: %+v", resp.Columns)
	}
	if got := fmt.Sprint(resp.Rows); got != "[[FRANCE] [GERMANY] [ROMANIA]]" {
		t.Errorf("rows: %s", got)
	}
}

// In-memory tables, statement by statement, in the in-process cluster.
func TestSQLShellInMemoryTable(t *testing.T) {
	stdout, stderr, code := sqlShell(t, "CREATE TABLE t (k int, v text);\nINSERT INTO t VALUES (2, 'two'), (1, 'one');\nSELECT v FROM t ORDER BY k;\n", "--format", "csv")
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	if want := "status\nCREATE TABLE\ncount\n2\nv\none\ntwo\n"; stdout != want {
		t.Errorf("got\n%s\nwant\n%s", stdout, want)
	}
}
