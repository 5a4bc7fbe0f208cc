"""Object tagging cases of test_s3_api (TestS3BucketObjectTagging)."""
from s3lib import *
from s3_api_more import tagging, MD5, X

def otag(F):
    T = 'test_object_tagging_crud'
    B = '/fid-api-otag'
    K = B + '/test-object-tagging'
    F.case(T, 'put-object', put(K, 'test-tagging'), setup=[s3('PUT', B)], op='PutObject')
    F.case(T, 'get-object-tags-empty', s3('GET', K, 'tagging'), op='GetObjectTagging')
    F.case(T, 'put-object-tags', s3('PUT', K, 'tagging', raw=tagging(('tag1', 'tag1'), ('tag2', '')), headers=MD5), op='PutObjectTagging')
    F.case(T, 'get-object-tags', s3('GET', K, 'tagging'), op='GetObjectTagging', values={'Tagging.TagSet.Tag.Key': 'tag1', 'Tagging.TagSet.Tag.Value': 'tag1'})
    F.case(T, 'put-object-tags-overwrite', s3('PUT', K, 'tagging', raw=tagging(('tag3', 'tag3')), headers=MD5), op='PutObjectTagging')
    F.case(T, 'get-object-tags-overwritten', s3('GET', K, 'tagging'), op='GetObjectTagging', values={'Tagging.TagSet.Tag.Key': 'tag3', 'Tagging.TagSet.Tag.Value': 'tag3'})
    F.case(T, 'get-obj-after-tags', s3('GET', K), op='GetObject')
    F.case(T, 'delete-object-tags', s3('DELETE', K, 'tagging'), op='DeleteObjectTagging')
    F.case(T, 'get-object-tags-deleted', s3('GET', K, 'tagging'), op='GetObjectTagging')
    F.case(T, 'get-obj-after-tags-deleted', s3('GET', K), op='GetObject')

    T = 'test_object_tagging_exc'
    NB = '/fid-api-otag-fake'
    B = '/fid-api-otagx'
    F.case(T, 'get-no-bucket-tags', s3('GET', NB + '/fake-key', 'tagging'), members={'BucketName': NB[1:]})
    F.case(T, 'delete-no-bucket-tags', s3('DELETE', NB + '/fake-key', 'tagging'), members={'BucketName': NB[1:]})
    F.case(T, 'put-no-bucket-tags', s3('PUT', NB + '/fake-key', 'tagging', raw=tagging(), headers=MD5), members={'BucketName': NB[1:]})
    F.case(T, 'get-no-key-tags', s3('GET', B + '/fake-key', 'tagging'), setup=[s3('PUT', B)], members={'Key': B[1:] + '/fake-key'})
    F.case(T, 'delete-no-key-tags', s3('DELETE', B + '/fake-key', 'tagging'))
    F.case(T, 'put-no-key-tags', s3('PUT', B + '/fake-key', 'tagging', raw=tagging(), headers=MD5))
    F.case(T, 'put-obj-duplicate-tagging', put(B + '/fake-key', '', {'x-amz-tagging': 'key1=val1&key1=val2'}))
    F.case(T, 'put-obj-wrong-format', put(B + '/fake-key', '', {'x-amz-tagging': 'key1=val1,key2=val2'}))

    T = 'test_put_object_tagging_none_value'
    B = '/fid-api-otagn'
    K = B + '/test-empty-tag-set'
    F.case(T, 'put-none-tag-set', s3('PUT', K, 'tagging', raw=f'<Tagging {X}/>', headers=MD5), setup=[s3('PUT', B), put(K, 'test-tagging')], op='PutObjectTagging')
    F.case(T, 'get-object-tags-none', s3('GET', K, 'tagging'), op='GetObjectTagging')

    T = 'test_object_tagging_versioned'
    B = '/fid-api-otagv'
    K = B + '/test-version-tagging'
    F.case(T, 'put-obj-0', put(K, 'test-0', {'x-amz-tagging': 'test_tag=tagv1'}, save={'tv1': 'header:x-amz-version-id'}), setup=versioned(B), op='PutObject', headers={'x-amz-version-id': '*'})
    F.case(T, 'put-obj-1', put(K, 'test-1', save={'tv2': 'header:x-amz-version-id'}), op='PutObject', headers={'x-amz-version-id': '*'})
    F.case(T, 'put-object-tags-current-version', s3('PUT', K, 'tagging', raw=tagging(('tag3', 'tag3')), headers=MD5), op='PutObjectTagging', headers={'x-amz-version-id': '${tv2}'})
    F.case(T, 'get-object-tags-current-version', s3('GET', K, 'tagging'), op='GetObjectTagging', headers={'x-amz-version-id': '${tv2}'}, values={'Tagging.TagSet.Tag.Key': 'tag3'})
    F.case(T, 'get-object-tags-previous-version', s3('GET', K, 'tagging&versionId=${tv1}'), op='GetObjectTagging', headers={'x-amz-version-id': '${tv1}'}, values={'Tagging.TagSet.Tag.Key': 'test_tag', 'Tagging.TagSet.Tag.Value': 'tagv1'})
    F.case(T, 'put-object-tags-previous-version', s3('PUT', K, 'tagging&versionId=${tv1}', raw=tagging(('tag1', 'tag1')), headers=MD5), op='PutObjectTagging', headers={'x-amz-version-id': '${tv1}'})
    F.case(T, 'get-object-tags-previous-version-again', s3('GET', K, 'tagging&versionId=${tv1}'), op='GetObjectTagging', headers={'x-amz-version-id': '${tv1}'}, values={'Tagging.TagSet.Tag.Key': 'tag1'})
    F.case(T, 'get-object-tags-deleted-current', s3('GET', K, 'tagging'), setup=[s3('DELETE', K, 'tagging')], op='GetObjectTagging', headers={'x-amz-version-id': '${tv2}'})
    F.case(T, 'get-object-tags-previous-version-deleted', s3('GET', K, 'tagging'), setup=[s3('DELETE', K, 'tagging&versionId=${tv1}')], op='GetObjectTagging', headers={'x-amz-version-id': '${tv2}'})
    F.case(T, 'put-delete-marker', s3('DELETE', K, save={'tdm': 'header:x-amz-version-id'}), op='DeleteObject', headers={'x-amz-version-id': '*'})
    F.case(T, 'put-object-tags-delete-marker-id', s3('PUT', K, 'tagging&versionId=${tdm}', raw=tagging(('tag1', 'tag1')), headers=MD5))
    F.case(T, 'get-object-tags-delete-marker-id', s3('GET', K, 'tagging&versionId=${tdm}'))
    F.case(T, 'delete-object-tags-delete-marker-id', s3('DELETE', K, 'tagging&versionId=${tdm}'))
    F.case(T, 'put-object-tags-delete-marker-latest', s3('PUT', K, 'tagging', raw=tagging(('tag1', 'tag1')), headers=MD5))
    F.case(T, 'get-object-tags-delete-marker-latest', s3('GET', K, 'tagging'))
    F.case(T, 'delete-object-tags-delete-marker-latest', s3('DELETE', K, 'tagging'))

    T = 'test_put_object_with_tags'
    B = '/fid-api-otagp'
    K = B + '/test-put-object-tagging'
    F.case(T, 'put-object', put(K, 'test-tagging', {'x-amz-tagging': 'tag1=tag1&tag2=tag2&tag='}), setup=[s3('PUT', B)], op='PutObject')
    F.case(T, 'get-object-tags', s3('GET', K, 'tagging'), op='GetObjectTagging', values={'Tagging.TagSet.Tag.Key': 'tag1', 'Tagging.TagSet.Tag.Value': 'tag1'})
    F.case(T, 'put-object-tags', s3('PUT', K, 'tagging', raw=tagging(('tag3', 'tag3')), headers=MD5), op='PutObjectTagging')
    F.case(T, 'get-object-tags-override', s3('GET', K, 'tagging'), op='GetObjectTagging', values={'Tagging.TagSet.Tag.Key': 'tag3'})
    F.case(T, 'head-obj', s3('HEAD', K), op='HeadObject')
    F.case(T, 'get-obj', s3('GET', K), op='GetObject')
    F.case(T, 'get-object-tags-wrong-format-qs', s3('GET', K, 'tagging'), setup=[put(K, '', {'x-amz-tagging': 'wrongquery&wrongagain'})], op='GetObjectTagging', values={'Tagging.TagSet.Tag.Key': 'wrongquery', 'Tagging.TagSet.Tag.Value': ''})
    F.case(T, 'get-object-tags-wrong-format-qs-2', s3('GET', K, 'tagging'), setup=[put(K, '', {'x-amz-tagging': 'key1&&&key2'})], op='GetObjectTagging', values={'Tagging.TagSet.Tag.Key': 'key1', 'Tagging.TagSet.Tag.Value': ''})

    T = 'test_head_object_with_tags'
    B = '/fid-api-otagh'
    K = B + '/test-put-object-tagging'
    F.case(T, 'put-object', put(K, 'test-tagging', {'x-amz-tagging': 'tag1=tag1&tag2=tag2&tag='}), setup=[s3('PUT', B)], op='PutObject')
    F.case(T, 'head-obj-after-create', s3('HEAD', K), op='HeadObject')
    F.case(T, 'put-object-tags', s3('PUT', K, 'tagging', raw=tagging(('tag3', 'tag3')), headers=MD5), op='PutObjectTagging')
    F.case(T, 'head-obj-after-tagging', s3('HEAD', K), op='HeadObject')
    F.case(T, 'head-obj-after-overwrite', s3('HEAD', K), setup=[s3('PUT', K, 'tagging', raw=tagging(('tag3', 'tag3'), ('tag4', 'tag4'), ('tag5', 'tag5')), headers=MD5)], op='HeadObject')
    F.case(T, 'head-obj-after-removal', s3('HEAD', K), setup=[s3('PUT', K, 'tagging', raw=tagging(), headers=MD5)], op='HeadObject')

    T = 'test_object_tags_delete_or_overwrite_object'
    B = '/fid-api-otagk'
    K = B + '/test-put-object-tagging-kept'
    F.case(T, 'get-object-after-creation', s3('GET', K, 'tagging'), setup=[s3('PUT', B), put(K, 'create', {'x-amz-tagging': 'tag1=val1'})], op='GetObjectTagging', values={'Tagging.TagSet.Tag.Key': 'tag1', 'Tagging.TagSet.Tag.Value': 'val1'})
    F.case(T, 'get-object-after-overwrite', s3('GET', K, 'tagging'), setup=[put(K, 'overwrite')], op='GetObjectTagging')
    F.case(T, 'get-object-after-recreation', s3('GET', K, 'tagging'), setup=[s3('PUT', K, 'tagging', raw=tagging(('tag3', 'tag3')), headers=MD5), s3('DELETE', K), put(K, 'recreate')], op='GetObjectTagging')

    T = 'test_tagging_validation'
    B = '/fid-api-tagv'
    K = B + '/tagging-validation'
    F.case(T, 'put-object-tags-duplicate-keys', s3('PUT', K, 'tagging', raw=tagging(('Key1', 'Val1'), ('Key1', 'Val1')), headers=MD5), setup=[put(K, '')])
    F.case(T, 'put-object-tags-invalid-field', s3('PUT', K, 'tagging', raw=tagging(('Key1,Key2', 'Val1')), headers=MD5))
    F.case(T, 'put-object-tags-aws-prefixed', s3('PUT', K, 'tagging', raw=tagging(('aws:prefixed', 'Val1')), headers=MD5))
    F.case(T, 'put-object-tags-none-key', s3('PUT', K, 'tagging', raw=tagging((None, 'Val1')), headers=MD5))
    F.case(T, 'put-object-tags-none-value', s3('PUT', K, 'tagging', raw=tagging(('key1', None)), headers=MD5))
