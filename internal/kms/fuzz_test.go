package kms

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/seki-dev/seki/internal/authz"
	"github.com/seki-dev/seki/internal/policy"
	"github.com/seki-dev/seki/internal/protocol"
	"github.com/seki-dev/seki/internal/store"
)

var fuzzOps = []string{"CreateKey", "DescribeKey", "ListKeys", "EnableKey", "DisableKey", "ScheduleKeyDeletion",
	"CancelKeyDeletion", "UpdateKeyDescription", "GetKeyPolicy", "PutKeyPolicy", "ListKeyPolicies", "CreateAlias",
	"UpdateAlias", "DeleteAlias", "ListAliases", "Encrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext",
	"Decrypt", "ReEncrypt", "TagResource", "UntagResource", "ListResourceTags"}

// fuzzEnv is a real service (real store, real door) answering requests of
// the account's root user.
type fuzzEnv struct {
	h *protocol.JSON
}

var fuzzRoot = &authz.Caller{Principal: policy.Principal{Type: policy.Root, Account: "111111111111",
	ARN: "arn:aws:iam::111111111111:root", UserID: "111111111111"}}

func newFuzzEnv(tb testing.TB) *fuzzEnv {
	tb.Helper()
	db, err := store.Open(context.Background(), tb.TempDir(), Migrations())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	s := New(db, Options{})
	if err := s.Start(context.Background()); err != nil {
		tb.Fatal(err)
	}
	return &fuzzEnv{h: s.Handler(protocol.Dispatcher{Authz: authz.New(nil, nil), Deny: AccessDenied})}
}

func (e *fuzzEnv) do(op, body string) (int, string) {
	hr := httptest.NewRequest("POST", "/", nil)
	hr.Header.Set("X-Amz-Target", TargetPrefix+"."+op)
	r := &protocol.Request{HTTP: hr, ID: "fuzz", Service: "kms", Region: "us-east-1", Caller: fuzzRoot,
		Body: []byte(body), Context: policy.NewContext(8)}
	w := httptest.NewRecorder()
	e.h.ServeAWS(w, r)
	return w.Code, w.Body.String()
}

// FuzzRequest sends arbitrary bodies to every operation of a real KMS
// (real store, real door): nothing may panic, and every failure must be a
// client error (400) in KMS's JSON error shape, never a server fault. The
// key fuzzKey (made before fuzzing, with alias/fz) and a blob it sealed
// give the fuzzer real targets to mutate around.
func FuzzRequest(f *testing.F) {
	e := newFuzzEnv(f)
	code, out := e.do("CreateKey", `{"Description":"fuzz"}`)
	if code != 200 {
		f.Fatalf("CreateKey: %d %s", code, out)
	}
	var ck struct{ KeyMetadata struct{ KeyId, Arn string } }
	if err := json.Unmarshal([]byte(out), &ck); err != nil {
		f.Fatal(err)
	}
	id := ck.KeyMetadata.KeyId
	if code, out := e.do("CreateAlias", `{"AliasName":"alias/fz","TargetKeyId":"`+id+`"}`); code != 200 {
		f.Fatalf("CreateAlias: %d %s", code, out)
	}
	code, out = e.do("Encrypt", `{"KeyId":"alias/fz","Plaintext":"aGVsbG8=","EncryptionContext":{"a":"b"}}`)
	if code != 200 {
		f.Fatalf("Encrypt: %d %s", code, out)
	}
	var enc struct{ CiphertextBlob string }
	if err := json.Unmarshal([]byte(out), &enc); err != nil {
		f.Fatal(err)
	}
	seeds := []string{
		`{}`, ``, `null`, `[]`, `{"KeyId":5}`, `{"KeyId":""}`,
		`{"KeyId":"` + id + `"}`,
		`{"KeyId":"` + ck.KeyMetadata.Arn + `"}`,
		`{"KeyId":"alias/fz","Plaintext":"aGVsbG8=","EncryptionContext":{"a":"b"}}`,
		`{"KeyId":"alias/aws/s3","Plaintext":"AA=="}`,
		`{"KeyId":"alias/fz","KeySpec":"AES_256"}`,
		`{"KeyId":"alias/fz","NumberOfBytes":1025}`,
		`{"KeyId":"alias/fz","KeySpec":"AES_128","NumberOfBytes":16}`,
		`{"CiphertextBlob":"` + enc.CiphertextBlob + `","EncryptionContext":{"a":"b"}}`,
		`{"CiphertextBlob":"` + enc.CiphertextBlob + `","EncryptionContext":{"a":"b"},"DestinationKeyId":"alias/fz","SourceKeyId":"` + id + `"}`,
		`{"CiphertextBlob":"AQID","EncryptionAlgorithm":"RSAES_OAEP_SHA_1"}`,
		`{"KeyId":"` + id + `","PendingWindowInDays":7}`,
		`{"KeyId":"` + id + `","PendingWindowInDays":3}`,
		`{"KeyId":"` + id + `","Description":"d"}`,
		`{"KeyId":"` + id + `","PolicyName":"default"}`,
		`{"KeyId":"` + id + `","PolicyName":"default","Policy":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::111111111111:root\"},\"Action\":\"kms:*\",\"Resource\":\"*\"}]}"}`,
		`{"AliasName":"alias/other","TargetKeyId":"` + id + `"}`,
		`{"AliasName":"alias/aws/x","TargetKeyId":"alias/fz"}`,
		`{"Limit":1,"Marker":"x"}`, `{"Limit":0}`,
		`{"KeyUsage":"SIGN_VERIFY","KeySpec":"RSA_2048"}`,
		`{"Policy":"{","BypassPolicyLockoutSafetyCheck":true}`,
		`{"Tags":[{"TagKey":"k","TagValue":"v"}],"MultiRegion":true}`,
		`{"KeyId":"alias/fz","Tags":[{"TagKey":"k","TagValue":"v"},{"TagKey":"aws:x","TagValue":""}],"TagKeys":["k","x"]}`,
	}
	for i, s := range seeds {
		f.Add(uint8(i%len(fuzzOps)), s)
		f.Add(uint8((i+7)%len(fuzzOps)), s)
		for j, op := range fuzzOps {
			if op == "Decrypt" || op == "ReEncrypt" || op == "Encrypt" || op == "GenerateDataKey" {
				f.Add(uint8(j), s)
			}
		}
	}
	f.Fuzz(func(t *testing.T, op uint8, body string) {
		name := fuzzOps[int(op)%len(fuzzOps)]
		code, out := e.do(name, body)
		if code == 200 {
			return
		}
		if code != 400 || !strings.HasPrefix(out, `{"__type":"`) {
			t.Fatalf("%s %q: %d %s", name, body, code, out)
		}
	})
}
