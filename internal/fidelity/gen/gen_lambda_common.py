#!/usr/bin/env python3
"""Writes internal/fidelity/testdata/lambda_common.json: test_lambda_common's validated
recordings for the runtimes installed here (python3.9-3.13, nodejs20.x, nodejs22.x): the
CreateFunction answers and the uncaught-exception invocation. The functions are seki's own,
written from each scenario's intent. Run from the repository."""
import json

T = 'tests/aws/services/lambda_/test_lambda_common.py::TestLambdaRuntimesCommon::'
ROLE = 'arn:aws:iam::${account}:role/fid-role'
FNKEYS = ['Architectures', 'CodeSha256', 'CodeSize', 'Description', 'EphemeralStorage', 'FunctionArn', 'FunctionName', 'Handler', 'LastModified',
          'LoggingConfig', 'MemorySize', 'PackageType', 'RevisionId', 'Role', 'Runtime', 'RuntimeVersionConfig', 'SnapStart', 'State', 'StateReason',
          'StateReasonCode', 'Timeout', 'TracingConfig', 'Version']
UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'
code = {
    'py_raise': [{'name': 'handler.py', 'body': 'import json\n\n\ndef handler(event, ctx):\n    print(json.dumps(event))\n    raise Exception("Failed: " + str(event.get("error_msg")))\n'}],
    'js_raise': [{'name': 'index.js', 'body': 'exports.handler = async (event) => {\n  throw Error(`Error: ${event.error_msg}`);\n};\n'}],
    'py_intro': [{'name': 'handler.py', 'body': 'import os\n\n\ndef handler(event, ctx):\n    return {"environment": dict(os.environ)}\n'},
                 {'name': 'environment_wrapper', 'body': '#!/bin/bash\nexport WRAPPER_VAR=set\nexec "$@"\n', 'mode': 493}],
    'js_intro': [{'name': 'index.js', 'body': 'exports.handler = async () => ({ environment: process.env });\n'},
                 {'name': 'environment_wrapper', 'body': '#!/bin/bash\nexport WRAPPER_VAR=set\nexec "$@"\n', 'mode': 493}],
}
setup = [{'service': 'iam', 'form': {'Action': 'CreateRole', 'Version': '2010-05-08', 'RoleName': 'fid-role',
          'AssumeRolePolicyDocument': '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}'}}]
cases = []


def create(name, rt, zipname, **kw):
    b = {'FunctionName': name, 'Runtime': rt, 'Handler': 'handler.handler' if rt.startswith('python') else 'index.handler', 'Role': ROLE,
         'Code': {'ZipFile': '${zip:%s}' % zipname}, 'MemorySize': 1024}
    b.update(kw)
    return {'service': 'lambda', 'method': 'POST', 'path': '/2015-03-31/functions', 'body': b}


def shape(rt, extra=(), values=None):
    v = {'State': 'Pending', 'StateReasonCode': 'Creating', 'MemorySize': '1024', 'Runtime': rt}
    v.update(values or {})
    return {'status': 201, 'code': '', 'keys': sorted(FNKEYS + list(extra)), 'values': v}


for rt in ['python3.9', 'python3.10', 'python3.11', 'python3.12', 'python3.13', 'nodejs20.x', 'nodejs22.x']:
    py = rt.startswith('python')
    tag = rt.replace('.', '')
    u = 'test_uncaught_exception_invoke[%s]' % rt
    fn = 'fid-raise-' + tag
    cases.append({'test': T + u, 'record': 'create_function_result', 'call': create(fn, rt, 'py_raise' if py else 'js_raise'), 'expect': shape(rt)})
    call = {'service': 'lambda', 'method': 'POST', 'path': '/2015-03-31/functions/%s/invocations' % fn, 'raw': '{"error_msg": "some_error_msg"}'}
    if py:
        e = {'keys': ['errorMessage', 'errorType', 'requestId', 'stackTrace'], 'values': {'errorMessage': 'Failed: some_error_msg', 'errorType': 'Exception'}, 'like': {'requestId': UUID}}
    else:
        e = {'keys': ['errorType', 'errorMessage', 'trace'], 'values': {'errorType': 'Error', 'errorMessage': 'Error: some_error_msg'}, 'has': ['trace.0']}
    e.update({'status': 200, 'code': '', 'headers': {'X-Amz-Function-Error': 'Unhandled', 'X-Amz-Executed-Version': '$LATEST'}})
    cases.append({'test': T + u, 'record': 'error_result', 'call': call, 'expect': e})
    cases.append({'test': T + 'test_introspection_invoke[%s]' % rt, 'record': 'create_function_result',
                  'call': create('fid-intro-' + tag, rt, 'py_intro' if py else 'js_intro', Environment={'Variables': {'TEST_KEY': 'TEST_VAL'}}),
                  'expect': shape(rt, ['Environment'], {'Environment.Variables.TEST_KEY': 'TEST_VAL'})})
    cases.append({'test': T + 'test_runtime_wrapper_invoke[%s]' % rt, 'record': 'create_function_result',
                  'call': create('fid-wrap-' + tag, rt, 'py_intro' if py else 'js_intro', Environment={'Variables': {'AWS_LAMBDA_EXEC_WRAPPER': '/var/task/environment_wrapper'}}),
                  'expect': shape(rt, ['Environment'], {'Environment.Variables.AWS_LAMBDA_EXEC_WRAPPER': '/var/task/environment_wrapper'})})

# CreateFunction's answer for the runtimes seki does not run: creating the function is Lambda's
# API alone, so its recorded answer is replayed for every validated runtime (the handler and
# environment each test set, as the recording echoes them).
import subprocess
snap = json.loads(subprocess.check_output(['git', '-C', '/work/.mirror/localstack+localstack/repo', 'show', 'HEAD:tests/aws/services/lambda_/test_lambda_common.snapshot.json']))
val = json.loads(subprocess.check_output(['git', '-C', '/work/.mirror/localstack+localstack/repo', 'show', 'HEAD:tests/aws/services/lambda_/test_lambda_common.validation.json']))
have = {(c['test'], c['record']) for c in cases}
DEPRECATED = {'python3.8', 'nodejs16.x'}
for t in sorted(val):
    if not t.startswith(T) or t not in snap or (t, 'create_function_result') in have:
        continue
    r = snap[t]['recorded-content'].get('create_function_result')
    if not r:
        continue
    rt = r['Runtime']
    kind = t[len(T):].split('[')[0].replace('test_', '').split('_')[0]
    fn = 'fid-c-%s-%s' % (kind, rt.replace('.', ''))
    kw = {'Handler': r['Handler']}
    extra, values = [], {'Handler': r['Handler']}
    if 'Environment' in r:
        kw['Environment'] = r['Environment']
        extra = ['Environment']
        for k, v in r['Environment']['Variables'].items():
            values['Environment.Variables.' + k] = v
    c = {'test': t, 'record': 'create_function_result', 'call': create(fn, rt, 'py_raise', **kw), 'expect': shape(rt, extra, values)}
    if rt in DEPRECATED:
        c['known'] = ('AWS recorded this create in November 2025, before %s\'s "block function create" date (lambda-runtimes.html, '
                      'Deprecated runtimes); that date has passed, and seki refuses the runtime as AWS does now' % rt)
    cases.append(c)

rec = {'snapshot': 'tests/aws/services/lambda_/test_lambda_common.snapshot.json', 'commit': '8b9a79f05846835cf4dff63ab7eefdde9df83783',
       'setup': setup, 'cases': cases, 'code': code}
json.dump(rec, open('internal/fidelity/testdata/lambda_common.json', 'w'), indent=1)
print(len(cases))
