"""Object Lock cases: retention and legal hold (test_s3's
TestS3ObjectLockRetention and TestS3ObjectLockLegalHold) and the bucket
configuration (test_s3_api's TestS3ObjectLock). Dates are relative to the
moment of the request (${iso+N[smhd]}), as the tests' were; a recorded
timestamp is only checked present."""
from s3lib import *

X = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"'
MD5 = {'Content-MD5': '${content-md5}'}
BYPASS = {'x-amz-bypass-governance-retention': 'true'}
VID = {'x-amz-version-id': '*'}


def locked(b):
    """CreateBucket with Object Lock, as boto3's ObjectLockEnabledForBucket."""
    return s3('PUT', b, headers={'x-amz-bucket-object-lock-enabled': 'true'})


def retention(mode=None, until=None):
    inner = ''
    if mode is not None: inner += f'<Mode>{mode}</Mode>'
    if until is not None: inner += f'<RetainUntilDate>{until}</RetainUntilDate>'
    return f'<Retention {X}>{inner}</Retention>'


def put_retention(k, body, query='retention', hdrs=None, **kw):
    return s3('PUT', k, query, raw=body, headers={**MD5, **(hdrs or {})}, **kw)


def hold(status):
    return f'<LegalHold {X}><Status>{status}</Status></LegalHold>'


def put_hold(k, status, version=None):
    q = 'legal-hold' + (f'&versionId={version}' if version else '')
    return s3('PUT', k, q, raw=hold(status), headers=MD5)


def lockcfg(inner):
    return f'<ObjectLockConfiguration {X}>{inner}</ObjectLockConfiguration>'


def put_lockcfg(b, inner):
    return s3('PUT', b, 'object-lock', raw=lockcfg(inner), headers=MD5)


def lock_hdrs(mode='GOVERNANCE', until='${iso+10m}'):
    h = {}
    if mode is not None: h['x-amz-object-lock-mode'] = mode
    if until is not None: h['x-amz-object-lock-retain-until-date'] = until
    return h


def lock(F):
    T = 'test_s3_object_retention_exc'
    B = '/fid-lock-exc'
    K = B + '/test-key'
    FUT = '${iso+1826d}'
    F.case(T, 'put-object-retention-no-bucket', put_retention('/fid-lock-nobucket/fake-key', retention('GOVERNANCE', FUT)), members={'BucketName': 'fid-lock-nobucket'})
    F.case(T, 'put-object-retention-no-key', put_retention(B + '/non-existing-key', retention('GOVERNANCE', FUT)), setup=[locked(B)])
    F.case(T, 'get-object-retention-never-set', s3('GET', K, 'retention&versionId=${le1}'), setup=[put(K, 'test', save={'le1': 'header:x-amz-version-id'})])
    F.case(T, 'put-object-missing-retention-fields', put_retention(K, retention('GOVERNANCE'), hdrs=BYPASS))
    F.case(T, 'update-retention-no-bypass', put_retention(K, retention('GOVERNANCE', '${iso+1461d}'), 'retention&versionId=${le1}'),
           setup=[put_retention(K, retention('GOVERNANCE', FUT))])
    F.case(T, 'update-retention-past-date', put_retention(K, retention('GOVERNANCE', '2020-01-01T00:00:00Z'), 'retention&versionId=${le1}'))
    F.case(T, 'update-retention-bad-value', put_retention(K, retention('BAD-VALUE', FUT), 'retention&versionId=${le1}'))
    B2 = '/fid-lock-exc-basic'
    K2 = B2 + '/test-key'
    F.case(T, 'put-object-retention-regular-bucket', put_retention(K2, retention('GOVERNANCE', FUT)), setup=[s3('PUT', B2), put(K2, 'test')])
    F.case(T, 'get-object-retention-regular-bucket', s3('GET', K2, 'retention'))

    T = 'test_s3_object_retention'
    B = '/fid-lock-ret'
    K = B + '/test-retention-locked-object'
    F.case(T, 'put-obj-locked-1', put(K, 'test', save={'lr1': 'header:x-amz-version-id'}), setup=[locked(B)], op='PutObject', headers=VID)
    F.case(T, 'put-object-retention-on-key-1', put_retention(K, retention('GOVERNANCE', '${iso+30d}')), op='PutObjectRetention')
    F.case(T, 'get-object-retention-on-key-1', s3('GET', K, 'retention'), op='GetObjectRetention')
    F.case(T, 'head-object-locked', s3('HEAD', K), op='HeadObject', headers={'x-amz-version-id': '${lr1}'})
    F.case(T, 'delete-obj-locked', s3('DELETE', K, 'versionId=${lr1}'))
    F.case(T, 'delete-obj-locked-bypass', s3('DELETE', K, 'versionId=${lr1}', headers=BYPASS), op='DeleteObject', headers={'x-amz-version-id': '${lr1}'})
    F.case(T, 'put-obj-locked-2', put(K, 'test', lock_hdrs(until='${iso+30d}'), save={'lr2': 'header:x-amz-version-id'}), op='PutObject', headers=VID)
    F.case(T, 'update-retention-locked-object', put_retention(K, retention('GOVERNANCE', '${iso+5s}')))
    F.case(T, 'put-object-empty-retention', put_retention(K, retention(), hdrs=BYPASS), op='PutObjectRetention')
    F.case(T, 'update-retention-object', put_retention(K, retention('GOVERNANCE', '${iso+5s}')), op='PutObjectRetention')

    T = 'test_s3_copy_object_retention_lock'
    B = '/fid-lock-copy'
    S = B + '/source-object'
    D = B + '/dest-key'
    BODY = '{"key": "value"}'
    F.case(T, 'put-source-object', put(S, BODY, lock_hdrs(), save={'lc1': 'header:x-amz-version-id'}), setup=[locked(B)], op='PutObject', headers=VID)
    F.case(T, 'head-source-object', s3('HEAD', S), op='HeadObject', headers={'x-amz-version-id': '${lc1}'})
    F.case(T, 'copy-lock', s3('PUT', D, headers={'x-amz-copy-source': S[1:]}), op='CopyObject',
           headers={'x-amz-version-id': '*', 'x-amz-copy-source-version-id': '${lc1}'})
    F.case(T, 'head-dest-key', s3('HEAD', D), op='HeadObject', headers=VID)

    T = 'test_bucket_config_default_retention'
    B = '/fid-lock-default'
    K = B + '/default-object'
    rule = '<ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>GOVERNANCE</Mode><Days>1</Days></DefaultRetention></Rule>'
    F.case(T, 'put-lock-config', put_lockcfg(B, rule), setup=[locked(B)], op='PutObjectLockConfiguration')
    F.case(T, 'put-object-default', put(K, 'test-default-lock'), op='PutObject', headers=VID)
    F.case(T, 'head-object-default', s3('HEAD', K), op='HeadObject', headers=VID)
    F.case(T, 'put-object-with-lock', put(K, 'test-put-object-lock', lock_hdrs()), op='PutObject', headers=VID)
    F.case(T, 'head-object-with-lock', s3('HEAD', K), op='HeadObject', headers=VID)
    F.case(T, 'put-object-with-lock-no-date', put(K + '2', 'test-put-object-lock', lock_hdrs(until=None)))

    T = 'test_object_lock_delete_markers'
    B = '/fid-lock-dm'
    K = B + '/default-object'
    F.case(T, 'put-object-with-lock', put(K, 'test-put-object-lock', lock_hdrs()), setup=[locked(B)], op='PutObject', headers=VID)
    F.case(T, 'head-object-with-lock', s3('HEAD', K), op='HeadObject', headers=VID)
    F.case(T, 'put-delete-marker', s3('DELETE', K, save={'ldm': 'header:x-amz-version-id'}), op='DeleteObject', headers=VID)
    F.case(T, 'put-object-retention-delete-marker', put_retention(K, retention('GOVERNANCE', '${iso+30d}'), 'retention&versionId=${ldm}'))
    F.case(T, 'get-object-retention-delete-marker', s3('GET', K, 'retention&versionId=${ldm}'))
    F.case(T, 'head-object-locked-delete-marker', s3('HEAD', K, 'versionId=${ldm}'))

    T = 'test_object_lock_extend_duration'
    B = '/fid-lock-extend'
    K = B + '/default-object'
    F.case(T, 'put-object-with-lock', put(K, 'test-put-object-lock', lock_hdrs(), save={'lx1': 'header:x-amz-version-id'}), setup=[locked(B)], op='PutObject', headers=VID)
    F.case(T, 'head-object-with-lock', s3('HEAD', K), op='HeadObject', headers=VID)
    F.case(T, 'put-object-retention-extend', put_retention(K, retention('GOVERNANCE', '${iso+20m}'), 'retention&versionId=${lx1}'), op='PutObjectRetention')
    F.case(T, 'head-object-with-lock-extended', s3('HEAD', K), op='HeadObject', headers=VID)
    F.case(T, 'put-object-retention-reduce', put_retention(K, retention('GOVERNANCE', '${iso+10m}'), 'retention&versionId=${lx1}'))

    T = 'test_s3_object_retention_compliance_mode'
    B = '/fid-lock-compliance'
    K = B + '/test-retention-locked-object'
    F.case(T, 'put-obj-locked-1', put(K, 'test', save={'lcm1': 'header:x-amz-version-id'}), setup=[locked(B)], op='PutObject', headers=VID)
    # The retention lasts 6 seconds; the shortened one ends before it
    # (unless 5 seconds pass on the way), the GOVERNANCE one after it.
    F.case(T, 'add-compliance-retention', put_retention(K, retention('COMPLIANCE', '${iso+6s}')), op='PutObjectRetention')
    F.case(T, 'delete-locked-1', s3('DELETE', K, 'versionId=${lcm1}'))
    F.case(T, 'put-delete-marker', s3('DELETE', K), op='DeleteObject', headers=VID)
    F.case(T, 'delete-locked-2', s3('DELETE', K, 'versionId=${lcm1}', headers=BYPASS))
    F.case(T, 'update-retention-shortened', put_retention(K, retention('COMPLIANCE', '${iso+1s}'), 'retention&versionId=${lcm1}'))
    less = put_retention(K, retention('GOVERNANCE', '${iso+30s}'), 'retention&versionId=${lcm1}')
    less['sleep'] = 6500  # until the retention has expired
    F.case(T, 'update-retention-less-restrictive', less)
    F.case(T, 'delete-obj-after-lock-expiration', s3('DELETE', K, 'versionId=${lcm1}'), op='DeleteObject', headers={'x-amz-version-id': '${lcm1}'})

    T = 'test_s3_object_lock_mode_validation'
    B = '/fid-lock-valid'
    K = B + '/test-retention-validation'
    F.case(T, 'put-obj-locked-error-no-retain-date', put(K, 'test', lock_hdrs(mode='BAD-VALUE', until=None)), setup=[locked(B)])
    F.case(T, 'put-obj-locked-error-no-mode', put(K, 'test', lock_hdrs(mode=None)))
    F.case(T, 'put-obj-locked-bad-value', put(K, 'test', lock_hdrs(mode='BAD-VALUE')))
    F.case(T, 'create-mpu-locked-bad-value', s3('POST', K, 'uploads', headers=lock_hdrs(mode='BAD-VALUE')))

    # --- legal hold
    T = 'test_put_get_object_legal_hold'
    B = '/fid-hold-get'
    K = B + '/locked-object'
    F.case(T, 'put-obj', put(K, 'test', save={'lh1': 'header:x-amz-version-id'}), setup=[locked(B)], op='PutObject', headers=VID)
    F.case(T, 'get-legal-hold-unset', s3('GET', K, 'legal-hold&versionId=${lh1}'))
    F.case(T, 'put-object-legal-hold', put_hold(K, 'ON', '${lh1}'), op='PutObjectLegalHold')
    F.case(T, 'head-object-with-legal-hold', s3('HEAD', K), op='HeadObject', headers={'x-amz-version-id': '${lh1}'})
    F.case(T, 'get-legal-hold-set', s3('GET', K, 'legal-hold&versionId=${lh1}'), op='GetObjectLegalHold')
    F.case(T, 'put-object-legal-hold-off', put_hold(K, 'OFF', '${lh1}'), op='PutObjectLegalHold')

    T = 'test_put_object_with_legal_hold'
    B = '/fid-hold-put'
    K = B + '/locked-object'
    F.case(T, 'put-obj', put(K, 'test', {'x-amz-object-lock-legal-hold': 'ON'}, save={'lh2': 'header:x-amz-version-id'}), setup=[locked(B)], op='PutObject', headers=VID)
    F.case(T, 'head-object-with-legal-hold', s3('HEAD', K), op='HeadObject', headers={'x-amz-version-id': '${lh2}'})
    F.case(T, 'put-object-legal-hold-off', put_hold(K, 'OFF', '${lh2}'), op='PutObjectLegalHold')

    T = 'test_put_object_legal_hold_exc'
    B = '/fid-hold-exc'
    B2 = '/fid-hold-exc-basic'
    K2 = B2 + '/test-legal-hold'
    F.case(T, 'put-object-legal-hold-no-bucket', put_hold('/fid-hold-nobucket/fake-key', 'ON'), members={'BucketName': 'fid-hold-nobucket'})
    F.case(T, 'put-object-legal-hold-no-key', put_hold(B + '/non-existing-key', 'ON'), setup=[locked(B)])
    F.case(T, 'put-object-retention-regular-bucket', put_hold(K2, 'ON'), setup=[s3('PUT', B2), put(K2, 'test')])
    F.case(T, 'put-object-retention-empty', s3('PUT', K2, 'legal-hold', headers=MD5))
    F.case(T, 'get-object-retention-regular-bucket', s3('GET', K2, 'legal-hold'))

    T = 'test_delete_locked_object'
    B = '/fid-hold-del'
    K = B + '/test-delete-locked'
    F.case(T, 'put-obj', put(K, 'test', save={'lhd': 'header:x-amz-version-id'}), setup=[locked(B)], op='PutObject', headers=VID)
    F.case(T, 'put-object-legal-hold', put_hold(K, 'ON', '${lhd}'), op='PutObjectLegalHold')
    F.case(T, 'delete-object-locked', s3('DELETE', K, 'versionId=${lhd}'))
    F.case(T, 'delete-objects-locked', s3('POST', B, 'delete', raw=f'<Delete {X}><Object><Key>test-delete-locked</Key><VersionId>${{lhd}}</VersionId></Object></Delete>', headers=MD5),
           op='DeleteObjects', values={'DeleteResult.Error.VersionId': '${lhd}'})
    F.case(T, 'put-object-legal-hold-off', put_hold(K, 'OFF', '${lhd}'), op='PutObjectLegalHold')

    T = 'test_s3_legal_hold_lock_versioned'
    B = '/fid-hold-ver'
    K = B + '/locked-object'
    F.case(T, 'put-object', put(K, 'test', save={'lv1': 'header:x-amz-version-id'}), setup=[locked(B)], op='PutObject', headers=VID)
    F.case(T, 'put-object-legal-hold-ver1', put_hold(K, 'ON', '${lv1}'), op='PutObjectLegalHold')
    F.case(T, 'head-object-ver1', s3('HEAD', K, 'versionId=${lv1}'), op='HeadObject', headers={'x-amz-version-id': '${lv1}'})
    F.case(T, 'put-object-2', put(K, 'test', save={'lv2': 'header:x-amz-version-id'}), op='PutObject', headers=VID)
    F.case(T, 'put-object-legal-hold-ver2', put_hold(K, 'ON', '${lv2}'), op='PutObjectLegalHold')
    F.case(T, 'head-object-ver2', s3('HEAD', K, 'versionId=${lv2}'), op='HeadObject', headers={'x-amz-version-id': '${lv2}'})
    F.case(T, 'remove-object-legal-hold-ver1', put_hold(K, 'OFF', '${lv1}'), op='PutObjectLegalHold')
    F.case(T, 'head-object-ver1-no-lock', s3('HEAD', K, 'versionId=${lv1}'), op='HeadObject', headers={'x-amz-version-id': '${lv1}'})
    F.case(T, 'delete-object-ver1', s3('DELETE', K, 'versionId=${lv1}'), op='DeleteObject', headers={'x-amz-version-id': '${lv1}'})

    T = 'test_s3_copy_object_legal_hold'
    B = '/fid-hold-copy'
    S = B + '/source-object'
    D = B + '/dest-key'
    F.case(T, 'put-object', put(S, BODY, {'x-amz-object-lock-legal-hold': 'ON'}, save={'lhc': 'header:x-amz-version-id'}), setup=[locked(B)], op='PutObject', headers=VID)
    F.case(T, 'head-object', s3('HEAD', S), op='HeadObject', headers={'x-amz-version-id': '${lhc}'})
    F.case(T, 'copy-legal-hold', s3('PUT', D, headers={'x-amz-copy-source': S[1:]}), op='CopyObject',
           headers={'x-amz-version-id': '*', 'x-amz-copy-source-version-id': '${lhc}'})
    F.case(T, 'head-dest-key', s3('HEAD', D), op='HeadObject', headers=VID)


def lock_api(F):
    T = 'test_put_object_lock_configuration_on_existing_bucket'
    B = '/fid-lock-existing'
    ENABLED = '<ObjectLockEnabled>Enabled</ObjectLockEnabled>'
    F.case(T, 'get-object-lock-existing-bucket-no-config', s3('GET', B, 'object-lock'), setup=[s3('PUT', B)], members={'BucketName': B[1:]})
    F.case(T, 'put-object-lock-existing-bucket-no-versioning', put_lockcfg(B, ENABLED))
    F.case(T, 'suspended-versioning', s3('PUT', B, 'versioning', raw=f'<VersioningConfiguration {X}><Status>Suspended</Status></VersioningConfiguration>'), op='PutBucketVersioning')
    F.case(T, 'put-object-lock-existing-bucket-versioning-disabled', put_lockcfg(B, ENABLED))
    F.case(T, 'enabled-versioning', s3('PUT', B, 'versioning', raw=f'<VersioningConfiguration {X}><Status>Enabled</Status></VersioningConfiguration>'), op='PutBucketVersioning')
    F.case(T, 'put-object-lock-existing-bucket-enabled', put_lockcfg(B, ENABLED), op='PutObjectLockConfiguration')
    F.case(T, 'get-object-lock-existing-bucket-enabled', s3('GET', B, 'object-lock'), op='GetObjectLockConfiguration')

    T = 'test_get_put_object_lock_configuration'
    B = '/fid-lock-config'
    rule = ENABLED + '<Rule><DefaultRetention><Mode>GOVERNANCE</Mode><Days>1</Days></DefaultRetention></Rule>'
    F.case(T, 'get-lock-config-start', s3('GET', B, 'object-lock'), setup=[locked(B)], op='GetObjectLockConfiguration')
    F.case(T, 'put-lock-config', put_lockcfg(B, rule), op='PutObjectLockConfiguration')
    F.case(T, 'get-lock-config', s3('GET', B, 'object-lock'), op='GetObjectLockConfiguration',
           values={'ObjectLockConfiguration.Rule.DefaultRetention.Mode': 'GOVERNANCE', 'ObjectLockConfiguration.Rule.DefaultRetention.Days': '1'})
    F.case(T, 'put-lock-config-enabled', put_lockcfg(B, ENABLED), op='PutObjectLockConfiguration')
    F.case(T, 'get-lock-config-only-enabled', s3('GET', B, 'object-lock'), op='GetObjectLockConfiguration')

    T = 'test_put_object_lock_configuration_exc'
    B = '/fid-lock-config-exc'
    DR = lambda inner: f'<Rule><DefaultRetention>{inner}</DefaultRetention></Rule>'
    F.case(T, 'put-lock-config-no-enabled', put_lockcfg(B, DR('<Mode>GOVERNANCE</Mode><Days>1</Days>')), setup=[locked(B)])
    F.case(T, 'put-lock-config-empty', put_lockcfg(B, ''))
    F.case(T, 'put-lock-config-empty-rule', put_lockcfg(B, ENABLED + '<Rule></Rule>'))
    F.case(T, 'put-lock-config-empty-retention', put_lockcfg(B, ENABLED + DR('')))
    F.case(T, 'put-lock-config-no-days', put_lockcfg(B, ENABLED + DR('<Mode>GOVERNANCE</Mode>')))
    F.case(T, 'put-lock-config-bad-mode', put_lockcfg(B, ENABLED + DR('<Mode>BAD-VALUE</Mode><Days>1</Days>')))
    F.case(T, 'put-lock-config-both-days-years', put_lockcfg(B, ENABLED + DR('<Mode>GOVERNANCE</Mode><Days>1</Days><Years>1</Years>')))

    T = 'test_get_object_lock_configuration_exc'
    B = '/fid-lock-noconfig'
    F.case(T, 'get-lock-config-no-enabled', s3('GET', B, 'object-lock'), setup=[s3('PUT', B)], members={'BucketName': B[1:]})
    F.case(T, 'get-lock-config-bucket-not-exists', s3('GET', '/fid-lock-nosuchbucket', 'object-lock'), members={'BucketName': 'fid-lock-nosuchbucket'})

    T = 'test_disable_versioning_on_locked_bucket'
    B = '/fid-lock-vers'
    F.case(T, 'disable-versioning-on-locked-bucket', s3('PUT', B, 'versioning', raw=f'<VersioningConfiguration {X}><Status>Suspended</Status></VersioningConfiguration>'), setup=[locked(B)])
    F.case(T, 'enable-versioning-again-on-locked-bucket', s3('PUT', B, 'versioning', raw=f'<VersioningConfiguration {X}><Status>Enabled</Status></VersioningConfiguration>'), op='PutBucketVersioning')
