"""Object tagging cases of test_s3 (copies' tagging directive, empty tag sets)."""
from s3lib import *
from s3_api_more import tagging, MD5

def otag(F):
    T = 'test_put_object_tagging_empty_list'
    B = '/fid-s3-otag'
    K = B + '/my-key'
    F.case(T, 'created-object-tags', s3('GET', K, 'tagging'), setup=[s3('PUT', B), put(K, 'abcdefgh')], op='GetObjectTagging')
    F.case(T, 'updated-object-tags', s3('GET', K, 'tagging'), setup=[s3('PUT', K, 'tagging', raw=tagging(('tag1', 'tag1'), ('tag2', '')), headers=MD5)], op='GetObjectTagging', values={'Tagging.TagSet.Tag.Key': 'tag1', 'Tagging.TagSet.Tag.Value': 'tag1'})
    F.case(T, 'deleted-object-tags', s3('GET', K, 'tagging'), setup=[s3('PUT', K, 'tagging', raw=tagging(), headers=MD5)], op='GetObjectTagging')
    T = 'test_delete_object_tagging'
    K = B + '/test-key-tagging'
    F.case(T, 'get-obj', s3('GET', K), setup=[put(K, 'something')], op='GetObject')
    F.case(T, 'get-obj-after-tag-deletion', s3('GET', K), setup=[s3('DELETE', K, 'tagging')], op='GetObject')

    for d in ('COPY', 'REPLACE', None):
        T = f'test_s3_copy_tagging_directive[{d}]'
        B = f'/fid-s3-ctd-{str(d).lower()}'
        K = B + '/source-object'
        dh = {'x-amz-tagging-directive': d} if d else {}
        first = tagging_of = None
        F.case(T, 'put-object', put(K, 'test', {'x-amz-tagging': 'key1=value1'}), setup=[s3('PUT', B)], op='PutObject')
        F.case(T, 'get-object-tag', s3('GET', K, 'tagging'), op='GetObjectTagging', values={'Tagging.TagSet.Tag.Key': 'key1', 'Tagging.TagSet.Tag.Value': 'value1'})
        F.case(T, 'copy-object', s3('PUT', K + '-copy', headers={'x-amz-copy-source': K[1:], 'x-amz-tagging': 'key2=value2', **dh}), op='CopyObject')
        want = ('key2', 'value2') if d == 'REPLACE' else ('key1', 'value1')
        F.case(T, 'get-copy-object-tag', s3('GET', K + '-copy', 'tagging'), op='GetObjectTagging', values={'Tagging.TagSet.Tag.Key': want[0], 'Tagging.TagSet.Tag.Value': want[1]})
        F.case(T, 'copy-object-tag-empty', s3('PUT', K + '-copy-tag-empty', headers={'x-amz-copy-source': K[1:], **dh}), op='CopyObject')
        F.case(T, 'get-copy-object-tag-empty', s3('GET', K + '-copy-tag-empty', 'tagging'), op='GetObjectTagging',
               values=None if d == 'REPLACE' else {'Tagging.TagSet.Tag.Key': 'key1', 'Tagging.TagSet.Tag.Value': 'value1'})

    for d in ('COPY', 'REPLACE', None):
        T = f'test_s3_copy_tagging_directive_versioned[{d}]'
        B = f'/fid-s3-ctdv-{str(d).lower()}'
        K = B + '/source-object'
        dh = {'x-amz-tagging-directive': d} if d else {}
        V = {'x-amz-version-id': '*'}
        F.case(T, 'put-object', put(K, 'test', {'x-amz-tagging': 'key1=value1'}, save={'cv1': 'header:x-amz-version-id'}), setup=versioned(B), op='PutObject', headers=V)
        F.case(T, 'put-object-v2', put(K, 'test-v2', {'x-amz-tagging': 'key1=value1-v2'}, save={'cv2': 'header:x-amz-version-id'}), op='PutObject', headers=V)
        F.case(T, 'get-object-tag', s3('GET', K, 'tagging'), op='GetObjectTagging', headers={'x-amz-version-id': '${cv2}'}, values={'Tagging.TagSet.Tag.Key': 'key1', 'Tagging.TagSet.Tag.Value': 'value1-v2'})
        F.case(T, 'get-object-tag-v1', s3('GET', K, 'tagging&versionId=${cv1}'), op='GetObjectTagging', headers={'x-amz-version-id': '${cv1}'}, values={'Tagging.TagSet.Tag.Key': 'key1', 'Tagging.TagSet.Tag.Value': 'value1'})
        for suffix, src, sv, vals in (('', K[1:], '${cv2}', 'value1-v2'), ('-v1', K[1:] + '?versionId=${cv1}', '${cv1}', 'value1')):
            for rec, tg in (('copy-object', 'key2=value2'), ('copy-object-tag-empty', None)):
                dest = K + ('-copy' if rec == 'copy-object' else '-copy-tag-empty') + suffix
                h = {'x-amz-copy-source': src, **dh}
                if tg: h['x-amz-tagging'] = tg
                F.case(T, rec + suffix, s3('PUT', dest, headers=h, save={'cd': 'header:x-amz-version-id'}), op='CopyObject', headers={'x-amz-copy-source-version-id': sv, 'x-amz-version-id': '*'})
                get_rec = 'get-' + rec.replace('copy-object', 'copy-object-tag') if rec == 'copy-object' else 'get-copy-object-tag-empty'
                get_rec += suffix
                if d == 'REPLACE':
                    values = {'Tagging.TagSet.Tag.Key': 'key2', 'Tagging.TagSet.Tag.Value': 'value2'} if tg else None
                else:
                    values = {'Tagging.TagSet.Tag.Key': 'key1', 'Tagging.TagSet.Tag.Value': vals}
                F.case(T, get_rec, s3('GET', dest, 'tagging'), op='GetObjectTagging', headers={'x-amz-version-id': '${cd}'}, values=values)
