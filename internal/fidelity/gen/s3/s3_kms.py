"""SSE-KMS cases of test_s3 and test_s3_api (seki's KMS serves the keys).
The keys are made through seki's KMS in the case's setup (their ARNs saved
as ${...}), so a key ARN the recording abstracts is checked exactly. An
SSE-KMS object's ETag is not its MD5 at AWS (the recording's ETags differ
for the same body), so those values are left unchecked, as for SSE-C."""
from s3lib import *
import s3_api_more as api2

KID = 'x-amz-server-side-encryption-aws-kms-key-id'
ETAG = {'ETag': '*'}
DATA = 'test-sse'


def kms(target, body, region=None, save=None):
    s = {'service': 'kms', 'method': 'POST', 'path': '/', 'target': 'TrentService.' + target, 'body': body}
    if region: s['region'] = region
    if save: s['save'] = save
    return s


def new_key(n, region=None):
    """CreateKey, saving the key's id as ${n} and its ARN as ${n-arn}."""
    return kms('CreateKey', {}, region, save={n: 'KeyMetadata.KeyId', n + '-arn': 'KeyMetadata.Arn'})


def sse(key=None, bucket_key=None):
    h = {'x-amz-server-side-encryption': 'aws:kms'}
    if key: h[KID] = key
    if bucket_key is not None: h['x-amz-server-side-encryption-bucket-key-enabled'] = 'true' if bucket_key else 'false'
    return h


def enc_conf(key=None, bucket_key=True):
    k = f'<KMSMasterKeyID>{key}</KMSMasterKeyID>' if key else ''
    bk = f'<BucketKeyEnabled>{"true" if bucket_key else "false"}</BucketKeyEnabled>'
    return (f'<ServerSideEncryptionConfiguration {api2.X}><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>aws:kms</SSEAlgorithm>'
            f'{k}</ApplyServerSideEncryptionByDefault>{bk}</Rule></ServerSideEncryptionConfiguration>')


def put_enc(B, key=None, bucket_key=True):
    return s3('PUT', B, 'encryption', raw=enc_conf(key, bucket_key), headers=api2.MD5)


def s3kms(F):
    """test_s3's SSE-KMS tests."""
    T = 'test_s3_sse_validate_kms_key_state'
    B = '/fid-kms-state'
    K = B + '/put-object-with-sse'
    F.case(T, 'success-put-object-sse', put(K, DATA, sse('${kst}')), setup=[s3('PUT', B), new_key('kst')], op='PutObject',
           headers={**ETAG, KID: '${kst-arn}'})
    F.case(T, 'success-get-object-sse', s3('GET', K), op='GetObject', headers={**ETAG, KID: '${kst-arn}'})
    F.case(T, 'get-obj-disabled-key', s3('GET', K), setup=[kms('DisableKey', {'KeyId': '${kst}'})], msg='${kst-arn} is disabled.')
    F.case(T, 'put-obj-disabled-key', put(B + '/key-is-deactivated', DATA, sse('${kst}')), msg='${kst-arn} is disabled.')
    F.case(T, 'get-obj-pending-deletion-key', s3('GET', K), setup=[kms('ScheduleKeyDeletion', {'KeyId': '${kst}', 'PendingWindowInDays': 7})],
           msg='${kst-arn} is pending deletion.')

    T = 'test_s3_sse_validate_kms_key'
    B = '/fid-kms-validate'
    K = B + '/test-sse-validate-kms-key'
    fake = '134f2428-cec1-4b25-a1ae-9048164dba47'
    e2 = 'us-east-2'
    setup = [s3('PUT', B, raw=f'<CreateBucketConfiguration {api2.X}><LocationConstraint>{e2}</LocationConstraint></CreateBucketConfiguration>', region=e2),
             new_key('kwest', region='us-west-2')]
    F.case(T, 'put-obj-wrong-kms-key', s3put(K, sse('fake-key-id'), e2), setup=setup)
    F.case(T, 'put-obj-wrong-kms-key-real-uuid', s3put(K, sse(fake), e2),
           msg=f"Key 'arn:aws:kms:{e2}:111111111111:key/{fake}' does not exist")
    F.case(T, 'put-obj-wrong-kms-key-real-uuid-arn', s3put(K, sse(f'arn:aws:kms:{e2}:111111111111:key/{fake}'), e2),
           msg=f"Key 'arn:aws:kms:{e2}:111111111111:key/{fake}' does not exist")
    F.case(T, 'put-obj-different-region-kms-key', s3put(B + '/r', sse('${kwest-arn}'), e2), msg='Invalid arn us-west-2')
    F.case(T, 'put-obj-different-region-kms-key-no-arn', s3put(B + '/n', sse('${kwest}'), e2),
           msg=f"Key 'arn:aws:kms:{e2}:111111111111:key/${{kwest}}' does not exist")
    F.case(T, 'create-multipart-wrong-kms-key', s3('POST', B + '/mpu', 'uploads', headers=sse('fake-key-id'), region=e2))
    F.case(T, 'copy-obj-wrong-kms-key', s3('PUT', B + '/copy', headers={**sse('fake-key-id'), 'x-amz-copy-source': B + '/key-to-be-copied'}, region=e2),
           setup=[s3put(B + '/key-to-be-copied', {}, e2, 'test-data')])

    T = 'test_copy_object_kms'
    B = '/fid-kms-copy'
    F.case(T, 'get-object', s3('GET', B + '/mykey'), setup=[s3('PUT', B), new_key('kcp'), put(B + '/mykey', 'hello world')], op='GetObject')
    F.case(T, 'copy-object', s3('PUT', B + '/copiedkey', headers={**sse('${kcp}', True), 'x-amz-copy-source': B + '/mykey'}), op='CopyObject',
           headers={KID: '${kcp-arn}'}, skip=('CopyObjectResult.ETag',))
    F.case(T, 'get-copied-object', s3('GET', B + '/copiedkey'), op='GetObject', headers={**ETAG, KID: '${kcp-arn}'})

    T = 'test_s3_multipart_upload_sse'
    B = '/fid-kms-mpu'
    K = B + '/test-sse-field-multipart'
    F.case(T, 'multi-sse-create-multipart', s3('POST', K, 'uploads', headers=sse('${kmp}', True), save={'kmpu': 'InitiateMultipartUploadResult.UploadId'}),
           setup=[s3('PUT', B), new_key('kmp')], op='CreateMultipartUpload', headers={KID: '${kmp-arn}'})
    F.case(T, 'multi-sse-upload-part', s3('PUT', K, 'partNumber=1&uploadId=${kmpu}', raw=DATA, headers={'x-amz-checksum-crc32': crc(DATA)},
                                          save={'kmpupe': 'header:ETag'}), op='UploadPart', headers={**ETAG, KID: '${kmp-arn}'})
    F.case(T, 'multi-sse-compete-multipart', api2.mpu_done(K, 'kmpu'), op='CompleteMultipartUpload', headers={KID: '${kmp-arn}'},
           skip=('CompleteMultipartUploadResult.ETag',))
    F.case(T, 'get-obj', s3('GET', K), op='GetObject', headers={**ETAG, KID: '${kmp-arn}'})

    T = 'test_s3_sse_bucket_key_default'
    B = '/fid-kms-bkey'
    F.case(T, 'put-obj-default-before-setting', put(B + '/test-sse-bucket-before', DATA), setup=[s3('PUT', B), new_key('kbk')], op='PutObject')
    F.case(T, 'get-obj-default-before-setting', s3('GET', B + '/test-sse-bucket-before'), op='GetObject')
    F.case(T, 'put-bucket-encryption', put_enc(B, '${kbk}'), op='PutBucketEncryption')
    F.case(T, 'get-bucket-encryption', s3('GET', B, 'encryption'), op='GetBucketEncryption',
           values={'ServerSideEncryptionConfiguration.Rule.ApplyServerSideEncryptionByDefault.KMSMasterKeyID': '${kbk}'})
    F.case(T, 'get-obj-default-after-setting', s3('GET', B + '/test-sse-bucket-before'), op='GetObject')
    F.case(T, 'put-obj-after-setting', put(B + '/test-sse-bucket-after', DATA), op='PutObject', headers={**ETAG, KID: '${kbk-arn}'})
    F.case(T, 'get-obj-after-setting', s3('GET', B + '/test-sse-bucket-after'), op='GetObject', headers={**ETAG, KID: '${kbk-arn}'})

    T = 'test_s3_sse_default_kms_key'
    B1, B2 = '/fid-kms-dflt1', '/fid-kms-dflt2'
    K = '/test-sse-default-key'
    F.case(T, 'put-obj-default-kms-s3-key', put(B1 + K, DATA, sse(), save={'ks3': 'header:' + KID}), setup=[s3('PUT', B1), s3('PUT', B2)],
           op='PutObject', headers=ETAG)
    F.case(T, 'get-obj-default-kms-s3-key', s3('GET', B1 + K), op='GetObject', headers={**ETAG, KID: '${ks3}'})
    F.case(T, 'put-obj-default-kms-s3-key-bucket-2', put(B2 + K, DATA, sse()), op='PutObject', headers={**ETAG, KID: '${ks3}'})
    F.case(T, 'get-obj-default-kms-s3-key-bucket-2', s3('GET', B2 + K), op='GetObject', headers={**ETAG, KID: '${ks3}'})
    F.case(T, 'put-bucket-encryption-default-kms-s3-key', put_enc(B1), op='PutBucketEncryption')
    F.case(T, 'get-bucket-encryption-default-kms-s3-key', s3('GET', B1, 'encryption'), op='GetBucketEncryption')
    K = '/test-sse-default-key-from-bucket'
    F.case(T, 'put-obj-default-kms-s3-key-from-bucket', put(B1 + K, DATA, sse()), op='PutObject', headers={**ETAG, KID: '${ks3}'})
    F.case(T, 'get-obj-default-kms-s3-key-from-bucket', s3('GET', B1 + K), op='GetObject', headers={**ETAG, KID: '${ks3}'})

    T = 'test_s3_copy_object_in_place_with_encryption'
    B = '/fid-kms-cip'
    K = B + '/source-object'
    src = {'x-amz-copy-source': K}
    F.case(T, 'put-object-with-kms-encryption', put(K, 'test', sse('${kci}', True)), setup=[s3('PUT', B), new_key('kci')], op='PutObject',
           headers={**ETAG, KID: '${kci-arn}'})
    F.case(T, 'head-object', s3('HEAD', K), op='HeadObject', headers={**ETAG, KID: '${kci-arn}'})
    F.case(T, 'copy-object-in-place-with-sse', s3('PUT', K, headers={**src, **sse()}), op='CopyObject', skip=('CopyObjectResult.ETag',))
    F.case(T, 'head-copy-with-sse', s3('HEAD', K), op='HeadObject', headers=ETAG)
    F.case(T, 'copy-object-in-place-without-kms-sse', s3('PUT', K, headers=src), op='CopyObject')
    F.case(T, 'head-copy-without-kms-sse', s3('HEAD', K), op='HeadObject')
    F.case(T, 'copy-object-in-place-with-aes', s3('PUT', K, headers={**src, 'x-amz-server-side-encryption': 'AES256'}), op='CopyObject')
    F.case(T, 'head-copy-with-aes', s3('HEAD', K), op='HeadObject')


def s3put(path, hdrs, region, body=DATA):
    """A PutObject signed for region (the bucket's)."""
    p = put(path, body, hdrs)
    p['region'] = region
    return p


def key_metadata(F, test, record, arn):
    """DescribeKey's answer as recorded: every key of KeyMetadata, its fixed
    values, and the key's ARN (abstracted by the recording) exactly."""
    _, r = F.rec(test, record)
    m = r['KeyMetadata']
    values = {'KeyMetadata.' + k: sval(v) for k, v in m.items() if fixed(v)}
    values['KeyMetadata.Arn'] = arn
    return {'at': 'KeyMetadata', 'keys': sorted(m), 'values': values}


def s3apikms(F):
    """test_s3_api's TestS3BucketEncryption answers with KMS keys."""
    T = 'test_s3_bucket_encryption_sse_kms'
    B = '/fid-api-kms'
    K = B + '/test-sse-kms'
    F.case(T, 'put-bucket-enc', put_enc(B, '${kbe}'), setup=[s3('PUT', B), new_key('kbe')], op='PutBucketEncryption')
    F.case(T, 'get-bucket-enc', s3('GET', B, 'encryption'), op='GetBucketEncryption',
           values={'ServerSideEncryptionConfiguration.Rule.ApplyServerSideEncryptionByDefault.KMSMasterKeyID': '${kbe}'})
    F.case(T, 'put-object-encrypted', put(K, 'test-encrypted'), op='PutObject', headers={**ETAG, KID: '${kbe-arn}'})
    F.case(T, 'head-object-encrypted', s3('HEAD', K), op='HeadObject', headers={**ETAG, KID: '${kbe-arn}'})
    F.case(T, 'get-object-encrypted', s3('GET', K), op='GetObject', headers={**ETAG, KID: '${kbe-arn}'})
    F.case(T, 'put-bucket-enc-bucket-key-disabled', put_enc(B, '${kbe}', False), op='PutBucketEncryption')
    F.case(T, 'put-object-encrypted-bucket-key-disabled', put(K, 'test-encrypted'), op='PutObject', headers={**ETAG, KID: '${kbe-arn}'})

    T = 'test_s3_bucket_encryption_sse_kms_aws_managed_key'
    B = '/fid-api-kmsaws'
    K = B + '/test-sse-kms'
    F.case(T, 'put-bucket-enc', put_enc(B), setup=[s3('PUT', B)], op='PutBucketEncryption')
    F.case(T, 'get-bucket-enc', s3('GET', B, 'encryption'), op='GetBucketEncryption')
    F.case(T, 'put-object-encrypted', put(K, 'test-encrypted', save={'kaws': 'header:' + KID}), op='PutObject', headers=ETAG)
    F.case(T, 'managed-kms-key', kms('DescribeKey', {'KeyId': 'alias/aws/s3'}), extra=key_metadata(F, T, 'managed-kms-key', '${kaws}'))
    F.case(T, 'head-object-encrypted', s3('HEAD', K), op='HeadObject', headers={**ETAG, KID: '${kaws}'})
    F.case(T, 'get-object-encrypted', s3('GET', K), op='GetObject', headers={**ETAG, KID: '${kaws}'})
