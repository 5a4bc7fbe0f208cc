from s3lib import *
F = File('s3_preconditions', 'test_s3_preconditions')
B = '/fid-pre'
BV = '/fid-pre-v'
ET = '"8d777f385d3dfec8815d20f7496026dc"'
F.setup = [s3('PUT', B), s3('PUT', BV), s3('PUT', BV, 'versioning', raw='<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Status>Enabled</Status></VersioningConfiguration>')]
T = 'test_s3_copy_object_preconditions'
def cp(bucket, hdrs, save=None):
    h = {'x-amz-copy-source': bucket[1:] + '/source-object'}; h.update(hdrs)
    return s3('PUT', bucket + '/dest-object', headers=h, save=save)
F.case(T, 'head-object', s3('HEAD', B + '/source-object'), setup=[s3('PUT', B + '/source-object', raw='data', headers={'x-amz-checksum-crc32': 'rfPzYw=='})], op='HeadObject')
F.case(T, 'copy-precondition-if-match', cp(B, {'x-amz-copy-source-if-modified-since': '${now}', 'x-amz-copy-source-if-unmodified-since': '${yesterday}', 'x-amz-copy-source-if-match': 'etag123', 'x-amz-copy-source-if-none-match': ET}))
F.case(T, 'copy-precondition-if-unmodified-since', cp(B, {'x-amz-copy-source-if-modified-since': '${now}', 'x-amz-copy-source-if-unmodified-since': '${yesterday}', 'x-amz-copy-source-if-none-match': ET}))
F.case(T, 'copy-precondition-if-none-match', cp(B, {'x-amz-copy-source-if-modified-since': '${now}', 'x-amz-copy-source-if-none-match': ET}))
F.case(T, 'copy-precondition-if-modified-since', cp(B, {'x-amz-copy-source-if-modified-since': '${now}'}))
F.case(T, 'copy-ignore-future-modified-since', cp(B, {'x-amz-copy-source-if-modified-since': '${tomorrow}'}), op='CopyObject', )
F.case(T, 'copy-etag-missing-quotes', cp(B, {'x-amz-copy-source-if-none-match': ET.strip('"')}))
F.case(T, 'copy-success', cp(B, {'x-amz-copy-source-if-match': ET.strip('"'), 'x-amz-copy-source-if-none-match': 'etag123', 'x-amz-copy-source-if-modified-since': '${yesterday}', 'x-amz-copy-source-if-unmodified-since': '${now}'}), op='CopyObject', )
T = 'test_s3_copy_object_if_source_modified_since_versioned'
F.case(T, 'head-object', s3('HEAD', BV + '/source-object', save={'lm': 'header:Last-Modified'}), setup=[s3('PUT', BV + '/source-object', raw='data', headers={'x-amz-checksum-crc32': 'rfPzYw=='})], op='HeadObject')
F.case(T, 'copy-if-modified-since', cp(BV, {'x-amz-copy-source-if-modified-since': 'Mon, 01 Jan 2024 00:00:00 GMT'}), op='CopyObject', )
F.case(T, 'copy-if-modified-since-last-modified', cp(BV, {'x-amz-copy-source-if-modified-since': '${lm}'}))
T = 'test_s3_copy_object_if_source_unmodified_since_versioned'
F.case(T, 'head-object', s3('HEAD', BV + '/source-object', save={'lm': 'header:Last-Modified'}), op='HeadObject')
F.case(T, 'copy-if-unmodified-since', cp(BV, {'x-amz-copy-source-if-unmodified-since': '${lm}'}), op='CopyObject', )
F.case(T, 'copy-past-if-unmodified-since', cp(BV, {'x-amz-copy-source-if-unmodified-since': '${yesterday}'}))
F.write()
