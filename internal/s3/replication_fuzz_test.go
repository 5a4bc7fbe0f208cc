package s3

import (
	"bytes"
	"testing"

	"github.com/seki-dev/seki/internal/awserr"
)

// FuzzReplicationAndLogging: a replication or logging document is refused
// with S3's errors or stored canonical: the stored document is accepted
// again, unchanged (rule IDs S3 assigns included).
func FuzzReplicationAndLogging(f *testing.F) {
	x := `xmlns="http://s3.amazonaws.com/doc/2006-03-01/"`
	f.Add(false, `<ReplicationConfiguration `+x+`><Role>arn:aws:iam::111111111111:role/r</Role><Rule><Priority>1</Priority><Filter><Prefix>Tax</Prefix></Filter><Status>Enabled</Status><Destination><Bucket>arn:aws:s3:::d</Bucket></Destination><DeleteMarkerReplication><Status>Disabled</Status></DeleteMarkerReplication></Rule></ReplicationConfiguration>`)
	f.Add(false, `<ReplicationConfiguration><Role>arn:aws:iam::111111111111:role/r</Role><Rule><ID>a</ID><Prefix>p</Prefix><Status>Enabled</Status><Destination><Bucket>arn:aws:s3:::d</Bucket><StorageClass>STANDARD</StorageClass><ReplicationTime><Status>Enabled</Status><Time><Minutes>15</Minutes></Time></ReplicationTime></Destination></Rule></ReplicationConfiguration>`)
	f.Add(false, `<ReplicationConfiguration><Role>arn:aws:iam::111111111111:role/r</Role><Rule><Priority>0</Priority><Filter><And><Prefix>a</Prefix><Tag><Key>k</Key><Value>v</Value></Tag></And></Filter><Status>Disabled</Status><Destination><Bucket>arn:aws:s3:::d</Bucket></Destination><DeleteMarkerReplication><Status>Enabled</Status></DeleteMarkerReplication></Rule></ReplicationConfiguration>`)
	f.Add(true, `<BucketLoggingStatus `+x+`><LoggingEnabled><TargetBucket>t</TargetBucket><TargetGrants><Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="Group"><URI>http://acs.amazonaws.com/groups/s3/LogDelivery</URI></Grantee><Permission>WRITE</Permission></Grant></TargetGrants><TargetPrefix>log</TargetPrefix><TargetObjectKeyFormat><PartitionedPrefix><PartitionDateSource>EventTime</PartitionDateSource></PartitionedPrefix></TargetObjectKeyFormat></LoggingEnabled></BucketLoggingStatus>`)
	f.Add(true, `<BucketLoggingStatus/>`)
	f.Fuzz(func(t *testing.T, logging bool, body string) {
		k := replicationConf
		if logging {
			k = loggingConf
		}
		doc, _, err := k.parse([]byte(body), nil, nil)
		if err != nil {
			switch code := awserr.As(err).Code; code {
			case errMalformedXML.Name, errInvalidArgument.Name, errInvalidRequest.Name:
			default:
				t.Fatalf("%s refused with %s: %v", k.name, code, err)
			}
			return
		}
		again, _, err := k.parse(doc, nil, nil)
		if err != nil || !bytes.Equal(again, doc) {
			t.Fatalf("%s: the stored document %s parses to %s, %v", k.name, doc, again, err)
		}
	})
}
