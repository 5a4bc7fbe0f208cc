"""Bucket configurations kept as documents: lifecycle, website, request
payment (test_s3), transfer acceleration (test_s3_api)."""
from s3lib import *
from s3_api_more import MD5, X

def lc(*rules):
    return f'<LifecycleConfiguration {X}>' + ''.join(f'<Rule>{r}</Rule>' for r in rules) + '</LifecycleConfiguration>'
WHOLE = '<Expiration><Days>7</Days></Expiration><ID>wholebucket</ID><Filter><Prefix></Prefix></Filter><Status>Enabled</Status>'

def s3conf(F):
    T = 'test_delete_bucket_lifecycle_configuration'
    B = '/fid-s3-lc'
    F.case(T, 'get-bucket-lifecycle-exc-1', s3('GET', B, 'lifecycle'), setup=[s3('PUT', B)], members={'BucketName': B[1:]})
    F.case(T, 'delete-bucket-lifecycle-no-bucket', s3('DELETE', B, 'lifecycle'), op='DeleteBucketLifecycle')
    F.case(T, 'get-bucket-lifecycle-conf', s3('GET', B, 'lifecycle'), setup=[s3('PUT', B, 'lifecycle', raw=lc(WHOLE), headers=MD5)], op='GetBucketLifecycleConfiguration',
           values={'LifecycleConfiguration.Rule.ID': 'wholebucket', 'LifecycleConfiguration.Rule.Status': 'Enabled'})
    F.case(T, 'get-bucket-lifecycle-exc-2', s3('GET', B, 'lifecycle'), setup=[s3('DELETE', B, 'lifecycle')], members={'BucketName': B[1:]})
    T = 'test_delete_lifecycle_configuration_on_bucket_deletion'
    B = '/fid-s3-lcd'
    F.case(T, 'get-bucket-lifecycle-conf', s3('GET', B, 'lifecycle'), setup=[s3('PUT', B), s3('PUT', B, 'lifecycle', raw=lc(WHOLE), headers=MD5)], op='GetBucketLifecycleConfiguration',
           values={'LifecycleConfiguration.Rule.ID': 'wholebucket'})
    F.case(T, 'get-bucket-lifecycle-exc', s3('GET', B, 'lifecycle'), setup=[s3('DELETE', B), s3('PUT', B)], members={'BucketName': B[1:]})
    T = 'test_put_bucket_lifecycle_conf_exc'
    B = '/fid-s3-lcx'
    put_lc = lambda *rules: s3('PUT', B, 'lifecycle', raw=lc(*rules), headers=MD5)
    F.case(T, 'missing-id', put_lc('<Expiration><Days>7</Days></Expiration><Status>Enabled</Status>'), setup=[s3('PUT', B)])
    F.case(T, 'missing-filter', put_lc('<Expiration><Days>7</Days></Expiration><ID>wholebucket</ID><Status>Enabled</Status>'))
    F.case(T, 'missing-noncurrent-version-expiration-data', put_lc('<Expiration><Days>7</Days></Expiration><ID>wholebucket</ID><Filter></Filter><Status>Enabled</Status><NoncurrentVersionExpiration></NoncurrentVersionExpiration>'))
    F.case(T, 'wrong-filter-and-plus-prefix', put_lc('<Expiration><Days>7</Days></Expiration><ID>wholebucket</ID><Filter><Prefix></Prefix><And><Prefix>test</Prefix></And></Filter><Status>Enabled</Status>'))
    F.case(T, 'wrong-filter-and-and-object-size', put_lc('<Expiration><Days>7</Days></Expiration><ID>wholebucket</ID><Filter><Prefix></Prefix><ObjectSizeGreaterThan>500</ObjectSizeGreaterThan></Filter><Status>Enabled</Status>'))
    F.case(T, 'wrong-data-no-midnight', put_lc('<Expiration><Date>2023-01-01T02:02:00Z</Date></Expiration><ID>wrong-data</ID><Filter></Filter><Status>Enabled</Status>'))
    F.case(T, 'duplicate-tag-keys', put_lc('<Expiration><Days>1</Days></Expiration><ID>duplicate-tag-keys</ID><Filter><And><Tag><Key>testlifecycle</Key><Value>positive</Value></Tag><Tag><Key>testlifecycle</Key><Value>positive-two</Value></Tag></And></Filter><Status>Enabled</Status>'))
    F.case(T, 'expired-delete-marker-and-days', put_lc('<Expiration><Days>1</Days><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration><ID>expired-delete-marker-and-days</ID><Filter></Filter><Status>Enabled</Status>'))
    T = 'test_bucket_lifecycle_configuration_date'
    B = '/fid-s3-lcdate'
    rule = '<Expiration><Date>2023-01-01T00:00:00Z</Date></Expiration><ID>rule_number_one</ID><Filter></Filter><Status>Enabled</Status>'
    F.case(T, 'get-bucket-lifecycle-conf', s3('GET', B, 'lifecycle'), setup=[s3('PUT', B), s3('PUT', B, 'lifecycle', raw=lc(rule), headers=MD5)], op='GetBucketLifecycleConfiguration',
           values={'LifecycleConfiguration.Rule.ID': 'rule_number_one'})
    T = 'test_s3_transition_default_minimum_object_size'
    B = '/fid-s3-lcmin'
    first = True
    for rec, v in (('varies-by-storage', 'varies_by_storage_class'), ('default', None), ('all-storage', 'all_storage_classes_128K')):
        h = dict(MD5)
        if v: h['x-amz-transition-default-minimum-object-size'] = v
        F.case(T, rec, s3('PUT', B, 'lifecycle', raw=lc(WHOLE), headers=h), setup=[s3('PUT', B)] if first else None, op='PutBucketLifecycleConfiguration')
        F.case(T, 'get-' + rec, s3('GET', B, 'lifecycle'), op='GetBucketLifecycleConfiguration', values={'LifecycleConfiguration.Rule.ID': 'wholebucket'})
        first = False
    F.case(T, 'bad-value', s3('PUT', B, 'lifecycle', raw=lc(WHOLE), headers={**MD5, 'x-amz-transition-default-minimum-object-size': 'value'}))

    # --- website
    T = 'test_validate_website_configuration'
    B = '/fid-s3-web'
    def web(inner): return s3('PUT', B, 'website', raw=f'<WebsiteConfiguration {X}>{inner}</WebsiteConfiguration>', headers=MD5)
    confs = [
        '<IndexDocument><Suffix>/index.html</Suffix></IndexDocument>',
        '<IndexDocument><Suffix></Suffix></IndexDocument>',
        '<IndexDocument><Suffix>/index.html</Suffix></IndexDocument><RedirectAllRequestsTo><HostName>test</HostName></RedirectAllRequestsTo>',
        '<ErrorDocument><Key>/index.html</Key></ErrorDocument>',
        '<IndexDocument><Suffix>index.html</Suffix></IndexDocument><RoutingRules><RoutingRule><Redirect><Protocol>protocol</Protocol></Redirect></RoutingRule></RoutingRules>',
        '<IndexDocument><Suffix>index.html</Suffix></IndexDocument><RoutingRules><RoutingRule><Redirect><ReplaceKeyPrefixWith>prefix</ReplaceKeyPrefixWith><ReplaceKeyWith>key-name</ReplaceKeyWith></Redirect></RoutingRule></RoutingRules>',
        '<IndexDocument><Suffix>index.html</Suffix></IndexDocument><RoutingRules><RoutingRule><Condition></Condition><Redirect><ReplaceKeyPrefixWith>prefix</ReplaceKeyPrefixWith></Redirect></RoutingRule></RoutingRules>',
        '<IndexDocument><Suffix>index.html</Suffix></IndexDocument><RoutingRules></RoutingRules>',
    ]
    for i, c in enumerate(confs):
        F.case(T, f'invalid-website-conf-{i}', web(c), setup=[s3('PUT', B)] if i == 0 else None)
    T = 'test_crud_website_configuration'
    B = '/fid-s3-webc'
    F.case(T, 'get-no-such-website-config', s3('GET', B, 'website'), setup=[s3('PUT', B)], members={'BucketName': B[1:]})
    F.case(T, 'del-no-such-website-config', s3('DELETE', B, 'website'), op='DeleteBucketWebsite')
    F.case(T, 'put-website-config', s3('PUT', B, 'website', raw=f'<WebsiteConfiguration {X}><IndexDocument><Suffix>index.html</Suffix></IndexDocument></WebsiteConfiguration>', headers=MD5), op='PutBucketWebsite')
    F.case(T, 'get-website-config', s3('GET', B, 'website'), op='GetBucketWebsite', values={'WebsiteConfiguration.IndexDocument.Suffix': 'index.html'})

    # --- request payment
    T = 'test_s3_request_payer_exceptions'
    B = '/fid-s3-rp'
    def rp(b, payer): return s3('PUT', b, 'requestPayment', raw=f'<RequestPaymentConfiguration {X}><Payer>{payer}</Payer></RequestPaymentConfiguration>', headers=MD5)
    F.case(T, 'wrong-payer-type', rp(B, 'Random'), setup=[s3('PUT', B)])
    F.case(T, 'wrong-bucket-name', rp('/fid-s3-rp-fake', 'Requester'), members={'BucketName': 'fid-s3-rp-fake'})

def s3apiconf(F):
    T = 'test_bucket_acceleration_configuration_crud'
    B = '/fid-api-acc'
    def acc(b, st): return s3('PUT', b, 'accelerate', raw=f'<AccelerateConfiguration {X}><Status>{st}</Status></AccelerateConfiguration>', headers=MD5)
    F.case(T, 'get-bucket-default-accelerate-config', s3('GET', B, 'accelerate'), setup=[s3('PUT', B)], op='GetBucketAccelerateConfiguration')
    F.case(T, 'put-bucket-accelerate-config-enabled', acc(B, 'Enabled'), op='PutBucketAccelerateConfiguration')
    F.case(T, 'get-bucket-accelerate-config-enabled', s3('GET', B, 'accelerate'), op='GetBucketAccelerateConfiguration')
    F.case(T, 'put-bucket-accelerate-config-disabled', acc(B, 'Suspended'), op='PutBucketAccelerateConfiguration')
    F.case(T, 'get-bucket-accelerate-config-disabled', s3('GET', B, 'accelerate'), op='GetBucketAccelerateConfiguration')
    T = 'test_bucket_acceleration_configuration_exc'
    F.case(T, 'put-bucket-accelerate-config-lowercase', acc(B, 'enabled'))
    F.case(T, 'put-bucket-accelerate-config-random', acc(B, 'random'))
    F.case(T, 'put-bucket-accelerate-config-dot-bucket', acc('/fid.api.acc', 'random'), setup=[s3('PUT', '/fid.api.acc')])

def s3apienc(F):
    T = 'test_s3_default_bucket_encryption'
    B = '/fid-api-enc'
    F.case(T, 'delete-bucket-encryption', s3('DELETE', B, 'encryption'), setup=[s3('PUT', B)], op='DeleteBucketEncryption')
    F.case(T, 'delete-bucket-encryption-idempotent', s3('DELETE', B, 'encryption'), op='DeleteBucketEncryption')
    T = 'test_s3_default_bucket_encryption_exc'
    NB = '/fid-api-enc-fake'
    def enc(b, rules): return s3('PUT', b, 'encryption', raw=f'<ServerSideEncryptionConfiguration {X}>{rules}</ServerSideEncryptionConfiguration>', headers=MD5)
    F.case(T, 'delete-bucket-enc-no-bucket', s3('DELETE', NB, 'encryption'), members={'BucketName': NB[1:]})
    F.case(T, 'put-bucket-enc-no-bucket', enc(NB, ''), members={'BucketName': NB[1:]})
    F.case(T, 'put-bucket-encryption-no-rules', enc(B, ''))
    F.case(T, 'put-bucket-encryption-two-rules', enc(B, '<Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>aws:kms</SSEAlgorithm></ApplyServerSideEncryptionByDefault><BucketKeyEnabled>true</BucketKeyEnabled></Rule><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm></ApplyServerSideEncryptionByDefault></Rule>'))
    F.case(T, 'put-bucket-encryption-kms-with-aes', enc(B, '<Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm><KMSMasterKeyID>randomkeyid</KMSMasterKeyID></ApplyServerSideEncryptionByDefault></Rule>'))

def s3apimetrics(F):
    def mc(b, i, prefix): return s3('PUT', b, f'metrics&id={i}', raw=f'<MetricsConfiguration {X}><Id>{i}</Id><Filter><Prefix>{prefix}</Prefix></Filter></MetricsConfiguration>', headers=MD5)
    def get(b, i): return s3('GET', b, f'id={i}&metrics')
    T = 'test_put_bucket_metrics_configuration'
    B = '/fid-api-met'
    F.case(T, 'put_bucket_metrics_configuration', mc(B, 'm1', 'logs/'), setup=[s3('PUT', B)], op='PutBucketMetricsConfiguration')
    F.case(T, 'get_bucket_metrics_configuration', get(B, 'm1'), op='GetBucketMetricsConfiguration', values={'MetricsConfiguration.Filter.Prefix': 'logs/'})
    T = 'test_overwrite_bucket_metrics_configuration'
    F.case(T, 'overwrite_bucket_metrics_configuration', mc(B, 'm2', 'logs/new-prefix'), setup=[mc(B, 'm2', 'logs/')], op='PutBucketMetricsConfiguration')
    F.case(T, 'get_bucket_metrics_configuration', get(B, 'm2'), op='GetBucketMetricsConfiguration', values={'MetricsConfiguration.Filter.Prefix': 'logs/new-prefix'})
    T = 'test_get_bucket_metrics_configuration'
    F.case(T, 'get_bucket_metrics_configuration', get(B, 'm1'), op='GetBucketMetricsConfiguration', values={'MetricsConfiguration.Filter.Prefix': 'logs/'})
    T = 'test_get_bucket_metrics_configuration_not_exist'
    F.case(T, 'get_bucket_metrics_configuration', get(B, 'nothere'))
    T = 'test_delete_metrics_configuration'
    F.case(T, 'delete_bucket_metrics_configuration', s3('DELETE', B, 'metrics&id=m1'), op='DeleteBucketMetricsConfiguration')
    F.case(T, 'get_bucket_metrics_configuration', get(B, 'm1'))
    T = 'test_delete_metrics_configuration_twice'
    F.case(T, 'delete_bucket_metrics_configuration_1', s3('DELETE', B, 'metrics&id=m2'), op='DeleteBucketMetricsConfiguration')
    F.case(T, 'delete_bucket_metrics_configuration_2', s3('DELETE', B, 'metrics&id=m2'))
    T = 'test_list_bucket_metrics_configurations'
    B = '/fid-api-metl'
    F.case(T, 'list_bucket_metrics_configurations', s3('GET', B, 'metrics'), setup=[s3('PUT', B), mc(B, '1-a', 'logs/prefix'), mc(B, '2-b', 'logs/prefix')], op='ListBucketMetricsConfigurations')

def lcexpiry(F):
    """Lifecycle rules' x-amz-expiration on PUT, GET and HEAD (its value is
    a date the recordings abstract: present or absent is checked)."""
    def rule(i, flt, exp='<Days>7</Days>'):
        return f'<Expiration>{exp}</Expiration><ID>{i}</ID><Filter>{flt}</Filter><Status>Enabled</Status>'
    def setlc(b, *rules): return s3('PUT', b, 'lifecycle', raw=lc(*rules), headers=MD5)
    T = 'test_bucket_lifecycle_configuration_object_expiry'
    B = '/fid-s3-lce1'
    K = B + '/test-object-expiry'
    F.case(T, 'get-bucket-lifecycle-conf', s3('GET', B, 'lifecycle'), setup=[s3('PUT', B), setlc(B, rule('rule_number_one', '<Prefix></Prefix>'))], op='GetBucketLifecycleConfiguration')
    F.case(T, 'head-object-expiry', s3('HEAD', K), setup=[put(K, 'test')], op='HeadObject')
    F.case(T, 'get-object-expiry', s3('GET', K), op='GetObject')
    T = 'test_bucket_lifecycle_configuration_object_expiry_versioned'
    B = '/fid-s3-lce2'
    K = B + '/test-object-expiry'
    r2 = '<Expiration><Days>3</Days></Expiration><ID>rule2</ID><Filter></Filter><Status>Enabled</Status><NoncurrentVersionExpiration><NoncurrentDays>1</NoncurrentDays></NoncurrentVersionExpiration>'
    F.case(T, 'get-bucket-lifecycle-conf', s3('GET', B, 'lifecycle'), setup=versioned(B) + [setlc(B, r2)], op='GetBucketLifecycleConfiguration')
    F.case(T, 'head-object-expiry', s3('HEAD', K), setup=[put(K, 'test', save={'lv1': 'header:x-amz-version-id'})], op='HeadObject', headers={'x-amz-version-id': '${lv1}'})
    F.case(T, 'head-object-expiry-noncurrent', s3('HEAD', K, 'versionId=${lv1}'), setup=[put(K, 'test', save={'lv2': 'header:x-amz-version-id'})], op='HeadObject', headers={'x-amz-version-id': '${lv1}'})
    F.case(T, 'head-object-expiry-current-with-version-id', s3('HEAD', K, 'versionId=${lv2}'), op='HeadObject', headers={'x-amz-version-id': '${lv2}'})
    F.case(T, 'head-object-expiry-current-without-version-id', s3('HEAD', K), op='HeadObject', headers={'x-amz-version-id': '${lv2}'})
    T = 'test_object_expiry_after_bucket_lifecycle_configuration'
    B = '/fid-s3-lce3'
    K = B + '/test-object-expiry'
    F.case(T, 'put-object-before', put(K, 'test'), setup=[s3('PUT', B)], op='PutObject')
    F.case(T, 'get-bucket-lifecycle-conf', s3('GET', B, 'lifecycle'), setup=[setlc(B, rule('rule3', ''))], op='GetBucketLifecycleConfiguration')
    F.case(T, 'head-object-expiry-before', s3('HEAD', K), op='HeadObject')
    F.case(T, 'put-object-after', put(K, 'test'), op='PutObject')
    F.case(T, 'head-object-expiry-after', s3('HEAD', K), op='HeadObject')
    T = 'test_bucket_lifecycle_multiple_rules'
    B = '/fid-s3-lce4'
    F.case(T, 'get-bucket-lifecycle-conf', s3('GET', B, 'lifecycle'), setup=[s3('PUT', B), setlc(B, rule('rule_one', '<Prefix>testobject</Prefix>'), rule('rule_two', '<Prefix>test</Prefix>'), rule('rule_three', '<Prefix>t</Prefix>'))], op='GetBucketLifecycleConfiguration')
    F.case(T, 'put-object-match-both-rules', put(B + '/testobject-expiry', 'test'), op='PutObject')
    F.case(T, 'put-object-match-rule-2', put(B + '/test-one-rule', 'test'), op='PutObject')
    F.case(T, 'put-object-no-match', put(B + '/no-rules', 'test'), op='PutObject')
    T = 'test_bucket_lifecycle_object_size_rules'
    B = '/fid-s3-lce5'
    F.case(T, 'get-bucket-lifecycle-conf', s3('GET', B, 'lifecycle'), setup=[s3('PUT', B), setlc(B, rule('rule_one', '<ObjectSizeGreaterThan>20</ObjectSizeGreaterThan>'), rule('rule_two', '<ObjectSizeLessThan>10</ObjectSizeLessThan>'))], op='GetBucketLifecycleConfiguration')
    F.case(T, 'put-object-match-rule-1', put(B + '/testobject-expiry', 'a' * 22), op='PutObject')
    F.case(T, 'put-object-match-rule-2', put(B + '/test-one-rule', 'a' * 5), op='PutObject')
    F.case(T, 'put-object-no-match', put(B + '/no-rules', 'a' * 15), op='PutObject')
    T = 'test_bucket_lifecycle_tag_rules'
    B = '/fid-s3-lce6'
    tg = lambda k, v: f'<Tag><Key>{k}</Key><Value>{v}</Value></Tag>'
    F.case(T, 'get-bucket-lifecycle-conf', s3('GET', B, 'lifecycle'), setup=[s3('PUT', B), setlc(B, rule('rule_one', tg('testlifecycle', 'positive')), rule('rule_two', '<And>' + tg('testlifecycle', 'positive') + tg('testlifecycletwo', 'positive-two') + '</And>'))], op='GetBucketLifecycleConfiguration')
    for rec, key, tags in (('match-both-rules', 'testobject-expiry', 'testlifecycle=positive&testlifecycletwo=positivetwo'), ('match-rule-1', 'test-one-rule', 'testlifecycle=positive'),
                           ('no-match', 'no-rules', 'testlifecycle2=positivetwo'), ('no-tags', 'no-tags', None)):
        F.case(T, 'put-object-' + rec, put(B + '/' + key, 'test', {'x-amz-tagging': tags} if tags else None), op='PutObject')
        F.case(T, 'get-object-' + rec, s3('GET', B + '/' + key), op='GetObject')
    T = 'test_lifecycle_expired_object_delete_marker'
    B = '/fid-s3-lce7'
    K = B + '/test-expired-object-delete-marker'
    F.case(T, 'get-bucket-lifecycle-conf', s3('GET', B, 'lifecycle'), setup=[s3('PUT', B), setlc(B, rule('rule-marker', '', '<ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker>'))], op='GetBucketLifecycleConfiguration')
    F.case(T, 'put-object', put(K, 'test'), op='PutObject')
    F.case(T, 'head-object', s3('HEAD', K), op='HeadObject')

def availability(F):
    T = 'test_bucket_availability'
    NB = '/fid-s3-avail-missing'
    F.case(T, 'bucket-lifecycle', s3('GET', NB, 'lifecycle'), members={'BucketName': NB[1:]})
    F.case(T, 'bucket-replication', s3('GET', NB, 'replication'), members={'BucketName': NB[1:]})
    T = 'test_s3_checksum_no_automatic_sdk_calculation'
    B = '/fid-s3-nocksum'
    F.case(T, 'wrong-checksum', s3('PUT', B + '/wrong-checksum', raw='test data..', headers={'x-amz-checksum-sha256': 'abc123'}), setup=[s3('PUT', B)], extra={'status': 400})

def vhost_missing(F):
    T = 'test_bucket_does_not_exist'
    NB = '/fid-s3-vhost-missing'
    call = s3('GET', NB + '/', 'encoding-type=url')
    call['vhost'] = True
    F.case(T, 'list_object_vhost', call, members={'BucketName': NB[1:]})
