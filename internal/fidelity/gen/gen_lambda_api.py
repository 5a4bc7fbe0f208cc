#!/usr/bin/env python3
"""Appends to internal/fidelity/testdata/lambda_api.json the test_lambda_api cases written by the
lambdafid helper: error cases here, success answers in lambda_api_ok.py (idempotent: a case already
there is skipped); run from the repository: python3 internal/fidelity/gen/gen_lambda_api.py"""
import json
P='internal/fidelity/testdata/lambda_api.json'
rec=json.load(open(P))
T='tests/aws/services/lambda_/test_lambda_api.py::'
have={(c['test'],c['record']) for c in rec['cases']}
ROLE='arn:aws:iam::${account}:role/fid-role'
ARN='arn:aws:lambda:${region}:${account}:function:'
new=[]
def case(test, record, call, expect, setup=None, known=None):
    c={'test':T+test,'record':record}
    if setup: c['setup']=setup
    c['call']=call; c['expect']=expect
    if known: c['known']=known
    if (c['test'],record) not in have: new.append(c)
def create(name, runtime='python3.12', handler='index.handler', code=None, **kw):
    b={'FunctionName':name,'Runtime':runtime,'Handler':handler,'Role':ROLE,'Code':code or {'ZipFile':'${zip}'}}
    b.update(kw)
    return {'service':'lambda','method':'POST','path':'/2015-03-31/functions','body':b}
def ipv(msg, status=400, code='InvalidParameterValueException', member='message'):
    return {'status':status,'code':code,'message':msg,'members':{member:'*','Type':'User'}}
for rt in ['dotnetcore3.1','go1.x','java8','nodejs12.x','nodejs14.x','provided','python3.7','ruby2.7']:
    case('TestRuntimeValidation::test_create_deprecated_function_runtime_with_validation_enabled[%s]' % rt, 'deprecation_error',
         create('fid-dep', runtime=rt, handler='index.handler'),
         ipv('The runtime parameter of %s is no longer supported for creating or updating AWS Lambda functions. We recommend you use a supported runtime while creating or updating functions.' % rt))
S3E = 'TestLambdaFunction::test_lambda_code_location_s3_errors'
case(S3E, 'create-error-wrong-bucket', create('fid-s3e', code={'S3Bucket': 'fid-nobucket', 'S3Key': 'x.zip'}),
     ipv('Error occurred while GetObject. S3 Error Code: NoSuchBucket. S3 Error Message: The specified bucket does not exist'))
case(S3E, 'create-error-wrong-key', create('fid-s3e', code={'S3Bucket': 'fid-api-bucket', 'S3Key': 'nokey.zip'}),
     ipv('Error occurred while GetObject. S3 Error Code: NoSuchKey. S3 Error Message: The specified key does not exist.'),
     setup=[{'service': 's3', 'method': 'PUT', 'path': '/fid-api-bucket'}])
case(S3E, 'update-error-wrong-bucket', {'service': 'lambda', 'method': 'PUT', 'path': '/2015-03-31/functions/fid-fn/code', 'body': {'S3Bucket': 'fid-nobucket', 'S3Key': 'x.zip'}},
     ipv('Error occurred while GetObject. S3 Error Code: NoSuchBucket. S3 Error Message: The specified bucket does not exist'))
case(S3E, 'update-error-wrong-key', {'service': 'lambda', 'method': 'PUT', 'path': '/2015-03-31/functions/fid-fn/code', 'body': {'S3Bucket': 'fid-api-bucket', 'S3Key': 'nokey.zip'}},
     ipv('Error occurred while GetObject. S3 Error Code: NoSuchKey. S3 Error Message: The specified key does not exist.'))
L = 'TestLambdaLayer::test_layer_function_exceptions'
pubL = {'service': 'lambda', 'method': 'POST', 'path': '/2018-10-31/layers/fid-layer2/versions', 'body': {'Content': {'ZipFile': '${zip}'}}}
LA = 'arn:aws:lambda:${region}:${account}:layer:fid-layer2:'
def layers(*v):
    return {'service': 'lambda', 'method': 'PUT', 'path': '/2015-03-31/functions/fid-fn/configuration', 'body': {'Layers': [LA + x for x in v]}}
TWO = 'Two different versions of the same layer are not allowed to be referenced in the same function. %s and %s are versions of the same layer.'
case(L, 'two_layer_versions_single_function_exc', layers('1', '2'), ipv(TWO % (LA + '1', LA + '2')), setup=[pubL, pubL, pubL])
case(L, 'three_layer_versions_single_function_exc', layers('1', '2', '3'), ipv(TWO % (LA + '1', LA + '2')))
case(L, 'two_identical_layer_versions_single_function_exc', layers('1', '1'), ipv(TWO % (LA + '1', LA + '1')))
case('TestLambdaReservedConcurrency::test_function_concurrency_exceptions', 'put_function_concurrency_with_function_name_doesnotexist_and_invalid_concurrency',
     {'service': 'lambda', 'method': 'PUT', 'path': '/2017-10-31/functions/doesnotexist/concurrency', 'body': {'ReservedConcurrentExecutions': -1}},
     {'status': 404, 'code': 'ResourceNotFoundException', 'message': 'Function not found: ' + ARN + 'doesnotexist:$LATEST', 'members': {'Message': '*', 'Type': 'User'}})
case('TestLambdaFunction::test_function_lifecycle', 'delete_postdelete', {'service': 'lambda', 'method': 'DELETE', 'path': '/2015-03-31/functions/fid-life2'},
     {'status': 404, 'code': 'ResourceNotFoundException', 'message': 'Function not found: ' + ARN + 'fid-life2', 'members': {'Message': '*', 'Type': 'User'}},
     setup=[create('fid-life2'), {'service': 'lambda', 'method': 'DELETE', 'path': '/2015-03-31/functions/fid-life2'}])
case('TestLambdaTags::test_tag_lifecycle', 'list_tags_postdelete', {'service': 'lambda', 'method': 'GET', 'path': '/2017-03-31/tags/' + ARN + 'fid-life2'},
     {'status': 404, 'code': 'ResourceNotFoundException', 'message': 'Function not found: ' + ARN + 'fid-life2', 'members': {'Message': '*', 'Type': 'User'}})
case('TestLambdaPermissions::test_lambda_permission_fn_versioning', 'get_policy_after_publishing_new_version',
     {'service': 'lambda', 'method': 'GET', 'path': '/2015-03-31/functions/fid-pv/policy', 'query': 'Qualifier=2'},
     {'status': 404, 'code': 'ResourceNotFoundException', 'message': 'The resource you requested does not exist.', 'members': {'Message': '*', 'Type': 'User'}},
     setup=[create('fid-pv'), {'service': 'lambda', 'method': 'POST', 'path': '/2015-03-31/functions/fid-pv/versions', 'body': {}},
            {'service': 'lambda', 'method': 'POST', 'path': '/2015-03-31/functions/fid-pv/policy', 'query': 'Qualifier=1', 'body': {'StatementId': 's1', 'Action': 'lambda:InvokeFunction', 'Principal': '${account}'}},
            {'service': 'lambda', 'method': 'PUT', 'path': '/2015-03-31/functions/fid-pv/configuration', 'body': {'Description': 'changed'}},
            {'service': 'lambda', 'method': 'POST', 'path': '/2015-03-31/functions/fid-pv/versions', 'body': {}}])
big = 'x' * 4064
env = '{"SMALL_VAR":"ok","LARGE_VAR":"%s"}' % big
case('TestLambdaSizeLimits::test_large_environment_fails_multiple_keys', 'failured_create_fn_result_multi_key',
     create('fid-bigenv', Environment={'Variables': {'SMALL_VAR': 'ok', 'LARGE_VAR': big}}),
     ipv('Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: ' + env))
for kind, label, nf in [('event-source-mapping', 'event_source_mapping', 'Event source mapping not found: '), ('capacity-provider', 'capacity_provider', 'Capacity provider not found: ')]:
    TT = 'TestLambdaTag::test_tag_exceptions[%s]' % label
    a = 'arn:aws:lambda:${region}:${account}:%s:%s' % (kind, '0123abcd-0000-0000-0000-000000000000' if kind == 'event-source-mapping' else 'fid-cp')
    NF = {'status': 404, 'code': 'ResourceNotFoundException', 'message': nf + a, 'members': {'Message': '*', 'Type': 'User'}}
    K = 'seki tags functions only: an %s ARN, although it matches the recorded pattern, is refused with the pattern ValidationException (400) instead of the not-found answer' % kind
    case(TT, 'not_found_exception_tag', {'service': 'lambda', 'method': 'POST', 'path': '/2017-03-31/tags/' + a, 'body': {'Tags': {'a': 'b'}}}, NF)
    case(TT, 'not_found_exception_untag', {'service': 'lambda', 'method': 'DELETE', 'path': '/2017-03-31/tags/' + a, 'query': 'tagKeys=a'}, NF)
    case(TT, 'not_found_exception_list', {'service': 'lambda', 'method': 'GET', 'path': '/2017-03-31/tags/' + a}, NF)
exec(open(__file__.replace('gen_lambda_api.py', 'lambda_api_ok.py')).read())
rec['cases'].extend(new)
json.dump(rec, open(P, 'w'), indent=1)
print(len(new), len(rec['cases']))
