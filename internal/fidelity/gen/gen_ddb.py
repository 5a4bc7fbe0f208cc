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
data['cases'] += out
json.dump(data, open(WT, 'w'), indent=1)
open(WT, 'a').write('\n')
print(len(out), 'new;', len(data['cases']))
