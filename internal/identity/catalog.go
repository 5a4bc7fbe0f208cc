package identity

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/seki-dev/seki/internal/policy"
)

//go:embed managed/*.json
var managedFS embed.FS

// ManagedEntry is one AWS managed policy of the catalogue.
type ManagedEntry struct {
	Rec      PolicyRec
	Document string // default version's document, as AWS returns it

	mu       sync.Mutex
	compiled map[policy.Kind]*policy.Policy // per kind, made on first use
}

// catalog holds the AWS managed policies seki ships, sorted by name. It is
// immutable after loadCatalog apart from each entry's lazily compiled forms.
type catalog struct {
	byARN  map[string]*ManagedEntry
	sorted []*ManagedEntry
}

type managedFile struct {
	PolicyName       string
	PolicyID         string `json:"PolicyId"`
	Arn              string
	Path             string
	Description      string
	CreateDate       time.Time
	UpdateDate       time.Time
	DefaultVersionID string `json:"DefaultVersionId"`
	Document         json.RawMessage
}

// loadCatalog reads the embedded catalogue: a dozen small files, so it is
// cheap enough for New; documents are compiled only when first used.
func loadCatalog() (*catalog, error) {
	files, err := managedFS.ReadDir("managed")
	if err != nil {
		return nil, err
	}
	c := &catalog{byARN: make(map[string]*ManagedEntry, len(files))}
	for _, f := range files {
		if !strings.HasSuffix(f.Name(), ".json") {
			continue
		}
		b, err := managedFS.ReadFile("managed/" + f.Name())
		if err != nil {
			return nil, err
		}
		var m managedFile
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("iam: managed policy %s: %w", f.Name(), err)
		}
		if m.Arn != "arn:aws:iam::aws:policy"+m.Path+m.PolicyName {
			return nil, fmt.Errorf("iam: managed policy %s: ARN %s does not match path and name", f.Name(), m.Arn)
		}
		if m.PolicyID == "" {
			m.PolicyID = derivedPolicyID(m.Arn)
		}
		var doc bytes.Buffer
		if err := json.Indent(&doc, m.Document, "", "    "); err != nil {
			return nil, fmt.Errorf("iam: managed policy %s: %w", f.Name(), err)
		}
		e := &ManagedEntry{
			Rec: PolicyRec{
				ID: m.PolicyID, Account: "aws", Name: m.PolicyName, Path: m.Path, ARN: m.Arn,
				Description: m.Description, Created: m.CreateDate.UTC(), Updated: m.UpdateDate.UTC(),
				DefaultVersion: m.DefaultVersionID,
			},
			Document: doc.String(),
		}
		e.Rec.AWS = e
		c.byARN[m.Arn] = e
		c.sorted = append(c.sorted, e)
	}
	sort.Slice(c.sorted, func(i, j int) bool {
		return lower(c.sorted[i].Rec.Name) < lower(c.sorted[j].Rec.Name)
	})
	return c, nil
}

// derivedPolicyID gives a catalogue policy whose real id is not known a
// stable id of the same shape.
func derivedPolicyID(arn string) string {
	sum := sha256.Sum256([]byte(arn))
	b := make([]byte, 17)
	for i := range b {
		b[i] = idChars[int(sum[i])%len(idChars)]
	}
	return "ANPA" + string(b)
}

// compile returns the entry's default version compiled as kind, compiling
// it on first use.
func (e *ManagedEntry) compile(kind policy.Kind) (*policy.Policy, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if p := e.compiled[kind]; p != nil {
		return p, nil
	}
	p, err := policy.Parse([]byte(e.Document), kind)
	if err != nil {
		return nil, fmt.Errorf("iam: AWS managed policy %s: %w", e.Rec.ARN, err)
	}
	p.Name = e.Rec.ARN
	if e.compiled == nil {
		e.compiled = make(map[policy.Kind]*policy.Policy)
	}
	e.compiled[kind] = p
	return p, nil
}
