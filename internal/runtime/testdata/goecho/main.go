// Command goecho is a Lambda function built with aws-lambda-go, unchanged,
// for seki's runtime tests. Its event says what to do; with none of the
// keys below it echoes the event back.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
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
		return map[string]any{"env": env, "keys": keys, "cwd": cwd, "pid": os.Getpid(), "ppid": os.Getppid()}, nil
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
			"uptimeMs":      time.Since(started).Milliseconds(),
		}, nil
	}
	return raw, nil
}

func main() {
	lambda.Start(handle)
}
