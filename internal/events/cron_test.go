package events

import (
	"testing"
	"time"
)

// The expressions are the EventBridge User Guide's examples ("Cron
// expressions").
func TestCron(t *testing.T) {
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	cases := []struct {
		expr string
		when string
		want bool
	}{
		{"cron(0 10 * * ? *)", "2026-12-07T10:00:30Z", true},
		{"cron(0 10 * * ? *)", "2026-12-07T10:01:00Z", false},
		{"cron(15 12 * * ? *)", "2026-12-07T12:15:00Z", true},
		{"cron(0 18 ? * MON-FRI *)", "2026-12-07T18:00:00Z", true},  // a Monday
		{"cron(0 18 ? * MON-FRI *)", "2026-12-06T18:00:00Z", false}, // a Sunday
		{"cron(0 8 1 * ? *)", "2026-12-01T08:00:00Z", true},
		{"cron(0/10 * ? * MON-FRI *)", "2026-12-07T03:40:00Z", true},
		{"cron(0/10 * ? * MON-FRI *)", "2026-12-07T03:45:00Z", false},
		{"cron(0/5 8-17 ? * MON-FRI *)", "2026-12-08T17:55:00Z", true},
		{"cron(0/5 8-17 ? * MON-FRI *)", "2026-12-08T18:00:00Z", false},
		{"cron(0 9 ? * 2#1 *)", "2026-12-07T09:00:00Z", false}, // accepted, not run
		{"cron(30 6 ? DEC,JAN SUN 2026)", "2026-12-06T06:30:00Z", true},
	}
	for _, tc := range cases {
		c, err := parseCron(tc.expr)
		if err != nil {
			t.Fatalf("%s: %v", tc.expr, err)
		}
		if got := c.runnable && c.matches(at(tc.when)); got != tc.want {
			t.Errorf("%s at %s: %v, want %v", tc.expr, tc.when, got, tc.want)
		}
	}
	for _, bad := range []string{"cron(0 10 * * * *)", "cron(0 10 * *)", "cron(61 * * * ? *)", "cron(0 10 ? * FOO *)", "cron(5-1 * * * ? *)"} {
		if _, err := parseCron(bad); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}
