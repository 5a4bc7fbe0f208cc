package events

import (
	"context"
	"time"

	"github.com/seki-dev/seki/internal/protocol"
)

// scheduleTick is how often the scheduler looks for due rules.
const scheduleTick = 250 * time.Millisecond

// scheduler fires scheduled rules: each enabled one sends AWS's
// "Scheduled Event" to its targets. A rate(…) rule fires once per period,
// the first time a period after the scheduler first sees it; a cron(…)
// rule fires in each minute its expression names (UTC), once. Firing
// times are kept in memory: after a restart a rate's next firing is a
// period away. cron expressions with L, W or # are stored but not run.
type scheduler struct {
	s    *Service
	last map[string]time.Time // by rule ARN
	stop chan struct{}
	done chan struct{}
}

func (s *Service) startScheduler() {
	s.sched = &scheduler{s: s, last: map[string]time.Time{}, stop: make(chan struct{}), done: make(chan struct{})}
	go s.sched.run()
}

// Stop stops the scheduler; deliveries it started have been queued.
func (s *Service) Stop(ctx context.Context) error {
	if s.sched == nil {
		return nil
	}
	select {
	case <-s.sched.stop:
	default:
		close(s.sched.stop)
	}
	<-s.sched.done
	return nil
}

func (sc *scheduler) run() {
	defer close(sc.done)
	t := time.NewTicker(scheduleTick)
	defer t.Stop()
	for {
		select {
		case <-sc.stop:
			return
		case <-t.C:
			sc.tick()
		}
	}
}

func (sc *scheduler) tick() {
	now := sc.s.now()
	var due []*rule
	sc.s.mu.RLock()
	for arn, r := range sc.s.rules {
		if r.cron != nil && r.cron.runnable && r.state == "ENABLED" {
			minute := now.UTC().Truncate(time.Minute)
			if r.cron.matches(now) && !sc.last[arn].Equal(minute) {
				sc.last[arn] = minute
				due = append(due, r)
			}
			continue
		}
		if r.period <= 0 || r.state != "ENABLED" {
			delete(sc.last, arn)
			continue
		}
		last, seen := sc.last[arn]
		if !seen {
			sc.last[arn] = now
			continue
		}
		if now.Sub(last) >= r.period {
			sc.last[arn] = now
			due = append(due, r)
		}
	}
	sc.s.mu.RUnlock()
	for _, r := range due {
		sc.fire(r, now)
	}
}

// fire sends one Scheduled Event to a rule's targets. Its decisions are
// logged under the event's id, which `seki explain` takes as a request id.
func (sc *scheduler) fire(r *rule, now time.Time) {
	doc := &eventDoc{Version: "0", ID: protocol.NewUUID(), DetailType: "Scheduled Event", Source: "aws.events",
		Account: r.account, Time: now.UTC().Format("2006-01-02T15:04:05Z"), Region: r.region,
		Resources: []string{r.arn}, Detail: []byte("{}")}
	body, err := marshal(doc)
	if err != nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := sc.s.deliver(ctx, doc.ID, r, body); err != nil {
		sc.s.logf("events: scheduled rule %s: %v", r.arn, err)
	}
}
