"""Appends to testdata/dynamodb.json the replay cases of the validated recordings of
test_dynamodb that it does not have yet: our own requests, and the facts
(facts.py) taken mechanically from each recorded answer. Run from any directory:
python3 internal/fidelity/gen/gen_ddb.py"""
import json, sys, base64, ast, re
from facts import facts
import os
from facts import recorded
HERE = os.path.dirname(os.path.abspath(__file__))
WT = os.path.join(HERE, '..', 'testdata', 'dynamodb.json')
snap = recorded('tests/aws/services/dynamodb/test_dynamodb.snapshot.json')
val = recorded('tests/aws/services/dynamodb/test_dynamodb.validation.json')
data = json.load(open(WT))
have = {(c['test'], c['record']) for c in data['cases']}
P = 'tests/aws/services/dynamodb/test_dynamodb.py::TestDynamoDB::'
BASE = {'<partition>': 'aws', '111111111111': '${account}', '<region>': '${region}'}
def d(op, body, **kw):
    s = {'service': 'dynamodb', 'method': 'POST', 'path': '/', 'target': 'DynamoDB_20120810.' + op, 'body': body}
    s.update(kw)
    return s
def b64(rep):  # botocore's repr of bytes in the snapshot
    return base64.b64encode(ast.literal_eval(rep)).decode()
def binfix(o):
    if isinstance(o, dict):
        return {k: (b64(v) if k == 'B' and isinstance(v, str) and v.startswith("b'") else binfix(v)) for k, v in o.items()}
    if isinstance(o, list):
        return [binfix(x) for x in o]
    return o
out = []
TOL = {'BillingModeSummary': ['LastUpdateToPayPerRequestDateTime'], 'ProvisionedThroughput': ['LastDecreaseDateTime', 'LastIncreaseDateTime']}
def case(test, record, call, m=None, setup=None, **kw):
    test = P + test
    assert test in val, test
    if (test, record) in have: return
    rec = binfix(snap[test]['recorded-content'][record])
    mm = dict(BASE); mm.update(m or {})
    kw.setdefault('tolerate', TOL)
    if isinstance(rec, str):  # str(botocore's ClientError): code and message only
        mt = re.fullmatch(r"An error occurred \((\w+)\) when calling the \w+ operation: (.*)", rec, re.S)
        rec = {'Error': {'Code': mt.group(1), 'Message': mt.group(2)}, 'ResponseMetadata': {'HTTPStatusCode': 400}}
    e, _ = facts(call['target'].split('.')[-1], rec, mm, proto='json', **kw)
    c = {'test': test, 'record': record}
    if setup: c['setup'] = setup
    c['call'] = call; c['expect'] = e
    out.append(c)
def key(*names):
    return [{'AttributeName': n, 'KeyType': ['HASH', 'RANGE'][i]} for i, n in enumerate(names)]
def defs(**types):
    return [{'AttributeName': n, 'AttributeType': t} for n, t in types.items()]
PT = {'ReadCapacityUnits': 5, 'WriteCapacityUnits': 5}
def table(name, ks=('id',), ad=None, **kw):
    b = {'TableName': name, 'KeySchema': key(*ks), 'AttributeDefinitions': ad or defs(**{k: 'S' for k in ks}), 'ProvisionedThroughput': PT}
    b.update(kw)
    if b.get('BillingMode') == 'PAY_PER_REQUEST':
        b.pop('ProvisionedThroughput')
    return b
TAGS = [{'Key': 'Name', 'Value': 'fid'}]

# LSI query
case('test_valid_local_secondary_index', 'Items',
     d('Query', {'TableName': 'fid-lsi', 'IndexName': 'LSI1', 'KeyConditionExpression': 'PK = :v1', 'ExpressionAttributeValues': {':v1': {'S': 'test one'}}, 'Select': 'ALL_ATTRIBUTES'}),
     setup=[d('CreateTable', table('fid-lsi', ('PK', 'SK'), defs(PK='S', SK='S', LSI1SK='N'), Tags=TAGS,
              LocalSecondaryIndexes=[{'IndexName': 'LSI1', 'KeySchema': key('PK', 'LSI1SK'), 'Projection': {'ProjectionType': 'ALL'}}])),
            d('PutItem', {'TableName': 'fid-lsi', 'Item': {'SK': {'S': 'hello'}, 'LSI1SK': {'N': '123'}, 'PK': {'S': 'test one'}}})])
# empty and binary values
case('test_empty_and_binary_values', 'PutFirstItem', d('PutItem', {'TableName': 'fid-eb', 'Item': {'id': {'S': 'id1'}, 'data': {'S': ''}}}),
     setup=[d('CreateTable', table('fid-eb'))])
case('test_empty_and_binary_values', 'PutSecondItem', d('PutItem', {'TableName': 'fid-eb', 'Item': {'id': {'S': 'id2'}, 'data': {'B': base64.b64encode(b'\x90').decode()}}}))
# batch write binary
case('test_batch_write_binary', 'Response', d('BatchWriteItem', {'RequestItems': {'fid-bb': [
        {'PutRequest': {'Item': {'PK': {'S': 'hello-1'}, 'SK': {'S': 'user-1'}, 'data': {'B': base64.b64encode(b'test-1').decode()}}}},
        {'PutRequest': {'Item': {'PK': {'S': 'hello-2'}, 'SK': {'S': 'user-2'}, 'data': {'B': base64.b64encode(b'test \xc0 \xed').decode()}}}}]}}),
     setup=[d('CreateTable', table('fid-bb', ('PK', 'SK'), BillingMode='PAY_PER_REQUEST')),
            d('PutItem', {'TableName': 'fid-bb', 'Item': {'PK': {'S': 'hello'}, 'SK': {'S': 'user'}, 'data': {'B': base64.b64encode(b'test').decode()}}})])
# binary data read back (the test writes it with TransactWriteItems; this older case stores the same item with PutItem, WriteResponse below replays the transaction)
case('test_transaction_write_binary_data', 'GetItem', d('GetItem', {'TableName': 'fid-tb', 'Key': {'id': {'S': 'someUser'}}}), at='Item',
     setup=[d('CreateTable', table('fid-tb', Tags=TAGS)), d('PutItem', {'TableName': 'fid-tb', 'Item': {'id': {'S': 'someUser'}, 'binaryData': {'B': base64.b64encode(b'foobar').decode()}}})])
# data encoding (the test's table has a stream; the items' answers do not depend on it)
case('test_data_encoding_consistency', 'GetItem', d('GetItem', {'TableName': 'fid-enc', 'Key': {'id': {'S': 'id1'}}}), at='Item',
     setup=[d('CreateTable', table('fid-enc')), d('PutItem', {'TableName': 'fid-enc', 'Item': {'id': {'S': 'id1'}, 'version': {'N': '1'}, 'data': {'B': base64.b64encode(b'\x90').decode()}}})])
case('test_data_encoding_consistency', 'GetItemAfterUpdate', d('GetItem', {'TableName': 'fid-enc', 'Key': {'id': {'S': 'id1'}}}), at='Item',
     setup=[d('UpdateItem', {'TableName': 'fid-enc', 'Key': {'id': {'S': 'id1'}}, 'UpdateExpression': 'SET version=:v', 'ExpressionAttributeValues': {':v': {'N': '2'}}})])
# writes of the streaming tests (seki serves no streams: the writes' answers only)
case('test_batch_write_items_streaming', 'put-item-1', d('PutItem', {'TableName': 'fid-bws', 'Item': {'id': {'S': 'Fred'}}}), setup=[d('CreateTable', table('fid-bws'))])
case('test_batch_write_items_streaming', 'batch-write-response-overwrite-item-1', d('BatchWriteItem', {'RequestItems': {'fid-bws': [
    {'PutRequest': {'Item': {'id': {'S': 'Fred'}}}}, {'PutRequest': {'Item': {'id': {'S': 'NewKey'}}}}]}}))
case('test_batch_write_items_streaming', 'batch-write-response-delete', d('BatchWriteItem', {'RequestItems': {'fid-bws': [
    {'DeleteRequest': {'Key': {'id': {'S': 'NewKey'}}}}, {'PutRequest': {'Item': {'id': {'S': 'Fred'}, 'name': {'S': 'Fred'}}}}]}}))
case('test_transact_write_items_streaming', 'put-item-1', d('PutItem', {'TableName': 'fid-tws', 'Item': {'id': {'S': 'Fred'}}}), setup=[d('CreateTable', table('fid-tws'))])
t = 'test_transact_write_items_streaming_for_different_tables'
case(t, 'create-table-no-stream', d('CreateTable', table('fid-nostream')), {'<table-name:2>': 'fid-nostream', '<table-name:1>': 'fid-nostream'})
# GSIs and billing modes
for mode in ['PAY_PER_REQUEST', 'PROVISIONED']:
    name = 'fid-gsi-' + mode[:3].lower()
    gsi = {'IndexName': 'TransactionRecordID', 'KeySchema': key('TRID'), 'Projection': {'ProjectionType': 'ALL'}}
    if mode == 'PROVISIONED':
        gsi['ProvisionedThroughput'] = {'ReadCapacityUnits': 1, 'WriteCapacityUnits': 1}
    body = table(name, ('TID',), defs(TID='S', TRID='S'), BillingMode=mode, GlobalSecondaryIndexes=[gsi])
    m = {'<table-name:1>': name}
    case('test_gsi_with_billing_mode[%s]' % mode, 'create-table-with-gsi', d('CreateTable', body), m)
    case('test_gsi_with_billing_mode[%s]' % mode, 'describe-table', d('DescribeTable', {'TableName': name}), m)
# warm throughput
m = {'<table-name:1>': 'fid-warm'}
case('test_table_warm_throughput', 'create-table', d('CreateTable', table('fid-warm', WarmThroughput={'ReadUnitsPerSecond': 1000, 'WriteUnitsPerSecond': 1200})), m)
case('test_table_warm_throughput', 'describe-table', d('DescribeTable', {'TableName': 'fid-warm'}), m)
# transactions (TransactWriteItems / TransactGetItems)
def arn(name):
    return 'arn:aws:dynamodb:${region}:${account}:table/' + name
def twi(*items):
    return d('TransactWriteItems', {'TransactItems': list(items)})
def four(tbl):
    return twi({'ConditionCheck': {'TableName': tbl, 'ConditionExpression': 'attribute_not_exists(id)', 'Key': {'id': {'S': 'test1'}}}},
               {'Put': {'TableName': tbl, 'Item': {'id': {'S': 'test2'}}}},
               {'Update': {'TableName': tbl, 'Key': {'id': {'S': 'test3'}}, 'UpdateExpression': 'SET attr1 = :v1, attr2 = :v2',
                           'ExpressionAttributeValues': {':v1': {'S': 'value1'}, ':v2': {'S': 'value2'}}}},
               {'Delete': {'TableName': tbl, 'Key': {'id': {'S': 'test4'}}}})
case('test_transaction_write_items', 'Response', four('fid-twi'), setup=[d('CreateTable', table('fid-twi', Tags=TAGS))])
case('test_transaction_write_items', 'Response_using_table_arn', four(arn('fid-twi-arn')), setup=[d('CreateTable', table('fid-twi-arn', Tags=TAGS))])
case('test_transaction_write_canceled', 'Error',
     twi({'ConditionCheck': {'TableName': 'fid-twc', 'ConditionExpression': 'attribute_not_exists(Username)', 'Key': {'Username': {'S': 'Fred'}}}},
         {'Delete': {'TableName': 'fid-twc', 'Key': {'Username': {'S': 'Bert'}}}}),
     setup=[d('CreateTable', table('fid-twc', ('Username',))), d('PutItem', {'TableName': 'fid-twc', 'Item': {'Username': {'S': 'Fred'}}})])
case('test_transaction_write_binary_data', 'WriteResponse',
     twi({'Put': {'TableName': 'fid-twb', 'Item': {'id': {'S': 'someUser'}, 'binaryData': {'B': base64.b64encode(b'foobar').decode()}}}}),
     setup=[d('CreateTable', table('fid-twb', Tags=TAGS))])
def tgi(tbl, id):
    return d('TransactGetItems', {'TransactItems': [{'Get': {'Key': {'id': {'S': id}}, 'TableName': tbl}}]})
case('test_transact_get_items', 'TransactGetItems', tgi('fid-tgi', 'John'),
     setup=[d('CreateTable', table('fid-tgi')), d('PutItem', {'TableName': 'fid-tgi', 'Item': {'id': {'S': 'John'}}})])
case('test_transact_get_items', 'TransactGetItems-with-TableArn', tgi(arn('fid-tgi-arn'), 'Sarah'),
     setup=[d('CreateTable', table('fid-tgi-arn')), d('PutItem', {'TableName': 'fid-tgi-arn', 'Item': {'id': {'S': 'Sarah'}}})])
t = 'test_transact_write_items_streaming'
upd = lambda k, e, v: {'Update': {'TableName': 'fid-tws2', 'Key': {'id': {'S': k}}, 'UpdateExpression': e, 'ExpressionAttributeValues': v}}
case(t, 'transact-write-response-overwrite', twi({'Put': {'TableName': 'fid-tws2', 'Item': {'id': {'S': 'Fred'}}}}, {'Put': {'TableName': 'fid-tws2', 'Item': {'id': {'S': 'NewKey'}}}}),
     setup=[d('CreateTable', table('fid-tws2')), d('PutItem', {'TableName': 'fid-tws2', 'Item': {'id': {'S': 'Fred'}}})])
case(t, 'transact-write-response-update', twi(upd('NewKey', 'SET attr1 = :v1, attr2 = :v2', {':v1': {'S': 'value1'}, ':v2': {'S': 'value2'}})))
case(t, 'transact-write-update-insert', twi(upd('NonExistentKey', 'SET attr1 = :v1', {':v1': {'S': 'value1'}})))
case(t, 'transact-write-response-delete', twi({'Delete': {'TableName': 'fid-tws2', 'Key': {'id': {'S': 'NewKey'}}}},
     {'Put': {'TableName': 'fid-tws2', 'Item': {'id': {'S': 'Fred'}, 'name': {'S': 'Fred'}}}}, upd('NonExistentKey', 'SET attr1 = :v1', {':v1': {'S': 'value1'}})))
case('test_transact_write_items_streaming_for_different_tables', 'transact-write-two-tables',
     twi({'Put': {'TableName': 'fid-twt1', 'Item': {'id': {'S': 'Fred'}}}}, {'Put': {'TableName': 'fid-twt2', 'Item': {'id': {'S': 'Fred'}}}}),
     setup=[d('CreateTable', table('fid-twt1')), d('CreateTable', table('fid-twt2'))])
def idem(item):
    return d('TransactWriteItems', {'ClientRequestToken': 'dedupe_token', 'TransactItems': [{'Put': {'TableName': 'fid-idem', 'Item': item}}]})
case('test_dynamodb_idempotent_writing', 'Response1', idem({'id': {'S': 'id1'}, 'name': {'S': 'name1'}}),
     setup=[d('CreateTable', table('fid-idem', ('id', 'name')))])
case('test_dynamodb_idempotent_writing', 'Response2', idem({'name': {'S': 'name1'}, 'id': {'S': 'id1'}}))

# DynamoDB Streams: the streaming tests' tables, with their streams (the writes' own answers are replayed above)
SM = {'starting-sequence-number': '<starting-sequence-number>'}
def ds(op, body, **kw):
    s = {'service': 'dynamodb', 'method': 'POST', 'path': '/', 'target': 'DynamoDBStreams_20120810.' + op, 'body': body}
    s.update(kw)
    return s
def stable(name, view, ks=('id',)):
    return table(name, ks, StreamSpecification={'StreamEnabled': True, 'StreamViewType': view})
def js(v):
    return json.dumps(v, separators=(',', ':'), sort_keys=True)
def every_record(test, record):
    """The facts take the first record; every record's event, keys and images are checked too."""
    if not out or out[-1]['test'] != P + test or out[-1]['record'] != record:
        return  # written by an earlier run: kept as it is
    c = out[-1]
    recs = binfix(snap[P + test]['recorded-content'][record])
    recs = recs['Records'] if isinstance(recs, dict) else recs
    e = c['expect']
    for i, r in enumerate(recs):
        for k in ('eventName', 'eventSource', 'eventVersion'):
            e.setdefault('values', {})['Records.%d.%s' % (i, k)] = r[k]
        e['values']['Records.%d.dynamodb.SizeBytes' % i] = str(r['dynamodb']['SizeBytes'])
        e['values']['Records.%d.dynamodb.Keys' % i] = js(r['dynamodb']['Keys'])
        for img in ('NewImage', 'OldImage'):
            if img in r['dynamodb']:
                e['values']['Records.%d.dynamodb.%s' % (i, img)] = js(r['dynamodb'][img])
            else:
                e.setdefault('absent', []).append('Records.%d.dynamodb.%s' % (i, img))
    e.setdefault('absent', []).append('Records.%d' % len(recs))
    if '' in e['shapes'] and 'NextShardIterator' not in e['shapes']['']:
        e['shapes'][''].append('?NextShardIterator')  # the test kept the records alone
def stream_steps(v, table_name):
    return [ds('DescribeStream', {'StreamArn': '${%s}' % v}, save={v + '-shard': 'StreamDescription.Shards.0.ShardId'}),
            ds('GetShardIterator', {'StreamArn': '${%s}' % v, 'ShardId': '${%s-shard}' % v, 'ShardIteratorType': 'TRIM_HORIZON'}, save={v + '-it': 'ShardIterator'})]
# test_dynamodb_stream_stream_view_type (KEYS_ONLY). The test's last three changes were PartiQL statements
# (INSERT, UPDATE, DELETE of Alice); seki serves no PartiQL, so our requests make the same changes with PutItem, UpdateItem, DeleteItem.
t = 'test_dynamodb_stream_stream_view_type'
case(t, 'create-table', d('CreateTable', stable('fid-sv', 'KEYS_ONLY', ('Username',)), save={'sv': 'TableDescription.LatestStreamArn'}), SM)
sv_writes = [d('PutItem', {'TableName': 'fid-sv', 'Item': {'Username': {'S': 'Fred'}}}), d('PutItem', {'TableName': 'fid-sv', 'Item': {'Username': {'S': 'Fred'}}}),
             d('UpdateItem', {'TableName': 'fid-sv', 'Key': {'Username': {'S': 'Fred'}}, 'UpdateExpression': 'set S=:r', 'ExpressionAttributeValues': {':r': {'S': 'Fred_Modified'}}, 'ReturnValues': 'UPDATED_NEW'}),
             d('DeleteItem', {'TableName': 'fid-sv', 'Key': {'Username': {'S': 'Fred'}}})]
case(t, 'describe-stream', ds('DescribeStream', {'StreamArn': '${sv}'}, save={'sv-shard': 'StreamDescription.Shards.0.ShardId', 'sv-start': 'StreamDescription.Shards.0.SequenceNumberRange.StartingSequenceNumber'}), SM, setup=sv_writes)
alice = [d('PutItem', {'TableName': 'fid-sv', 'Item': {'Username': {'S': 'Alice'}}}),
         d('UpdateItem', {'TableName': 'fid-sv', 'Key': {'Username': {'S': 'Alice'}}, 'UpdateExpression': 'SET partiql = :one', 'ExpressionAttributeValues': {':one': {'N': '1'}}}),
         d('DeleteItem', {'TableName': 'fid-sv', 'Key': {'Username': {'S': 'Alice'}}})]
case(t, 'get-shard-iterator', ds('GetShardIterator', {'StreamArn': '${sv}', 'ShardId': '${sv-shard}', 'ShardIteratorType': 'AT_SEQUENCE_NUMBER', 'SequenceNumber': '${sv-start}'}, save={'sv-it': 'ShardIterator'}), SM, setup=alice)
case(t, 'get-records', ds('GetRecords', {'ShardIterator': '${sv-it}'}), SM)
every_record(t, 'get-records')
# table and key names as the tests had them where the recorded Keys/images show them
t = 'test_batch_write_items_streaming'
case(t, 'create-table', d('CreateTable', stable('fid-bws-s', 'NEW_AND_OLD_IMAGES'), save={'bws': 'TableDescription.LatestStreamArn'}), SM)
case(t, 'describe-stream', ds('DescribeStream', {'StreamArn': '${bws}'}, save={'bws-shard': 'StreamDescription.Shards.0.ShardId'}), SM)
case(t, 'get-records', ds('GetRecords', {'ShardIterator': '${bws-it}'}), SM, setup=[
    ds('GetShardIterator', {'StreamArn': '${bws}', 'ShardId': '${bws-shard}', 'ShardIteratorType': 'TRIM_HORIZON'}, save={'bws-it': 'ShardIterator'}),
    d('PutItem', {'TableName': 'fid-bws-s', 'Item': {'id': {'S': 'Fred'}}}),
    d('BatchWriteItem', {'RequestItems': {'fid-bws-s': [{'PutRequest': {'Item': {'id': {'S': 'Fred'}}}}, {'PutRequest': {'Item': {'id': {'S': 'NewKey'}}}}]}}),
    d('BatchWriteItem', {'RequestItems': {'fid-bws-s': [{'DeleteRequest': {'Key': {'id': {'S': 'NewKey'}}}}, {'PutRequest': {'Item': {'id': {'S': 'Fred'}, 'name': {'S': 'Fred'}}}}]}})])
every_record(t, 'get-records')
t = 'test_dynamodb_stream_records_with_update_item'
upd2 = lambda a, b: d('UpdateItem', {'TableName': 'fid-sru', 'Key': {'id': {'S': 'my-item-id'}}, 'UpdateExpression': 'SET attr1 = :v1, attr2 = :v2', 'ExpressionAttributeValues': {':v1': {'S': a}, ':v2': {'S': b}}})
case(t, 'create-table', d('CreateTable', stable('fid-sru', 'NEW_AND_OLD_IMAGES'), save={'sru': 'TableDescription.LatestStreamArn'}), SM)
case(t, 'describe-stream', ds('DescribeStream', {'StreamArn': '${sru}'}, save={'sru-shard': 'StreamDescription.Shards.0.ShardId'}), SM)
case(t, 'get-shard-iterator', ds('GetShardIterator', {'StreamArn': '${sru}', 'ShardId': '${sru-shard}', 'ShardIteratorType': 'TRIM_HORIZON'}, save={'sru-it': 'ShardIterator'}), SM)
case(t, 'get-records', ds('GetRecords', {'ShardIterator': '${sru-it}'}), SM, setup=[upd2('value1', 'value2'), upd2('value1', 'value2'), upd2('value2', 'value3')])
every_record(t, 'get-records')
t = 'test_transact_write_items_streaming'
updS = lambda k, e, v: {'Update': {'TableName': 'fid-tws-s', 'Key': {'id': {'S': k}}, 'UpdateExpression': e, 'ExpressionAttributeValues': v}}
case(t, 'create-table', d('CreateTable', stable('fid-tws-s', 'NEW_AND_OLD_IMAGES'), save={'tws': 'TableDescription.LatestStreamArn'}), SM)
case(t, 'describe-stream', ds('DescribeStream', {'StreamArn': '${tws}'}, save={'tws-shard': 'StreamDescription.Shards.0.ShardId'}), SM)
case(t, 'get-records', ds('GetRecords', {'ShardIterator': '${tws-it}'}), SM, setup=[
    ds('GetShardIterator', {'StreamArn': '${tws}', 'ShardId': '${tws-shard}', 'ShardIteratorType': 'TRIM_HORIZON'}, save={'tws-it': 'ShardIterator'}),
    d('PutItem', {'TableName': 'fid-tws-s', 'Item': {'id': {'S': 'Fred'}}}),
    twi({'Put': {'TableName': 'fid-tws-s', 'Item': {'id': {'S': 'Fred'}}}}, {'Put': {'TableName': 'fid-tws-s', 'Item': {'id': {'S': 'NewKey'}}}}),
    twi(updS('NewKey', 'SET attr1 = :v1, attr2 = :v2', {':v1': {'S': 'value1'}, ':v2': {'S': 'value2'}})),
    twi(updS('NonExistentKey', 'SET attr1 = :v1', {':v1': {'S': 'value1'}})),
    twi({'Delete': {'TableName': 'fid-tws-s', 'Key': {'id': {'S': 'NewKey'}}}}, {'Put': {'TableName': 'fid-tws-s', 'Item': {'id': {'S': 'Fred'}, 'name': {'S': 'Fred'}}}},
        updS('NonExistentKey', 'SET attr1 = :v1', {':v1': {'S': 'value1'}}))])
every_record(t, 'get-records')
t = 'test_transact_write_items_streaming_for_different_tables'
case(t, 'create-table-stream', d('CreateTable', stable('fid-twt-s', 'NEW_AND_OLD_IMAGES'), save={'twt': 'TableDescription.LatestStreamArn'}), SM)
case(t, 'describe-stream', ds('DescribeStream', {'StreamArn': '${twt}'}, save={'twt-shard': 'StreamDescription.Shards.0.ShardId'}), SM,
     setup=[d('CreateTable', table('fid-twt-n'))])
case(t, 'get-records', ds('GetRecords', {'ShardIterator': '${twt-it}'}), SM, setup=[
    ds('GetShardIterator', {'StreamArn': '${twt}', 'ShardId': '${twt-shard}', 'ShardIteratorType': 'TRIM_HORIZON'}, save={'twt-it': 'ShardIterator'}),
    twi({'Put': {'TableName': 'fid-twt-s', 'Item': {'id': {'S': 'Fred'}}}}, {'Put': {'TableName': 'fid-twt-n', 'Item': {'id': {'S': 'Fred'}}}})])
every_record(t, 'get-records')
t = 'test_data_encoding_consistency'
case(t, 'GetRecords', ds('GetRecords', {'ShardIterator': '${enc-it}'}), at='Records.0.dynamodb.NewImage', setup=[
    d('CreateTable', stable('fid-enc-s', 'NEW_AND_OLD_IMAGES'), save={'enc': 'TableDescription.LatestStreamArn'}),
    d('PutItem', {'TableName': 'fid-enc-s', 'Item': {'id': {'S': 'id1'}, 'version': {'N': '1'}, 'data': {'B': base64.b64encode(b'\x90').decode()}}}),
    ds('DescribeStream', {'StreamArn': '${enc}'}, save={'enc-shard': 'StreamDescription.Shards.0.ShardId', 'enc-start': 'StreamDescription.Shards.0.SequenceNumberRange.StartingSequenceNumber'}),
    ds('GetShardIterator', {'StreamArn': '${enc}', 'ShardId': '${enc-shard}', 'ShardIteratorType': 'AT_SEQUENCE_NUMBER', 'SequenceNumber': '${enc-start}'}, save={'enc-it': 'ShardIterator'})])
case(t, 'GetRecordsAfterUpdate', ds('GetRecords', {'ShardIterator': '${enc-it}'}), at='Records.1.dynamodb.NewImage', setup=[
    d('UpdateItem', {'TableName': 'fid-enc-s', 'Key': {'id': {'S': 'id1'}}, 'UpdateExpression': 'SET version=:v', 'ExpressionAttributeValues': {':v': {'N': '2'}}})])
# Kinesis streaming destinations (test_kinesis_streaming_destination_crud): a Kinesis data stream of seki's own Kinesis, a table, and
# every step of the test; the destination is ACTIVE as soon as Enable answers, so the test's wait for ACTIVE is a plain Describe here.
def kin(op, body, **kw):
    s = {'service': 'kinesis', 'method': 'POST', 'path': '/', 'target': 'Kinesis_20131202.' + op, 'body': body}
    s.update(kw)
    return s
t = 'test_kinesis_streaming_destination_crud'
KARN = 'arn:aws:kinesis:${region}:${account}:stream/fid-kds'
KM = {'<stream-arn:1>': KARN, '<table-name:1>': 'fid-kds', '<table-id>': '${kds-tid}'}
kds_setup = [kin('CreateStream', {'StreamName': 'fid-kds', 'ShardCount': 1}), d('CreateTable', table('fid-kds')),
             d('DescribeTable', {'TableName': 'fid-kds'}, save={'kds-tid': 'Table.TableId'})]
case(t, 'enable-bad-table', d('EnableKinesisStreamingDestination', {'TableName': 'bad-table', 'StreamArn': KARN}), KM, setup=kds_setup)
case(t, 'enable', d('EnableKinesisStreamingDestination', {'TableName': 'fid-kds', 'StreamArn': KARN}), KM)
case(t, 'describe', d('DescribeKinesisStreamingDestination', {'TableName': 'fid-kds'}), KM)
case(t, 'update-missing-params', d('UpdateKinesisStreamingDestination', {'TableName': 'fid-kds', 'StreamArn': KARN}), KM)
case(t, 'update-bad-precision', d('UpdateKinesisStreamingDestination', {'TableName': 'fid-kds', 'StreamArn': KARN,
     'UpdateKinesisStreamingConfiguration': {'ApproximateCreationDateTimePrecision': 'SECOND'}}), KM)
case(t, 'update-bad-stream-arn', d('UpdateKinesisStreamingDestination', {'TableName': 'fid-kds', 'StreamArn': 'arn:aws:kinesis:${region}:${account}:stream/bad-stream',
     'UpdateKinesisStreamingConfiguration': {'ApproximateCreationDateTimePrecision': 'MICROSECOND'}}), KM)
case(t, 'update', d('UpdateKinesisStreamingDestination', {'TableName': 'fid-kds', 'StreamArn': KARN,
     'UpdateKinesisStreamingConfiguration': {'ApproximateCreationDateTimePrecision': 'MICROSECOND'}}), KM)
case(t, 'update-no-idempotency', d('UpdateKinesisStreamingDestination', {'TableName': 'fid-kds', 'StreamArn': KARN,
     'UpdateKinesisStreamingConfiguration': {'ApproximateCreationDateTimePrecision': 'MICROSECOND'}}), KM)
case(t, 'disable-bad-table', d('DisableKinesisStreamingDestination', {'TableName': 'bad-table', 'StreamArn': KARN}), KM)
case(t, 'disable', d('DisableKinesisStreamingDestination', {'TableName': 'fid-kds', 'StreamArn': KARN}), KM)
# PartiQL's empty parameter list: the request framework's error (seki runs no statement, but validates the request as DynamoDB does)
t = 'test_dynamodb_execute_statement_empy_parameter'
case(t, 'invalid-param-error', d('ExecuteStatement', {'Statement': 'SELECT * FROM "fid-pq"', 'Parameters': []}),
     setup=[d('CreateTable', table('fid-pq', ('Artist', 'SongTitle'))),
            d('PutItem', {'TableName': 'fid-pq', 'Item': {'Artist': {'S': 'The Queen'}, 'SongTitle': {'S': 'Bohemian Rhapsody'}}})])
data['cases'] += out
json.dump(data, open(WT, 'w'), indent=1)
open(WT, 'a').write('\n')
print(len(out), 'new;', len(data['cases']))
