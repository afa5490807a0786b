package cluster

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"syscall"
	"time"
)

// A Process is one process of a system under test, its stderr kept in a
// log file, in a process group of its own so that it can be stopped with
// every process it started.
type Process struct {
	cmd     *exec.Cmd
	logPath string
	log     *os.File
	done    chan struct{}
	err     error // set when done is closed
}

// pinned returns the command line that runs args on cores CPUs: args
// itself when the machine has no more, else under taskset on CPUs 0 to
// cores-1.
func pinned(cores int, args []string) []string {
	if cores >= runtime.NumCPU() {
		return args
	}
	if _, err := exec.LookPath("taskset"); err != nil {
		return args
	}
	return append([]string{"taskset", "-c", fmt.Sprintf("0-%d", cores-1)}, args...)
}

// StartProcess starts args on cores CPUs (see pinned), with env added to
// this process's environment, its stdout to stdout (nil: the log) and its
// stderr to the file logPath.
func StartProcess(cores int, args, env []string, stdout io.Writer, logPath string) (*Process, error) {
	log, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	args = pinned(cores, args)
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = stdout, log
	if stdout == nil {
		cmd.Stdout = log
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		log.Close()
		return nil, fmt.Errorf("starting %s: %w", strings.Join(args, " "), err)
	}
	c := &Process{cmd: cmd, logPath: logPath, log: log, done: make(chan struct{})}
	go func() {
		c.err = cmd.Wait()
		log.Close()
		close(c.done)
	}()
	return c, nil
}

// Exited reports whether the process has exited.
func (c *Process) Exited() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// Stop asks the process to end (SIGTERM to its group), kills the group
// after grace, and waits for it.
func (c *Process) Stop(grace time.Duration) {
	if c.Exited() {
		return
	}
	_ = syscall.Kill(-c.cmd.Process.Pid, syscall.SIGTERM)
	select {
	case <-c.done:
	case <-time.After(grace):
		c.Kill()
	}
}

// Kill kills the process's group and waits for the process.
func (c *Process) Kill() {
	_ = syscall.Kill(-c.cmd.Process.Pid, syscall.SIGKILL)
	<-c.done
}

// Wait waits for the process to exit on its own, killing it when ctx
// ends.
func (c *Process) Wait(ctx context.Context) error {
	select {
	case <-c.done:
		return c.err
	case <-ctx.Done():
		c.Kill()
		return ctx.Err()
	}
}

// MaxRSS returns the process's peak resident set in bytes once it has
// exited: the largest of its own and its waited-for descendants', as the
// kernel reports them in rusage.
func (c *Process) MaxRSS() int64 {
	if !c.Exited() || c.cmd.ProcessState == nil {
		return 0
	}
	ru, ok := c.cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		return 0
	}
	return MaxrssBytes(int64(ru.Maxrss))
}

// MaxrssBytes converts rusage's ru_maxrss, in KiB on Linux and in bytes on
// macOS, to bytes.
func MaxrssBytes(v int64) int64 {
	if runtime.GOOS == "darwin" {
		return v
	}
	return v * 1024
}

// LogPath is the file holding the process's stderr.
func (c *Process) LogPath() string { return c.logPath }

// logTail returns the last lines of the process's log, for error messages.
func (c *Process) logTail() string {
	return tail(c.logPath, 20)
}

func tail(path string, lines int) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	ls := bytes.Split(bytes.TrimRight(data, "\n"), []byte("\n"))
	if len(ls) > lines {
		ls = ls[len(ls)-lines:]
	}
	return string(bytes.Join(ls, []byte("\n")))
}

// ExitError describes how the process ended, with its log's tail.
func (c *Process) ExitError() error {
	msg := "exited"
	if c.err != nil {
		msg = c.err.Error()
	}
	var ee *exec.ExitError
	if errors.As(c.err, &ee) {
		msg = ee.String()
	}
	last, _, _ := strings.Cut(strings.TrimSpace(tail(c.logPath, 1)), "\n")
	return fmt.Errorf("%s: %s (log %s):\n%s", msg, last, c.logPath, c.logTail())
}
