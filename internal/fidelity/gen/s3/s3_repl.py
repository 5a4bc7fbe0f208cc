"""Configurations that name another bucket: replication and server access
logging (test_s3), validated against that bucket too."""
from s3lib import *
from s3_api_more import MD5, X
import s3_acl

ROLE = 'arn:aws:iam::111111111111:role/fid-replication'


def cbc(loc):
    return f'<CreateBucketConfiguration {X}><LocationConstraint>{loc}</LocationConstraint></CreateBucketConfiguration>'


def vers(b):
    return s3('PUT', b, 'versioning', raw=f'<VersioningConfiguration {X}><Status>Enabled</Status></VersioningConfiguration>')


def repl(b, rule):
    return s3('PUT', b, 'replication', raw=f'<ReplicationConfiguration {X}><Role>{ROLE}</Role>{rule}</ReplicationConfiguration>', headers=MD5)


def logging(b, target=None, grants=''):
    inner = f'<LoggingEnabled><TargetBucket>{target}</TargetBucket>{grants}<TargetPrefix>log</TargetPrefix></LoggingEnabled>' if target else ''
    return s3('PUT', b, 'logging', raw=f'<BucketLoggingStatus {X}>{inner}</BucketLoggingStatus>', headers=MD5)


def replication(F):
    T = 'test_replication_config'
    S, D = '/fid-s3-repl', '/fid-s3-repld'
    rule = f'<Rule><Priority>1</Priority><Filter><Prefix>Tax</Prefix></Filter><Status>Enabled</Status><Destination><Bucket>arn:aws:s3:::{D[1:]}</Bucket></Destination><DeleteMarkerReplication><Status>Disabled</Status></DeleteMarkerReplication></Rule>'
    F.case(T, 'expected_error_no_replication_set', s3('GET', S, 'replication'), setup=[s3('PUT', S), s3('PUT', D, raw=cbc('us-west-2')), vers(D)], members={'BucketName': S[1:]})
    F.case(T, 'expected_error_versioning_not_enabled', repl(S, rule))
    F.case(T, 'put-bucket-replication', repl(S, rule), setup=[vers(S)], op='PutBucketReplication')
    F.case(T, 'get-bucket-replication', s3('GET', S, 'replication'), op='GetBucketReplication',
           skip=['ReplicationConfiguration.Role', 'ReplicationConfiguration.Rule.ID'], extra={'like': {'': '(?s).*<Rule><ID>[A-Za-z0-9+/=]+</ID><Priority>1</Priority><Filter><Prefix>Tax</Prefix></Filter>.*'}})
    F.case(T, 'put-empty-bucket-replication-rules', repl(S, ''))
    F.case(T, 'delete-bucket-replication', s3('DELETE', S, 'replication'), op='DeleteBucketReplication')
    F.case(T, 'delete-bucket-replication-idempotent', s3('DELETE', S, 'replication'), op='DeleteBucketReplication')
    T = 'test_replication_config_without_filter'
    S, D = '/fid-s3-replnf', '/fid-s3-replnfd'
    def rule(dest):
        return (f'<Rule><ID>rtc</ID><Priority>0</Priority><Filter></Filter><Status>Disabled</Status><Destination><Bucket>arn:aws:s3:::{dest}</Bucket>'
                '<StorageClass>STANDARD</StorageClass><ReplicationTime><Status>Enabled</Status><Time><Minutes>15</Minutes></Time></ReplicationTime>'
                '<Metrics><Status>Enabled</Status><EventThreshold><Minutes>15</Minutes></EventThreshold></Metrics></Destination>'
                '<DeleteMarkerReplication><Status>Disabled</Status></DeleteMarkerReplication></Rule>')
    F.case(T, 'expected_error_dest_does_not_exist', repl(S, rule('does-not-exist')), setup=[s3('PUT', S), vers(S), s3('PUT', D)])
    F.case(T, 'expected_error_dest_versioning_disabled', repl(S, rule(D[1:])))
    F.case(T, 'put-bucket-replication', repl(S, rule(D[1:])), setup=[vers(D)], op='PutBucketReplication')
    F.case(T, 'get-bucket-replication', s3('GET', S, 'replication'), op='GetBucketReplication', skip=['ReplicationConfiguration.Role'],
           extra={'like': {'': '(?s).*<Filter></Filter>.*<StorageClass>STANDARD</StorageClass><ReplicationTime><Status>Enabled</Status><Time><Minutes>15</Minutes></Time></ReplicationTime><Metrics>.*'}})

    # --- logging
    T = 'test_put_bucket_logging'
    B, TB = '/fid-s3-log', '/fid-s3-logt'
    F.case(T, 'get-bucket-logging-default', s3('GET', B, 'logging'), setup=[s3_acl.OWNER, s3('PUT', B), s3('PUT', TB)], op='GetBucketLogging')
    s3_acl.get_acl(F, T, 'get-bucket-default-acl', s3('GET', TB, 'acl'))
    F.case(T, 'put-bucket-logging', logging(B, TB[1:]), op='PutBucketLogging')
    F.case(T, 'get-bucket-logging', s3('GET', B, 'logging'), op='GetBucketLogging', values={'BucketLoggingStatus.LoggingEnabled.TargetBucket': TB[1:]})
    F.case(T, 'put-bucket-logging-delete', logging(B), op='PutBucketLogging')
    T = 'test_put_bucket_logging_accept_wrong_grants'
    B, TB = '/fid-s3-logg', '/fid-s3-loggt'
    G = s3_acl.LOGS
    grants = ('<TargetGrants>' + ''.join(f'<Grant>{s3_acl.grantee("Group", G)}<Permission>{p}</Permission></Grant>' for p in ('WRITE', 'READ_ACP')) + '</TargetGrants>')
    F.case(T, 'put-bucket-logging', logging(B, TB[1:], grants), setup=[s3('PUT', B), s3('PUT', TB), s3('DELETE', TB, 'ownershipControls')], op='PutBucketLogging')
    F.case(T, 'get-bucket-logging', s3('GET', B, 'logging'), op='GetBucketLogging', values={'BucketLoggingStatus.LoggingEnabled.TargetBucket': TB[1:]},
           extra={'like': {'': '(?s).*<TargetGrants><Grant>.*<Permission>WRITE</Permission></Grant><Grant>.*<Permission>READ_ACP</Permission></Grant></TargetGrants><TargetPrefix>log</TargetPrefix>.*'}})
    T = 'test_put_bucket_logging_wrong_target'
    B, TB = '/fid-s3-logw', '/fid-s3-logww2'
    F.case(T, 'put-bucket-logging-different-regions', logging(B, TB[1:]), setup=[s3('PUT', B), s3('PUT', TB, raw=cbc('us-west-2'))], members={'TargetBucketLocation': 'us-west-2'})
    F.case(T, 'put-bucket-logging-non-existent-bucket', logging(B, 'fid-s3-log-missing-target'), members={'TargetBucket': 'fid-s3-log-missing-target'})
    T = 'test_put_bucket_logging_cross_locations'
    B1, B2, TB = '/fid-s3-logx1', '/fid-s3-logx2', '/fid-s3-logxw2'
    F.case(T, 'put-bucket-logging-cross-us-east-1', logging(B1, TB[1:]), setup=[s3('PUT', B1), s3('PUT', B2, raw=cbc('us-east-2')), s3('PUT', TB, raw=cbc('us-west-2'))],
           members={'TargetBucketLocation': 'us-west-2'}, extra={'absent': ['Error.SourceBucketLocation']})
    F.case(T, 'put-bucket-logging-different-regions', logging(B2, TB[1:]), members={'SourceBucketLocation': 'us-east-2', 'TargetBucketLocation': 'us-west-2'})

    # --- other bucket configurations whose answers were not replayed yet
    T = 'test_s3_request_payer'
    B = '/fid-s3-rpy'
    rp = s3('PUT', B, 'requestPayment', raw=f'<RequestPaymentConfiguration {X}><Payer>Requester</Payer></RequestPaymentConfiguration>', headers=MD5)
    F.case(T, 'put-bucket-request-payment', rp, setup=[s3('PUT', B)], op='PutBucketRequestPayment')
    F.case(T, 'get-bucket-request-payment', s3('GET', B, 'requestPayment'), op='GetBucketRequestPayment')
    B = '/fid-s3-pola'
    pol = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::fid-s3-pola/*"}]}'
    stmt = {'Statement.0.Principal.AWS': '*', 'Statement.0.Effect': 'Allow', 'Statement.0.Action': 's3:GetObject', 'Version': '2012-10-17'}
    T = 'test_put_bucket_policy'
    F.case(T, 'put-bucket-policy', s3('PUT', B, 'policy', raw=pol, headers=MD5), setup=[s3('PUT', B), s3('DELETE', B, 'publicAccessBlock')], op='PutBucketPolicy')
    F.case(T, 'get-bucket-policy', s3('GET', B, 'policy'), op='GetBucketPolicy', extra={'values': stmt})
    T = 'test_get_bucket_policy'
    F.case(T, 'get-bucket-policy', s3('GET', B, 'policy'), op='GetBucketPolicy', extra={'values': stmt})
    F.case(T, 'get-bucket-policy-with-expected-bucket-owner', s3('GET', B, 'policy', headers={'x-amz-expected-bucket-owner': '${account}'}), op='GetBucketPolicy', extra={'values': stmt})

    # --- CORS configurations (stored and validated; no preflight is answered)
    def cors(b, rule, region=None):
        return s3('PUT', b, 'cors', raw=f'<CORSConfiguration {X}><CORSRule>{rule}</CORSRule></CORSConfiguration>', headers=MD5, region=region)
    T = 'test_bucket_exists'
    B = '/fid-s3-corsx'
    F.case(T, 'get-bucket-cors', s3('GET', B, 'cors'), op='GetBucketCors',
           setup=[s3_acl.OWNER, s3('PUT', B), cors(B, ''.join(f'<AllowedMethod>{m}</AllowedMethod>' for m in ('GET', 'POST', 'PUT', 'DELETE')) + '<AllowedOrigin>localhost</AllowedOrigin>')],
           extra={'like': {'': '(?s).*<CORSRule><AllowedMethod>GET</AllowedMethod><AllowedMethod>POST</AllowedMethod><AllowedMethod>PUT</AllowedMethod><AllowedMethod>DELETE</AllowedMethod><AllowedOrigin>localhost</AllowedOrigin></CORSRule>.*'}})
    s3_acl.get_acl(F, T, 'get-bucket-acl', s3('GET', B, 'acl'))
    T = 'test_bucket_operation_between_regions'
    B = '/fid-s3-corsw2'
    W2 = 'us-west-2'
    F.case(T, 'put-website-config-region-1', s3('PUT', B, 'website', raw=f'<WebsiteConfiguration {X}><IndexDocument><Suffix>index.html</Suffix></IndexDocument></WebsiteConfiguration>', headers=MD5, region=W2),
           setup=[s3('PUT', B, raw=cbc(W2), region=W2)], op='PutBucketWebsite')
    F.case(T, 'put-cors-config-region-1', cors(B, '<AllowedMethod>GET</AllowedMethod><AllowedOrigin>*</AllowedOrigin>', region=W2), op='PutBucketCors')
    F.case(T, 'get-website-config-region-2', s3('GET', B, 'website'), op='GetBucketWebsite', values={'WebsiteConfiguration.IndexDocument.Suffix': 'index.html'})
    F.case(T, 'get-cors-config-region-2', s3('GET', B, 'cors'), op='GetBucketCors',
           extra={'like': {'': '(?s).*<CORSRule><AllowedMethod>GET</AllowedMethod><AllowedOrigin>\\*</AllowedOrigin></CORSRule>.*'}})
