package iam

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

// managedEntry is one AWS managed policy of the catalogue.
type managedEntry struct {
	rec      policyRec
	document string // default version's document, as AWS returns it

	mu       sync.Mutex
	compiled map[policy.Kind]*policy.Policy // per kind, made on first use
}

// catalog holds the AWS managed policies seki ships, sorted by name. It is
// immutable after loadCatalog apart from each entry's lazily compiled forms.
type catalog struct {
	byARN  map[string]*managedEntry
	sorted []*managedEntry
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
	c := &catalog{byARN: make(map[string]*managedEntry, len(files))}
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
		e := &managedEntry{
			rec: policyRec{
				ID: m.PolicyID, Account: "aws", Name: m.PolicyName, Path: m.Path, ARN: m.Arn,
				Description: m.Description, Created: m.CreateDate.UTC(), Updated: m.UpdateDate.UTC(),
				DefaultVersion: m.DefaultVersionID,
			},
			document: doc.String(),
		}
		e.rec.aws = e
		c.byARN[m.Arn] = e
		c.sorted = append(c.sorted, e)
	}
	sort.Slice(c.sorted, func(i, j int) bool {
		return lower(c.sorted[i].rec.Name) < lower(c.sorted[j].rec.Name)
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
func (e *managedEntry) compile(kind policy.Kind) (*policy.Policy, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if p := e.compiled[kind]; p != nil {
		return p, nil
	}
	p, err := policy.Parse([]byte(e.document), kind)
	if err != nil {
		return nil, fmt.Errorf("iam: AWS managed policy %s: %w", e.rec.ARN, err)
	}
	p.Name = e.rec.ARN
	if e.compiled == nil {
		e.compiled = make(map[policy.Kind]*policy.Policy)
	}
	e.compiled[kind] = p
	return p, nil
}
