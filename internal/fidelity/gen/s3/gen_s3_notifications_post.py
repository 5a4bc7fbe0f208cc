"""test_s3_notifications_lambda's presigned-request case
(test_create_object_by_presigned_request_via_dynamodb, record "items"):
an object written by a presigned PUT and then by a browser POST upload
(boto3's generate_presigned_post, posted as requests posts it) notifies a
Python function that writes each event to DynamoDB; the table is scanned
and its two items compared, sorted by eventName as the test sorts them.

The rest of internal/fidelity/testdata/s3_notifications_lambda.json was
written by hand; this script replaces only its own case there (run from
this directory: python3 gen_s3_notifications_post.py)."""
import json, os
import s3lib
from s3lib import s3
from s3_post import form, presign

T = ('tests/aws/services/s3/test_s3_notifications_lambda.py::TestS3NotificationsToLambda::'
     'test_create_object_by_presigned_request_via_dynamodb')
N = 'fid-s3ddb-post'
B = '/fid-notif-ddb-post'
PUT_BODY, POST_BODY = 'by_presigned_put', 'by post method 1'


def iam(action, **kw):
    return {'service': 'iam', 'form': {'Action': action, 'Version': '2010-05-08', **kw}}


def setup():
    trust = {'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Principal': {'Service': 'lambda.amazonaws.com'}, 'Action': 'sts:AssumeRole'}]}
    perms = {'Version': '2012-10-17', 'Statement': [
        {'Effect': 'Allow', 'Action': ['dynamodb:PutItem'], 'Resource': f'arn:aws:dynamodb:*:*:table/{N}'},
        {'Effect': 'Allow', 'Action': ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'], 'Resource': '*'}]}
    notif = ('<NotificationConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><CloudFunctionConfiguration>'
             f'<CloudFunction>arn:aws:lambda:us-east-1:${{account}}:function:{N}</CloudFunction><Event>s3:ObjectCreated:*</Event>'
             '</CloudFunctionConfiguration></NotificationConfiguration>')
    put = s3('PUT', f'{B}/{N}', raw=PUT_BODY)
    put['presign'] = {'expires': 60}  # generate_presigned_url(put_object), sent with requests.put
    post = form(B, presign(B[1:], N), POST_BODY)
    post['status'] = 204
    return [
        iam('CreateRole', RoleName=N, AssumeRolePolicyDocument=json.dumps(trust, separators=(',', ':'))),
        iam('PutRolePolicy', RoleName=N, PolicyName='table', PolicyDocument=json.dumps(perms, separators=(',', ':'))),
        {'service': 'dynamodb', 'target': 'DynamoDB_20120810.CreateTable', 'body': {
            'TableName': N, 'KeySchema': [{'AttributeName': 'uuid', 'KeyType': 'HASH'}],
            'AttributeDefinitions': [{'AttributeName': 'uuid', 'AttributeType': 'S'}], 'BillingMode': 'PAY_PER_REQUEST'}},
        {'service': 'lambda', 'method': 'POST', 'path': '/2015-03-31/functions', 'body': {
            'FunctionName': N, 'Runtime': 'python3.12', 'Handler': 'handler.handler', 'Role': f'arn:aws:iam::${{account}}:role/{N}',
            'Environment': {'Variables': {'TABLE': N}}, 'Code': {'ZipFile': '${zip:s3toddb}'}}},
        {'service': 'lambda', 'method': 'POST', 'path': f'/2015-03-31/functions/{N}/policy', 'body': {
            'StatementId': '1', 'Action': 'lambda:InvokeFunction', 'Principal': 's3.amazonaws.com'}},
        s3('PUT', B),
        s3('PUT', B, 'notification', raw=notif),
        put,
        post,
    ]


def expect(items):
    """The facts of the recorded items: their event's shape and fixed
    values; what the snapshot abstracted (ids, times, addresses) as
    patterns."""
    e = {'status': 200, 'code': '', 'absent': [f'Items.{len(items)}'], 'shapes': {}, 'values': {}, 'like': {}}

    def walk(path, v):
        # a DynamoDB attribute value: {"M": {...}}, {"S": "..."}, {"N": "..."}
        (t, x), = v.items()
        p = f'{path}.{t}'
        if t == 'M':
            if path.count('.') >= 2:  # the event's maps, not the item itself
                e['shapes'][p] = sorted(x)
            for k, sub in x.items():
                walk(f'{p}.{k}', sub)
            return
        if x == 'date':
            e['like'][p] = r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z'
        elif x == 'sequencer':
            e['like'][p] = '[0-9A-F]+'
        elif x.startswith('<ip-address'):
            e['like'][p] = '[0-9a-f.:]+'
        elif x == '<region>':
            e['values'][p] = 'us-east-1'
        elif x.startswith('<bucket-name'):
            e['values'][p] = B[1:]
        elif x.startswith('<object-key'):
            e['values'][p] = N
        elif x.startswith('arn:<partition>:s3:::'):
            e['values'][p] = 'arn:aws:s3:::' + B[1:]
        elif x in ('amz-id', 'amz-request-id') or x.startswith('<'):
            e['like'][p] = '.+'
        else:
            e['values'][p] = x

    for i, item in enumerate(items):
        walk(f'Items.{i}.data', item['data'])
        e['like'][f'Items.{i}.uuid.S'] = '.+'
    # The test sorts the scanned items by their event's name.
    e['keep'] = {'Items': {'key': 'data.M.eventName.S', 'like': '.', 'sort': 'data.M.eventName.S'}}
    return e


def main():
    snap = s3lib.recorded('tests/aws/services/s3/test_s3_notifications_lambda.snapshot.json')
    items = snap[T]['recorded-content']['items']
    case = {'test': T, 'record': 'items', 'until': 30000, 'setup': setup(),
            'call': {'service': 'dynamodb', 'target': 'DynamoDB_20120810.Scan', 'body': {'TableName': N}},
            'expect': expect(items)}
    p = os.path.join(s3lib.HERE, '..', '..', 'testdata', 's3_notifications_lambda.json')
    doc = json.load(open(p))
    doc['cases'] = [c for c in doc['cases'] if (c['test'], c['record']) != (T, 'items')] + [case]
    json.dump(doc, open(p, 'w'), indent=1, ensure_ascii=False)
    open(p, 'a').write('\n')
    print('s3_notifications_lambda', len(doc['cases']), 'cases')


if __name__ == '__main__':
    main()
