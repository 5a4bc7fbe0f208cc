package server

import (
	"context"
	"fmt"
	"net"
	"path/filepath"

	"github.com/seki-dev/seki/internal/cli/runtimescmd"
	"github.com/seki-dev/seki/internal/logs"
	fnruntime "github.com/seki-dev/seki/internal/runtime"
	"github.com/seki-dev/seki/internal/sts"
)

// newRuntime builds the function runtime (execution environments under
// DATA_DIR/runtime, the Event queue in the store, memory limits where the
// host allows). Functions learn seki's URL when environments start, which
// is after the server listens (Server.Listen starts the services).
func newRuntime(s *Server, st *sts.Service, lg *logs.Service, dest *destinations) (*fnruntime.Runtime, error) {
	return fnruntime.New(fnruntime.Options{
		Dir:          filepath.Join(s.cfg.DataDir, "runtime"),
		DB:           s.db,
		Assumer:      runtimeRoles{st},
		Logs:         logSink{lg},
		Endpoint:     s.endpoint,
		Now:          s.cfg.Now,
		MemoryLimits: true,
		Discovery:    fnruntime.Discovery{Explicit: s.cfg.Runtimes, Cache: s.cfg.CacheDir},
		Queue:        fnruntime.QueueOptions{Settled: dest.settled},
	})
}

// endpoint is seki's URL as functions see it (AWS_ENDPOINT_URL): the bound
// address, a wildcard listen address becoming loopback; "" before Listen.
func (s *Server) endpoint() string { return s.endpointURL }

func endpointURL(addr net.Addr) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return ""
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port)
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
