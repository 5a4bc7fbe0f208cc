package server

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"runtime/pprof"
	"strings"
	"testing"
	"time"

	"github.com/seki-dev/seki/internal/store"
)

// recorded is a service that records its Start and Stop calls.
type recorded struct {
	name  string
	log   *[]string
	fails bool
}

func (r recorded) Start(ctx context.Context) error {
	*r.log = append(*r.log, "start "+r.name)
	if r.fails {
		return errors.New("cannot start")
	}
	return nil
}

func (r recorded) Stop(ctx context.Context) error {
	*r.log = append(*r.log, "stop "+r.name)
	return nil
}

// A failed start stops what was already started, in reverse order, and
// nothing after it is started; a later stop stops nothing twice.
func TestFailedStartStopsTheStartedInReverse(t *testing.T) {
	var log []string
	sv := &services{}
	for _, n := range []string{"a", "b", "c", "d"} {
		sv.lifecycle = append(sv.lifecycle, lifecycle{n, recorded{name: n, log: &log, fails: n == "c"}})
	}
	err := sv.start(context.Background())
	if err == nil || !strings.Contains(err.Error(), "starting c: cannot start") {
		t.Fatalf("start: %v", err)
	}
	want := []string{"start a", "start b", "start c", "stop b", "stop a"}
	if !reflect.DeepEqual(log, want) {
		t.Fatalf("calls %q, want %q", log, want)
	}
	sv.stop(context.Background())
	if !reflect.DeepEqual(log, want) {
		t.Fatalf("stop after a failed start stopped again: %q", log)
	}
}

// backgroundWork counts the goroutines running in the services that start
// background work (S3's dispatcher and blob sweep, the runtime's reaper,
// Event queue and log shipper, the logs writer, EventBridge's scheduler).
func backgroundWork() int {
	var b strings.Builder
	pprof.Lookup("goroutine").WriteTo(&b, 1)
	n := 0
	for _, g := range strings.Split(b.String(), "\n\n") {
		for _, pkg := range []string{"internal/s3.", "internal/runtime.", "internal/logs.", "internal/events.", "internal/lambda."} {
			if strings.Contains(g, "seki/"+pkg) {
				n++
				break
			}
		}
	}
	return n
}

// A real failure at start: API Gateway, started last, finds a stored API it
// cannot read. Every service started before it (logs, runtime, SQS,
// Lambda, S3, SNS, EventBridge) is stopped again: their goroutines are
// gone and the port is free; then the store closes (its lock released).
func TestFailedStartReleasesEverything(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := store.Open(ctx, dir, migrations())
	if err != nil {
		t.Fatal(err)
	}
	err = db.Write(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(`INSERT INTO apigw_apis (id, account, region, doc) VALUES ('broken', '000000000000', 'us-east-1', '{not json')`)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	before := backgroundWork()

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	s, err := New(ctx, Config{Listen: addr, DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	// New started nothing.
	if n := backgroundWork(); n != before {
		t.Errorf("New started %d goroutines of services", n-before)
	}
	err = s.Listen()
	if err == nil || !strings.Contains(err.Error(), "starting apigateway") {
		t.Fatalf("Listen: %v, want API Gateway's start to fail", err)
	}
	// The runtime had started: it prepared its directory.
	if _, err := os.Stat(filepath.Join(dir, "runtime", "envs")); err != nil {
		t.Fatalf("the runtime never started: %v", err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for backgroundWork() != before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := backgroundWork(); n != before {
		var b strings.Builder
		pprof.Lookup("goroutine").WriteTo(&b, 1)
		t.Fatalf("%d goroutines of started services still run after the failed start:\n%s", n-before, b.String())
	}
	ln, err = net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("the address is still held: %v", err)
	}
	ln.Close()
	// What Serve does when Listen fails: the store closes too.
	s.close()
	db, err = store.Open(ctx, dir, migrations())
	if err != nil {
		t.Fatalf("the store is still open: %v", err)
	}
	db.Close()
}
