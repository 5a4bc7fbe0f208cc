package server_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/seki-dev/seki/internal/authz"
)

// loose lists what under dir group or others may access.
func loose(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.Type()&fs.ModeSymlink != 0 {
			return nil
		}
		if info, err := d.Info(); err == nil && info.Mode().Perm()&0o077 != 0 {
			out = append(out, info.Mode().Perm().String()+" "+path)
		}
		return nil
	})
	return out
}

// TestDataDirIsPrivate is issue #10's hole 7 and issue #9's file modes: a
// real seki creates everything in its data dir 0600/0700 (the store and
// its WAL, blobs, the decision log, runtime dirs), and tightens a data dir
// whose files an older seki or a user left readable by others.
func TestDataDirIsPrivate(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	dir := filepath.Join(t.TempDir(), "data")
	p, _ := startSeki(t, dir)
	c := s3.NewFromConfig(aws.Config{Region: "us-east-1", Credentials: p.iam().Options().Credentials,
		BaseEndpoint: aws.String("http://" + p.addr), RetryMaxAttempts: 1}, func(o *s3.Options) { o.UsePathStyle = true })
	ctx := context.Background()
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("private-data")}); err != nil {
		t.Fatal(err)
	}
	big := strings.Repeat("x", 200<<10) // a blob file, not inline
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("private-data"), Key: aws.String("k"), Body: strings.NewReader(big)}); err != nil {
		t.Fatal(err)
	}
	if l := loose(t, dir); len(l) > 0 {
		t.Errorf("created with group/other access:\n%s", strings.Join(l, "\n"))
	}
	for _, name := range []string{"seki.db", authz.LogFile, "blobs"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("expected %s in the data dir: %v", name, err)
		}
	}

	// Stop it, open everything up as an old seki or a careless user
	// might, and start again.
	p.cmd.Process.Signal(syscall.SIGTERM)
	p.cmd.Wait()
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && d.Type()&fs.ModeSymlink == 0 {
			if d.IsDir() {
				os.Chmod(path, 0o755)
			} else {
				os.Chmod(path, 0o644)
			}
		}
		return nil
	})
	if len(loose(t, dir)) == 0 {
		t.Fatal("could not loosen the data dir")
	}
	startSeki(t, dir)
	if l := loose(t, dir); len(l) > 0 {
		t.Errorf("not tightened at start:\n%s", strings.Join(l, "\n"))
	}
}
