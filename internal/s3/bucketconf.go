package s3

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/xml"
	"errors"
	"strings"

	"github.com/seki-dev/seki/internal/awserr"
	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

// Bucket configurations S3 keeps as documents and does nothing else with
// here: lifecycle (lifecycle.go), website (website.go), transfer
// acceleration and request payment. Each is validated as S3 validates it
// and stored canonical (re-encoded, in S3's element order) in
// s3_bucket_configs, which loses it with its bucket.

// A confKind is one such configuration.
type confKind struct {
	// name is the row's name (the subresource).
	name string
	// parse validates a request document and returns the document to
	// store, the value of the header the configuration answers with
	// (header, "" for none), or S3's refusal.
	parse func(body []byte, r *protocol.Request, b *bucket) (doc []byte, extra string, err error)
	// against, when set, judges a parsed document against what it names
	// (other buckets, a role to pass) once parse accepted it.
	against func(ctx context.Context, s *Service, r *protocol.Request, b *bucket, doc []byte) error
	// header is the response header that carries extra, if any.
	header string
	// none is Get's answer for a bucket without the configuration.
	none func(b *bucket) (any, error)
	// apply, when set, keeps what requests need of the configuration in
	// the cached bucket (doc is nil once it is deleted).
	apply func(b *bucket, doc []byte)
}

// applied are the kinds with a part in the cached bucket.
var applied = []*confKind{lifecycleConf, ownershipConf, bucketACLConf, lockConf, encryptionConf, replicationConf}

// loadConfs applies the stored configurations to the loaded buckets.
func (s *Service) loadConfs(tx *store.Tx) error {
	for _, k := range applied {
		rows, err := tx.Query(`SELECT bucket, doc FROM s3_bucket_configs WHERE name = ?`, k.name)
		if err != nil {
			return err
		}
		for rows.Next() {
			var name string
			var doc []byte
			if err := rows.Scan(&name, &doc); err != nil {
				rows.Close()
				return err
			}
			if b := s.buckets[name]; b != nil {
				k.apply(b, doc)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

// writeConf runs a configuration's write, through updateBucket when the
// cached bucket keeps a part of it.
func (s *Service) writeConf(ctx context.Context, k *confKind, b *bucket, doc []byte, fn func(tx *store.Tx) error) error {
	if k.apply == nil {
		return s.db.Write(ctx, fn)
	}
	return s.updateBucket(ctx, b.name, func(tx *store.Tx, nb *bucket) error {
		if err := fn(tx); err != nil {
			return err
		}
		k.apply(nb, doc)
		return nil
	})
}

// loadConf reads a stored configuration; found is false when there is none.
func (s *Service) loadConf(ctx context.Context, bucket, name string) (doc []byte, extra string, found bool, err error) {
	var ex sql.NullString
	err = s.db.Read(ctx, func(tx *store.Tx) error {
		return tx.QueryRow(`SELECT doc, extra FROM s3_bucket_configs WHERE bucket = ? AND name = ?`, bucket, name).Scan(&doc, &ex)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", false, nil
	}
	return doc, ex.String, err == nil, err
}

func (s *Service) putConf(k *confKind) func(context.Context, *protocol.Request, *call) (any, error) {
	return func(ctx context.Context, r *protocol.Request, c *call) (any, error) {
		b, err := s.needBucket(r, c)
		if err != nil {
			return nil, err
		}
		body, err := s.readBody(r)
		if err != nil {
			return nil, err
		}
		doc, extra, err := k.parse(body, r, b)
		if err != nil {
			return nil, err
		}
		if k.against != nil {
			if err := k.against(ctx, s, r, b, doc); err != nil {
				return nil, err
			}
		}
		err = s.writeConf(ctx, k, b, doc, func(tx *store.Tx) error {
			_, err := tx.Exec(`INSERT INTO s3_bucket_configs(bucket, name, doc, extra) VALUES(?, ?, ?, ?)
ON CONFLICT(bucket, name) DO UPDATE SET doc = excluded.doc, extra = excluded.extra`, b.name, k.name, doc, nullString(extra))
			if isForeignKeyErr(err) {
				return noSuchBucket(b.name)
			}
			return err
		})
		if err != nil {
			return nil, err
		}
		if k.header != "" {
			return headerOnly{k.header: extra}, nil
		}
		return headerOnly{}, nil
	}
}

func (s *Service) getConf(k *confKind) func(context.Context, *protocol.Request, *call) (any, error) {
	return func(ctx context.Context, r *protocol.Request, c *call) (any, error) {
		b, err := s.needBucket(r, c)
		if err != nil {
			return nil, err
		}
		doc, extra, found, err := s.loadConf(ctx, b.name, k.name)
		if err != nil {
			return nil, err
		}
		if !found {
			return k.none(b)
		}
		var x xmlBuilder
		x.header()
		x.Write(withNamespace(doc))
		h := map[string]string{}
		if k.header != "" && extra != "" {
			h[k.header] = extra
		}
		return &docWithHeaders{x: &x, h: h}, nil
	}
}

func (s *Service) deleteConf(k *confKind) func(context.Context, *protocol.Request, *call) (any, error) {
	return func(ctx context.Context, r *protocol.Request, c *call) (any, error) {
		b, err := s.needBucket(r, c)
		if err != nil {
			return nil, err
		}
		err = s.writeConf(ctx, k, b, nil, func(tx *store.Tx) error {
			_, err := tx.Exec(`DELETE FROM s3_bucket_configs WHERE bucket = ? AND name = ?`, b.name, k.name)
			return err
		})
		if err != nil {
			return nil, err
		}
		return noContent{}, nil
	}
}

// encodeConf writes a validated document as S3 answers it: v's XMLName is
// set to root in S3's namespace.
func encodeConf(v any) []byte {
	out, err := xml.Marshal(v)
	if err != nil {
		// The documents are our own structs of strings and numbers.
		panic(err)
	}
	return out
}

func s3Name(root string) xml.Name { return xml.Name{Space: xmlns, Local: root} }

// emptyDoc is a configuration's answer with no content: <root xmlns=".."/>.
func emptyDoc(root string) any {
	var x xmlBuilder
	x.header()
	x.root(root)
	x.close(root)
	return xmlDoc{&x}
}

// Transfer acceleration.

// source: snapshot tests/aws/services/s3/test_s3_api.snapshot.json#tests/aws/services/s3/test_s3_api.py::TestS3BucketAccelerateConfiguration::test_bucket_acceleration_configuration_exc
const msgAccelerateDots = "S3 Transfer Acceleration is not supported for buckets with periods (.) in their names"

type xAccelerate struct {
	XMLName xml.Name `xml:"AccelerateConfiguration"`
	Status  *string  `xml:"Status,omitempty"`
}

var accelerateConf = &confKind{
	name: "accelerate",
	parse: func(body []byte, _ *protocol.Request, b *bucket) ([]byte, string, error) {
		var a xAccelerate
		if err := decodeXML(body, "AccelerateConfiguration", &a); err != nil {
			return nil, "", err
		}
		// The bucket's name is judged before the document's values.
		if strings.Contains(b.name, ".") {
			return nil, "", errInvalidRequest.New(msgAccelerateDots)
		}
		if a.Status == nil || (*a.Status != "Enabled" && *a.Status != "Suspended") {
			return nil, "", malformedXML()
		}
		a.XMLName = s3Name("AccelerateConfiguration")
		return encodeConf(a), "", nil
	},
	// A bucket never configured answers an empty configuration.
	none: func(*bucket) (any, error) { return emptyDoc("AccelerateConfiguration"), nil },
}

// Request payment.

type xRequestPayment struct {
	XMLName xml.Name `xml:"RequestPaymentConfiguration"`
	Payer   string   `xml:"Payer"`
}

var requestPaymentConf = &confKind{
	name: "requestPayment",
	parse: func(body []byte, _ *protocol.Request, _ *bucket) ([]byte, string, error) {
		var p xRequestPayment
		if err := decodeXML(body, "RequestPaymentConfiguration", &p); err != nil {
			return nil, "", err
		}
		// source: snapshot tests/aws/services/s3/test_s3.snapshot.json#tests/aws/services/s3/test_s3.py::TestS3::test_s3_request_payer_exceptions
		if p.Payer != "BucketOwner" && p.Payer != "Requester" {
			return nil, "", malformedXML()
		}
		p.XMLName = s3Name("RequestPaymentConfiguration")
		return encodeConf(p), "", nil
	},
	// The bucket owner pays unless configured otherwise.
	none: func(*bucket) (any, error) {
		return rawDoc(encodeConf(xRequestPayment{XMLName: s3Name("RequestPaymentConfiguration"), Payer: "BucketOwner"})), nil
	},
}

// rawDoc answers an encoded document.
func rawDoc(doc []byte) any {
	var x xmlBuilder
	x.header()
	x.Write(withNamespace(doc))
	return xmlDoc{&x}
}

// withNamespace gives a stored document's root element S3's namespace, as
// S3's answers carry it: encoding/xml writes the XMLName's tag, not the
// namespace set in its value, so the stored documents have none.
func withNamespace(doc []byte) []byte {
	if len(doc) == 0 || doc[0] != '<' {
		return doc
	}
	end := bytes.IndexByte(doc, '>')
	if end < 0 || bytes.Contains(doc[:end], []byte("xmlns=")) {
		return doc
	}
	at := end
	if doc[end-1] == '/' {
		at = end - 1 // <Root/>
	}
	if sp := bytes.IndexByte(doc[:at], ' '); sp >= 0 {
		at = sp // <Root attr="...">
	}
	out := make([]byte, 0, len(doc)+len(xmlns)+9)
	out = append(out, doc[:at]...)
	out = append(out, ` xmlns="`+xmlns+`"`...)
	return append(out, doc[at:]...)
}

// noConf is the answer for a configuration a bucket does not have.
func noConf(code awserr.Code, msg string) func(b *bucket) (any, error) {
	return func(b *bucket) (any, error) { return nil, code.New(msg).With("BucketName", b.name) }
}

// Default encryption. seki stores every object as SSE-S3 (AES256) answers
// it; a bucket's configuration is kept and answered as given, and
// DeleteBucketEncryption returns the bucket to S3's default, SSE-S3.

// source: snapshot tests/aws/services/s3/test_s3_api.snapshot.json#tests/aws/services/s3/test_s3_api.py::TestS3BucketEncryption::test_s3_default_bucket_encryption_exc
const msgKMSKeyNotApplicable = "a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse"

type xEncryption struct {
	XMLName xml.Name          `xml:"ServerSideEncryptionConfiguration"`
	Rules   []xEncryptionRule `xml:"Rule"`
}

type xEncryptionRule struct {
	Default          *xEncryptionDefault `xml:"ApplyServerSideEncryptionByDefault"`
	BucketKeyEnabled bool                `xml:"BucketKeyEnabled"`
}

type xEncryptionDefault struct {
	SSEAlgorithm   string  `xml:"SSEAlgorithm"`
	KMSMasterKeyID *string `xml:"KMSMasterKeyID,omitempty"`
}

var encryptionConf = &confKind{
	name: "encryption",
	parse: func(body []byte, _ *protocol.Request, _ *bucket) ([]byte, string, error) {
		var e xEncryption
		if err := decodeXML(body, "ServerSideEncryptionConfiguration", &e); err != nil {
			return nil, "", err
		}
		// One rule, with a default.
		// source: snapshot tests/aws/services/s3/test_s3_api.snapshot.json#tests/aws/services/s3/test_s3_api.py::TestS3BucketEncryption::test_s3_default_bucket_encryption_exc
		if len(e.Rules) != 1 || e.Rules[0].Default == nil {
			return nil, "", malformedXML()
		}
		d := e.Rules[0].Default
		switch d.SSEAlgorithm {
		case "AES256":
			if d.KMSMasterKeyID != nil {
				return nil, "", errInvalidArgument.New(msgKMSKeyNotApplicable).With("ArgumentName", "ApplyServerSideEncryptionByDefault")
			}
		case "aws:kms", "aws:kms:dsse":
		default:
			return nil, "", malformedXML()
		}
		e.XMLName = s3Name("ServerSideEncryptionConfiguration")
		return encodeConf(e), "", nil
	},
	none:  func(*bucket) (any, error) { return defaultEncryption(), nil },
	apply: applyDefaultSSE,
}

// defaultEncryption is S3's default for every bucket: SSE-S3.
func defaultEncryption() any {
	e := xEncryption{XMLName: s3Name("ServerSideEncryptionConfiguration"),
		Rules: []xEncryptionRule{{Default: &xEncryptionDefault{SSEAlgorithm: "AES256"}}}}
	return rawDoc(encodeConf(e))
}
