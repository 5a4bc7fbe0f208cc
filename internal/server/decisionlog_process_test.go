package server_test

import (
	"context"
	"errors"
	"reflect"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/seki-dev/seki/internal/authz"
)

// TestKill9KeepsDecisions: what docs/ARCHITECTURE.md promises of the
// decision log when seki is killed with SIGKILL. Every denial answered
// before the kill is on disk, and so is every allowed decision answered
// well before it (the writer gathers allowed decisions for 2 ms); both are
// explained after the kill, read from the files by another process.
func TestKill9KeepsDecisions(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	dir := t.TempDir()
	p, _ := startSeki(t, dir)
	root := p.iam()
	ctx := context.Background()
	if _, err := root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("nobody")}); err != nil {
		t.Fatal(err)
	}
	key, err := root.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("nobody")})
	if err != nil {
		t.Fatal(err)
	}
	nobody := iam.NewFromConfig(aws.Config{
		Region:           "us-east-1",
		Credentials:      credentials.NewStaticCredentialsProvider(*key.AccessKey.AccessKeyId, *key.AccessKey.SecretAccessKey, ""),
		BaseEndpoint:     aws.String("http://" + p.addr),
		RetryMaxAttempts: 1,
	})
	in := &iam.GetUserInput{UserName: aws.String("nobody")}
	var allowed, denied []string
	for range 20 {
		_, err := nobody.GetUser(ctx, in)
		var withID interface{ ServiceRequestID() string }
		if err == nil || !errors.As(err, &withID) {
			t.Fatalf("nobody's GetUser answered %v, want AccessDenied", err)
		}
		denied = append(denied, withID.ServiceRequestID())
	}
	// Allowed decisions after the last denial, which would have taken
	// them along: only the writer's gathering puts them on disk.
	for range 50 {
		out, err := root.GetUser(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		allowed = append(allowed, requestID(reflect.ValueOf(out), nil))
	}
	time.Sleep(time.Second) // well past the gathering, even on a loaded machine
	p.cmd.Process.Signal(syscall.SIGKILL)
	p.cmd.Wait()

	for _, ids := range []struct {
		decision string
		ids      []string
	}{{"Allowed", allowed}, {"ImplicitlyDenied", denied}} {
		for _, id := range ids.ids {
			es, err := authz.Find(dir, id)
			if err != nil || len(es) != 1 || es[0].Decision != ids.decision || len(es[0].Reasons) == 0 {
				t.Fatalf("after kill -9, the decision of %s request %s reads %+v, %v", ids.decision, id, es, err)
			}
		}
	}
}
