"""Configurations kept per id: inventory, analytics (storage class
analysis) and S3 Intelligent-Tiering (test_s3), stored and validated."""
from s3lib import *
from s3_api_more import MD5, X


def inventory(dest, cid, fields=(), fmt='CSV', freq='Daily', versions='All', doc_id=None):
    of = ''.join(f'<Field>{f}</Field>' for f in fields)
    return (f'<InventoryConfiguration {X}><Destination><S3BucketDestination><Bucket>{dest}</Bucket><Format>{fmt}</Format></S3BucketDestination></Destination>'
            f'<IsEnabled>true</IsEnabled><Id>{doc_id or cid}</Id><IncludedObjectVersions>{versions}</IncludedObjectVersions>'
            + (f'<OptionalFields>{of}</OptionalFields>' if fields else '') +
            f'<Schedule><Frequency>{freq}</Frequency></Schedule></InventoryConfiguration>')


# text holding no <Id> element (Go's regexp has no lookahead)
NOID = '(?:[^<]|<[^I]|<I[^d]|<Id[^>])*'


def order(*ids):
    """The configurations a listing holds: exactly these ids, in this order."""
    return {'like': {'': '(?s)' + NOID + ''.join(f'<Id>{i}</Id>' + NOID for i in ids)}}


def idconf(F):
    # --- inventory
    T = 'test_s3_inventory_report_crud'
    B, D = '/fid-s3-inv', 'arn:aws:s3:::fid-s3-invdest'
    def put_inv(b, cid, **kw):
        return s3('PUT', b, 'inventory&id=' + cid, raw=inventory(D, cid, **kw), headers=MD5)
    F.case(T, 'put-inventory-config', put_inv(B, 'test-inventory', fields=('Size', 'ETag')), setup=[s3('PUT', B), s3('PUT', '/fid-s3-invdest')], op='PutBucketInventoryConfiguration')
    F.case(T, 'list-inventory-config', s3('GET', B, 'inventory'), op='ListBucketInventoryConfigurations', extra=order('test-inventory'))
    F.case(T, 'get-inventory-config', s3('GET', B, 'inventory&id=test-inventory'), op='GetBucketInventoryConfiguration',
           extra={'like': {'': '(?s).*<Field>Size</Field><Field>ETag</Field>.*'}})
    F.case(T, 'del-inventory-config', s3('DELETE', B, 'inventory&id=test-inventory'), op='DeleteBucketInventoryConfiguration')
    F.case(T, 'list-inventory-config-after-del', s3('GET', B, 'inventory'), op='ListBucketInventoryConfigurations')
    F.case(T, 'get-nonexistent-inv-config', s3('GET', B, 'inventory&id=test-inventory'))
    T = 'test_s3_put_inventory_report_exceptions'
    B = '/fid-s3-invx'
    F.case(T, 'wrong-id', put_inv(B, 'test-inventory', doc_id='test-inventorywrong'), setup=[s3('PUT', B)])
    F.case(T, 'wrong-destination-arn', s3('PUT', B, 'inventory&id=test-inventory', raw=inventory('fid-s3-invdest', 'test-inventory'), headers=MD5))
    F.case(T, 'wrong-destination-format', put_inv(B, 'test-inventory', fmt='WRONG-FORMAT'))
    F.case(T, 'wrong-schedule-frequency', put_inv(B, 'test-inventory', freq='Hourly'))
    F.case(T, 'wrong-object-versions', put_inv(B, 'test-inventory', versions='Wrong'))
    F.case(T, 'wrong-optional-field', put_inv(B, 'test-inventory', fields=('TestField',)))
    T = 'test_put_bucket_inventory_config_order'
    B = '/fid-s3-invo'
    F.case(T, 'list-inventory-config', s3('GET', B, 'inventory'), setup=[s3('PUT', B)] + [put_inv(B, i) for i in ('test-1', 'z-test', 'a-test')],
           op='ListBucketInventoryConfigurations', extra=order('a-test', 'test-1', 'z-test'))
    F.case(T, 'del-inventory-config', s3('DELETE', B, 'inventory&id=z-test'), op='DeleteBucketInventoryConfiguration')
    F.case(T, 'list-inventory-config-after-del', s3('GET', B, 'inventory'), op='ListBucketInventoryConfigurations', extra=order('a-test', 'test-1'))

    # --- analytics
    T = 'test_s3_analytics_configurations'
    B = '/fid-s3-an'
    def an(cid, prefix):
        return (f'<AnalyticsConfiguration {X}><Id>{cid}</Id><Filter><Prefix>{prefix}</Prefix></Filter><StorageClassAnalysis><DataExport>'
                f'<OutputSchemaVersion>V_1</OutputSchemaVersion><Destination><S3BucketDestination><Format>CSV</Format>'
                f'<Bucket>arn:aws:s3:::fid-s3-andest</Bucket><Prefix>test</Prefix></S3BucketDestination></Destination></DataExport></StorageClassAnalysis></AnalyticsConfiguration>')
    def put_an(qid, cid, prefix):
        return s3('PUT', B, 'analytics&id=' + qid, raw=an(cid, prefix), headers=MD5)
    C1, C2 = 'config_with_storage_analysis_1', 'config_with_storage_analysis_2'
    F.case(T, 'put_config_with_storage_analysis_err', put_an('different-id', C1, 'test_ls'), setup=[s3('PUT', B), s3('PUT', '/fid-s3-andest')])
    F.case(T, 'get_config_with_storage_analysis_err', s3('GET', B, 'analytics&id=non-existing'))
    F.case(T, 'delete_config_with_storage_analysis_err', s3('DELETE', B, 'analytics&id=' + C1))
    F.case(T, 'put_config_with_storage_analysis_1', put_an(C1, C1, 'test_ls'), op='PutBucketAnalyticsConfiguration')
    F.case(T, 'get_config_with_storage_analysis_1', s3('GET', B, 'analytics&id=' + C1), op='GetBucketAnalyticsConfiguration',
           values={'AnalyticsConfiguration.Filter.Prefix': 'test_ls'}, skip=['AnalyticsConfiguration.StorageClassAnalysis.DataExport.Destination.S3BucketDestination.Bucket'])
    F.case(T, 'get_config_with_storage_analysis_2', s3('GET', B, 'analytics&id=' + C1), setup=[put_an(C1, C1, 'test_ls_2')], op='GetBucketAnalyticsConfiguration',
           values={'AnalyticsConfiguration.Filter.Prefix': 'test_ls_2'})
    F.case(T, 'get_config_with_storage_analysis_3', s3('GET', B, 'analytics&id=' + C2), setup=[put_an(C2, C2, 'test_ls_3')], op='GetBucketAnalyticsConfiguration',
           values={'AnalyticsConfiguration.Filter.Prefix': 'test_ls_3'})
    F.case(T, 'list_config_with_storage_analysis_1', s3('GET', B, 'analytics'), op='ListBucketAnalyticsConfigurations', extra=order(C1, C2))
    F.case(T, 'list_config_with_storage_analysis_2', s3('GET', B, 'analytics'), setup=[s3('DELETE', B, 'analytics&id=' + C2)], op='ListBucketAnalyticsConfigurations', extra=order(C1))

    # --- Intelligent-Tiering
    T = 'test_s3_intelligent_tier_config'
    B = '/fid-s3-it'
    def it(cid, prefix):
        return (f'<IntelligentTieringConfiguration {X}><Id>{cid}</Id><Filter><Prefix>{prefix}</Prefix></Filter><Status>Enabled</Status>'
                f'<Tiering><Days>90</Days><AccessTier>ARCHIVE_ACCESS</AccessTier></Tiering></IntelligentTieringConfiguration>')
    def put_it(qid, cid, prefix):
        return s3('PUT', B, 'intelligent-tiering&id=' + qid, raw=it(cid, prefix), headers=MD5)
    F.case(T, 'put_bucket_intelligent_tiering_configuration_err_1`', put_it('incorrect_id', 'test1', 'test1'), setup=[s3('PUT', B)])
    F.case(T, 'put_bucket_intelligent_tiering_configuration_1', put_it('test1', 'test1', 'test1'), op='PutBucketIntelligentTieringConfiguration')
    F.case(T, 'get_bucket_intelligent_tiering_configuration_1', s3('GET', B, 'intelligent-tiering&id=test1'), op='GetBucketIntelligentTieringConfiguration',
           values={'IntelligentTieringConfiguration.Filter.Prefix': 'test1', 'IntelligentTieringConfiguration.Tiering.Days': '90', 'IntelligentTieringConfiguration.Tiering.AccessTier': 'ARCHIVE_ACCESS'})
    F.case(T, 'list_bucket_intelligent_tiering_configurations_1', s3('GET', B, 'intelligent-tiering'), setup=[put_it('test2', 'test2', 'test2')],
           op='ListBucketIntelligentTieringConfigurations', extra=order('test1', 'test2'))
    F.case(T, 'list_bucket_intelligent_tiering_configurations_2', s3('GET', B, 'intelligent-tiering'), setup=[put_it('test1', 'test1', 'testupdate')],
           op='ListBucketIntelligentTieringConfigurations', extra={'like': {'': '(?s).*<Id>test1</Id><Filter><Prefix>testupdate</Prefix>.*<Id>test2</Id>.*'}})
    F.case(T, 'delete_bucket_intelligent_tiering_configuration_err_1', s3('DELETE', '/fid-s3-it-missing', 'intelligent-tiering&id=test1'), members={'BucketName': 'fid-s3-it-missing'})
    F.case(T, 'delete_bucket_intelligent_tiering_configuration_err_2', s3('DELETE', B, 'intelligent-tiering&id=test3'))
    F.case(T, 'list_bucket_intelligent_tiering_configurations_3', s3('GET', B, 'intelligent-tiering'), setup=[s3('DELETE', B, 'intelligent-tiering&id=test1')],
           op='ListBucketIntelligentTieringConfigurations', extra=order('test2'))
