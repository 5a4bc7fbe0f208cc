package demo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/seki-dev/seki/internal/awsclient"
)

// invocation is one run of the function as its CloudWatch Logs show it.
type invocation struct {
	requestID string
	lines     []string // from START to REPORT
}

// invocationLogs waits for the function's log group to hold the whole
// invocation that handled the upload with request id upload: the function
// logs that id, so a filter finds the stream and the event; the invocation is
// the START ... REPORT span around it in that stream (an environment runs one
// invocation at a time). It waits too for a line containing want (the one
// the story goes on with): the runtime ships the function's output and its
// own START/END/REPORT lines separately, so REPORT can be stored before the
// function's last line.
func (d *demo) invocationLogs(ctx context.Context, group, upload, want string, since time.Time) (*invocation, error) {
	deadline := time.Now().Add(d.o.timeout)
	start := since.Add(-time.Second).UnixMilli()
	for {
		inv, err := d.findInvocation(ctx, group, upload, start)
		if err != nil || inv != nil && inv.contains(want) {
			return inv, err
		}
		if time.Now().After(deadline) {
			if inv != nil {
				return inv, nil // the story says what is missing
			}
			return nil, fmt.Errorf("no complete invocation for upload %s in %s after %s", upload, group, d.o.timeout)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func (d *demo) findInvocation(ctx context.Context, group, upload string, start int64) (*invocation, error) {
	found, err := d.aws.FilterLogEvents(ctx, group, `"`+upload+`"`, start)
	if err != nil {
		if awsclient.Code(err) == "ResourceNotFoundException" {
			return nil, nil // the group appears with the first delivery
		}
		return nil, err
	}
	if len(found) == 0 {
		return nil, nil
	}
	marker := found[0]
	var events []string
	var token string
	for {
		page, err := d.aws.GetLogEvents(ctx, group, marker.LogStreamName, start, token)
		if err != nil {
			return nil, err
		}
		for _, e := range page.Events {
			events = append(events, e.Message)
		}
		if len(page.Events) == 0 || page.NextForwardToken == token {
			break
		}
		token = page.NextForwardToken
	}
	// The START before the marker opens the invocation.
	first := -1
	for i, m := range events {
		if strings.HasPrefix(m, "START RequestId: ") {
			first = i
		}
		if m == marker.Message {
			break
		}
	}
	if first < 0 {
		return nil, nil
	}
	id := strings.Fields(strings.TrimPrefix(events[first], "START RequestId: "))[0]
	for i := first; i < len(events); i++ {
		if strings.HasPrefix(events[i], "REPORT RequestId: "+id) {
			return &invocation{requestID: id, lines: events[first : i+1]}, nil
		}
	}
	return nil, nil
}

// show prints an invocation's log lines: tabs as spaces, and a multi-line
// event (a traceback) as its first line and a count.
func (d *demo) showLogs(group string, inv *invocation) {
	d.p.line("  the function's log (%s):", group)
	for _, m := range inv.lines {
		m = strings.TrimRight(m, "\n")
		more := ""
		if parts := strings.Split(m, "\r"); len(parts) > 1 {
			m, more = parts[0], fmt.Sprintf("  [+%d traceback lines]", len(parts)-1)
		}
		d.p.line("    | %s%s", strings.ReplaceAll(m, "\t", " "), more)
	}
}

// findID returns the request id the function logged after marker, as in
// "... (request id ID)" or "... (PutItem request id ID)".
func (inv *invocation) findID(marker string) string {
	for _, m := range inv.lines {
		_, rest, ok := strings.Cut(m, marker)
		if !ok {
			continue
		}
		if id, _, ok := strings.Cut(rest, ")"); ok {
			return strings.TrimSpace(id)
		}
	}
	return ""
}

// contains reports whether any line contains s.
func (inv *invocation) contains(s string) bool {
	for _, m := range inv.lines {
		if strings.Contains(m, s) {
			return true
		}
	}
	return false
}
