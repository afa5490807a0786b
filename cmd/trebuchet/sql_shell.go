package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"connectrpc.com/connect"

	"github.com/trebuchet-dev/trebuchet/sdk/client"
)

// errReported is returned by the SQL shell for an error it has already
// printed: the command fails without printing it again.
var errReported = errors.New("error reported")

// outputFormats are the shell's ways of printing a result.
var outputFormats = map[string]func(io.Writer, *client.Result) error{
	"table": func(w io.Writer, r *client.Result) error { return client.WriteTable(w, r.Schema, r.Batches) },
	"csv":   func(w io.Writer, r *client.Result) error { return client.WriteCSV(w, r.Schema, r.Batches) },
	"json":  func(w io.Writer, r *client.Result) error { return client.WriteJSON(w, r.Schema, r.Batches) },
}

// shell runs SQL statements on a gateway, which plans them, and backslash
// commands, and prints results to stdout and errors and timings to
// stderr.
type shell struct {
	client         *client.Client
	stdout, stderr io.Writer
	format         string // a key of outputFormats
	timing         bool

	mu     sync.Mutex
	cancel context.CancelFunc // the running statement's, or nil
}

// source is where the shell's input comes from, for error messages: a
// file name, "<stdin>", or "" for -c text and the terminal.
type source string

// interrupt cancels the running statement, if any, and reports whether
// there was one.
func (sh *shell) interrupt() bool {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if sh.cancel == nil {
		return false
	}
	sh.cancel()
	return true
}

// exec runs a statement and prints its result, or its error (returning
// errReported).
func (sh *shell) exec(ctx context.Context, st statement, src source) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sh.mu.Lock()
	sh.cancel = cancel
	sh.mu.Unlock()
	defer func() {
		sh.mu.Lock()
		sh.cancel = nil
		sh.mu.Unlock()
	}()

	start := time.Now()
	res, err := sh.client.SQL(ctx, st.text, nil)
	if err != nil {
		sh.reportSQL(st, src, err)
		return errReported
	}
	defer res.Release()
	elapsed := time.Since(start)
	if err := outputFormats[sh.format](sh.stdout, res); err != nil {
		return err
	}
	if sh.timing {
		fmt.Fprintf(sh.stderr, "Time: %.3f ms\n", float64(elapsed.Microseconds())/1000)
	}
	return nil
}

// positionPattern finds the position a SQL error gives (sql.SyntaxError).
var positionPattern = regexp.MustCompile(`at line (\d+), column (\d+)`)

// reportSQL prints a statement's error, psql-like: where it is, the
// status code and message, and for an error at a position the line of the
// statement with a caret under the column.
//
//	script.sql:3: ERROR: invalid_argument: sql: syntax error at or near "FORM" at line 1, column 10 (position 10)
//	LINE 1: SELECT 1 FORM nation
//	                 ^
func (sh *shell) reportSQL(st statement, src source, err error) {
	msg := err.Error()
	var ce *connect.Error
	if errors.As(err, &ce) {
		msg = ce.Code().String() + ": " + ce.Message()
	}
	line, col := 0, 0
	if m := positionPattern.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		col, _ = strconv.Atoi(m[2])
	}
	var b strings.Builder
	if src != "" {
		at := st.line
		if line > 0 {
			at += line - 1
		}
		fmt.Fprintf(&b, "%s:%d: ", src, at)
	}
	fmt.Fprintf(&b, "ERROR: %s\n", msg)
	if lines := strings.Split(st.text, "\n"); line > 0 && line <= len(lines) {
		text := lines[line-1]
		prefix := fmt.Sprintf("LINE %d: ", line)
		col = min(max(col, 1), len(text)+1)
		caret := strings.Repeat(" ", utf8.RuneCountInString(prefix)+utf8.RuneCountInString(text[:col-1]))
		fmt.Fprintf(&b, "%s%s\n%s^\n", prefix, text, caret)
	}
	io.WriteString(sh.stderr, b.String())
}

// report prints an error of the shell's own (a bad backslash command).
func (sh *shell) report(src source, line int, err error) {
	if src != "" {
		fmt.Fprintf(sh.stderr, "%s:%d: ", src, line)
	}
	fmt.Fprintf(sh.stderr, "ERROR: %v\n", err)
}

const shellHelp = `Statements end with a semicolon and may span lines. Commands:
  \d              list tables and views (SHOW TABLES)
  \d NAME         describe a table or view (DESCRIBE NAME)
  \format [FMT]   print results as table, csv or json
  \timing [on|off] print the time each statement takes
  \?              this help
  \q              quit
`

// command runs a backslash command. It reports whether the shell should
// quit.
func (sh *shell) command(ctx context.Context, text string, line int, src source) (quit bool, err error) {
	fields := strings.Fields(text)
	name, args := fields[0], fields[1:]
	bad := func(format string, a ...any) error {
		sh.report(src, line, fmt.Errorf(format, a...))
		return errReported
	}
	switch name {
	case `\q`, `\quit`:
		return true, nil
	case `\?`, `\h`, `\help`:
		_, err := io.WriteString(sh.stdout, shellHelp)
		return false, err
	case `\timing`:
		switch {
		case len(args) == 0:
			sh.timing = !sh.timing
		case len(args) == 1 && (args[0] == "on" || args[0] == "off"):
			sh.timing = args[0] == "on"
		default:
			return false, bad(`\timing takes on or off`)
		}
		fmt.Fprintf(sh.stderr, "Timing is %s.\n", map[bool]string{true: "on", false: "off"}[sh.timing])
		return false, nil
	case `\format`:
		switch {
		case len(args) == 0:
		case len(args) == 1 && outputFormats[args[0]] != nil:
			sh.format = args[0]
		default:
			return false, bad(`\format takes table, csv or json`)
		}
		fmt.Fprintf(sh.stderr, "Output format is %s.\n", sh.format)
		return false, nil
	case `\d`:
		switch len(args) {
		case 0:
			return false, sh.exec(ctx, statement{text: "SHOW TABLES", line: line}, src)
		case 1:
			return false, sh.exec(ctx, statement{text: "DESCRIBE " + args[0], line: line}, src)
		}
		return false, bad(`\d takes at most one name`)
	}
	return false, bad(`unknown command %s; \? lists the commands`, name)
}

// lineReader runs lines of input: backslash commands (on a line of their
// own, outside a statement) at once, statements as their semicolon ends
// them.
type lineReader struct {
	sh    *shell
	src   source
	split splitter
	n     int // lines read
}

// feed runs one line. It reports whether the shell should quit; an error
// is errReported once it was printed.
func (r *lineReader) feed(ctx context.Context, line string) (quit bool, err error) {
	r.n++
	if !r.split.pending() && strings.HasPrefix(strings.TrimSpace(line), `\`) {
		return r.sh.command(ctx, strings.TrimSpace(line), r.n, r.src)
	}
	for _, st := range r.split.add(line, r.n) {
		if err := r.sh.exec(ctx, st, r.src); err != nil {
			r.split.reset()
			return false, err
		}
	}
	// A command may follow the statements it ends: "SELECT 1; \timing".
	if rest := r.split.rest(); strings.HasPrefix(rest, `\`) {
		r.split.reset()
		return r.sh.command(ctx, rest, r.n, r.src)
	}
	return false, nil
}

// finish runs what is left at the end of the input: a last statement
// without a semicolon.
func (r *lineReader) finish(ctx context.Context) error {
	if st, ok := r.split.flush(); ok {
		return r.sh.exec(ctx, st, r.src)
	}
	return nil
}

// runScript runs every line of in, stopping at the first error.
func (sh *shell) runScript(ctx context.Context, in io.Reader, src source) error {
	r := &lineReader{sh: sh, src: src}
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64<<10), 64<<20)
	for sc.Scan() {
		quit, err := r.feed(ctx, sc.Text())
		if err != nil || quit {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s: %w", src, err)
	}
	return r.finish(ctx)
}
