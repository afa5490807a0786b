package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"

	"github.com/peterh/liner"

	"github.com/trebuchet-dev/trebuchet/executor/catalog"
	"github.com/trebuchet-dev/trebuchet/executor/worker"
	"github.com/trebuchet-dev/trebuchet/scheduler/standalone"
	"github.com/trebuchet-dev/trebuchet/sdk/client"
)

// script is SQL to run non-interactively: -c text or a -f file.
type script struct {
	text, file string
}

// scriptFlag collects -c and -f flags in the order given.
type scriptFlag struct {
	scripts *[]script
	file    bool
}

func (f scriptFlag) String() string { return "" }
func (f scriptFlag) Set(v string) error {
	if f.file {
		*f.scripts = append(*f.scripts, script{file: v})
	} else {
		*f.scripts = append(*f.scripts, script{text: v})
	}
	return nil
}

func runSQL(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlagSet("sql", "sql [--addr host:port | --table name=path ... --warehouse dir] [-c SQL | -f FILE ...]")
	var (
		addr      string
		tables    repeated
		warehouse string
		scripts   []script
		format    string
		timing    bool
	)
	fs.StringVar(&addr, "addr", "", "the gateway to send SQL to; without it, a cluster starts in this process")
	fs.Var(&tables, "table", "a table of the in-process cluster, as name=path-or-glob of Parquet, CSV or Arrow files (repeatable)")
	fs.StringVar(&warehouse, "warehouse", "trebuchet-warehouse", "directory where the in-process cluster's CREATE TABLE AS stores the tables it creates, one subdirectory of Parquet files each; the tables already there are served at start")
	fs.Var(scriptFlag{scripts: &scripts}, "c", "run this SQL (statements and backslash commands) and exit (repeatable)")
	fs.Var(scriptFlag{scripts: &scripts, file: true}, "f", "run the SQL in this file (- for standard input) and exit (repeatable)")
	fs.StringVar(&format, "format", "table", "how to print results: table, csv or json")
	fs.BoolVar(&timing, "timing", false, "print the time each statement takes, to standard error")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return fmt.Errorf("sql: unexpected argument %q (SQL goes in -c or -f)", fs.Arg(0))
	}
	if outputFormats[format] == nil {
		return fmt.Errorf("sql: -format %q: want table, csv or json", format)
	}
	if addr != "" && len(tables) > 0 {
		return errors.New("sql: -table makes tables of the in-process cluster; with -addr, use CREATE EXTERNAL TABLE")
	}
	if addr != "" && flagSet(fs, "warehouse") {
		return errors.New("sql: -warehouse is the in-process cluster's; with -addr, the gateway's scheduler has its own")
	}
	interactive := len(scripts) == 0 && isTerminal(os.Stdin)
	if !interactive {
		// Ctrl-C stops a script; in the interactive shell it cancels the
		// running statement (interactive).
		var stop context.CancelFunc
		ctx, stop = signal.NotifyContext(ctx, os.Interrupt)
		defer stop()
	}

	where := addr
	if addr == "" {
		cfg := standalone.Config{}
		cfg.Warehouse = warehouse
		for _, def := range tables {
			t, err := catalog.ParseTableFlag(def)
			if err != nil {
				return fmt.Errorf("sql: -table: %w", err)
			}
			cfg.Tables = append(cfg.Tables, t)
		}
		worker.TuneRuntime(0)
		cluster, err := standalone.Start(ctx, cfg)
		if err != nil {
			return fmt.Errorf("sql: %w", err)
		}
		defer cluster.Close()
		addr, where = cluster.Address(), fmt.Sprintf("an in-process cluster with %d table%s", len(cfg.Tables), plural(len(cfg.Tables)))
	}
	sh := &shell{client: client.New(addr), stdout: stdout, stderr: os.Stderr, format: format, timing: timing}

	switch {
	case len(scripts) > 0:
		for _, s := range scripts {
			if err := runScriptFlag(ctx, sh, s); err != nil {
				return err
			}
		}
		return nil
	case !interactive:
		return sh.runScript(ctx, os.Stdin, "<stdin>")
	}
	fmt.Fprintf(stdout, "Trebuchet SQL on %s. End statements with ;, \\? for help, \\q to quit.\n", where)
	return sh.interactive(ctx)
}

func runScriptFlag(ctx context.Context, sh *shell, s script) error {
	switch {
	case s.file == "-":
		return sh.runScript(ctx, os.Stdin, "<stdin>")
	case s.file != "":
		f, err := os.Open(s.file)
		if err != nil {
			return fmt.Errorf("sql: %w", err)
		}
		defer f.Close()
		return sh.runScript(ctx, f, source(s.file))
	}
	return sh.runScript(ctx, strings.NewReader(s.text), "")
}

// flagSet reports whether the flag name was given on the command line.
func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// historyFile is where the interactive shell keeps its history, in the
// user's cache directory; "" if there is none.
func historyFile() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "trebuchet", "sql_history")
}

// interactive reads statements and commands from the terminal, with line
// editing and history, until \q or end of input. Errors are printed and
// the shell goes on; Ctrl-C cancels the running statement, or discards
// the statement being typed.
func (sh *shell) interactive(ctx context.Context) error {
	ln := liner.NewLiner()
	defer ln.Close()
	ln.SetCtrlCAborts(true)
	ln.SetMultiLineMode(true)
	hist := historyFile()
	if hist != "" {
		if f, err := os.Open(hist); err == nil {
			_, _ = ln.ReadHistory(f)
			f.Close()
		}
	}
	defer func() {
		if hist == "" {
			return
		}
		if err := os.MkdirAll(filepath.Dir(hist), 0o700); err != nil {
			return
		}
		if f, err := os.OpenFile(hist, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600); err == nil {
			_, _ = ln.WriteHistory(f)
			f.Close()
		}
	}()

	// While a statement runs the terminal is not in raw mode, and Ctrl-C
	// is a signal: it cancels the statement, not the shell.
	sigc := make(chan os.Signal, 1)
	signal.Notify(sigc, os.Interrupt)
	defer signal.Stop(sigc)
	go func() {
		for range sigc {
			sh.interrupt()
		}
	}()

	r := &lineReader{sh: sh}
	var entry []string // the lines of the statement being typed, for history
	for {
		prompt := "trebuchet> "
		if r.split.pending() {
			prompt = "       ..> "
		}
		line, err := ln.Prompt(prompt)
		switch {
		case errors.Is(err, liner.ErrPromptAborted):
			r.split.reset()
			entry = nil
			continue
		case errors.Is(err, io.EOF):
			fmt.Fprintln(sh.stdout)
			return r.finish(ctx)
		case err != nil:
			return fmt.Errorf("sql: reading the terminal: %w", err)
		}
		if strings.TrimSpace(line) != "" {
			entry = append(entry, line)
		}
		quit, err := r.feed(ctx, line)
		if !r.split.pending() && len(entry) > 0 {
			ln.AppendHistory(strings.Join(entry, " "))
			entry = nil
		}
		if quit {
			return nil
		}
		if err != nil && !errors.Is(err, errReported) {
			sh.report("", r.n, err)
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
}
