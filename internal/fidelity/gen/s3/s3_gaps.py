"""The last error records of test_s3 that the other modules left: the
COMPOSITE part-checksum walk, GetObject's conditional headers, archive
storage classes (InvalidObjectState, RestoreObject), GetObjectAttributes,
SSE-C on a multipart object, a request signed for aws-global and a
non-ISO-8859-1 response override."""
import hashlib
from urllib.parse import quote
from s3lib import *
import s3_ssec
from s3_presign import pre

X = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"'


def cmu(K, up, parts_xml, hdrs=None):
    return s3('POST', K, f'uploadId=${{{up}}}', raw=f'<CompleteMultipartUpload {X}>{parts_xml}</CompleteMultipartUpload>', headers=hdrs)


def part_xml(etag, ck=None):
    c = f'<Checksum{ck[0]}>{ck[1]}</Checksum{ck[0]}>' if ck else ''
    return f'<Part><ETag>{etag}</ETag><PartNumber>1</PartNumber>{c}</Part>'


def by_hand(F, test, record, call, expect, setup=None):
    """A case whose recording is not a botocore answer (a test that kept
    only the Error member, or only the status), so its facts are written
    out here from the record."""
    t, _ = F.rec(test, record)
    c = {'test': t, 'record': record}
    if setup:
        c['setup'] = setup
    c['call'] = call
    c['expect'] = expect
    F.cases.append(c)


def gaps(F):
    checksums_and_conditions(F)
    archive(F)
    attributes(F)


def checksums_and_conditions(F):
    # --- COMPOSITE: a part checksum of another algorithm, the FULL_OBJECT
    # mode on completion, and a part without the upload's algorithm
    T = 'test_multipart_parts_checksum_exceptions_composite'
    B = '/fid-s3-mce'
    K = B + '/test-multipart-checksum-exc'
    ABC = 'abc'
    F.case(T, 'create-mpu-composite-checksum', s3('POST', K, 'uploads', headers={'x-amz-checksum-algorithm': 'CRC32', 'x-amz-checksum-type': 'COMPOSITE'},
                                                  save={'mce': 'InitiateMultipartUploadResult.UploadId'}), setup=[s3('PUT', B)], op='CreateMultipartUpload')
    # boto3 sends a CRC32 of every part it uploads
    crc32 = {'x-amz-sdk-checksum-algorithm': 'CRC32', 'x-amz-checksum-crc32': checksum('CRC32', ABC)}
    F.case(T, 'upload-part-no-checksum-ok', s3('PUT', K, 'partNumber=1&uploadId=${mce}', raw=ABC, headers=crc32, save={'mcee': 'header:ETag'}), op='UploadPart')
    F.case(T, 'complete-part-with-checksum', cmu(K, 'mce', part_xml('${mcee}', ('SHA256', checksum('SHA256', ABC)))))
    F.case(T, 'complete-part-with-bad-checksum-type', cmu(K, 'mce', part_xml('${mcee}'), {'x-amz-checksum-type': 'FULL_OBJECT'}))
    F.case(T, 'create-mpu-with-checksum', s3('POST', K, 'uploads', headers={'x-amz-checksum-algorithm': 'SHA256'},
                                             save={'mce2': 'InitiateMultipartUploadResult.UploadId'}), op='CreateMultipartUpload')
    F.case(T, 'upload-part-different-checksum-exc', s3('PUT', K, 'partNumber=1&uploadId=${mce2}', raw=ABC, headers=crc32))

    # --- GetObject's If-None-Match and If-Match, quoted or not (the test
    # kept the Error member, or the status, only)
    T = 'test_s3_get_object_headers'
    B = '/fid-s3-goh'
    K = B + '/en-gb.wav'
    BODY = 'RIFF$\x00\x00\x00WAVEfmt '
    ET = hashlib.md5(BODY.encode()).hexdigest()
    g = lambda h: s3('GET', K, headers={'x-amz-checksum-mode': 'ENABLED', **h})
    by_hand(F, T, 'if_none_match_err_1', g({'If-None-Match': f'"{ET}"'}), {'status': 304, 'code': ''}, setup=[s3('PUT', B), put(K, BODY)])
    by_hand(F, T, 'if_none_match_err_2', g({'If-None-Match': ET}), {'status': 304, 'code': ''})
    by_hand(F, T, 'if_none_match_1', g({'If-None-Match': 'etag'}), {'status': 200, 'code': ''})
    by_hand(F, T, 'if_match_1', g({'If-Match': f'"{ET}"'}), {'status': 200, 'code': ''})
    by_hand(F, T, 'if_match_2', g({'If-Match': ET}), {'status': 200, 'code': ''})
    _, r = F.rec(T, 'if_match_err_1')
    # PreconditionFailed is 412 (test_s3_get_object_preconditions' records)
    by_hand(F, T, 'if_match_err_1', g({'If-Match': 'etag'}), {'status': 412, 'code': r['Code'], 'message': r['Message'], 'members': {'Condition': r['Condition']}})

    # --- SSE-C: a multipart object read without its key (one part: the
    # error does not depend on the test's 5 MiB parts)
    T = 'test_multipart_upload_sse_c'
    B = '/fid-s3-ssecmp'
    K = B + '/test-sse-c-multipart'
    sse = s3_ssec.sse()
    F.case(T, 'get-obj-no-sse-c-param', s3('GET', K), setup=[
        s3('PUT', B),
        s3('POST', K, 'uploads', headers=sse, save={'scm': 'InitiateMultipartUploadResult.UploadId'}),
        s3('PUT', K, 'partNumber=1&uploadId=${scm}', raw='a' * 64, headers={**sse, 'x-amz-checksum-crc32': crc('a' * 64)}, save={'scme': 'header:ETag'}),
        cmu(K, 'scm', part_xml('${scme}'))])

    # --- signed for the pseudo-region aws-global (the test kept the
    # error document; it asserted 400)
    T = 'test_create_bucket_aws_global'
    F.case(T, 'xml-error-create-bucket', s3('PUT', '/fid-s3-global', region='aws-global'), extra={'status': 400},
           msg="The authorization header is malformed; the region 'aws-global' is wrong; expecting 'us-east-1'", members={'Region': 'us-east-1'})


def archive(F):
    # --- archive storage classes: a GET is refused until the object is
    # restored, naming the class in the error and its header
    for sc in ('GLACIER', 'DEEP_ARCHIVE'):
        T = f'test_put_object_storage_class[{sc}-False]'
        B = f'/fid-s3-arch-{sc.lower().replace("_", "-")}'
        K = B + '/test-put-object-storage-class'
        F.case(T, 'get-object-storage-class', s3('GET', K, 'attributes', headers={'x-amz-object-attributes': 'StorageClass'}),
               setup=[s3('PUT', B), put(K, 'body-test', {'x-amz-storage-class': sc})], op='GetObjectAttributes')
        F.case(T, 'get-object', s3('GET', K), headers={'x-amz-storage-class': sc})
    for sc in ('STANDARD', 'STANDARD_IA', 'GLACIER_IR', 'REDUCED_REDUNDANCY', 'ONEZONE_IA', 'INTELLIGENT_TIERING'):
        T = f'test_put_object_storage_class[{sc}-True]'
        B = f'/fid-s3-arch-{sc.lower().replace("_", "-")}'
        K = B + '/test-put-object-storage-class'
        F.case(T, 'get-object-storage-class', s3('GET', K, 'attributes', headers={'x-amz-object-attributes': 'StorageClass'}),
               setup=[s3('PUT', B), put(K, 'body-test', {'x-amz-storage-class': sc})], op='GetObjectAttributes')
        F.case(T, 'get-object', s3('GET', K), op='GetObject')
    T = 'test_s3_get_deep_archive_object_restore'
    B = '/fid-s3-deep'
    K = B + '/key-deep'
    F.case(T, 'get-object-invalid-state', s3('GET', K), setup=[s3('PUT', B), put(K, 'body data', {'x-amz-storage-class': 'DEEP_ARCHIVE'})],
           headers={'x-amz-storage-class': 'DEEP_ARCHIVE'})
    F.case(T, 'get_object_invalid_state', s3('GET', K), headers={'x-amz-storage-class': 'DEEP_ARCHIVE'})
    F.case(T, 'restore_object', s3('POST', K, 'restore', raw=f'<RestoreRequest {X}><Days>30</Days><GlacierJobParameters><Tier>Bulk</Tier></GlacierJobParameters></RestoreRequest>'),
           op='RestoreObject')


def attributes(F):
    # --- GetObjectAttributes of a versioned key: the latest, a delete
    # marker (NoSuchKey), an earlier version
    T = 'test_get_object_attributes_versioned'
    B = '/fid-s3-goav'
    K = B + '/key-attrs-versioned'
    V = {'x-amz-version-id': '*'}
    F.case(T, 'put-obj-v1', put(K, '69\n420\n', save={'goa1': 'header:x-amz-version-id'}), setup=versioned(B), op='PutObject', headers=V)
    F.case(T, 'put-obj-v2', put(K, 'version 2'), op='PutObject', headers=V)
    F.case(T, 'object-attrs', s3('GET', K, 'attributes', headers={'x-amz-object-attributes': 'StorageClass,ETag,ObjectSize,ObjectParts,Checksum'}),
           op='GetObjectAttributes', headers=V)
    F.case(T, 'delete-key', s3('DELETE', K), op='DeleteObject', headers=V)
    F.case(T, 'deleted-object-attrs', s3('GET', K, 'attributes', headers={'x-amz-object-attributes': 'StorageClass,ETag,ObjectSize'}))
    F.case(T, 'get-object-attrs-v1', s3('GET', K, 'attributes&versionId=${goa1}', headers={'x-amz-object-attributes': 'StorageClass,ETag,ObjectSize'}),
           op='GetObjectAttributes', headers={'x-amz-version-id': '${goa1}'})

    # --- an object's and a one-part multipart object's attributes
    T = 'test_get_object_attributes'
    B = '/fid-s3-goa'
    ALL = 'StorageClass,ETag,ObjectSize,ObjectParts,Checksum'
    F.case(T, 'object-attrs', s3('GET', B + '/data.txt', 'attributes', headers={'x-amz-object-attributes': ALL}),
           setup=[s3('PUT', B), put(B + '/data.txt', '69\n420\n')], op='GetObjectAttributes')
    K = B + '/test-get-obj-attrs-multipart'
    D = 'upload-part-1' * 5
    F.case(T, 'object-attrs-multiparts-1-part', s3('GET', K, 'attributes', headers={'x-amz-object-attributes': 'StorageClass,ETag,ObjectSize,ObjectParts'}),
           setup=[s3('POST', K, 'uploads', save={'goam': 'InitiateMultipartUploadResult.UploadId'}),
                  s3('PUT', K, 'partNumber=1&uploadId=${goam}', raw=D, save={'goame': 'header:ETag'}),
                  cmu(K, 'goam', part_xml('${goame}'))], op='GetObjectAttributes', values={'GetObjectAttributesResponse.ObjectParts.PartsCount': '1'})
    # --- the header's names with and without spaces (the test kept the
    # document)
    T = 'test_get_object_attributes_with_space'
    K = B + '/test-attrs'
    for rec, names in (('get-attrs-with-whitespace', 'ETag, Checksum, ObjectParts, StorageClass, ObjectSize'),
                       ('get-attrs-without-whitespace', 'ETag,Checksum,ObjectParts,StorageClass,ObjectSize')):
        _, r = F.rec(T, rec)
        d = r['GetObjectAttributesResponse']
        by_hand(F, T, rec, s3('GET', K, 'attributes', headers={'x-amz-object-attributes': names}),
                {'status': 200, 'code': '', 'at': 'GetObjectAttributesResponse', 'keys': sorted(k for k in d if not k.startswith('@')),
                 'values': {'GetObjectAttributesResponse.' + k: d[k] for k in ('ETag', 'ObjectSize', 'StorageClass')} |
                           {'GetObjectAttributesResponse.Checksum.' + k: v for k, v in d['Checksum'].items()}},
                setup=[s3('PUT', K, raw='test-body', headers={'x-amz-sdk-checksum-algorithm': 'SHA256', 'x-amz-checksum-sha256': checksum('SHA256', 'test-body')})]
                if rec == 'get-attrs-with-whitespace' else None)
    # --- a copy's class: the request's, else STANDARD (objects written by
    # gen_s3.py's batch 10)
    T = 'test_s3_copy_object_storage_class'
    B = '/fid-s3-csc2'
    SC = {'x-amz-object-attributes': 'StorageClass'}
    F.case(T, 'object-attrs', s3('GET', B + '/source-object', 'attributes', headers=SC), op='GetObjectAttributes')
    F.case(T, 'object-attrs-after-copy', s3('GET', B + '/dest-object', 'attributes', headers=SC), op='GetObjectAttributes')
    # SSE-C with another algorithm
    T = 'test_object_retrieval_sse_c'
    K = '/fid-s3-ssecr/test-sse-c'  # written by s3_ssec
    F.case(T, 'get-obj-attrs-sse-c-wrong-algo', s3('GET', K, 'attributes', headers={'x-amz-object-attributes': 'ETag', **s3_ssec.sse(algo='KMS')}))


def unicode_override(F):
    # --- a presigned (SigV2) GET whose response-cache-control is not
    # ISO-8859-1 (the test asserted 400)
    T = 'test_get_response_overrides_unicode_metadata_with_sig_s3'
    B = '/fid-s3-unicode'
    K = B + '/key-non-ascii'
    params = ('response-cache-control=' + quote('non-ascii-%E2%80%94_—_é_', safe='') +
              '&response-content-disposition=' + quote('filename="test_—_file%E2%80%94_é_2.pdf"', safe=''))
    F.case(T, 'unicode-error', pre('GET', K, v2=True, expires=3600, params=params), setup=[s3('PUT', B), put(K)], extra={'status': 400})
