package dynamodb

import (
	"context"
	"sync"
	"testing"

	"github.com/seki-dev/seki/internal/store"
)

// TestTableCacheRace re-creates a table with alternating key types while
// readers look it up: afterwards the cached definition must be the stored
// one, and no item may have been written under a stale definition.
func TestTableCacheRace(t *testing.T) {
	e := newHandlerEnv(t)
	create := func(typ string) string {
		_, out := e.do("CreateTable", `{"TableName":"race","BillingMode":"PAY_PER_REQUEST","KeySchema":[{"AttributeName":"k","KeyType":"HASH"}],"AttributeDefinitions":[{"AttributeName":"k","AttributeType":"`+typ+`"}]}`)
		return out
	}
	create("S")
	ref := tableRef{account: "111111111111", region: "us-east-1", name: "race"}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for r := 0; r < 4; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				e.s.lookup(context.Background(), ref)
				e.do("PutItem", `{"TableName":"race","Item":{"k":{"S":"x"}}}`)
			}
		}()
	}
	for i := 0; i < 100; i++ {
		e.do("DeleteTable", `{"TableName":"race"}`)
		if i%2 == 0 {
			create("N")
		} else {
			create("S")
		}
	}
	close(stop)
	wg.Wait()
	cached, err := e.s.lookup(context.Background(), ref)
	if err != nil {
		t.Fatal(err)
	}
	var stored *table
	var strays int
	e.s.db.Read(context.Background(), func(tx *store.Tx) error {
		stored, err = loadTable(tx, ref)
		if err != nil {
			return err
		}
		return tx.QueryRow(`SELECT COUNT(*) FROM dynamodb_items WHERE tid NOT IN (SELECT id FROM dynamodb_tables)`).Scan(&strays)
	})
	if cached == nil || stored == nil || cached.id != stored.id || cached.HashType != stored.HashType {
		t.Fatalf("cache %+v, store %+v", cached, stored)
	}
	if strays != 0 {
		t.Errorf("%d items written under a deleted table", strays)
	}
}
