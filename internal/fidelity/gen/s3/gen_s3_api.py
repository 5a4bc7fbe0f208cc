from s3lib import *
F = File('s3_api', 'test_s3_api')
X = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"'
def vers(status): return f'<VersioningConfiguration {X}><Status>{status}</Status></VersioningConfiguration>'
def delete_xml(*objs):
    body = ''.join('<Object><Key>%s</Key>%s</Object>' % (k, f'<VersionId>{v}</VersionId>' if v else '') for k, v in objs)
    return f'<Delete {X}>{body}</Delete>'
import hashlib
def md5h(s): return base64.b64encode(hashlib.md5(s.encode()).digest()).decode()
def post_delete(b, *objs, hdrs=None):
    x = delete_xml(*objs)
    h = {'Content-MD5': '${content-md5}'}
    if hdrs: h.update(hdrs)
    return s3('POST', b, 'delete', raw=x, headers=h)
BADV = 'HPniJFCxqTsMuIH9KX8K8wEjNUgmABCD'

# --- ObjectCRUD
B = '/fid-api-del'
T = 'test_delete_object'
F.case(T, 'put-object', put(B + '/test-delete', 'test-delete'), setup=[s3('PUT', B)], op='PutObject')
F.case(T, 'delete-object', s3('DELETE', B + '/test-delete'), op='DeleteObject')
F.case(T, 'delete-nonexistent-object', s3('DELETE', B + '/test-delete'), op='DeleteObject')
F.case(T, 'delete-nonexistent-object-versionid', s3('DELETE', B + '/test-delete', 'versionId=' + BADV))
B = '/fid-api-dels'
T = 'test_delete_objects'
F.case(T, 'put-object', put(B + '/test-delete', 'test-delete'), setup=[s3('PUT', B)], op='PutObject')
F.case(T, 'delete-object-wrong-version-id', post_delete(B, ('test-delete', BADV)), op='DeleteObjects')
F.case(T, 'delete-objects', post_delete(B, ('test-delete', None), ('c-wrong-key', None), ('a-wrong-key', None)), op='DeleteObjects', skip=['DeleteResult.Deleted.Key'])
B = '/fid-api-delv'
T = 'test_delete_object_versioned'
F.case(T, 'put-object', put(B + '/test-delete', 'test-delete', save={'ov': 'header:x-amz-version-id'}), setup=versioned(B), op='PutObject')
F.case(T, 'delete-object', s3('DELETE', B + '/test-delete', save={'dm': 'header:x-amz-version-id'}), op='DeleteObject')
F.case(T, 'get-deleted-object', s3('GET', B + '/test-delete'), headers={'x-amz-delete-marker': 'true', 'x-amz-version-id': '${dm}'})
F.case(T, 'get-object-with-version', s3('GET', B + '/test-delete', 'versionId=${ov}'), op='GetObject')
F.case(T, 'get-delete-marker', s3('GET', B + '/test-delete', 'versionId=${dm}'), headers={'x-amz-delete-marker': 'true', 'x-amz-version-id': '${dm}', 'Allow': 'DELETE'})
F.case(T, 'delete-object-2', s3('DELETE', B + '/test-delete'), op='DeleteObject')
F.case(T, 'list-object-versions', s3('GET', B, 'encoding-type=url&prefix=test-delete&versions'), op='ListObjectVersions')
F.case(T, 'delete-delete-marker', s3('DELETE', B + '/test-delete', 'versionId=${dm}'), op='DeleteObject', headers={'x-amz-version-id': '${dm}'})
F.case(T, 'delete-object-version', s3('DELETE', B + '/test-delete', 'versionId=${ov}'), op='DeleteObject', headers={'x-amz-version-id': '${ov}'})
F.case(T, 'get-deleted-object-with-version', s3('GET', B + '/test-delete', 'versionId=${ov}'), headers={'x-amz-delete-marker': '-', 'x-amz-version-id': '-'})
F.case(T, 'delete-with-bad-version', s3('DELETE', B + '/test-delete', 'versionId=' + BADV[:-4] + 'ABCD'), headers={'x-amz-delete-marker': '-', 'x-amz-version-id': '-'}, members={'ArgumentName': 'versionId', 'ArgumentValue': BADV[:-4] + 'ABCD'})
F.case(T, 'delete-wrong-key', s3('DELETE', B + '/wrong-key'), op='DeleteObject')
B = '/fid-api-delsv'
T = 'test_delete_objects_versioned'
F.case(T, 'put-object', put(B + '/test-delete', 'test-delete', save={'ov2': 'header:x-amz-version-id'}), setup=versioned(B), op='PutObject')
F.case(T, 'delete-objects-no-version-id', post_delete(B, ('test-delete', None), ('wrongkey', None), ('wrongkey-x', None)), op='DeleteObjects')
F.case(T, 'delete-objects-marker', post_delete(B, ('test-delete', '${dm2}')), op='DeleteObjects', setup=[s3('GET', B, 'versions&prefix=test-delete', save={'dm2': 'ListVersionsResult.DeleteMarker.VersionId'})])
F.case(T, 'delete-objects-wrong-version-id', post_delete(B, ('test-delete', BADV), ('wrong-key-2', BADV)), op='DeleteObjects')
F.case(T, 'delete-objects-version-id', post_delete(B, ('test-delete', '${ov2}')), op='DeleteObjects')
B = '/fid-api-gv'
T = 'test_get_object_with_version_unversioned_bucket'
F.case(T, 'put-object', put(B + '/test-version', 'test-version'), setup=[s3('PUT', B)], op='PutObject')
F.case(T, 'get-obj-with-version', s3('GET', B + '/test-version', 'versionId=' + BADV), members={'ArgumentName': 'versionId', 'ArgumentValue': BADV})
F.case(T, 'get-obj-with-null-version', s3('GET', B + '/test-version', 'versionId=null'), op='GetObject')
B = '/fid-api-sus'
T = 'test_put_object_on_suspended_bucket'
for i in range(3):
    F.case(T, f'put-object-{i}', put(B + '/test-version', f'test-version-{i}'), setup=versioned(B) if i == 0 else None, op='PutObject')
F.case(T, 'list-enabled', s3('GET', B, 'encoding-type=url&versions'), op='ListObjectVersions')
F.case(T, 'list-suspended', s3('GET', B, 'encoding-type=url&versions'), setup=[s3('PUT', B, 'versioning', raw=vers('Suspended'))], op='ListObjectVersions')
F.case(T, 'put-object-suspended', put(B + '/test-version', 'test-version-suspended'), op='PutObject')
F.case(T, 'list-suspended-after-put', s3('GET', B, 'encoding-type=url&versions'), op='ListObjectVersions')
F.case(T, 'put-object-suspended-overwrite', put(B + '/test-version', 'test-version-suspended'), op='PutObject')
F.case(T, 'list-suspended-after-overwrite', s3('GET', B, 'encoding-type=url&versions'), op='ListObjectVersions')
F.case(T, 'get-object-current', s3('GET', B + '/test-version'), op='GetObject')
B = '/fid-api-susd'
T = 'test_delete_object_on_suspended_bucket'
K = B + '/test-delete-suspended'
for i in range(2):
    F.case(T, f'put-object-{i}', put(K, f'test-version-{i}'), setup=versioned(B) if i == 0 else None, op='PutObject')
F.case(T, 'list-suspended', s3('GET', B, 'encoding-type=url&versions'), setup=[s3('PUT', B, 'versioning', raw=vers('Suspended'))], op='ListObjectVersions')
F.case(T, 'delete-object-no-version', s3('DELETE', K), op='DeleteObject')
F.case(T, 'list-suspended-delete', s3('GET', B, 'encoding-type=url&versions'), op='ListObjectVersions')
F.case(T, 'put-object-suspended', put(K, 'test-version-suspended-after-delete'), op='PutObject')
F.case(T, 'list-suspended-put', s3('GET', B, 'encoding-type=url&versions'), op='ListObjectVersions')
F.case(T, 'delete-object-no-version-after-put', s3('DELETE', K), op='DeleteObject')
F.case(T, 'list-suspended-after-put', s3('GET', B, 'encoding-type=url&versions'), op='ListObjectVersions')
B = '/fid-api-lvu'
T = 'test_list_object_versions_order_unversioned'
F.case(T, 'list-empty', s3('GET', B, 'encoding-type=url&versions'), setup=[s3('PUT', B)], op='ListObjectVersions')
F.case(T, 'put-object', put(B + '/a-test-object-1', 'test-object-1'), op='PutObject')
F.case(T, 'put-object-3', put(B + '/c-test-object-3', 'test-object-3'), op='PutObject')
F.case(T, 'put-object-2', put(B + '/b-test-object-2', 'test-object-2'), op='PutObject')
F.case(T, 'list-object-versions', s3('GET', B, 'encoding-type=url&versions'), op='ListObjectVersions')
B = '/fid-api-rng'
T = 'test_get_object_range'
K = B + '/test-key-range'
first = True
for rec, rng in (('get-0-8', 'bytes=0-8'), ('get-0-8-checksum', 'bytes=0-8'), ('get-1-1', 'bytes=1-1'), ('get-1-0', 'bytes=1-0'), ('get-1-', 'bytes=1-'), ('get--1-', 'bytes=-1-'), ('get--2', 'bytes=-2'), ('get--9', 'bytes=-9'), ('get--15', 'bytes=-15'), ('get-0-100', 'bytes=0-100'), ('get-0-0', 'bytes=0-0'), ('get-0--1', 'bytes=0--1'), ('get-multiple-ranges', 'bytes=0-1,3-4,7-9'), ('get-wrong-format', '0-1'), ('get--', 'bytes=-'), ('get--0', 'bytes=-0'), ('get-100-200', 'bytes=100-200')):
    h = {'Range': rng}
    if rec == 'get-0-8-checksum': h['x-amz-checksum-mode'] = 'ENABLED'
    F.case(T, rec, s3('GET', K, headers=h), setup=[s3('PUT', B), put(K, '0123456789')] if first else None, op='GetObject')
    first = False
F.case(T, 'put-after-failed', put(K, '0123456789' * 2), op='PutObject')
# --- BucketCRUD
B = '/fid-api-bd'
T = 'test_delete_bucket_with_objects'
F.case(T, 'delete-with-obj', s3('DELETE', B), setup=[s3('PUT', B), put(B + '/test-delete', 'test-delete')], members={'BucketName': B[1:]})
F.case(T, 'delete-obj', s3('DELETE', B + '/test-delete'), op='DeleteObject')
F.case(T, 'delete-bucket', s3('DELETE', B), op='DeleteBucket')
B = '/fid-api-bdv'
T = 'test_delete_versioned_bucket_with_objects'
K = B + '/test-delete-versioned'
F.case(T, 'delete-with-obj-and-delete-marker', s3('DELETE', B), setup=versioned(B) + [put(K, 'test-delete', save={'bv': 'header:x-amz-version-id'}), s3('DELETE', K, save={'bdm': 'header:x-amz-version-id'})], members={'BucketName': B[1:]})
F.case(T, 'delete-obj-by-version', s3('DELETE', K, 'versionId=${bv}'), op='DeleteObject')
F.case(T, 'delete-with-only-delete-marker', s3('DELETE', B), members={'BucketName': B[1:]})
F.case(T, 'delete-marker-by-version', s3('DELETE', K, 'versionId=${bdm}'), op='DeleteObject')
F.case(T, 'success-delete-bucket', s3('DELETE', B), op='DeleteBucket')
# --- Versioning
B = '/fid-api-ver'
T = 'test_bucket_versioning_crud'
F.case(T, 'get-versioning-before', s3('GET', B, 'versioning'), setup=[s3('PUT', B)], op='GetBucketVersioning')
F.case(T, 'put-versioning-suspended-before', s3('PUT', B, 'versioning', raw=vers('Suspended')), op='PutBucketVersioning')
F.case(T, 'get-versioning-after-suspended', s3('GET', B, 'versioning'), op='GetBucketVersioning')
F.case(T, 'put-versioning-enabled-lowercase', s3('PUT', B, 'versioning', raw=vers('enabled')))
F.case(T, 'put-versioning-enabled-capitalized', s3('PUT', B, 'versioning', raw=vers('Enabled')), op='PutBucketVersioning')
F.case(T, 'get-versioning-after-enabled', s3('GET', B, 'versioning'), op='GetBucketVersioning')
F.case(T, 'put-versioning-suspended-after', s3('PUT', B, 'versioning', raw=vers('Suspended')), op='PutBucketVersioning')
F.case(T, 'put-versioning-disabled', s3('PUT', B, 'versioning', raw=vers('Disabled')))
F.case(T, 'put-versioning-empty', s3('PUT', B, 'versioning', raw=f'<VersioningConfiguration {X}/>'))
F.case(T, 'put-versioning-no-bucket', s3('PUT', '/fid-api-nobucket', 'versioning', raw=vers('Suspended')))
F.case(T, 'get-versioning-no-bucket', s3('GET', '/fid-api-nobucket', 'versioning'))
F.case('test_object_version_id_format', 'put-object', put('/fid-api-vid/test-version-id', ''), setup=versioned('/fid-api-vid'), op='PutObject')
import s3_api_more as api2
api2.more(F)
api2.more2(F)
import s3_api_tags
s3_api_tags.otag(F)
import s3_conf
s3_conf.s3apiconf(F)
s3_conf.s3apienc(F)
s3_conf.s3apimetrics(F)
import s3_acl
s3_acl.ownership(F)
import s3_lock
s3_lock.lock_api(F)
import s3_kms
s3_kms.s3apikms(F)
F.write()
