package lambda

import (
	"context"
	"encoding/json"
	"sync"

	"github.com/seki-dev/seki/internal/store"
)

// collection runs the runner's code collections one at a time; a request
// made while one runs starts one more after it (the first may have read
// the versions before the change that asked for it).
type collection struct {
	mu      sync.Mutex
	running bool
	again   bool
	// wg counts the running collection, which Stop waits for.
	wg sync.WaitGroup
}

// collectCode tells a CodeCollector runner, in the background, which code
// the stored versions run.
func (s *Service) collectCode() {
	c, ok := s.getRunner().(CodeCollector)
	if !ok {
		return
	}
	s.collect.mu.Lock()
	if s.collect.running {
		s.collect.again = true
		s.collect.mu.Unlock()
		return
	}
	s.collect.running = true
	s.collect.wg.Add(1)
	s.collect.mu.Unlock()
	go func() {
		defer s.collect.wg.Done()
		for {
			if live, err := s.liveCode(context.Background()); err == nil {
				c.CollectCode(live)
			}
			s.collect.mu.Lock()
			if !s.collect.again {
				s.collect.running = false
				s.collect.mu.Unlock()
				return
			}
			s.collect.again = false
			s.collect.mu.Unlock()
		}
	}()
}

// liveCode is the code every stored version of every function runs.
func (s *Service) liveCode(ctx context.Context) ([]CodeRef, error) {
	var recs []*versionRecord
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(`SELECT config FROM lambda_versions`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var b string
			if err := rows.Scan(&b); err != nil {
				return err
			}
			rec := &versionRecord{}
			if err := json.Unmarshal([]byte(b), rec); err != nil {
				return err
			}
			recs = append(recs, rec)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	live := make([]CodeRef, 0, len(recs))
	for _, rec := range recs {
		live = append(live, CodeRef{CodeSHA256: rec.Config.CodeSha256, Layers: s.layerSpecs(rec)})
	}
	return live, nil
}
