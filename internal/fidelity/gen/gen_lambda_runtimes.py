#!/usr/bin/env python3
"""Writes internal/fidelity/testdata/lambda_runtimes.json: test_lambda_runtimes' validated
recordings of the Node.js ES-module handler for the runtimes installed here (nodejs20.x,
nodejs22.x). The handler is seki's own, written from the test's intent; the keys of the
CreateFunction answer are read from the snapshot file. Run from the repository, with the
LocalStack mirror at /work/.mirror/localstack+localstack/repo."""
import json
import subprocess

SNAP = 'tests/aws/services/lambda_/test_lambda_runtimes.snapshot.json'
COMMIT = '8b9a79f05846835cf4dff63ab7eefdde9df83783'
snap = json.loads(subprocess.check_output(['git', '-C', '/work/.mirror/localstack+localstack/repo', 'show', COMMIT + ':' + SNAP]))
T = 'tests/aws/services/lambda_/test_lambda_runtimes.py::TestNodeJSRuntimes::test_invoke_nodejs_es6_lambda[%s]'
ROLE = 'arn:aws:iam::${account}:role/fid-role'
code = {'es6': [{'name': 'lambda_handler_es6.mjs', 'body': 'export const handler = async (event) => ({\n  statusCode: 200,\n  body: JSON.stringify("response from localstack lambda: " + JSON.stringify(event)),\n});\n'}]}
setup = [{'service': 'iam', 'form': {'Action': 'CreateRole', 'Version': '2010-05-08', 'RoleName': 'fid-role',
          'AssumeRolePolicyDocument': '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}'}}]
cases = []
for rt in ['nodejs20.x', 'nodejs22.x']:
    rec = snap[T % rt]['recorded-content']
    created = rec['creation-result']['CreateFunctionResponse']
    keys = sorted(k for k in created if k != 'ResponseMetadata')
    fn = 'fid-es6-' + rt.replace('.', '')
    body = {'FunctionName': fn, 'Runtime': rt, 'Handler': 'lambda_handler_es6.handler', 'Role': ROLE, 'Code': {'ZipFile': '${zip:es6}'},
            'Timeout': created['Timeout'], 'Environment': {'Variables': {}}}
    cases.append({'test': T % rt, 'record': 'creation-result', 'call': {'service': 'lambda', 'method': 'POST', 'path': '/2015-03-31/functions', 'body': body},
                  'expect': {'status': 201, 'code': '', 'keys': keys, 'values': {'Runtime': rt, 'State': created['State'], 'Handler': created['Handler'], 'Environment': '{"Variables":{}}'}}})
    p = rec['invocation-result']['Payload']
    cases.append({'test': T % rt, 'record': 'invocation-result',
                  'call': {'service': 'lambda', 'method': 'POST', 'path': '/2015-03-31/functions/%s/invocations' % fn, 'raw': '{"event_type": "test_lambda"}'},
                  'expect': {'status': 200, 'code': '', 'keys': sorted(p), 'values': {'statusCode': str(p['statusCode']), 'body': p['body']},
                             'headers': {'X-Amz-Executed-Version': '$LATEST', 'X-Amz-Function-Error': '-'}}})
# CreateFunction's answer for the runtimes seki does not run (Java, Go on provided, other Node.js
# versions): creating is Lambda's API alone, so each validated create record is replayed, with the
# handler, memory, timeout and environment the test set, as the recording echoes them.
val = json.loads(subprocess.check_output(['git', '-C', '/work/.mirror/localstack+localstack/repo', 'show', COMMIT + ':' + SNAP.replace('snapshot', 'validation')]))
have = {(c['test'], c['record']) for c in cases}
code['any'] = [{'name': 'handler.py', 'body': 'def handler(event, context):\n    return event\n'}]
n = 0
for t in sorted(val):
    for record, r in snap.get(t, {}).get('recorded-content', {}).items():
        if not record.startswith('creat') or (t, record) in have or not isinstance(r, dict):
            continue
        r = r.get('CreateFunctionResponse', r)
        if 'Runtime' not in r:
            continue
        n += 1
        rt = r['Runtime']
        body = {'FunctionName': 'fid-rt-%d' % n, 'Runtime': rt, 'Handler': r['Handler'], 'Role': ROLE, 'Code': {'ZipFile': '${zip:any}'},
                'Timeout': r['Timeout'], 'MemorySize': r['MemorySize']}
        values = {'Runtime': rt, 'State': r['State'], 'Handler': r['Handler'], 'Timeout': str(r['Timeout']), 'MemorySize': str(r['MemorySize'])}
        if 'Environment' in r:
            body['Environment'] = r['Environment']
            values['Environment'] = json.dumps(r['Environment'], separators=(',', ':'))
        c = {'test': t, 'record': record, 'call': {'service': 'lambda', 'method': 'POST', 'path': '/2015-03-31/functions', 'body': body},
             'expect': {'status': 201, 'code': '', 'keys': sorted(k for k in r if k != 'ResponseMetadata'), 'values': values}}
        if rt == 'nodejs16.x':
            c['known'] = ('AWS recorded this create in November 2025, before nodejs16.x\'s "block function create" date (lambda-runtimes.html, '
                          'Deprecated runtimes); that date has passed, and seki refuses the runtime as AWS does now')
        cases.append(c)
json.dump({'snapshot': SNAP, 'commit': COMMIT, 'setup': setup, 'cases': cases, 'code': code}, open('internal/fidelity/testdata/lambda_runtimes.json', 'w'), indent=1)
print(len(cases))
