from s3lib import *
X = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"'
def tagging(*kv, root='Tagging'):
    tags = ''.join('<Tag>%s%s</Tag>' % ('' if k is None else f'<Key>{k}</Key>', '' if v is None else f'<Value>{v}</Value>') for k, v in kv)
    return f'<{root} {X}><TagSet>{tags}</TagSet></{root}>'
def cbc(*kv):
    tags = ''.join('<Tag>%s%s</Tag>' % ('' if k is None else f'<Key>{k}</Key>', '' if v is None else f'<Value>{v}</Value>') for k, v in kv)
    return f'<CreateBucketConfiguration {X}><Tags>{tags}</Tags></CreateBucketConfiguration>'
MD5 = {'Content-MD5': '${content-md5}'}
def mpu_create(path, n):
    return s3('POST', path, 'uploads', save={n: 'InitiateMultipartUploadResult.UploadId'})
def mpu_part(path, n, body='test', e='pe'):
    return s3('PUT', path, f'partNumber=1&uploadId=${{{n}}}', raw=body, save={n + e: 'header:ETag'})
def mpu_done(path, n, hdrs=None, e='pe'):
    body = f'<CompleteMultipartUpload {X}><Part><ETag>${{{n}{e}}}</ETag><PartNumber>1</PartNumber></Part></CompleteMultipartUpload>'
    return s3('POST', path, f'uploadId=${{{n}}}', raw=body, headers=hdrs)

def more(F):
    # --- bucket tagging
    B = '/fid-api-tag'
    T = 'test_bucket_tagging_crud'
    F.case(T, 'get-bucket-tags-empty', s3('GET', B, 'tagging'), setup=[s3('PUT', B)], members={'BucketName': B[1:]})
    F.case(T, 'put-bucket-tags', s3('PUT', B, 'tagging', raw=tagging(('tag1', 'tag1'), ('tag2', '')), headers=MD5), op='PutBucketTagging')
    F.case(T, 'get-bucket-tags', s3('GET', B, 'tagging'), op='GetBucketTagging', values={'Tagging.TagSet.Tag.Key': 'tag1', 'Tagging.TagSet.Tag.Value': 'tag1'})
    F.case(T, 'put-bucket-tags-overwrite', s3('PUT', B, 'tagging', raw=tagging(('tag3', 'tag3')), headers=MD5), op='PutBucketTagging')
    F.case(T, 'get-bucket-tags-overwritten', s3('GET', B, 'tagging'), op='GetBucketTagging', values={'Tagging.TagSet.Tag.Key': 'tag3', 'Tagging.TagSet.Tag.Value': 'tag3'})
    F.case(T, 'delete-bucket-tags', s3('DELETE', B, 'tagging'), op='DeleteBucketTagging')
    F.case(T, 'put-bucket-tags-empty', s3('PUT', B, 'tagging', raw=tagging(), headers=MD5), op='PutBucketTagging')
    T = 'test_bucket_tagging_exc'
    NB = '/fid-api-fake-bucket'
    F.case(T, 'get-no-bucket-tags', s3('GET', NB, 'tagging'), members={'BucketName': NB[1:]})
    F.case(T, 'delete-no-bucket-tags', s3('DELETE', NB, 'tagging'), members={'BucketName': NB[1:]})
    F.case(T, 'put-no-bucket-tags', s3('PUT', NB, 'tagging', raw=tagging(), headers=MD5), members={'BucketName': NB[1:]})
    T = 'test_tagging_validation'
    B = '/fid-api-tagv'
    F.case(T, 'put-bucket-tags-duplicate-keys', s3('PUT', B, 'tagging', raw=tagging(('Key1', 'Val1'), ('Key1', 'Val1')), headers=MD5), setup=[s3('PUT', B)])
    F.case(T, 'put-bucket-tags-invalid-key', s3('PUT', B, 'tagging', raw=tagging(('Key1,Key2', 'Val1')), headers=MD5))
    F.case(T, 'put-bucket-tags-none-key', s3('PUT', B, 'tagging', raw=tagging((None, 'Val1')), headers=MD5))
    F.case(T, 'put-bucket-tags-invalid-value', s3('PUT', B, 'tagging', raw=tagging(('Key1', 'Val1,Val2')), headers=MD5))
    F.case(T, 'put-bucket-tags-none-value', s3('PUT', B, 'tagging', raw=tagging(('key1', None)), headers=MD5))
    F.case(T, 'put-bucket-tags-aws-prefixed', s3('PUT', B, 'tagging', raw=tagging(('aws:prefixed', 'Val1')), headers=MD5))
    B = '/fid-api-tagn'
    T = 'test_put_bucket_tagging_none_value'
    F.case(T, 'put-bucket-tags-origin', s3('PUT', B, 'tagging', raw=tagging(('tag3', 'tag3')), headers=MD5), setup=[s3('PUT', B)], op='PutBucketTagging')
    F.case(T, 'put-none-tag-set', s3('PUT', B, 'tagging', raw=f'<Tagging {X}/>', headers=MD5), op='PutBucketTagging')
    F.case(T, 'no-such-tag-set', s3('GET', B, 'tagging'), members={'BucketName': B[1:]})
    # --- create bucket with tags
    T = 'test_create_bucket_with_tags'
    B = '/fid-api-cbt'
    F.case(T, 'create-bucket-with-tags', s3('PUT', B, raw=cbc(('tag1', 'value1'))), op='CreateBucket')
    F.case(T, 'get-bucket-tags', s3('GET', B, 'tagging'), op='GetBucketTagging', values={'Tagging.TagSet.Tag.Key': 'tag1', 'Tagging.TagSet.Tag.Value': 'value1'})
    T = 'test_create_bucket_with_tags_us_east_1_idempotency'
    B = '/fid-api-cbti'
    F.case(T, 'create-bucket-with-tags', s3('PUT', B, raw=cbc(('tag1', 'value1'))), op='CreateBucket')
    F.case(T, 'get-bucket-tags', s3('GET', B, 'tagging'), op='GetBucketTagging')
    F.case(T, 'create-bucket-different-tags', s3('PUT', B, raw=cbc(('tag2', 'value2'))), members={'BucketName': B[1:]})
    F.case(T, 'create-bucket-with-no-tags', s3('PUT', B), op='CreateBucket')
    F.case(T, 'get-bucket-tags-after-re-create', s3('GET', B, 'tagging'), op='GetBucketTagging', values={'Tagging.TagSet.Tag.Key': 'tag1'})
    F.case(T, 'create-bucket-with-same-tags', s3('PUT', B, raw=cbc(('tag1', 'value1'))), members={'BucketName': B[1:]})
    F.case(T, 'create-bucket-with-empty-tags', s3('PUT', B, raw=cbc()), op='CreateBucket')
    F.case(T, 'get-bucket-tags-after-create-empty', s3('GET', B, 'tagging'), op='GetBucketTagging', values={'Tagging.TagSet.Tag.Key': 'tag1'})
    T = 'test_create_bucket_with_tags_exc'
    B = '/fid-api-cbtx'
    F.case(T, 'tags-key-none', s3('PUT', B, raw=cbc((None, 'value1'))))
    F.case(T, 'tags-value-none', s3('PUT', B, raw=cbc(('key1', None))))
    F.case(T, 'tags-key-aws-prefix', s3('PUT', B, raw=cbc(('aws:test', 'value1'))))
    F.case(T, 'tags-key-aws-bad-value', s3('PUT', B, raw=cbc(('test', 'value1,value2'))))
    F.case(T, 'tags-key-aws-bad-key', s3('PUT', B, raw=cbc(('test,test2', 'value1'))))
    T = 'test_create_bucket_with_empty_tags'
    B = '/fid-api-cbte'
    F.case(T, 'create-bucket-with-empty-tags', s3('PUT', B, raw=cbc()), op='CreateBucket')
    F.case(T, 'get-bucket-tags', s3('GET', B, 'tagging'), members={'BucketName': B[1:]})
    # --- public access block, policy
    B = '/fid-api-pab'
    T = 'test_crud_public_access_block'
    PAB = f'<PublicAccessBlockConfiguration {X}><BlockPublicAcls>false</BlockPublicAcls><IgnorePublicAcls>false</IgnorePublicAcls><BlockPublicPolicy>false</BlockPublicPolicy></PublicAccessBlockConfiguration>'
    F.case(T, 'get-default-public-access-block', s3('GET', B, 'publicAccessBlock'), setup=[s3('PUT', B)], op='GetPublicAccessBlock')
    F.case(T, 'put-public-access-block', s3('PUT', B, 'publicAccessBlock', raw=PAB, headers=MD5), op='PutPublicAccessBlock')
    F.case(T, 'get-public-access-block', s3('GET', B, 'publicAccessBlock'), op='GetPublicAccessBlock')
    F.case(T, 'delete-public-access-block', s3('DELETE', B, 'publicAccessBlock'), op='DeletePublicAccessBlock')
    F.case(T, 'get-public-access-block-after-delete', s3('GET', B, 'publicAccessBlock'), members={'BucketName': B[1:]})
    F.case(T, 'idempotent-delete-public-access-block', s3('DELETE', B, 'publicAccessBlock'), op='DeletePublicAccessBlock')
    B = '/fid-api-pol'
    T = 'test_bucket_policy_crud'
    POL = '{"Version": "2012-10-17", "Statement": [{"Action": "s3:GetObject", "Effect": "Allow", "Resource": "arn:aws:s3:::fid-api-pol/*", "Principal": {"AWS": "*"}}]}'
    F.case(T, 'get-bucket-default-policy', s3('GET', B, 'policy'), setup=[s3('PUT', B), s3('DELETE', B, 'publicAccessBlock')], members={'BucketName': B[1:]})
    F.case(T, 'put-bucket-policy', s3('PUT', B, 'policy', raw=POL, headers=MD5), op='PutBucketPolicy')
    F.case(T, 'get-bucket-policy', s3('GET', B, 'policy'), op='GetBucketPolicy', extra={'values': {'Statement.0.Principal.AWS': '*', 'Statement.0.Effect': 'Allow', 'Statement.0.Action': 's3:GetObject', 'Version': '2012-10-17'}})
    F.case(T, 'delete-bucket-policy', s3('DELETE', B, 'policy'), op='DeleteBucketPolicy')
    F.case(T, 'get-bucket-policy-after-delete', s3('GET', B, 'policy'), members={'BucketName': B[1:]})
    F.case(T, 'delete-bucket-policy-after-delete', s3('DELETE', B, 'policy'), op='DeleteBucketPolicy')
    T = 'test_bucket_policy_exc'
    F.case(T, 'put-empty-bucket-policy', s3('PUT', B, 'policy', headers=MD5))
    F.case(T, 'put-bucket-policy-randomstring', s3('PUT', B, 'policy', raw='invalid json', headers=MD5))
    F.case(T, 'put-bucket-policy-empty-json', s3('PUT', B, 'policy', raw='{}', headers=MD5))
    # --- write preconditions
    B = '/fid-api-wp'
    K = B + '/test-precondition'
    T = 'test_put_object_if_none_match'
    F.case(T, 'put-obj', put(K, '', {'If-None-Match': '*'}), setup=[s3('PUT', B)], op='PutObject')
    F.case(T, 'put-obj-if-none-match', put(K, '', {'If-None-Match': '*'}))
    F.case(T, 'del-obj', s3('DELETE', K), op='DeleteObject')
    F.case(T, 'put-obj-after-del', put(K, '', {'If-None-Match': '*'}), op='PutObject')
    T = 'test_put_object_if_none_match_validation'
    K2 = B + '/test-precondition-validation'
    F.case(T, 'put-obj', put(K2, ''), op='PutObject')
    F.case(T, 'put-obj-if-none-match-bad-value', put(K2, '', {'If-None-Match': '"d41d8cd98f00b204e9800998ecf8427e"'}))
    B = '/fid-api-wpv'
    K = B + '/test-precondition'
    T = 'test_put_object_if_none_match_versioned_bucket'
    F.case(T, 'put-obj', put(K, '', {'If-None-Match': '*'}), setup=versioned(B), op='PutObject')
    F.case(T, 'put-obj-if-none-match', put(K, '', {'If-None-Match': '*'}))
    F.case(T, 'del-obj', s3('DELETE', K), op='DeleteObject')
    F.case(T, 'put-obj-after-del', put(K, '', {'If-None-Match': '*'}), op='PutObject')
    F.case(T, 'list-object-versions', s3('GET', B, 'encoding-type=url&versions'), op='ListObjectVersions')
    B = '/fid-api-wm'
    K = B + '/test-precondition'
    T = 'test_multipart_if_none_match_with_delete'
    F.case(T, 'put-obj', put(K, '', {'If-None-Match': '*'}), setup=[s3('PUT', B)], op='PutObject')
    F.case(T, 'create-multipart', mpu_create(K, 'u1'), op='CreateMultipartUpload')
    F.case(T, 'complete-multipart-if-none-match', mpu_done(K, 'u1', {'If-None-Match': '*'}), setup=[mpu_part(K, 'u1')])
    F.case(T, 'del-obj', s3('DELETE', K), op='DeleteObject')
    F.case(T, 'complete-multipart-after-del', mpu_done(K, 'u1', {'If-None-Match': '*'}))
    F.case(T, 'complete-multipart-after-del-restart', mpu_done(K, 'u2', {'If-None-Match': '*'}), setup=[mpu_create(K, 'u2'), mpu_part(K, 'u2')], op='CompleteMultipartUpload')
    B = '/fid-api-wm2'
    K = B + '/test-precondition'
    T = 'test_multipart_if_none_match_with_put'
    F.case(T, 'create-multipart', mpu_create(K, 'u3'), setup=[s3('PUT', B)], op='CreateMultipartUpload')
    F.case(T, 'put-obj', put(K, '', {'If-None-Match': '*'}), setup=[mpu_part(K, 'u3')], op='PutObject')
    F.case(T, 'complete-multipart-if-none-match-put-during', mpu_done(K, 'u3', {'If-None-Match': '*'}))
    B = '/fid-api-pim'
    K = B + '/test-precondition'
    T = 'test_put_object_if_match'
    F.case(T, 'put-obj', put(K, 'test', save={'e1': 'header:ETag'}), setup=[s3('PUT', B)], op='PutObject')
    F.case(T, 'put-obj-if-match-wrong-etag', put(K, '', {'If-Match': 'd41d8cd98f00b204e9800998ecf8427e'}))
    F.case(T, 'put-obj-overwrite', put(K, '', {'If-Match': '${e1}'}), op='PutObject')
    F.case(T, 'del-obj', s3('DELETE', K), op='DeleteObject')
    F.case(T, 'put-obj-if-match-key-not-exists', put(K, '', {'If-Match': '${e1}'}))
    F.case(T, 'put-obj-after-del', put(K, ''), op='PutObject')
    T = 'test_put_object_if_match_validation'
    K2 = B + '/test-precondition-validation'
    F.case(T, 'put-obj-if-match-star-value', put(K2, '', {'If-Match': '*'}))
    F.case(T, 'put-obj-if-match-bad-value', put(K2, '', {'If-Match': 'abcdef'}))
    F.case(T, 'put-obj-if-match-bad-value-2', put(K2, '', {'If-Match': 'bad-char_/'}))
    T = 'test_put_object_if_match_and_if_none_match_validation'
    F.case(T, 'put-obj-both-precondition', put(K2, '', {'If-None-Match': '*', 'If-Match': 'abcdef'}))
    for T, B, identical in (('test_multipart_if_match_with_put', '/fid-api-mp1', False), ('test_multipart_if_match_with_put_identical', '/fid-api-mp2', True)):
        K = B + '/test-precondition'
        F.case(T, 'put-obj', put(K, 'test', save={'m1': 'header:ETag'}), setup=[s3('PUT', B)], op='PutObject')
        F.case(T, 'create-multipart', mpu_create(K, 'u4'), op='CreateMultipartUpload')
        F.case(T, 'put-obj-during', put(K, 'test' if identical else 'test2', save={'m2': 'header:ETag'}), setup=[mpu_part(K, 'u4')], op='PutObject')
        if not identical:
            F.case(T, 'complete-multipart-if-match-put-before', mpu_done(K, 'u4', {'If-Match': '${m1}'}))
        F.case(T, 'complete-multipart-if-match-put-during', mpu_done(K, 'u4', {'If-Match': '${m2}'}))
        F.case(T, 'create-multipart-again', mpu_create(K, 'u5'), op='CreateMultipartUpload')
        F.case(T, 'complete-multipart-if-match-put-before-restart', mpu_done(K, 'u5', {'If-Match': '${m2}'}), setup=[mpu_part(K, 'u5')], op='CompleteMultipartUpload')
    B = '/fid-api-mp3'
    K = B + '/test-precondition'
    T = 'test_multipart_if_match_with_delete'
    F.case(T, 'put-obj', put(K, 'test', save={'d1': 'header:ETag'}), setup=[s3('PUT', B)], op='PutObject')
    F.case(T, 'create-multipart', mpu_create(K, 'u6'), op='CreateMultipartUpload')
    F.case(T, 'del-obj', s3('DELETE', K), setup=[mpu_part(K, 'u6')], op='DeleteObject')
    F.case(T, 'complete-multipart-after-del', mpu_done(K, 'u6', {'If-Match': '${d1}'}))
    F.case(T, 'put-obj-2', put(K, 'test', save={'d2': 'header:ETag'}), op='PutObject')
    F.case(T, 'complete-multipart-if-match-after-put', mpu_done(K, 'u6', {'If-Match': '${d2}'}))
    B = '/fid-api-mp4'
    K = B + '/test-precondition'
    T = 'test_put_object_if_match_versioned_bucket'
    F.case(T, 'put-obj', put(K, 'test', save={'v1': 'header:ETag'}), setup=versioned(B), op='PutObject')
    F.case(T, 'put-obj-if-none-match-bad-value', put(K, '', {'If-Match': 'abcdef'}))
    F.case(T, 'del-obj', s3('DELETE', K), op='DeleteObject')
    F.case(T, 'put-obj-after-del-exc', put(K, '', {'If-Match': '${v1}'}))
    F.case(T, 'put-obj-after-del', put(K, 'test-after-del', save={'v2': 'header:ETag'}), op='PutObject')
    F.case(T, 'put-obj-if-match', put(K, 'test-if-match', {'If-Match': '${v2}'}), op='PutObject')
    F.case(T, 'list-object-versions', s3('GET', B, 'encoding-type=url&versions'), op='ListObjectVersions')
    B = '/fid-api-mp5'
    K = B + '/test-precondition'
    T = 'test_multipart_if_match_etag'
    F.case(T, 'put-obj', put(K, 'test', save={'t1': 'header:ETag'}), setup=[s3('PUT', B)], op='PutObject')
    F.case(T, 'create-multipart', mpu_create(K, 'u7'), op='CreateMultipartUpload')
    F.case(T, 'complete-multipart-if-match', mpu_done(K, 'u7', {'If-Match': '${t1}'}), setup=[mpu_part(K, 'u7')], op='CompleteMultipartUpload')
    F.case(T, 'create-multipart-overwrite', mpu_create(K, 'u8'), setup=[s3('HEAD', K, save={'t2': 'header:ETag'})], op='CreateMultipartUpload')
    F.case(T, 'complete-multipart-if-match-true-etag', mpu_done(K, 'u8', {'If-Match': '${t1}'}), setup=[mpu_part(K, 'u8')])
    F.case(T, 'complete-multipart-if-match-overwrite-multipart', mpu_done(K, 'u8', {'If-Match': '${t2}'}), op='CompleteMultipartUpload')
    # --- delete preconditions, bypass governance
    B = '/fid-api-dp'
    K = B + '/test-precondition'
    F.case('test_delete_object_if_match_non_express', 'delete-obj-if-match', s3('DELETE', K, headers={'If-Match': 'badvalue'}), setup=[s3('PUT', B), put(K, '')])
    F.case('test_delete_object_if_match_modified_non_express', 'delete-obj-if-match-last-modified', s3('DELETE', K, headers={'x-amz-if-match-last-modified-time': '${yesterday}'}))
    F.case('test_delete_object_if_match_size_non_express', 'delete-obj-if-match-size', s3('DELETE', K, headers={'x-amz-if-match-size': '10'}))
    F.case('test_delete_object_if_match_all_non_express', 'delete-obj-if-match-all', s3('DELETE', K, headers={'If-Match': 'badvalue', 'x-amz-if-match-size': '10', 'x-amz-if-match-last-modified-time': '${yesterday}'}))

def more2(F):
    # --- upload part copy: ranges and source conditions
    B = '/fid-api-upc'
    SRC = B + '/src-key'
    K = B + '/test-upload-part-copy'
    T = 'test_upload_part_copy_range'
    F.case(T, 'put-src-object', put(SRC, '0123456789'), setup=[s3('PUT', B)], op='PutObject')
    F.case(T, 'create-multipart', mpu_create(K, 'c1'), op='CreateMultipartUpload')
    def upc(n, rng=None, pn=1, hdrs=None, up='c1', key=K, src=SRC):
        h = {'x-amz-copy-source': src[1:]}
        if rng is not None: h['x-amz-copy-source-range'] = rng
        if hdrs: h.update(hdrs)
        return s3('PUT', key, f'partNumber={pn}&uploadId=${{{up}}}', headers=h)
    for i, rng in enumerate(['0-8', '1-1', '0-0']):
        F.case(T, f'upload-part-copy-{i + 1}', upc(i, 'bytes=' + rng, pn=i + 1), op='UploadPartCopy')
    F.case(T, 'list-parts', s3('GET', K, 'uploadId=${c1}'), op='ListParts')
    F.case(T, 'upload-part-copy-wrong-format', upc(0, '0-8'))
    for rng in ['1-0', '-1-', '0--1', '0-1,3-4,7-9', '-', '-0', '0-100', '100-200', '1-', '-2', '-15']:
        F.case(T, f'upload-part-copy-range-exc-{rng}', upc(0, 'bytes=' + rng))
    T = 'test_upload_part_copy_no_copy_source_range'
    B2 = '/fid-api-upc2'
    SRC2, K2 = B2 + '/src-key', B2 + '/test-upload-part-copy'
    F.case(T, 'put-src-object', put(SRC2, '0123456789'), setup=[s3('PUT', B2)], op='PutObject')
    F.case(T, 'create-multipart', mpu_create(K2, 'c2'), op='CreateMultipartUpload')
    F.case(T, 'upload-part-copy', upc(0, None, up='c2', key=K2, src=SRC2), op='UploadPartCopy')
    F.case(T, 'list-parts', s3('GET', K2, 'uploadId=${c2}'), op='ListParts')
    ET = '"781e5e245d69b566979b86e28d23f2c7"'
    cases = [
        ('test_upload_part_copy_with_copy_source_if_match_and_if_unmodified_since_match', 'upload-part-copy', {'x-amz-copy-source-if-match': ET, 'x-amz-copy-source-if-unmodified-since': '${yesterday}'}, True),
        ('test_upload_part_copy_with_copy_source_if_none_match_and_if_unmodified_since_match_failed', 'upload-part-copy-source-unmodified-since-and-if-none-match', {'x-amz-copy-source-if-none-match': 'not-matching', 'x-amz-copy-source-if-unmodified-since': '${yesterday}'}, False),
        ('test_upload_part_copy_with_if_modified_since_failed', 'upload-part-copy-source-modified-since-match', {'x-amz-copy-source-if-modified-since': '${now}'}, False),
        ('test_upload_part_copy_with_copy_source_if_match_failed', 'upload-part-copy-source-if-match', {'x-amz-copy-source-if-match': '"not-matching"'}, False),
        ('test_upload_part_copy_with_copy_source_if_none_match_failed', 'upload-part-copy-source-if-none-match', {'x-amz-copy-source-if-none-match': ET}, False),
        ('test_upload_part_copy_with_copy_source_if_unmodified_since_match_failed', 'upload-part-copy-source-unmodified-since-match', {'x-amz-copy-source-if-unmodified-since': '${yesterday}'}, False),
        ('test_upload_part_copy_with_copy_source_if_match_success', 'upload-part-copy-if-match', {'x-amz-copy-source-if-match': ET}, True),
        ('test_upload_part_copy_with_copy_source_if_match_none_success', 'upload-part-copy-if-none-match', {'x-amz-copy-source-if-none-match': '"not-matching"'}, True),
        ('test_upload_part_copy_with_copy_source_if_unmodified_since_success', 'upload-part-copy-if-unmodified-since', {'x-amz-copy-source-if-unmodified-since': '${now}'}, True),
        ('test_upload_part_copy_with_copy_source_if_modified_since_success', 'upload-part-copy-if-modified-since', {'x-amz-copy-source-if-modified-since': '${yesterday}'}, True),
        ('test_upload_part_copy_with_copy_source_if_modified_since_in_future_success', 'upload-part-copy-if-modified-since-in-future', {'x-amz-copy-source-if-modified-since': '${tomorrow}'}, True),
    ]
    for i, (T, rec, hdrs, ok) in enumerate(cases):
        b = f'/fid-api-upcc{i}'
        src, key, up = b + '/source_file.txt', b + '/destination_file.txt', f'cc{i}'
        F.case(T, rec, upc(0, None, hdrs=hdrs, up=up, key=key, src=src), setup=[s3('PUT', b), put(src, '0123456789'), mpu_create(key, up)], op='UploadPartCopy' if ok else None)
        if ok:
            F.case(T, 'list-parts', s3('GET', key, f'uploadId=${{{up}}}'), op='ListParts')
    # --- copy object with destination conditions
    def cp(b, src, dst, hdrs=None, save=None):
        h = {'x-amz-copy-source': b[1:] + '/' + src}
        if hdrs: h.update(hdrs)
        return s3('PUT', f'{b}/{dst}', headers=h, save=save)
    SC = 'source content'
    B = '/fid-api-cp1'
    T = 'test_copy_object_if_none_match'
    F.case(T, 'copy-obj', cp(B, 'source-object', 'dest-object', {'If-None-Match': '*'}), setup=[s3('PUT', B), put(B + '/source-object', SC)], op='CopyObject')
    F.case(T, 'copy-obj-if-none-match-fail', cp(B, 'source-object', 'dest-object', {'If-None-Match': '*'}))
    B = '/fid-api-cp2'
    T = 'test_copy_object_if_match'
    F.case(T, 'copy-obj-if-match', cp(B, 'source-object', 'dest-object', {'If-Match': '${ce1}'}), setup=[s3('PUT', B), put(B + '/source-object', SC), put(B + '/dest-object', 'initial content', save={'ce1': 'header:ETag'})], op='CopyObject')
    F.case(T, 'copy-obj-if-match-fail-wrong-etag', cp(B, 'source-object', 'dest-object', {'If-Match': '"wrong-etag"'}))
    F.case(T, 'copy-obj-if-match-fail-no-object', cp(B, 'source-object', 'non-existent-key', {'If-Match': '${ce1}'}))
    B = '/fid-api-cp3'
    T = 'test_copy_object_if_none_match_versioned_bucket'
    F.case(T, 'copy-obj', cp(B, 'source-object', 'dest-object', {'If-None-Match': '*'}), setup=versioned(B) + [put(B + '/source-object', SC)], op='CopyObject')
    F.case(T, 'copy-obj-if-none-match-fail', cp(B, 'source-object', 'dest-object', {'If-None-Match': '*'}))
    F.case(T, 'del-obj', s3('DELETE', B + '/dest-object'), op='DeleteObject')
    F.case(T, 'copy-obj-after-del', cp(B, 'source-object', 'dest-object', {'If-None-Match': '*'}), op='CopyObject')
    F.case(T, 'list-object-versions', s3('GET', B, 'encoding-type=url&versions'), op='ListObjectVersions')
    B = '/fid-api-cp4'
    T = 'test_copy_object_if_match_versioned_bucket'
    F.case(T, 'put-obj', put(B + '/dest-object', 'initial content', save={'ve1': 'header:ETag'}), setup=versioned(B) + [put(B + '/source-object', SC)], op='PutObject')
    F.case(T, 'copy-obj-if-match-wrong-etag', cp(B, 'source-object', 'dest-object', {'If-Match': '"wrong-etag"'}))
    F.case(T, 'del-obj', s3('DELETE', B + '/dest-object'), op='DeleteObject')
    F.case(T, 'copy-obj-after-del-exc', cp(B, 'source-object', 'dest-object', {'If-Match': '${ve1}'}))
    F.case(T, 'put-obj-after-del', put(B + '/dest-object', 'new content after delete', save={'ve2': 'header:ETag'}), op='PutObject')
    F.case(T, 'copy-obj-if-match', cp(B, 'source-object', 'dest-object', {'If-Match': '${ve2}'}), op='CopyObject')
    F.case(T, 'list-object-versions', s3('GET', B, 'encoding-type=url&versions'), op='ListObjectVersions')
    B = '/fid-api-cp5'
    T = 'test_copy_object_precondition_write_validation'
    F.case(T, 'copy-obj-none-match-etag', cp(B, 'source-object', 'dest-object', {'If-None-Match': '"4d96fd1280dd67fe2eac895339a0a8e3"'}), setup=[s3('PUT', B), put(B + '/source-object', SC)])
    F.case(T, 'copy-obj-if-match-star', cp(B, 'source-object', 'dest-object', {'If-Match': '*'}))
    F.case(T, 'copy-obj-both', cp(B, 'source-object', 'dest-object', {'If-Match': '"4d96fd1280dd67fe2eac895339a0a8e3"', 'If-None-Match': '*'}))
    F.case('test_copy_object_if_none_match_in_place', 'copy-obj-if-none-match-fail', cp(B, 'source-object', 'source-object', {'If-None-Match': '*', 'x-amz-storage-class': 'STANDARD'}))
    F.case('test_copy_object_if_match_in_place', 'copy-obj-if-match-in-place', cp(B, 'source-object', 'source-object', {'If-Match': '"4d96fd1280dd67fe2eac895339a0a8e3"', 'x-amz-storage-class': 'STANDARD'}), op='CopyObject')
    # --- bypass governance without object lock
    B = '/fid-api-lock'
    K = B + '/test-delete-no-lock'
    T = 'test_delete_object_with_no_locking'
    F.case(T, 'delete-object-bypass-no-lock', s3('DELETE', K, headers={'x-amz-bypass-governance-retention': 'true'}), setup=[s3('PUT', B), put(K, 'test')])
    F.case(T, 'delete-object-bypass-no-lock-false', s3('DELETE', K, headers={'x-amz-bypass-governance-retention': 'false'}))
    F.case(T, 'delete-objects-bypass-no-lock', s3('POST', B, 'delete', raw=f'<Delete {X}><Object><Key>test-delete-no-lock</Key></Object></Delete>', headers={'x-amz-bypass-governance-retention': 'true', 'Content-MD5': '${content-md5}'}))
    # --- default encryption and ownership (GET only)
    B = '/fid-api-enc'
    F.case('test_s3_default_bucket_encryption', 'default-bucket-encryption', s3('GET', B, 'encryption'), setup=[s3('PUT', B)], op='GetBucketEncryption', values={'ServerSideEncryptionConfiguration.Rule.ApplyServerSideEncryptionByDefault.SSEAlgorithm': 'AES256', 'ServerSideEncryptionConfiguration.Rule.BucketKeyEnabled': 'false'})
    F.case('test_s3_default_bucket_encryption_exc', 'get-bucket-enc-no-bucket', s3('GET', '/fid-api-nobucket', 'encryption'), members={'BucketName': 'fid-api-nobucket'})
    F.case('test_crud_bucket_ownership_controls', 'default-ownership', s3('GET', B, 'ownershipControls'), op='GetBucketOwnershipControls', values={'OwnershipControls.Rule.ObjectOwnership': 'BucketOwnerEnforced'})
    F.case('test_bucket_ownership_controls_exc', 'default-ownership', s3('GET', B, 'ownershipControls'), op='GetBucketOwnershipControls', values={'OwnershipControls.Rule.ObjectOwnership': 'BucketOwnerEnforced'})
    F.case('test_bucket_ownership_controls_exc', 'ownership-wrong-value-at-creation', s3('PUT', '/fid-api-own1', headers={'x-amz-object-ownership': 'RandomValue'}))
    F.case('test_bucket_ownership_controls_exc', 'ownership-non-value-at-creation', s3('PUT', '/fid-api-own2', headers={'x-amz-object-ownership': ''}))
    # --- notification configuration validation
    B = '/fid-api-ntf'
    Q = 'arn:aws:sqs:us-east-1:${account}:fid-api-queue'
    def ncfg(rule):
        return f'<NotificationConfiguration {X}><QueueConfiguration><Queue>{Q}</Queue><Event>s3:ObjectCreated:*</Event><Filter><S3Key><FilterRule>{rule}</FilterRule></S3Key></Filter></QueueConfiguration></NotificationConfiguration>'
    sqs = {'service': 'sqs', 'method': 'POST', 'path': '/', 'form': {'Action': 'CreateQueue', 'QueueName': 'fid-api-queue', 'Version': '2012-11-05'}}
    T = 'test_bucket_notification_with_missing_values_in_rule'
    F.case(T, 'invalid-rule-no-values', s3('PUT', B, 'notification', raw=ncfg('')), setup=[s3('PUT', B), sqs])
    F.case(T, 'invalid-rule-no-value', s3('PUT', B, 'notification', raw=ncfg('<Name>prefix</Name>')))
    F.case(T, 'invalid-rule-no-name', s3('PUT', B, 'notification', raw=ncfg('<Value>test</Value>')))
    F.case('test_bucket_notification_with_invalid_filter_rules', 'invalid_filter_name', s3('PUT', B, 'notification', raw=ncfg('<Name>INVALID</Name><Value>does not matter</Value>')))
