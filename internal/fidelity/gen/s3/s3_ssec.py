"""SSE-C cases of test_s3 (TestS3SSECEncryption). An SSE-C object's ETag is
not its MD5 at AWS (the recording's ETags differ for the same body), so
those values are left unchecked."""
import base64, hashlib
from s3lib import *

K1 = b'1234567890abcdef1234567890abcdef'
K2 = b'abcdef1234567890abcdef1234567890'
def b64(b): return base64.b64encode(b).decode()
def md5b(b): return b64(hashlib.md5(b).digest())
def sse(key=K1, algo='AES256', md5=None, raw_key=None, prefix='x-amz-server-side-encryption-customer-'):
    h = {}
    if algo is not None: h[prefix + 'algorithm'] = algo
    if key is not None: h[prefix + 'key'] = raw_key or b64(key)
    if md5 is not False: h[prefix + 'key-MD5'] = md5 or md5b(key)
    return h
def copy_sse(**kw): return sse(prefix='x-amz-copy-source-server-side-encryption-customer-', **kw)
# boto3 without an MD5 encodes the (already base64) key again and sends that
# key's MD5: a 44-byte key.
NO_MD5 = sse(raw_key=b64(b64(K1).encode()), md5=md5b(b64(K1).encode()))
ETAG = {'ETag': '*'}

def ssec(F):
    T = 'test_put_object_validation_sse_c'
    B = '/fid-s3-ssec'
    K = B + '/test-sse-c'
    F.case(T, 'put-obj-sse-c-both-encryption', put(K, 'test_data', {**sse(algo='KMS'), 'x-amz-server-side-encryption': 'AES256'}), setup=[s3('PUT', B)])
    F.case(T, 'put-obj-sse-c-wrong-algo', put(K, 'test_data', sse(algo='KMS')))
    F.case(T, 'put-obj-sse-c-no-algo', put(K, 'test_data', sse(algo=None)))
    F.case(T, 'put-obj-sse-c-no-key', put(K, 'test_data', sse(key=None, md5=md5b(K1))))
    F.case(T, 'put-obj-sse-c-no-md5', put(K, 'test_data', NO_MD5))
    F.case(T, 'put-obj-sse-c-wrong-key-size', put(K, 'test_data', sse(key=K1[:10])))
    bad = md5b(K1)
    F.case(T, 'put-obj-sse-c-bad-md5', put(K, 'test_data', sse(md5=('a' if bad[0] != 'a' else 'b') + bad[1:])))

    T = 'test_object_retrieval_sse_c'
    B = '/fid-s3-ssecr'
    K = B + '/test-sse-c'
    F.case(T, 'put-obj-sse-c', put(K, 'test_data', sse()), setup=[s3('PUT', B)], op='PutObject', headers=ETAG)
    F.case(T, 'get-obj-no-sse-c', s3('GET', K))
    F.case(T, 'get-obj-sse-c-wrong-key', s3('GET', K, headers=sse(key=K2)))
    F.case(T, 'get-obj-sse-c-wrong-algo', s3('GET', K, headers=sse(algo='KMS')))
    F.case(T, 'head-obj-sse-c-wrong-algo', s3('HEAD', K, headers=sse(algo='KMS')))
    F.case(T, 'get-obj-sse-c-no-md5', s3('GET', K, headers=NO_MD5))
    F.case(T, 'head-obj-sse-c-no-md5', s3('HEAD', K, headers=NO_MD5))
    F.case(T, 'get-obj-sse-c-wrong-key-size', s3('PUT', K, headers=sse(key=K1[:10])))
    F.case(T, 'get-obj-sse-c-bad-md5', s3('PUT', K, headers=sse(md5=('a' if bad[0] != 'a' else 'b') + bad[1:])))

    T = 'test_copy_object_with_sse_c'
    B = '/fid-s3-ssecc'
    S = B + '/test-sse-c-src'
    D = B + '/test-sse-c-target'
    src = {'x-amz-copy-source': S[1:]}
    F.case(T, 'put-obj-sse-c', put(S, 'test_data', sse()), setup=[s3('PUT', B)], op='PutObject', headers=ETAG)
    F.case(T, 'copy-obj-sse-c-target-no-sse-c', s3('PUT', D, headers={**src, **copy_sse()}), op='CopyObject', skip=['CopyObjectResult.ETag'])
    F.case(T, 'copy-obj-sse-c', s3('PUT', D, headers={**src, **copy_sse(), **sse()}), op='CopyObject', skip=['CopyObjectResult.ETag'])
    F.case(T, 'get-obj-no-sse-c-param', s3('GET', D))
    F.case(T, 'copy-obj-no-src-sse-c', s3('PUT', D, headers={**src, **sse()}))
    F.case(T, 'copy-obj-wrong-src-sse-c-algo', s3('PUT', D, headers={**src, **copy_sse(algo='KMS')}))
    F.case(T, 'copy-obj-wrong-target-sse-c-algo', s3('PUT', D, headers={**src, **copy_sse(), **sse(algo='KMS')}))
    F.case(T, 'copy-obj-target-double-encryption', s3('PUT', D, headers={**src, **copy_sse(), **sse(), 'x-amz-server-side-encryption': 'AES256'}))

    T = 'test_multipart_upload_sse_c_validation'
    B = '/fid-s3-ssecm'
    K = B + '/test-sse-c-multipart'
    F.case(T, 'create-mpu-no-sse-c', s3('POST', K, 'uploads', save={'sm1': 'InitiateMultipartUploadResult.UploadId'}), setup=[s3('PUT', B)], op='CreateMultipartUpload', skip=['InitiateMultipartUploadResult.Bucket'])
    F.case(T, 'mpu-no-sse-c-upload-part-with-sse-c', s3('PUT', K, 'partNumber=1&uploadId=${sm1}', raw='testbody', headers=sse()))
    F.case(T, 'create-mpu-sse-c', s3('POST', K, 'uploads', headers=sse(), save={'sm2': 'InitiateMultipartUploadResult.UploadId'}), setup=[s3('DELETE', K, 'uploadId=${sm1}')], op='CreateMultipartUpload', skip=['InitiateMultipartUploadResult.Bucket'])
    F.case(T, 'mpu-sse-c-upload-part-no-sse-c', s3('PUT', K, 'partNumber=1&uploadId=${sm2}', raw='testbody'))
    F.case(T, 'mpu-sse-c-upload-part-wrong-sse-c', s3('PUT', K, 'partNumber=1&uploadId=${sm2}', raw='testbody', headers=sse(key=K2)))

    T = 'test_sse_c_with_versioning'
    B = '/fid-s3-ssecv'
    K = B + '/test-versioning-sse-c'
    V = {'x-amz-version-id': '*', **ETAG}
    F.case(T, 'put-obj-sse-c-version-1', put(K, 'version1', sse(), save={'sv1': 'header:x-amz-version-id'}), setup=versioned(B), op='PutObject', headers=V)
    F.case(T, 'put-obj-sse-c-version-2', put(K, 'version2', sse(key=K2), save={'sv2': 'header:x-amz-version-id'}), op='PutObject', headers=V)
    F.case(T, 'get-obj-sse-c-last-version', s3('GET', K, headers=sse(key=K2)), op='GetObject', headers={'x-amz-version-id': '${sv2}', **ETAG})
    F.case(T, 'get-obj-sse-c-version-2', s3('GET', K, 'versionId=${sv2}', headers=sse(key=K2)), op='GetObject', headers={'x-amz-version-id': '${sv2}', **ETAG})
    F.case(T, 'get-obj-sse-c-last-version-wrong-key', s3('GET', K, 'versionId=${sv1}', headers=sse(key=K2)))
    F.case(T, 'get-obj-sse-c-version-1', s3('GET', K, 'versionId=${sv1}', headers=sse()), op='GetObject', headers={'x-amz-version-id': '${sv1}', **ETAG})

    T = 'test_put_object_lifecycle_with_sse_c'
    B = '/fid-s3-ssecl'
    K = B + '/test-sse-c'
    F.case(T, 'put-obj-sse-c', put(K, 'test_data', sse()), setup=[s3('PUT', B)], op='PutObject', headers=ETAG)
    F.case(T, 'head-obj-sse-c', s3('HEAD', K, headers=sse()), op='HeadObject', headers=ETAG)
    F.case(T, 'get-obj-sse-c', s3('GET', K, headers=sse()), op='GetObject', headers=ETAG)
    F.case(T, 'del-obj-sse-c', s3('DELETE', K), op='DeleteObject')
