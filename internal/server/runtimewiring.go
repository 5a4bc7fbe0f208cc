package server

import (
	"context"
	"fmt"
	"net"
	"path/filepath"

	"github.com/seki-dev/seki/internal/cli/runtimescmd"
	fnruntime "github.com/seki-dev/seki/internal/runtime"
	"github.com/seki-dev/seki/internal/sts"
)

// newRuntime builds the function runtime (execution environments under
// DATA_DIR/runtime, the Event queue in the store, memory limits where the
// host allows) and makes it Lambda's runner. Functions learn seki's URL
// when the server listens (services.listening).
func newRuntime(s *Server, sv *services) (*fnruntime.Runtime, error) {
	rt, err := fnruntime.New(fnruntime.Options{
		Dir:          filepath.Join(s.cfg.DataDir, "runtime"),
		DB:           s.db,
		Assumer:      runtimeRoles{sv.sts},
		Now:          s.cfg.Now,
		MemoryLimits: true,
		Discovery:    fnruntime.Discovery{Explicit: s.cfg.Runtimes, Cache: s.cfg.CacheDir},
	})
	if err != nil {
		return nil, err
	}
	sv.lambda.SetRunner(rt)
	return rt, nil
}

// listening gives the services seki's address once it is bound: functions
// get it as AWS_ENDPOINT_URL (a wildcard listen address becomes loopback).
func (sv *services) listening(addr net.Addr) {
	if sv.runtime == nil {
		return
	}
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	sv.runtime.SetEndpoint("http://" + net.JoinHostPort(host, port))
}

// runtimeRoles is STS as the runtime sees it: Lambda assumes execution
// roles as lambda.amazonaws.com, through the door.
type runtimeRoles struct{ sts *sts.Service }

func (a runtimeRoles) AssumeRole(ctx context.Context, in fnruntime.AssumeInput) (fnruntime.Credentials, error) {
	c, err := a.sts.AssumeRoleForService(ctx, sts.ServiceSession{
		RoleARN: in.RoleARN, Service: "lambda.amazonaws.com", SessionName: in.SessionName,
		Duration: in.Duration, RequestID: in.RequestID,
	})
	if err != nil {
		return fnruntime.Credentials{}, err
	}
	return fnruntime.Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey,
		SessionToken: c.SessionToken, Expiration: c.Expiration}, nil
}

// runtimesBanner lists, at start, which runtime each function will run on
// and where its interpreter was found, which runtimes have none (their
// invokes fail, naming the runtime and --runtime), and whether the SDKs
// are installed.
func (s *Server) runtimesBanner() {
	if s.svc.runtime == nil {
		return
	}
	fmt.Fprintln(s.cfg.Out, "\nRuntimes:")
	runtimescmd.Print(s.cfg.Out, s.svc.runtime.Interpreters(context.Background()), s.cfg.CacheDir)
}
