// Command goecho is a Lambda function built with aws-lambda-go, unchanged,
// for seki's runtime tests. Its event says what to do; with none of the
// keys below it echoes the event back.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

type event struct {
	Sleep   int    `json:"sleep"`   // milliseconds to sleep
	Crash   int    `json:"crash"`   // exit with this status (if > 0)
	Panic   string `json:"panic"`   // panic with this message
	Error   string `json:"error"`   // return this error
	Print   string `json:"print"`   // write this to stdout first
	Env     bool   `json:"env"`     // return the environment
	Context bool   `json:"context"` // return the invocation context
	Big     int    `json:"big"`     // return a string of this many bytes
	Alloc   int    `json:"alloc"`   // allocate and touch this many MB
	Append  string `json:"append"`  // append a line to this file first
	Stream  string `json:"stream"`  // stream a response that fails with this error midway
	// The escape attempts of the sandbox tests:
	Sh         string `json:"sh"`         // run this with /bin/sh -c; return its output and status
	Scan       bool   `json:"scan"`       // connect to every listening TCP port and ask it for an invocation
	PrintAfter int    `json:"printAfter"` // after returning, write this many bytes to stdout
}

// failingReader yields some bytes, then fails: aws-lambda-go then sends
// the error in the response's trailers.
type failingReader struct {
	sent bool
	err  error
}

func (r *failingReader) Read(p []byte) (int, error) {
	if !r.sent {
		r.sent = true
		return copy(p, "partial output"), nil
	}
	return 0, r.err
}

var started = time.Now()

// instance names this process: pids repeat across sandboxes (each has its
// own PID namespace), so tests tell environments apart by it.
var instance = fmt.Sprintf("%d-%d", os.Getpid(), started.UnixNano())

func handle(ctx context.Context, raw json.RawMessage) (any, error) {
	var ev event
	json.Unmarshal(raw, &ev)
	if ev.Append != "" {
		f, err := os.OpenFile(ev.Append, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err == nil {
			fmt.Fprintln(f, time.Now().Format(time.RFC3339Nano))
			f.Close()
		}
	}
	if ev.Print != "" {
		fmt.Println(ev.Print)
	}
	if ev.Sleep > 0 {
		time.Sleep(time.Duration(ev.Sleep) * time.Millisecond)
	}
	if ev.Crash > 0 {
		os.Exit(ev.Crash)
	}
	if ev.Stream != "" {
		return &failingReader{err: errors.New(ev.Stream)}, nil
	}
	if ev.Panic != "" {
		panic(ev.Panic)
	}
	if ev.Error != "" {
		return nil, errors.New(ev.Error)
	}
	if ev.Sh != "" {
		out, err := exec.CommandContext(ctx, "/bin/sh", "-c", ev.Sh).CombinedOutput()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			code = -1
		}
		return map[string]any{"out": string(out), "code": code}, nil
	}
	if ev.Scan {
		return scan(), nil
	}
	if ev.PrintAfter > 0 {
		go func() {
			time.Sleep(100 * time.Millisecond)
			line := strings.Repeat("z", 64<<10) + "\n"
			for n := 0; n < ev.PrintAfter; n += len(line) {
				os.Stdout.WriteString(line)
			}
		}()
		return "returned", nil
	}
	if ev.Alloc > 0 {
		b := make([]byte, ev.Alloc<<20)
		for i := range b {
			b[i] = byte(i)
		}
		return len(b), nil
	}
	if ev.Big > 0 {
		return strings.Repeat("x", ev.Big), nil
	}
	if ev.Env {
		env := map[string]string{}
		for _, kv := range os.Environ() {
			k, v, _ := strings.Cut(kv, "=")
			env[k] = v
		}
		keys := make([]string, 0, len(env))
		for k := range env {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		cwd, _ := os.Getwd()
		return map[string]any{"env": env, "keys": keys, "cwd": cwd, "pid": os.Getpid(), "ppid": os.Getppid(), "pgid": syscall.Getpgrp(), "instance": instance}, nil
	}
	if ev.Context {
		lc, _ := lambdacontext.FromContext(ctx)
		dl, _ := ctx.Deadline()
		return map[string]any{
			"requestId":     lc.AwsRequestID,
			"invokedArn":    lc.InvokedFunctionArn,
			"remainingMs":   time.Until(dl).Milliseconds(),
			"clientContext": lc.ClientContext,
			"functionName":  lambdacontext.FunctionName,
			"memory":        lambdacontext.MemoryLimitInMB,
			"version":       lambdacontext.FunctionVersion,
			"logGroup":      lambdacontext.LogGroupName,
			"logStream":     lambdacontext.LogStreamName,
			"trace":         os.Getenv("_X_AMZN_TRACE_ID"),
			"pid":           os.Getpid(),
			"instance":      instance,
			"uptimeMs":      time.Since(started).Milliseconds(),
		}, nil
	}
	return raw, nil
}

// scan connects to every TCP port listening on the host (as /proc/net
// shows them) and, except on its own Runtime API, asks for the next
// invocation. It returns what each port did.
func scan() map[string]string {
	own := os.Getenv("AWS_LAMBDA_RUNTIME_API")
	res := map[string]string{}
	for _, f := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		b, _ := os.ReadFile(f)
		for _, line := range strings.Split(string(b), "\n")[1:] {
			fields := strings.Fields(line)
			if len(fields) < 4 || fields[3] != "0A" { // LISTEN
				continue
			}
			_, hexPort, _ := strings.Cut(fields[1], ":")
			port, err := strconv.ParseUint(hexPort, 16, 16)
			if err != nil {
				continue
			}
			addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(int(port)))
			if _, seen := res[addr]; seen {
				continue
			}
			c, err := net.DialTimeout("tcp", addr, 300*time.Millisecond)
			if err != nil {
				res[addr] = "refused: " + err.Error()
				continue
			}
			c.Close()
			if addr == own {
				res[addr] = "own"
				continue
			}
			cl := http.Client{Timeout: time.Second}
			resp, err := cl.Get("http://" + addr + "/2018-06-01/runtime/invocation/next")
			if err != nil {
				res[addr] = "connected: " + err.Error()
				continue
			}
			body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
			resp.Body.Close()
			res[addr] = "connected: " + resp.Status + " " + string(body)
		}
	}
	return res
}

func main() {
	lambda.Start(handle)
}
