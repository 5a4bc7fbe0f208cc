from s3lib import *
import s3_api_more as api2
X = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"'
F = File('s3', 'test_s3')
old = json.load(open(os.path.join(HERE, 's3_first_cases.json')))  # the 21 cases written by hand first
F.setup = old['setup']
F.cases = old['cases']
have = {(c['test'], c['record']) for c in F.cases}
_case = F.case
def case(test, record, call, **kw):
    t = F.tid(test)
    if (t, record) in have:
        return
    have.add((t, record))
    _case(test, record, call, **kw)
F.case = case
def cbc(loc):
    return f'<CreateBucketConfiguration {X}><LocationConstraint>{loc}</LocationConstraint></CreateBucketConfiguration>'

# --- checksums on PutObject
DATA = 'test data..'
for algo in ['CRC32', 'CRC32C', 'SHA1', 'SHA256', 'CRC64NVME']:
    T = f'test_put_object_checksum[{algo}]'
    h = 'x-amz-checksum-' + algo.lower()
    K = f'/fid-s3/file-ck-{algo.lower()}'
    base = {'x-amz-sdk-checksum-algorithm': algo}
    case(T, 'put-wrong-checksum-no-b64', s3('PUT', K, raw=DATA, headers={**base, h: 'a1b2c3d4'}))
    case(T, 'put-wrong-checksum-value', s3('PUT', K, raw=DATA, headers={**base, h: checksum(algo, 'bad data')}))
    case(T, 'put-object-generated', s3('PUT', K, raw=DATA, headers={**base, h: checksum(algo, DATA)}), op='PutObject')
    case(T, 'head-object-with-checksum', s3('HEAD', K, headers={'x-amz-checksum-mode': 'ENABLED'}), op='HeadObject')
T = 'test_s3_checksum_no_algorithm'
case(T, 'put-wrong-checksum', s3('PUT', '/fid-s3/file-noalgo', raw=DATA, headers={'x-amz-checksum-sha256': 'a1b2c3d4'}))
case(T, 'put-2-checksums', s3('PUT', '/fid-s3/file-noalgo', raw=DATA, headers={'x-amz-checksum-sha256': 'a1b2c3d4', 'x-amz-checksum-crc32': 'a1b2c3d4'}))
case(T, 'put-right-checksum', s3('PUT', '/fid-s3/file-noalgo', raw=DATA, headers={'x-amz-checksum-sha256': checksum('SHA256', DATA)}), op='PutObject')
case(T, 'head-obj', s3('HEAD', '/fid-s3/file-noalgo', headers={'x-amz-checksum-mode': 'ENABLED'}), op='HeadObject')
# --- Content-MD5
T = 'test_s3_invalid_content_md5'
for i, v in enumerate(['__invalid__', '000', 'not base64 encoded checksum', 'MTIz', 'dGVzdC1zdHJpbmc=']):
    case(T, f'md5-error-{i}', s3('PUT', '/fid-s3/test-key', raw='something', headers={'Content-MD5': v}))
K = '/fid-s3/test-key-mpu'
for i, v in enumerate(['__invalid__', '000', 'not base64 encoded checksum', 'MTIz', 'dGVzdC1zdHJpbmc=']):
    case(T, f'upload-part-md5-error-{i}', s3('PUT', K, 'partNumber=1&uploadId=${md5up}', raw='something', headers={'Content-MD5': v}),
         setup=[api2.mpu_create(K, 'md5up')] if i == 0 else None)
case(T, 'upload-part-md5-bad-digest', s3('PUT', K, 'partNumber=1&uploadId=${md5up}', raw='something', headers={'Content-MD5': 'CYketZBSTjX8czcs3cXVlg=='}))
# --- location constraints
T = 'test_different_location_constraint'
case(T, 'create-bucket-us-east-2-no-constraint-exc', s3('PUT', '/fid-loc2', region='us-east-2'))
case(T, 'create-bucket-constraint-us-east-2-with-None', s3('PUT', '/fid-loc2', region='us-east-2'))
case(T, 'create-bucket-us-east-2-constraint-to-us-west-1', s3('PUT', '/fid-loc2', raw=cbc('us-west-1'), region='us-east-2'), msg='The us-west-1 location constraint is incompatible for the region specific endpoint this request was sent to.')
case(T, 'create-bucket-us-west-1-constraint-to-us-east-2', s3('PUT', '/fid-loc2', raw=cbc('us-east-2'), region='us-west-1'), msg='The us-east-2 location constraint is incompatible for the region specific endpoint this request was sent to.')
case(T, 'create-bucket-us-west-1-constraint-to-us-east-1', s3('PUT', '/fid-loc2', raw=cbc('us-east-1'), region='us-west-1'), msg='The us-east-1 location constraint is incompatible for the region specific endpoint this request was sent to.')
case('test_bucket_constraint_aws_global[us-east-1]', 'aws-global-constraint', s3('PUT', '/fid-loc3', raw=cbc('aws-global')))
case('test_bucket_constraint_aws_global[us-west-1]', 'aws-global-constraint', s3('PUT', '/fid-loc3', raw=cbc('aws-global'), region='us-west-1'))
case('test_create_bucket_with_eu_location_constraint_raises', 'eu-location-constraint-error', s3('PUT', '/fid-loc3', raw=cbc('EU'), region='us-east-2'))
case('test_create_bucket_with_invalid_location_constraint[us-east-1-us-east-1]', 'us-east-1-location-constraint-us-east-1-error', s3('PUT', '/fid-loc3', raw=cbc('us-east-1')), members={'LocationConstraint': 'us-east-1'})
case('test_create_bucket_with_invalid_location_constraint[us-east-1-foo]', 'us-east-1-location-constraint-foo-error', s3('PUT', '/fid-loc3', raw=cbc('foo')), members={'LocationConstraint': 'foo'})
case('test_create_bucket_with_invalid_location_constraint[eu-west-1-bar]', 'eu-west-1-location-constraint-bar-error', s3('PUT', '/fid-loc3', raw=cbc('bar'), region='eu-west-1'))
case('test_bucket_exists', 'get-bucket-not-exists', s3('GET', '/bucket-not-exists', 'policy'))
case('test_create_bucket_head_bucket', 'head_bucket_not_exist', s3('HEAD', '/fid-nobucket'))
case('test_head_object_fields', 'head-object-404', s3('HEAD', '/fid-s3/doesnotexist'))
case('test_get_object_after_deleted_in_versioned_bucket', 'get-object-after-delete', s3('GET', '/fid-s3v/my-key'), setup=versioned('/fid-s3v') + [put('/fid-s3v/my-key', 'abcdefgh'), s3('DELETE', '/fid-s3v/my-key')])
# --- GET/HEAD preconditions
ET = '"8d777f385d3dfec8815d20f7496026dc"'
for m in ('get_object', 'head_object'):
    T = f'test_s3_get_object_preconditions[{m}]'
    M = 'GET' if m == 'get_object' else 'HEAD'
    K = f'/fid-s3/test-object-{m}'
    def g(h): return s3(M, K, headers=h)
    case(T, 'precondition-if-match', g({'If-Modified-Since': '${now}', 'If-Unmodified-Since': '${yesterday}', 'If-Match': 'etag123', 'If-None-Match': ET}), setup=[put(K, 'data')])
    case(T, 'precondition-if-unmodified-since', g({'If-Modified-Since': '${now}', 'If-Unmodified-Since': '${yesterday}', 'If-None-Match': ET}))
    case(T, 'precondition-if-none-match', g({'If-Modified-Since': '${now}', 'If-None-Match': ET}))
    case(T, 'copy-precondition-if-modified-since', g({'If-Modified-Since': '${now}'}))
    case(T, 'obj-ignore-future-modified-since', g({'If-Modified-Since': '${tomorrow}'}), op='GetObject' if M == 'GET' else 'HeadObject')
    case(T, 'etag-missing-quotes', g({'If-Modified-Since': '${now}', 'If-None-Match': ET.strip('"')}))
    case(T, 'precondition-if-modified-since-is-object', g({'If-Modified-Since': '${lm_' + m + '}'}), setup=[s3('HEAD', K, save={'lm_' + m: 'header:Last-Modified'})])
# --- multipart errors
T = 'test_multipart_no_such_upload'
case(T, 'upload-exc', s3('PUT', '/fid-s3/mpu-key', 'partNumber=1&uploadId=fakeid', raw='data'))
case(T, 'complete-exc', s3('POST', '/fid-s3/mpu-key', 'uploadId=fakeid', raw=f'<CompleteMultipartUpload {X}><Part><ETag>"etag"</ETag><PartNumber>1</PartNumber></Part></CompleteMultipartUpload>'))
case(T, 'abort-exc', s3('DELETE', '/fid-s3/mpu-key', 'uploadId=fakeid'))
T = 'test_complete_multipart_parts_order'
K = '/fid-s3/test-order-parts'
BIG = '${bytes:5242881:a}'  # expanded by the replay
setup = [api2.mpu_create(K, 'po')] + [s3('PUT', K, f'partNumber={n}&uploadId=${{po}}', raw=BIG, save={f'po{n}': 'header:ETag'}) for n in (1, 2, 3)]
case(T, 'upload-part-negative-part-number', s3('PUT', K, 'partNumber=-1&uploadId=${po}', raw=''), setup=setup)
rev = ''.join(f'<Part><ETag>${{po{n}}}</ETag><PartNumber>{n}</PartNumber></Part>' for n in (3, 2, 1))
case(T, 'complete-multipart-unordered', s3('POST', K, 'uploadId=${po}', raw=f'<CompleteMultipartUpload {X}>{rev}</CompleteMultipartUpload>'))
# --- get object part
T = 'test_get_object_part'
K = '/fid-s3/test.file'
case(T, 'part-doesnt-exist', s3('GET', K, 'partNumber=10'), setup=[api2.mpu_create(K, 'gp'),
     s3('PUT', K, 'partNumber=1&uploadId=${gp}', raw='${bytes:5242880:a}', save={'gp1': 'header:ETag'}),
     s3('PUT', K, 'partNumber=2&uploadId=${gp}', raw='tent 123', save={'gp2': 'header:ETag'}),
     s3('POST', K, 'uploadId=${gp}', raw=f'<CompleteMultipartUpload {X}><Part><ETag>${{gp1}}</ETag><PartNumber>1</PartNumber></Part><Part><ETag>${{gp2}}</ETag><PartNumber>2</PartNumber></Part></CompleteMultipartUpload>')])
case(T, 'part-with-range', s3('GET', K, 'partNumber=2', headers={'Range': 'bytes=0-8'}))
case(T, 'part-no-multipart', s3('GET', '/fid-s3/key-no-part', 'partNumber=2'), setup=[put('/fid-s3/key-no-part', 'test-123')])
# --- copy in place, wrong format
J = '{"key": "value"}'
for T, b in (('test_s3_copy_object_in_place', '/fid-s3'), ('test_s3_copy_object_in_place_versioned', '/fid-s3v')):
    case(T, 'copy-object-in-place-no-change', s3('PUT', b + '/source-object', headers={'x-amz-copy-source': b[1:] + '/source-object'}),
         setup=[s3('PUT', b + '/source-object', raw=J, headers={'Content-Type': 'application/json', 'x-amz-meta-key': 'value'})])
import s3_acl
# the test's bucket allows ACLs (allow_bucket_acl): a new ACL is no change that makes a copy in place legal
s3_acl.get_acl(F, 'test_s3_copy_object_in_place', 'object-acl', s3('GET', '/fid-s3-cipacl/source-object', 'acl'),
               setup=[s3_acl.OWNER] + s3_acl.allow_acl('/fid-s3-cipacl') + [s3('PUT', '/fid-s3-cipacl/source-object', raw=J, headers={'Content-Type': 'application/json', 'x-amz-meta-key': 'value'})])
case('test_s3_copy_object_in_place', 'copy-object-in-place-with-acl', s3('PUT', '/fid-s3-cipacl/source-object', headers={'x-amz-copy-source': 'fid-s3-cipacl/source-object', 'x-amz-acl': 'public-read'}))
case('test_s3_copy_object_in_place_metadata_directive', 'no-metadata-directive-fail', s3('PUT', '/fid-s3/source-object', headers={'x-amz-copy-source': 'fid-s3/source-object', 'x-amz-meta-key': 'value'}))
case('test_s3_copy_object_wrong_format', 'copy-object-wrong-copy-source', s3('PUT', '/fid-s3/destination-key', headers={'x-amz-copy-source': 'wrongformat'}))
# --- ACL on delete markers
T = 'test_put_object_acl_on_delete_marker'
K = '/fid-s3v/test-key-versioned'
case(T, 'put-acl-delete-marker', s3('PUT', K, 'acl', headers={'x-amz-acl': 'public-read'}), setup=[put(K, 'something'), put(K, 'something-v2'), s3('DELETE', K, save={'aclm': 'header:x-amz-version-id'})])
case(T, 'get-acl-delete-marker', s3('GET', K, 'acl'))
case(T, 'put-acl-delete-marker-version-id', s3('PUT', K, 'acl&versionId=${aclm}', headers={'x-amz-acl': 'public-read'}))
case(T, 'get-acl-delete-marker-version-id', s3('GET', K, 'acl&versionId=${aclm}'))
# --- storage class
T = 'test_put_object_storage_class_outposts'
case(T, 'put-object-outposts', s3('PUT', '/fid-s3/outposts', raw='x', headers={'x-amz-storage-class': 'OUTPOSTS'}))
case(T, 'create-multipart-outposts-exc', s3('POST', '/fid-s3/outposts', 'uploads', headers={'x-amz-storage-class': 'OUTPOSTS'}))

# --- batch 2: multipart checksums, expected bucket owner
F.cases_written = len(F.cases)
for algo in ['CRC32', 'CRC32C', 'SHA1', 'SHA256', 'CRC64NVME']:
    T = f'test_multipart_upload_part_checksum_exception[{algo}]'
    K = f'/fid-s3/mpu-ck-{algo.lower()}'
    up = 'mck' + algo.lower()
    h = 'x-amz-checksum-' + algo.lower()
    case(T, 'put-wrong-checksum-no-b64', s3('PUT', K, f'partNumber=1&uploadId=${{{up}}}', raw='right body', headers={'x-amz-sdk-checksum-algorithm': algo, h: 'a1b2c3d4'}), setup=[api2.mpu_create(K, up)])
    case(T, 'put-wrong-checksum-value', s3('PUT', K, f'partNumber=1&uploadId=${{{up}}}', raw='right body', headers={'x-amz-sdk-checksum-algorithm': algo, h: checksum(algo, 'bad data')}))
    T = f'test_multipart_checksum_type_default_for_checksum[{algo}]'
    case(T, 'create-mpu-default-checksum-type', s3('POST', '/fid-s3/test-multipart-checksum-default', 'uploads', headers={'x-amz-checksum-algorithm': algo}), op='CreateMultipartUpload')
for ctype in ['COMPOSITE', 'FULL_OBJECT']:
    for algo in ['CRC32', 'CRC32C', 'SHA1', 'SHA256', 'CRC64NVME']:
        T = f'test_multipart_checksum_type_compatibility[{ctype}-{algo}]'
        try:
            t, r = F.rec(T, 'create-mpu-checksum-exc')
            rec = 'create-mpu-checksum-exc'
        except SystemExit:
            try:
                t, r = F.rec(T, 'create-mpu-checksum'); rec = 'create-mpu-checksum'
            except SystemExit:
                continue
        case(T, rec, s3('POST', '/fid-s3/test-multipart-checksum-compat', 'uploads', headers={'x-amz-checksum-algorithm': algo, 'x-amz-checksum-type': ctype}), op='CreateMultipartUpload' if rec == 'create-mpu-checksum' else None)
T = 'test_multipart_size_validation'
K = '/fid-s3/test-multipart-size'
case(T, 'create-mpu', api2.mpu_create(K, 'msz'), op='CreateMultipartUpload')
case(T, 'upload-part', s3('PUT', K, 'partNumber=1&uploadId=${msz}', raw='aaaa', headers={'x-amz-checksum-crc32': crc('aaaa')}, save={'mszpe': 'header:ETag'}), op='UploadPart')
case(T, 'complete-multipart-wrong-size', api2.mpu_done(K, 'msz', {'x-amz-mp-object-size': '5'}))
# expected bucket owner
POL = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::fid-s3-pol/*"}]}'
BP = '/fid-s3-pol'
for bad in ['0000', '0000000000020', 'abcd', 'aa000000000$']:
    case(f'test_get_bucket_policy_invalid_account_id[{bad}]', 'get-bucket-policy-invalid-bucket-owner', s3('GET', BP, 'policy', headers={'x-amz-expected-bucket-owner': bad}),
         setup=[s3('PUT', BP), s3('DELETE', BP, 'publicAccessBlock')] if bad == '0000' else None)
    case(f'test_put_bucket_policy_invalid_account_id[{bad}]', 'put-bucket-policy-invalid-bucket-owner', s3('PUT', BP, 'policy', raw=POL, headers={'x-amz-expected-bucket-owner': bad}))
case('test_get_bucket_policy', 'get-bucket-policy-with-expected-bucket-owner-error', s3('GET', BP, 'policy', headers={'x-amz-expected-bucket-owner': '${accountB}'}), setup=[s3('PUT', BP, 'policy', raw=POL)])
case('test_put_bucket_policy_expected_bucket_owner', 'put-bucket-policy-with-expected-bucket-owner-error', s3('PUT', BP, 'policy', raw=POL, headers={'x-amz-expected-bucket-owner': '${accountB}'}))
case('test_put_bucket_policy_expected_bucket_owner', 'put-bucket-policy-with-expected-bucket-owner', s3('PUT', BP, 'policy', raw=POL, headers={'x-amz-expected-bucket-owner': '${account}'}), op='PutBucketPolicy')
T = 'test_delete_bucket_policy_expected_bucket_owner'
case(T, 'delete-bucket-policy-with-expected-bucket-owner-error', s3('DELETE', BP, 'policy', headers={'x-amz-expected-bucket-owner': '${accountB}'}))
case(T, 'delete-bucket-policy-invalid-bucket-owner', s3('DELETE', BP, 'policy', headers={'x-amz-expected-bucket-owner': 'invalid'}))
case(T, 'delete-bucket-policy-with-expected-bucket-owner', s3('DELETE', BP, 'policy', headers={'x-amz-expected-bucket-owner': '${account}'}), op='DeleteBucketPolicy')

# --- batch 3: completing with part checksums (one small part: the answers come before the size rule)
def cmu(K, up, parts_xml, hdrs=None):
    return s3('POST', K, f'uploadId=${{{up}}}', raw=f'<CompleteMultipartUpload {X}>{parts_xml}</CompleteMultipartUpload>', headers=hdrs)
def part_xml(etag, ck=None):
    c = f'<Checksum{ck[0]}>{ck[1]}</Checksum{ck[0]}>' if ck else ''
    return f'<Part><ETag>{etag}</ETag><PartNumber>1</PartNumber>{c}</Part>'
for ctype, algos in (('COMPOSITE', ['CRC32', 'CRC32C', 'SHA1', 'SHA256']), ('FULL_OBJECT', ['CRC32', 'CRC32C', 'CRC64NVME'])):
    for algo in algos:
        T = f'test_complete_multipart_parts_checksum_{"composite" if ctype == "COMPOSITE" else "full_object"}[{algo}]'
        K = f'/fid-s3/test-multipart-checksum-{ctype.lower()}-{algo.lower()}'
        up = f'cc{ctype[0]}{algo.lower()}'
        setup = [s3('POST', K, 'uploads', headers={'x-amz-checksum-algorithm': algo, 'x-amz-checksum-type': ctype}, save={up: 'InitiateMultipartUploadResult.UploadId'}),
                 s3('PUT', K, f'partNumber=1&uploadId=${{{up}}}', raw='aaaaaaaaaa', headers={'x-amz-sdk-checksum-algorithm': algo, 'x-amz-checksum-' + algo.lower(): checksum(algo, 'aaaaaaaaaa')}, save={up + 'e': 'header:ETag'})]
        case(T, 'complete-multipart-wrong-parts-checksum', cmu(K, up, part_xml(f'${{{up}e}}', (algo, checksum(algo, 'bbb')))), setup=setup, members={'ETag': '*', 'PartNumber': '1', 'UploadId': '*'} if 'PartNumber' in F.rec(T, 'complete-multipart-wrong-parts-checksum')[1]['Error'] else None)
        try:
            F.rec(T, 'complete-multipart-no-checksum')
            case(T, 'complete-multipart-no-checksum', cmu(K, up, part_xml(f'${{{up}e}}')))
        except SystemExit:
            pass
T = 'test_complete_multipart_parts_checksum_default'
K = '/fid-s3/test-multipart-checksum-default-mpu'
setup = [api2.mpu_create(K, 'cdf'), s3('PUT', K, 'partNumber=1&uploadId=${cdf}', raw='aaa', headers={'x-amz-sdk-checksum-algorithm': 'CRC32C', 'x-amz-checksum-crc32c': checksum('CRC32C', 'aaa')}, save={'cdfe': 'header:ETag'})]
case(T, 'complete-multipart-parts-checksum', cmu(K, 'cdf', part_xml('${cdfe}', ('CRC32C', checksum('CRC32C', 'aaa')))), setup=setup, members={'ETag': '*', 'PartNumber': '1', 'UploadId': '*'})
case(T, 'complete-multipart-wrong-parts-checksum', cmu(K, 'cdf', part_xml('${cdfe}', ('SHA256', checksum('SHA256', 'aaa')))), members={'ETag': '*', 'PartNumber': '1', 'UploadId': '*'})
case(T, 'complete-multipart-full-object-type', cmu(K, 'cdf', part_xml('${cdfe}'), {'x-amz-checksum-type': 'FULL_OBJECT'}))
case(T, 'complete-multipart-composite-type', cmu(K, 'cdf', part_xml('${cdfe}'), {'x-amz-checksum-type': 'COMPOSITE'}))

# --- batch 4: completion errors, bucket re-creation, policy deletion
T = 'test_multipart_complete_multipart_too_small'
K = '/fid-s3/test-upload-part-exc'
case(T, 'upload-part1', s3('PUT', K, 'partNumber=1&uploadId=${ts}', raw='data', headers={'x-amz-checksum-crc32': crc('data')}, save={'ts1': 'header:ETag'}), setup=[api2.mpu_create(K, 'ts')], op='UploadPart')
case(T, 'upload-part2', s3('PUT', K, 'partNumber=2&uploadId=${ts}', raw='data', headers={'x-amz-checksum-crc32': crc('data')}, save={'ts2': 'header:ETag'}), op='UploadPart')
case(T, 'complete-exc-no-parts', s3('POST', K, 'uploadId=${ts}'))
case(T, 'complete-exc-too-small', cmu(K, 'ts', '<Part><ETag>${ts1}</ETag><PartNumber>1</PartNumber></Part><Part><ETag>${ts2}</ETag><PartNumber>2</PartNumber></Part>'))
T = 'test_multipart_complete_multipart_wrong_part'
K = '/fid-s3/test-upload-part-exc2'
case(T, 'complete-exc-wrong-part-number', cmu(K, 'wp', '<Part><ETag>${wp1}</ETag><PartNumber>2</PartNumber></Part>'), setup=[api2.mpu_create(K, 'wp'), s3('PUT', K, 'partNumber=1&uploadId=${wp}', raw='data', save={'wp1': 'header:ETag'})], members={'ETag': '8d777f385d3dfec8815d20f7496026dc', 'PartNumber': '2', 'UploadId': '${wp}'})
case(T, 'complete-exc-wrong-etag', cmu(K, 'wp', '<Part><ETag>d41d8cd98f00b204e9800998ecf8427e</ETag><PartNumber>1</PartNumber></Part>'), members={'ETag': 'd41d8cd98f00b204e9800998ecf8427e', 'PartNumber': '1', 'UploadId': '${wp}'})
case('test_create_bucket_with_existing_name', 'create-bucket-us-east-2', s3('PUT', '/fid-own', raw=cbc('us-east-2')), members={'BucketName': 'fid-own'})
T = 'test_multipart_parts_checksum_exceptions_composite'
case(T, 'create-mpu-wrong-checksum-algo', s3('POST', '/fid-s3/test-multipart-checksum-exc', 'uploads', headers={'x-amz-checksum-algorithm': 'TEST'}))
case(T, 'create-mpu-no-checksum-algo-with-type', s3('POST', '/fid-s3/test-multipart-checksum-exc', 'uploads', headers={'x-amz-checksum-type': 'COMPOSITE'}))
case('test_multipart_parts_checksum_exceptions_full_object', 'create-mpu-no-checksum-algo-with-type', s3('POST', '/fid-s3/test-multipart-checksum-exc', 'uploads', headers={'x-amz-checksum-type': 'FULL_OBJECT'}))
T = 'test_delete_bucket_policy'
case(T, 'delete-bucket-policy', s3('DELETE', '/fid-s3-dpol', 'policy'), setup=[s3('PUT', '/fid-s3-dpol'), s3('DELETE', '/fid-s3-dpol', 'publicAccessBlock'), s3('PUT', '/fid-s3-dpol', 'policy', raw=POL.replace('fid-s3-pol', 'fid-s3-dpol'))], op='DeleteBucketPolicy')
case(T, 'get-bucket-policy-no-such-bucket-policy', s3('GET', '/fid-s3-dpol', 'policy'), members={'BucketName': 'fid-s3-dpol'})

# --- batch 5: answers of the main object calls
from urllib.parse import quote
for algo in ['CRC32', 'CRC32C', 'SHA1', 'SHA256', 'CRC64NVME', None]:
    T = f'test_s3_get_object_checksum[{algo}]'
    b = f'/fid-s3-gck-{(algo or "none").lower()}'
    K = b + '/test-checksum-retrieval'
    a = algo or 'CRC32'
    hdr = {'x-amz-checksum-' + a.lower(): checksum(a, 'test-checksum')}
    if algo: hdr['x-amz-sdk-checksum-algorithm'] = algo
    case(T, 'put-object', s3('PUT', K, raw='test-checksum', headers=hdr), setup=[s3('PUT', b)], op='PutObject')
    case(T, 'get-object', s3('GET', K), op='GetObject')
    case(T, 'get-object-with-checksum', s3('GET', K, headers={'x-amz-checksum-mode': 'ENABLED'}), op='GetObject')
    case(T, 'head-object-with-checksum', s3('GET', K, headers={'x-amz-checksum-mode': 'enabled'}), op='GetObject')
for algo in ['CRC32', 'CRC32C', 'SHA1', 'SHA256', 'CRC64NVME']:
    T = f'test_s3_copy_object_with_checksum[{algo}]'
    b = f'/fid-s3-cck-{algo.lower()}'
    J = '{"key": "value"}'
    case(T, 'put-object-no-checksum', s3('PUT', b + '/source-object', raw=J, headers={'Content-Type': 'application/json', 'x-amz-meta-key': 'value', 'x-amz-checksum-crc32': checksum('CRC32', J)}), setup=[s3('PUT', b)], op='PutObject')
    case(T, 'copy-object-in-place-with-checksum', s3('PUT', b + '/source-object', headers={'x-amz-copy-source': b[1:] + '/source-object', 'x-amz-checksum-algorithm': algo, 'x-amz-meta-key1': 'value1', 'x-amz-metadata-directive': 'REPLACE'}), op='CopyObject')
    case(T, 'copy-object-to-dest-keep-checksum', s3('PUT', b + '/dest-object', headers={'x-amz-copy-source': b[1:] + '/source-object'}), op='CopyObject')
for algo in ['CRC32', 'CRC32C', 'SHA1', 'SHA256', 'CRC64NVME']:
    T = f'test_put_object_checksum[{algo}]'
    K = f'/fid-s3/file-ck-{algo.lower()}'
    case(T, 'put-object-autogenerated', s3('PUT', K, raw=DATA, headers={'x-amz-sdk-checksum-algorithm': algo, 'x-amz-checksum-' + algo.lower(): checksum(algo, DATA)}), op='PutObject')
for key in ['file%2Fname', 'test@key/', 'test%123', 'test%percent', 'test key/', 'test key//', 'test%123/', 'a/%F0%9F%98%80/']:
    T = f'test_put_get_object_special_character[{key}]'
    b = '/fid-s3-sc-' + str(abs(hash(key)) % 100000)
    b = '/fid-s3-sc-' + ''.join(c for c in quote(key, safe='').lower() if c.isalnum())[:30]
    K = b + '/' + quote(key, safe='/')
    case(T, 'put-object-special-char', s3('PUT', K, raw='test', headers={'x-amz-checksum-crc32': crc('test')}), setup=[s3('PUT', b)], op='PutObject')
    case(T, 'list-object-special-char', s3('GET', b, 'encoding-type=url&list-type=2'), op='ListObjectsV2', skip=['ListBucketResult.Contents.Key'])
    case(T, 'get-object-special-char', s3('GET', K), op='GetObject')
    case(T, 'del-object-special-char', s3('DELETE', K), op='DeleteObject')
T = 'test_put_get_object_single_character_trailing_slash'
b = '/fid-s3-single'
for i, ch in enumerate(['a/', 't/', 'u/']):
    case(T, f'put-object-single-char-{ch}', s3('PUT', f'{b}/{ch}', raw='test', headers={'x-amz-checksum-crc32': crc('test')}), setup=[s3('PUT', b)] if i == 0 else None, op='PutObject')
    case(T, f'get-object-single-char-{ch}', s3('GET', f'{b}/{ch}'), op='GetObject')
case(T, 'list-objects-single-char', s3('GET', b, 'encoding-type=url&list-type=2'), op='ListObjectsV2')
T = 'test_put_and_get_object_with_utf8_key'
case(T, 'put-object', s3('PUT', '/fid-s3/' + quote('Ā0Ä'), raw='abc123', headers={'x-amz-checksum-crc32': crc('abc123')}), op='PutObject')
case(T, 'get-object', s3('GET', '/fid-s3/' + quote('Ā0Ä')), op='GetObject')
T = 'test_put_and_get_object_with_hash_prefix'
case(T, 'put-object', s3('PUT', '/fid-s3/' + quote('#key-with-hash-prefix'), raw='test 123', headers={'x-amz-checksum-crc32': crc('test 123')}), op='PutObject')
case(T, 'get-object', s3('GET', '/fid-s3/' + quote('#key-with-hash-prefix')), op='GetObject')
T = 'test_delete_non_existing_keys'
x = f'<Delete {X}><Object><Key>test-key-nonexistent</Key></Object><Object><Key>dummy1</Key></Object><Object><Key>dummy2</Key></Object></Delete>'
case(T, 'deleted-resp', s3('POST', '/fid-s3', 'delete', raw=x, headers={'Content-MD5': '${content-md5}'}), setup=[put('/fid-s3/test-key-nonexistent', 'something')], op='DeleteObjects', skip=['DeleteResult.Deleted.Key'])
for m in ('get_object', 'head_object'):
    T = f'test_s3_get_object_preconditions[{m}]'
    M = 'GET' if m == 'get_object' else 'HEAD'
    K = f'/fid-s3/test-object-{m}'
    case(T, 'precondition-if-unmodified-since-is-object', s3(M, K, headers={'If-Unmodified-Since': '${lm_' + m + '}'}), op='GetObject' if M == 'GET' else 'HeadObject')

# --- batch 6: multipart listing, versioned puts, copies and metadata
T = 'test_multipart_and_list_parts'
b = '/fid-s3-mlp'
K = b + '/test-list-parts'
D = 'upload-part-1' * 5
case(T, 'create-multipart', api2.mpu_create(K, 'mlp'), setup=[s3('PUT', b)], op='CreateMultipartUpload')
case(T, 'list-part-after-created', s3('GET', K, 'uploadId=${mlp}'), op='ListParts')
case(T, 'list-all-uploads', s3('GET', b, 'uploads'), op='ListMultipartUploads')
case(T, 'upload-part', s3('PUT', K, 'partNumber=1&uploadId=${mlp}', raw=D, headers={'x-amz-checksum-crc32': crc(D)}, save={'mlppe': 'header:ETag'}), op='UploadPart')
case(T, 'list-part-after-upload', s3('GET', K, 'uploadId=${mlp}'), op='ListParts')
case(T, 'list-all-uploads-after', s3('GET', b, 'uploads'), op='ListMultipartUploads')
case(T, 'complete-multipart', api2.mpu_done(K, 'mlp'), op='CompleteMultipartUpload')
case(T, 'list-part-after-complete-exc', s3('GET', K, 'uploadId=${mlp}'), members={'UploadId': '${mlp}'})
case(T, 'list-all-uploads-completed', s3('GET', b, 'uploads'), op='ListMultipartUploads')
case(T, 'head-multipart-checksum', s3('HEAD', K, headers={'x-amz-checksum-mode': 'ENABLED'}), op='HeadObject')
case(T, 'get-multipart-checksum', s3('GET', K), op='GetObject')
T = 'test_s3_put_object_versioned'
b = '/fid-s3-pov'
K1, K2, K3 = b + '/non-version-bucket-key', b + '/versioned-bucket-key', b + '/non-version-bucket-key-after-disable'
case(T, 'put-pre-versioned', put(K1, 'non-versioned-key'), setup=[s3('PUT', b)], op='PutObject')
case(T, 'get-pre-versioned', s3('GET', K1), op='GetObject')
case(T, 'list-object-pre-versioned', s3('GET', b, 'encoding-type=url&versions'), op='ListObjectVersions')
case(T, 'get-post-versioned', s3('GET', K1), setup=[s3('PUT', b, 'versioning', raw=VERS_ON)], op='GetObject')
case(T, 'put-obj-versioned-1', put(K2, 'versioned-key'), op='PutObject')
case(T, 'put-obj-versioned-2', put(K2, 'versioned-key-updated'), op='PutObject')
case(T, 'get-obj-versioned', s3('GET', K2), op='GetObject')
case(T, 'list-object-versioned', s3('GET', b, 'encoding-type=url&versions'), op='ListObjectVersions')
case(T, 'list-bucket-suspended', s3('GET', b, 'encoding-type=url&versions'), setup=[s3('PUT', b, 'versioning', raw=VERS_ON.replace('Enabled', 'Suspended'))], op='ListObjectVersions')
case(T, 'get-obj-versioned-disabled', s3('GET', K2), op='GetObject')
case(T, 'get-obj-non-versioned-disabled', s3('GET', K1), op='GetObject')
J = '{"key": "value"}'
T = 'test_s3_copy_content_type_and_metadata'
b = '/fid-s3-cctm'
src = {'x-amz-copy-source': b[1:] + '/source-object'}
case(T, 'put_object', put(b + '/source-object', J, {'Content-Type': 'application/json', 'x-amz-meta-key': 'value'}), setup=[s3('PUT', b)], op='PutObject')
case(T, 'head_object', s3('HEAD', b + '/source-object'), op='HeadObject')
case(T, 'copy_object', s3('PUT', b + '/source-object-copy', headers=src), op='CopyObject')
case(T, 'head_object_copy', s3('HEAD', b + '/source-object-copy'), op='HeadObject')
case(T, 'copy_object_second', s3('PUT', b + '/source-object-second-copy', headers={**src, 'x-amz-meta-another-key': 'value', 'Content-Type': 'application/javascript'}), op='CopyObject')
case(T, 'head_object_second_copy', s3('HEAD', b + '/source-object-second-copy'), op='HeadObject')
T = 'test_s3_copy_metadata_replace'
b = '/fid-s3-cmr'
src = {'x-amz-copy-source': b[1:] + '/source-object'}
case(T, 'put_object', put(b + '/source-object', J, {'Content-Type': 'application/json', 'x-amz-meta-key': 'value', 'Content-Language': 'en-US'}), setup=[s3('PUT', b)], op='PutObject')
case(T, 'head_object', s3('HEAD', b + '/source-object'), op='HeadObject')
case(T, 'copy_object', s3('PUT', b + '/source-object-copy', headers={**src, 'x-amz-meta-another-key': 'value', 'Content-Type': 'image/jpg', 'x-amz-metadata-directive': 'REPLACE'}), op='CopyObject')
case(T, 'head_object_copy', s3('HEAD', b + '/source-object-copy'), op='HeadObject')
T = 'test_s3_copy_metadata_directive_copy'
b = '/fid-s3-cmd'
src = {'x-amz-copy-source': b[1:] + '/source-object'}
case(T, 'put-object', put(b + '/source-object', 'test', {'x-amz-meta-key': 'value', 'Content-Language': 'en-US'}), setup=[s3('PUT', b)], op='PutObject')
case(T, 'head-object', s3('HEAD', b + '/source-object'), op='HeadObject')
case(T, 'copy-object', s3('PUT', b + '/source-object-copy', headers={**src, 'x-amz-meta-another-key': 'value', 'Content-Language': 'en-GB', 'Content-Type': 'image/jpg', 'x-amz-metadata-directive': 'COPY'}), op='CopyObject')
case(T, 'head-object-copy', s3('HEAD', b + '/source-object-copy'), op='HeadObject')

# --- batch 7
T = 'test_s3_copy_object_in_place_metadata_directive'
b = '/fid-s3-cipmd'
K = b + '/source-object'
src = {'x-amz-copy-source': K[1:]}
case(T, 'put_object', put(K, J, {'Content-Type': 'application/json', 'x-amz-meta-key': 'value'}), setup=[s3('PUT', b)], op='PutObject')
case(T, 'head_object', s3('HEAD', K), op='HeadObject')
case(T, 'copy-replace-directive', s3('PUT', K, headers={**src, 'x-amz-meta-key2': 'value2', 'x-amz-metadata-directive': 'REPLACE'}), op='CopyObject')
case(T, 'head-replace-directive', s3('HEAD', K), op='HeadObject')
case(T, 'copy-copy-directive', s3('PUT', K, headers={**src, 'x-amz-metadata-directive': 'COPY', 'x-amz-storage-class': 'STANDARD'}), op='CopyObject')
case(T, 'head-copy-directive', s3('HEAD', K), op='HeadObject')
case(T, 'copy-copy-directive-ignore', s3('PUT', K, headers={**src, 'x-amz-metadata-directive': 'COPY', 'x-amz-storage-class': 'STANDARD', 'x-amz-meta-key3': 'value3'}), op='CopyObject')
case(T, 'head-copy-directive-ignore', s3('HEAD', K), op='HeadObject')
case(T, 'copy-replace-directive-empty', s3('PUT', K, headers={**src, 'x-amz-metadata-directive': 'REPLACE'}), op='CopyObject')
case(T, 'head-replace-directive-empty', s3('HEAD', K), op='HeadObject')
T = 'test_delete_keys_in_versioned_bucket'
b = '/fid-s3-dkv'
K = b + '/test-key-versioned'
case(T, 'list-objects-v2', s3('GET', b, 'encoding-type=url&list-type=2'), setup=versioned(b) + [put(K, 'something', save={'dkv1': 'header:x-amz-version-id'}), put(K, 'something-v2', save={'dkv2': 'header:x-amz-version-id'})], op='ListObjectsV2')
case(T, 'delete-object', post_del := s3('POST', b, 'delete', raw=f'<Delete {X}><Object><Key>test-key-versioned</Key></Object></Delete>', headers={'Content-MD5': '${content-md5}'}), op='DeleteObjects')
case(T, 'list-object-version', s3('GET', b, 'encoding-type=url&versions'), op='ListObjectVersions')
case(T, 'list-objects-v2-after-delete', s3('GET', b, 'encoding-type=url&list-type=2'), setup=[s3('DELETE', K, 'versionId=${dkv2}'), s3('DELETE', K, 'versionId=${dkv1}')], op='ListObjectsV2')
case(T, 'list-object-version-after-delete', s3('GET', b, 'encoding-type=url&versions', save={'dkvm': 'ListVersionsResult.DeleteMarker.VersionId'}), op='ListObjectVersions')
case(T, 'delete-object-delete-marker', s3('POST', b, 'delete', raw=f'<Delete {X}><Object><Key>test-key-versioned</Key><VersionId>${{dkvm}}</VersionId></Object></Delete>', headers={'Content-MD5': '${content-md5}'}), op='DeleteObjects')
T = 'test_etag_on_get_object_call'
LB = 'Lorem ipsum dolor sit amet, ... ' * 30
case(T, 'get_object', s3('GET', '/fid-s3/my-key-etag'), setup=[put('/fid-s3/my-key-etag', LB)], op='GetObject')
case(T, 'get_object_range', s3('GET', '/fid-s3/my-key-etag', headers={'Range': 'bytes=0-16'}), op='GetObject')
T = 'test_get_bucket_versioning_order'
b = '/fid-s3-gbvo'
case(T, 'list_object_versions_before', s3('GET', b, 'encoding-type=url&versions'), setup=[s3('PUT', b)], op='ListObjectVersions')
case(T, 'put_bucket_versioning', s3('PUT', b, 'versioning', raw=VERS_ON), op='PutBucketVersioning')
case(T, 'get_bucket_versioning', s3('GET', b, 'versioning'), op='GetBucketVersioning')
case(T, 'list_object_versions', s3('GET', b, 'encoding-type=url&versions'), setup=[put(b + '/test', 'body'), put(b + '/test', 'body'), put(b + '/test2', 'body')], op='ListObjectVersions')
T = 'test_create_bucket_head_bucket'
case(T, 'create_bucket', s3('PUT', '/fid-s3-hb1'), op='CreateBucket')
case(T, 'create_bucket_location_constraint', s3('PUT', '/fid-s3-hb2', raw=cbc('us-west-1')), op='CreateBucket')
case(T, 'head_bucket', s3('HEAD', '/fid-s3-hb1'), op='HeadBucket')
case(T, 'head_bucket_2', s3('HEAD', '/fid-s3-hb2'), op='HeadBucket')

# --- batch 8
T = 'test_copy_object_special_character'
b, d = '/fid-s3-csc', '/fid-s3-csc-dest'
for i, key in enumerate(['file%2Fname', 'test@key/', 'test key/', 'test key//', 'a/%F0%9F%98%80/', 'test+key']):
    case(T, f'put-object-src-special-char-{key}', s3('PUT', b + '/' + quote(key, safe='/'), raw='test', headers={'x-amz-checksum-crc32': crc('test')}), setup=[s3('PUT', b), s3('PUT', d)] if i == 0 else None, op='PutObject')
    case(T, f'copy-object-special-char-{key}', s3('PUT', d + '/' + quote(key, safe='/'), headers={'x-amz-copy-source': quote(b[1:] + '/' + key, safe='/~')}), op='CopyObject')
case(T, 'list-object-copy-dest-special-char', s3('GET', d, 'encoding-type=url&list-type=2'), op='ListObjectsV2', skip=['ListBucketResult.Contents.Key'])
T = 'test_s3_copy_object_in_place_versioned'
b = '/fid-s3-cipv'
K = b + '/source-object'
src = {'x-amz-copy-source': K[1:]}
case(T, 'put_object', put(K, J, {'Content-Type': 'application/json', 'x-amz-meta-key': 'value'}), setup=versioned(b), op='PutObject')
case(T, 'head_object', s3('HEAD', K), op='HeadObject')
case(T, 'copy-in-place-versioned', s3('PUT', K, headers={**src, 'x-amz-metadata-directive': 'REPLACE'}, save={'cipv': 'header:x-amz-version-id'}), op='CopyObject')
case(T, 'head-object-copied', s3('HEAD', K), op='HeadObject')
case(T, 'get-object-copied', s3('GET', K), op='GetObject')
case(T, 'copy-in-place-versioned-suspended', s3('PUT', K, headers={**src, 'x-amz-metadata-directive': 'REPLACE'}), setup=[s3('PUT', b, 'versioning', raw=VERS_ON.replace('Enabled', 'Suspended'))], op='CopyObject')
case(T, 'head-object-copied-suspended', s3('HEAD', K), op='HeadObject')
case(T, 'get-object-copied-suspended', s3('GET', K), op='GetObject')
T = 'test_s3_object_expires'
for when, date in (('future', '${tomorrow}'), ('past', '${yesterday}')):
    K = f'/fid-s3/key-object-{when}'
    case(T, f'put-object-expires-{when}', put(K, 'foo', {'Expires': date}), op='PutObject')
    case(T, f'head-object-expires-{when}', s3('HEAD', K), op='HeadObject')
    case(T, f'get-object-expires-{when}', s3('GET', K), op='GetObject')

# --- batch 9: FULL_OBJECT completion checks
T = 'test_multipart_parts_checksum_exceptions_full_object'
b = '/fid-s3-mfo'
K = b + '/test-multipart-checksum-exc'
CP = checksum('CRC32C', 'abc')
def fo_done(hdrs):
    return cmu(K, 'mfo', part_xml('${mfope}', ('CRC32C', CP)), hdrs)
case(T, 'create-mpu-checksum-crc32c', s3('POST', K, 'uploads', headers={'x-amz-checksum-algorithm': 'CRC32C', 'x-amz-checksum-type': 'FULL_OBJECT'}, save={'mfo': 'InitiateMultipartUploadResult.UploadId'}), setup=[s3('PUT', b)], op='CreateMultipartUpload')
case(T, 'list-multiparts', s3('GET', b, 'uploads'), op='ListMultipartUploads')
case(T, 'upload-part-no-checksum-ok', s3('PUT', K, 'partNumber=1&uploadId=${mfo}', raw='abc', headers={'x-amz-sdk-checksum-algorithm': 'CRC32C', 'x-amz-checksum-crc32c': CP}, save={'mfope': 'header:ETag'}), op='UploadPart')
case(T, 'complete-part-bad-checksum-type', fo_done({'x-amz-checksum-type': 'COMPOSITE'}))
import base64 as _b64
case(T, 'complete-part-good-checksum-no-type', fo_done({'x-amz-checksum-crc32c': checksum('CRC32C', _b64.b64decode(CP)) + '-1'}))
case(T, 'complete-part-only-checksum-algo', fo_done({'x-amz-checksum-crc32c': CP}), known=None)
case(T, 'complete-part-only-checksum-algo-diff', fo_done({'x-amz-checksum-crc64nvme': checksum('CRC64NVME', 'abc')}))
case(T, 'complete-part-bad-checksum', fo_done({'x-amz-checksum-crc32c': checksum('CRC32C', 'bad string'), 'x-amz-checksum-type': 'FULL_OBJECT'}))
case(T, 'complete-part-bad-checksum-algo', fo_done({'x-amz-checksum-crc32': checksum('CRC32', 'bad string'), 'x-amz-checksum-type': 'FULL_OBJECT'}))
case(T, 'complete-success', fo_done({'x-amz-checksum-crc32c': CP, 'x-amz-checksum-type': 'FULL_OBJECT'}), op='CompleteMultipartUpload')
case(T, 'create-mpu-with-checksum', s3('POST', K, 'uploads', headers={'x-amz-checksum-algorithm': 'CRC32C', 'x-amz-checksum-type': 'FULL_OBJECT'}, save={'mfo2': 'InitiateMultipartUploadResult.UploadId'}), op='CreateMultipartUpload')
case(T, 'upload-part-different-checksum-exc', s3('PUT', K, 'partNumber=1&uploadId=${mfo2}', raw='abc', headers={'x-amz-sdk-checksum-algorithm': 'CRC32', 'x-amz-checksum-crc32': checksum('CRC32', 'abc')}))
# --- batch 10
T = 'test_s3_copy_object_storage_class'
b = '/fid-s3-csc2'
case(T, 'put-object', put(b + '/source-object', 'test', {'x-amz-storage-class': 'STANDARD_IA'}), setup=[s3('PUT', b)], op='PutObject')
case(T, 'head-object', s3('HEAD', b + '/source-object'), op='HeadObject')
case(T, 'copy-object-in-place-with-storage-class', s3('PUT', b + '/dest-object', headers={'x-amz-copy-source': b[1:] + '/source-object'}), op='CopyObject')
case(T, 'exc-invalid-request-storage-class', s3('PUT', b + '/source-object', headers={'x-amz-copy-source': b[1:] + '/source-object'}))
# --- batch 11
import hashlib as _hl
M5 = base64.b64encode(_hl.md5(b'something').digest()).decode()
T = 'test_s3_invalid_content_md5'
case(T, 'success-put-object-md5', s3('PUT', '/fid-s3/test-key', raw='something', headers={'Content-MD5': M5, 'x-amz-checksum-crc32': crc('something')}), op='PutObject')
case(T, 'success-upload-part-md5', s3('PUT', '/fid-s3/test-key-mpu', 'partNumber=1&uploadId=${md5up}', raw='something', headers={'Content-MD5': M5, 'x-amz-checksum-crc32': crc('something')}), op='UploadPart')
T = 'test_different_location_constraint'
def location_is(value):  # GetBucketLocation's answer is one element with text: check its text
    F.cases[-1]['expect'].pop('keys', None); F.cases[-1]['expect'].pop('at', None)
    F.cases[-1]['expect']['values'] = {'LocationConstraint': value}
case(T, 'get-bucket-location-bucket-us-east-1', s3('GET', '/fid-loc-e1', 'location'), setup=[s3('PUT', '/fid-loc-e1')], op='GetBucketLocation')
location_is('')
case(T, 'create-bucket-constraint-us-east-1-with-None', s3('PUT', '/fid-loc-e1b'), op='CreateBucket')
case(T, 'get-bucket-location-bucket-us-east-2', s3('GET', '/fid-loc-e2', 'location', region='us-east-2'), setup=[s3('PUT', '/fid-loc-e2', raw=cbc('us-east-2'), region='us-east-2')], op='GetBucketLocation')
location_is('us-east-2')
T = 'test_s3_batch_delete_objects'
keys = [f'key-batch-delete-{i}' for i in range(5)]
x = f'<Delete {X}>' + ''.join(f'<Object><Key>{k}</Key></Object>' for k in keys) + '</Delete>'
case(T, 'batch-delete', s3('POST', '/fid-s3-bd', 'delete', raw=x, headers={'Content-MD5': '${content-md5}'}), setup=[s3('PUT', '/fid-s3-bd')] + [put('/fid-s3-bd/' + k, 'This body document') for k in keys], op='DeleteObjects', skip=['DeleteResult.Deleted.Key'])
case(T, 'list-remaining-objects', s3('GET', '/fid-s3-bd', 'encoding-type=url'), op='ListObjects')
import s3_tags
s3_tags.otag(F)
import s3_conf
s3_conf.s3conf(F)
s3_conf.lcexpiry(F)
s3_conf.availability(F)
s3_conf.vhost_missing(F)
import s3_presign
s3_presign.presign(F)
import s3_ssec
s3_ssec.ssec(F)
s3_acl.acl(F)
import s3_lock
s3_lock.lock(F)
import s3_idconf
s3_idconf.idconf(F)
import s3_gaps
s3_gaps.gaps(F)
import s3_repl
s3_repl.replication(F)
import s3_kms
s3_kms.s3kms(F)
import s3_post
s3_post.post(F)
F.write()
