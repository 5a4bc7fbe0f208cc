"""Object Ownership and ACLs: the ACL tests of test_s3 (canned ACLs, grant
headers, AccessControlPolicy bodies and their errors, on buckets whose
ownership allows ACLs as the tests' allow_bucket_acl fixture made them, and
on a default BucketOwnerEnforced bucket for the exceptions) and the
ownership-controls tests of test_s3_api."""
import re
from s3lib import *
from s3_api_more import MD5, X, mpu_create, mpu_part, mpu_done

XSI = 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
OWNER = s3('GET', '/', save={'owner': 'ListAllMyBucketsResult.Owner.ID'})
LOGS = 'http://acs.amazonaws.com/groups/s3/LogDelivery'
FAKE = 'http://acs.amazonaws.com/groups/s3/FakeGroup'


def allow_acl(b):
    """A bucket whose ownership allows ACLs and that blocks no public
    access (the tests' allow_bucket_acl fixture)."""
    return [s3('PUT', b), s3('DELETE', b, 'ownershipControls'), s3('DELETE', b, 'publicAccessBlock')]


def grantee(typ, v):
    inner = f'<URI>{v}</URI>' if typ == 'Group' else f'<ID>{v}</ID>'
    return f'<Grantee {XSI} xsi:type="{typ}">{inner}</Grantee>'


def acp(owner, *grants):
    o = f'<Owner><ID>{owner}</ID></Owner>' if owner is not None else ''
    gs = ''.join(f'<Grant>{grantee(t, v)}<Permission>{p}</Permission></Grant>' for t, v, p in grants)
    return f'<AccessControlPolicy {X}>{o}<AccessControlList>{gs}</AccessControlList></AccessControlPolicy>'


def acl_like(rec):
    """The whole ACL a Get*Acl answer recorded, in order, as a pattern over
    the body (the replay's tree keeps only the first of repeated
    elements)."""
    def val(v):
        return '${owner}' if v.startswith('<owner-id') or v == 'owner-id' else re.escape(v)
    parts = []
    for g in rec['Grants']:
        ge = g['Grantee']
        inner = f'<URI>{val(ge["URI"])}</URI>' if ge['Type'] == 'Group' else f'<ID>{val(ge["ID"])}</ID>'
        parts.append(f'<Grant><Grantee [^>]*xsi:type="{ge["Type"]}"[^>]*>{inner}</Grantee><Permission>{g["Permission"]}</Permission></Grant>')
    return {'': '(?s).*<Owner><ID>' + val(rec['Owner']['ID']) + '</ID></Owner><AccessControlList>' + ''.join(parts) + '</AccessControlList>.*'}


def get_acl(F, test, record, call, **kw):
    t, r = F.rec(test, record)
    F.case(test, record, call, op='GetObjectAcl' if call['path'].count('/') >= 2 else 'GetBucketAcl', extra={'like': acl_like(r)}, **kw)


def exceptions(F, T, path, query, first_setup):
    """test_s3_bucket_acl_exceptions and test_s3_object_acl_exceptions: the
    same requests on a bucket's or an object's ACL (a BucketOwnerEnforced
    bucket: AWS validates the ACL before it judges ownership)."""
    pre = 'put-bucket' if query == 'acl' and path.count('/') == 1 else 'put-object'
    def put(headers=None, raw=None):
        h = dict(headers or {})
        if raw is not None:
            h.update(MD5)
        return s3('PUT', path, query, raw=raw, headers=h)
    F.case(T, f'{pre}-grant-acl-fake-uri', put({'x-amz-grant-write': f'uri="{FAKE}"'}), setup=first_setup)
    F.case(T, f'{pre}-grant-acl-fake-key', put({'x-amz-grant-write': 'fakekey="1234"'}))
    F.case(T, f'{pre}-grant-acl-wrong-id', put({'x-amz-grant-write': 'id="wrong-id"'}))
    F.case(T, f'{pre}-acp-acl-1', put(raw=acp(None, ('Group', LOGS, 'WRITE'))))
    F.case(T, f'{pre}-acp-acl-2', put(raw=acp('${owner}', ('Group', LOGS, 'WRONG-PERMISSION'))))
    F.case(T, f'{pre}-acp-acl-3', put(raw=acp('wrong-id', ('Group', LOGS, 'FULL_CONTROL'))))
    F.case(T, f'{pre}-acp-acl-4', put(raw=acp('${owner}', ('Group', FAKE, 'FULL_CONTROL'))))
    F.case(T, f'{pre}-acp-acl-5', put(raw=acp('${owner}', ('CanonicalUser', 'wrong-id', 'FULL_CONTROL'))))
    F.case(T, f'{pre}-acp-acl-6', put(raw=acp('${owner}', ('BadType', 'wrong-id', 'FULL_CONTROL'))))
    F.case(T, f'{pre}-empty-acp', put(raw=f'<AccessControlPolicy {X}></AccessControlPolicy>'))
    F.case(T, 'put-bucket-empty' if pre == 'put-bucket' else 'put-object-acl-empty', put())
    F.case(T, f'{pre}-two-type-acl', put({'x-amz-acl': 'private', 'x-amz-grant-read': f'uri="{LOGS}"'}))
    F.case(T, f'{pre}-two-type-acl-acp', put({'x-amz-acl': 'private'}, raw=acp('${owner}', ('CanonicalUser', '${owner}', 'FULL_CONTROL'))))


def acl(F):
    # --- errors, on a BucketOwnerEnforced bucket
    T = 'test_s3_bucket_acl_exceptions'
    B = '/fid-s3-aclx'
    F.case(T, 'put-bucket-canned-acl', s3('PUT', B, 'acl', headers={'x-amz-acl': 'fake-acl'}), setup=[OWNER, s3('PUT', B)])
    exceptions(F, T, B, 'acl', None)
    T = 'test_s3_object_acl_exceptions'
    K = B + '/object-key-acl'
    F.case(T, 'put-object-canned-acl', s3('PUT', K, headers={'x-amz-acl': 'fake-acl'}), setup=[put(K, '')])
    F.case(T, 'put-object-acl-canned-acl', s3('PUT', K, 'acl', headers={'x-amz-acl': 'fake-acl'}))
    exceptions(F, T, K, 'acl', None)

    # --- bucket ACLs
    T = 'test_s3_bucket_acl'
    B = '/fid-s3-acl'
    get_acl(F, T, 'get-bucket-acl', s3('GET', B, 'acl'), setup=allow_acl(B) + [s3('PUT', B, 'acl', headers={'x-amz-acl': 'public-read'})])
    get_acl(F, T, 'get-bucket-canned-acl', s3('GET', B, 'acl'), setup=[s3('PUT', B, 'acl', headers={'x-amz-acl': 'private'})])
    get_acl(F, T, 'get-bucket-grant-acl', s3('GET', B, 'acl'), setup=[s3('PUT', B, 'acl', headers={'x-amz-grant-read': f'uri="{LOGS}"'})])
    get_acl(F, T, 'get-bucket-acp-acl', s3('GET', B, 'acl'), setup=[s3('PUT', B, 'acl', raw=acp('${owner}', ('CanonicalUser', '${owner}', 'FULL_CONTROL'), ('Group', LOGS, 'WRITE')), headers=MD5)])

    # --- object ACLs
    T = 'test_s3_object_acl'
    B = '/fid-s3-oacl'
    K = B + '/object-key-acl'
    F.case(T, 'put-object-default-acl', put(K, ''), setup=allow_acl(B), op='PutObject')
    get_acl(F, T, 'get-object-acl-default', s3('GET', K, 'acl'))
    F.case(T, 'put-object-acl', s3('PUT', K, 'acl', headers={'x-amz-acl': 'public-read'}), op='PutObjectAcl')
    get_acl(F, T, 'get-object-acl', s3('GET', K, 'acl'))
    get_acl(F, T, 'get-object-grant-acl', s3('GET', K, 'acl'), setup=[s3('PUT', K, 'acl', headers={'x-amz-grant-read': f'uri="{LOGS}"'})])
    get_acl(F, T, 'get-object-acp-acl', s3('GET', K, 'acl'), setup=[s3('PUT', K, 'acl', raw=acp('${owner}', ('CanonicalUser', '${owner}', 'FULL_CONTROL'), ('Group', LOGS, 'WRITE')), headers=MD5)])

    # --- multipart uploads keep the ACL they were begun with
    T = 'test_s3_multipart_upload_acls'
    B = '/fid-s3-macl'
    get_acl(F, T, 'bucket-acl', s3('GET', B, 'acl'), setup=allow_acl(B) + [s3('PUT', B, 'acl', headers={'x-amz-acl': 'public-read'})])
    get_acl(F, T, 'permission-acl-key0', s3('GET', B + '/acl-key0', 'acl'), setup=[put(B + '/acl-key0', 'something')])
    K = B + '/acl-key1'
    get_acl(F, T, 'permission-acl-key1', s3('GET', K, 'acl'), setup=[mpu_create(K, 'macl1'), mpu_part(K, 'macl1'), mpu_done(K, 'macl1')])
    K = B + '/acl-key2'
    get_acl(F, T, 'permission-acl-key2', s3('GET', K, 'acl'), setup=[
        s3('POST', K, 'uploads', headers={'x-amz-acl': 'public-read-write'}, save={'macl2': 'InitiateMultipartUploadResult.UploadId'}),
        mpu_part(K, 'macl2'), mpu_done(K, 'macl2')])


def ownership(F):
    T = 'test_crud_bucket_ownership_controls'
    B = '/fid-api-own'
    def own(v):
        return f'<OwnershipControls {X}><Rule><ObjectOwnership>{v}</ObjectOwnership></Rule></OwnershipControls>'
    F.case(T, 'put-ownership', s3('PUT', B, 'ownershipControls', raw=own('ObjectWriter'), headers=MD5), setup=[s3('PUT', B)], op='PutBucketOwnershipControls')
    F.case(T, 'get-ownership', s3('GET', B, 'ownershipControls'), op='GetBucketOwnershipControls',
           extra={'like': {'': '(?s).*<OwnershipControls[^>]*><Rule><ObjectOwnership>ObjectWriter</ObjectOwnership></Rule></OwnershipControls>'}})
    F.case(T, 'delete-ownership', s3('DELETE', B, 'ownershipControls'), op='DeleteBucketOwnershipControls')
    F.case(T, 'get-ownership-after-delete', s3('GET', B, 'ownershipControls'), members={'BucketName': B[1:]})
    F.case(T, 'delete-ownership-after-delete', s3('DELETE', B, 'ownershipControls'), op='DeleteBucketOwnershipControls')
    B2 = '/fid-api-own2'
    F.case(T, 'get-ownership-at-creation', s3('GET', B2, 'ownershipControls'), setup=[s3('PUT', B2, headers={'x-amz-object-ownership': 'BucketOwnerPreferred'})],
           op='GetBucketOwnershipControls',
           extra={'like': {'': '(?s).*<ObjectOwnership>BucketOwnerPreferred</ObjectOwnership>.*'}})
    T = 'test_bucket_ownership_controls_exc'
    B = '/fid-api-ownx'
    def put_own(rules):
        body = f'<OwnershipControls {X}>' + ''.join(f'<Rule><ObjectOwnership>{v}</ObjectOwnership></Rule>' for v in rules) + '</OwnershipControls>'
        return s3('PUT', B, 'ownershipControls', raw=body, headers=MD5)
    F.case(T, 'put-ownership-multiple-rules', put_own(['BucketOwnerPreferred', 'ObjectWriter']), setup=[s3('PUT', B)])
    F.case(T, 'put-ownership-wrong-value', put_own(['RandomValue']))
    F.case(T, 'put-ownership-empty-rule', put_own([]))
