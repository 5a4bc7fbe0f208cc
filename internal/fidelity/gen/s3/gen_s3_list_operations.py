from s3lib import *
F = File('s3_list_operations', 'test_s3_list_operations')
C = 'content 123'
def lo(b, q, **kw): return s3('GET', b, q, **kw)
# ListObjects with prefix
for d, name in (('', 'p0'), ('/', 'p1'), ('%2F', 'p2')):
    b = '/fid-lo-' + name
    T = f'test_list_objects_with_prefix[{d}]'
    dq = {'': 'delimiter=&', '/': 'delimiter=%2F&', '%2F': 'delimiter=%252F&'}[d]
    F.case(T, 'list-objects', lo(b, dq + 'encoding-type=url&max-keys=1&prefix=test%2F'), setup=[s3('PUT', b), put(b + '/test/foo/bar/123', C)], op='ListObjects')
F.case('test_list_objects_next_marker', 'list-objects-all', lo('/fid-lo-nm', 'encoding-type=url'), setup=[s3('PUT', '/fid-lo-nm')] + [put(f'/fid-lo-nm/test_{i}', C) for i in range(3)], op='ListObjects')
F.case('test_list_objects_next_marker', 'list-objects-max-1', lo('/fid-lo-nm', 'delimiter=%2F&encoding-type=url&max-keys=1', save={'nm': 'ListBucketResult.NextMarker'}), op='ListObjects', values={'ListBucketResult.NextMarker': 'test_0', 'ListBucketResult.Contents.Key': 'test_0'})
F.case('test_list_objects_next_marker', 'list-objects-rest', lo('/fid-lo-nm', 'encoding-type=url&marker=${nm}&max-keys=1'), op='ListObjects', values={'ListBucketResult.Contents.Key': 'test_1'})
F.case('test_list_objects_next_marker', 'list-objects-marker-empty', lo('/fid-lo-nm', 'encoding-type=url&marker=&max-keys=1'), op='ListObjects')
F.case('test_s3_list_objects_empty_marker', 'list-objects', lo('/fid-lo-em', 'encoding-type=url&marker='), setup=[s3('PUT', '/fid-lo-em')], op='ListObjects')
# common prefixes, v1
B = '/fid-lo-cp'
KEYS = ['folder/aSubfolder/subFile1', 'folder/aSubfolder/subFile2', 'folder/file1', 'folder/file2']
T = 'test_list_objects_marker_common_prefixes'
F.case(T, 'list-objects-all-keys', lo(B, 'encoding-type=url'), setup=[s3('PUT', B)] + [put(B + '/' + k, C) for k in KEYS], op='ListObjects')
F.case(T, 'list-objects-start', lo(B, 'delimiter=%2F&encoding-type=url&max-keys=1&prefix=folder%2F', save={'m1': 'ListBucketResult.NextMarker'}), op='ListObjects')
F.case(T, 'list-objects-next-1', lo(B, 'delimiter=%2F&encoding-type=url&marker=${m1}&max-keys=1&prefix=folder%2F', save={'m2': 'ListBucketResult.NextMarker'}), op='ListObjects')
F.case(T, 'list-objects-end', lo(B, 'delimiter=%2F&encoding-type=url&marker=${m2}&max-keys=1&prefix=folder%2F'), op='ListObjects')
F.case(T, 'list-objects-manual-first-file', lo(B, 'delimiter=%2F&encoding-type=url&marker=folder%2FaSubfolder%2FsubFile1&max-keys=1&prefix=folder%2F'), op='ListObjects')
# v2
B = '/fid-lo-v2p'
K3 = ['test/foo/bar/123', 'test/foo/bar/456', 'test/bar/foo/123']
T = 'test_list_objects_v2_with_prefix'
F.case(T, 'list-objects-v2-1', lo(B, 'encoding-type=url&list-type=2&prefix=test%2F'), setup=[s3('PUT', B)] + [put(B + '/' + k, C) for k in K3], op='ListObjectsV2')
F.case(T, 'list-objects-v2-2', lo(B, 'encoding-type=url&list-type=2&prefix=test%2Ffoo'), op='ListObjectsV2')
F.case(T, 'list-objects-v2-3', lo(B, 'encoding-type=url&list-type=2&prefix=test%2Ffoo%2Fbar'), op='ListObjectsV2')
T = 'test_list_objects_v2_with_prefix_and_delimiter'
F.case(T, 'list-objects-v2-1', lo(B, 'delimiter=%2F&encoding-type=url&list-type=2&prefix=test%2F'), op='ListObjectsV2')
F.case(T, 'list-objects-v2-1-with-max-keys', lo(B, 'delimiter=%2F&encoding-type=url&list-type=2&max-keys=1&prefix=test%2F'), op='ListObjectsV2')
F.case(T, 'list-objects-v2-2', lo(B, 'delimiter=%2F&encoding-type=url&list-type=2&prefix=test%2Ffoo'), op='ListObjectsV2')
F.case(T, 'list-objects-v2-3', lo(B, 'delimiter=%2F&encoding-type=url&list-type=2&prefix=test%2Ffoo%2Fbar'), op='ListObjectsV2')
B = '/fid-lo-v2c'
T = 'test_list_objects_v2_continuation_start_after'
F.case(T, 'list-objects-v2-max-5', lo(B, 'encoding-type=url&list-type=2&max-keys=5', save={'ct': 'ListBucketResult.NextContinuationToken'}), setup=[s3('PUT', B)] + [put(f'{B}/test_{i}', C) for i in range(12)], op='ListObjectsV2')
F.case(T, 'list-objects-v2-rest', lo(B, 'continuation-token=${ct}&encoding-type=url&list-type=2'), op='ListObjectsV2', values={'ListBucketResult.Contents.Key': 'test_3'})
F.case(T, 'list-objects-start-after', lo(B, 'encoding-type=url&list-type=2&max-keys=2&start-after=test_7'), op='ListObjectsV2', values={'ListBucketResult.Contents.Key': 'test_8'})
F.case(T, 'list-objects-start-after-token', lo(B, 'continuation-token=${ct}&encoding-type=url&list-type=2&start-after=test_7'), op='ListObjectsV2', values={'ListBucketResult.Contents.Key': 'test_3'})
F.case(T, 'exc-continuation-token', lo(B, 'continuation-token=&encoding-type=url&list-type=2'))
B = '/fid-lo-v2cp'
T = 'test_list_objects_v2_continuation_common_prefixes'
F.case(T, 'list-objects-v2-all-keys', lo(B, 'encoding-type=url&list-type=2'), setup=[s3('PUT', B)] + [put(B + '/' + k, C) for k in KEYS], op='ListObjectsV2')
F.case(T, 'list-objects-v2-start', lo(B, 'delimiter=%2F&encoding-type=url&list-type=2&max-keys=1&prefix=folder%2F', save={'c1': 'ListBucketResult.NextContinuationToken'}), op='ListObjectsV2')
F.case(T, 'list-objects-v2-next-1', lo(B, 'continuation-token=${c1}&delimiter=%2F&encoding-type=url&list-type=2&max-keys=1&prefix=folder%2F', save={'c2': 'ListBucketResult.NextContinuationToken'}), op='ListObjectsV2')
F.case(T, 'list-objects-v2-end', lo(B, 'continuation-token=${c2}&delimiter=%2F&encoding-type=url&list-type=2&max-keys=1&prefix=folder%2F'), op='ListObjectsV2')
# versions
B = '/fid-lv-m'
T = 'test_list_objects_versions_markers'
setup = versioned(B) + [put(f'{B}/test_{i}', 'version 1', save={f'v{i}': 'header:x-amz-version-id'}) for i in range(3)]
setup += [put(f'{B}/test_2', 'version 2', save={'v3': 'header:x-amz-version-id'})]
setup += [s3('DELETE', f'{B}/test_{i}') for i in range(3)]
setup += [put(f'{B}/test_{i}', 'version 2') for i in range(2)]
F.case(T, 'list-objects-versions-all', lo(B, 'encoding-type=url&versions'), setup=setup, op='ListObjectVersions')
F.case(T, 'list-objects-versions-5', lo(B, 'encoding-type=url&max-keys=5&versions', save={'nk': 'ListVersionsResult.NextKeyMarker', 'nv': 'ListVersionsResult.NextVersionIdMarker'}), op='ListObjectVersions')
F.case(T, 'list-objects-next-key-only', lo(B, 'encoding-type=url&key-marker=${nk}&max-keys=1&versions'), op='ListObjectVersions')
F.case(T, 'list-objects-next-key-last', lo(B, 'encoding-type=url&key-marker=test_2&max-keys=1&versions'), op='ListObjectVersions')
F.case(T, 'list-objects-next-version-only', lo(B, 'encoding-type=url&max-keys=1&version-id-marker=${nv}&versions'), members={'ArgumentName': 'version-id-marker', 'ArgumentValue': '${nv}'})
F.case(T, 'list-objects-both-markers', lo(B, 'encoding-type=url&key-marker=${nk}&max-keys=1&version-id-marker=${nv}&versions'), op='ListObjectVersions')
F.case(T, 'list-objects-last-key-last-version', lo(B, 'encoding-type=url&key-marker=test_2&max-keys=1&version-id-marker=${v3}&versions'), op='ListObjectVersions')
F.case(T, 'list-objects-next-key-empty', lo(B, 'encoding-type=url&key-marker=&max-keys=1&versions'), op='ListObjectVersions')
B = '/fid-lv-cp'
T = 'test_list_object_versions_pagination_common_prefixes'
F.case(T, 'list-object-versions-all-keys', lo(B, 'encoding-type=url&versions'), setup=versioned(B) + [put(B + '/' + k, C) for k in KEYS], op='ListObjectVersions')
F.case(T, 'list-object-versions-start', lo(B, 'delimiter=%2F&encoding-type=url&max-keys=1&prefix=folder%2F&versions', save={'k1': 'ListVersionsResult.NextKeyMarker'}), op='ListObjectVersions')
F.case(T, 'list-object-versions-next-1', lo(B, 'delimiter=%2F&encoding-type=url&key-marker=${k1}&max-keys=1&prefix=folder%2F&versions', save={'k2': 'ListVersionsResult.NextKeyMarker'}), op='ListObjectVersions')
F.case(T, 'list-object-versions-end', lo(B, 'delimiter=%2F&encoding-type=url&key-marker=${k2}&max-keys=1&prefix=folder%2F&versions'), op='ListObjectVersions')
F.case(T, 'list-object-versions-manual-first-file', lo(B, 'delimiter=%2F&encoding-type=url&key-marker=folder%2FaSubfolder%2FsubFile1&max-keys=1&prefix=folder%2F&versions'), op='ListObjectVersions')
# encoding type validation
for op, q, b in (('list_objects_v2', 'list-type=2&', ''), ('list_objects', '', ''), ('list_object_versions', 'versions&', ''), ('list_multipart_uploads', 'uploads&', '')):
    T = f'test_list_ops_encoding_type_validation[{op}]'
    F.case(T, f'{op}-error-wrong-value', lo('/fid-lo-em', q + 'encoding-type=value'))
    F.case(T, f'{op}-error-empty-value', lo('/fid-lo-em', q + 'encoding-type='))
# multipart listing
B = '/fid-lm'
T = 'test_list_multiparts_with_prefix_and_delimiter'
setup = [s3('PUT', B)] + [s3('POST', B + '/' + k, 'uploads') for k in K3]
F.case(T, 'list-multiparts-1', lo(B, 'delimiter=%2F&encoding-type=url&prefix=test%2F&uploads'), setup=setup, op='ListMultipartUploads')
F.case(T, 'list-multiparts-2', lo(B, 'delimiter=%2F&encoding-type=url&prefix=test%2Ffoo%2F&uploads'), op='ListMultipartUploads')
F.case(T, 'list-multiparts-3', lo(B, 'delimiter=%2F&encoding-type=url&prefix=test%2Ffoo%2Fbar&uploads'), op='ListMultipartUploads')
B = '/fid-lm-cp'
T = 'test_list_multipart_uploads_marker_common_prefixes'
setup = [s3('PUT', B)] + [s3('POST', B + '/' + k, 'uploads') for k in KEYS]
F.case(T, 'list-multiparts-start', lo(B, 'delimiter=%2F&max-uploads=1&prefix=folder%2F&uploads'), setup=setup, op='ListMultipartUploads')
F.case(T, 'list-multiparts-manual-prefix', lo(B, 'delimiter=%2F&key-marker=folder%2FaSubfolder%2F&max-uploads=1&prefix=folder%2F&uploads'), op='ListMultipartUploads')
F.case(T, 'list-multiparts-manual-first-file', lo(B, 'delimiter=%2F&key-marker=folder%2FaSubfolder%2FsubFile1&max-uploads=1&prefix=folder%2F&uploads'), op='ListMultipartUploads')
F.case('test_list_buckets_region_validation', 'bad-region', s3('GET', '/', 'bucket-region=eu-east-1'))
# the marker walk's error (the walk itself depends on the order of uploads begun together)
B = '/fid-lm-nm'
T = 'test_list_multiparts_next_marker'
F.case(T, 'list-multiparts-empty', lo(B, 'uploads'), setup=[s3('PUT', B)], op='ListMultipartUploads')
F.case(T, 'list-multiparts-wrong-id-for-key', lo(B, 'key-marker=test_c&max-uploads=1&upload-id-marker=${nmb}&uploads'),
       setup=[s3('POST', B + '/test_c', 'uploads'), s3('POST', B + '/test_b', 'uploads', save={'nmb': 'InitiateMultipartUploadResult.UploadId'})],
       members={'ArgumentName': 'upload-id-marker', 'ArgumentValue': '${nmb}'})
F.write()
