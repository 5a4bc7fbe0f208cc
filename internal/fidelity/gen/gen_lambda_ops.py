#!/usr/bin/env python3
"""Writes the replay cases of the Lambda operations the lambdaops helper added (event invoke
configs, provisioned concurrency, code signing configs) into testdata/lambda_api.json and
testdata/lambda.json: our own requests (written from each test's intent), the facts (facts.py)
read mechanically from each validated recording. The cases of the tests it owns are replaced,
every other case is kept. Run from any directory: python3 internal/fidelity/gen/gen_lambda_ops.py"""
import os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lambda_ops_lib import File, create, publish, alias, call, A, ROLE  # noqa: E402

api = File('lambda_api.json', 'tests/aws/services/lambda_/test_lambda_api', 'tests/aws/services/lambda_/test_lambda_api.py::')

# --- event invoke configs ---------------------------------------------------------------------


def eic(method, fn, q=None, body=None, suffix=''):
    return call(method, '/2019-09-25/functions/%s/event-invoke-config%s' % (fn, suffix), q, body)


FN_SHAPE = dict(opaque=('LastModified',))
E = 'TestLambdaEventInvokeConfig::test_lambda_eventinvokeconfig_exceptions'
M = {'<function-name:1>': 'fid-eic', '<resource:5>': 'fid-eic2', '<resource:2>': 'fid-role'}
api.case(E, 'fn_version_result', publish('fid-eic'), M, setup=[create('fid-eic'), create('fid-eic2')], **FN_SHAPE)
api.case(E, 'fn_alias_result', alias('fid-eic', 'eventinvokealias'), M)
for rec, fn, body in [
    ('put_functionname_name_notfound', 'doesnotexist', {'MaximumRetryAttempts': 1}),
    ('put_functionname_arn_notfound', A + 'doesnotexist', {'MaximumRetryAttempts': 1}),
    ('put_functionname_nootherargs', 'doesnotexist', {}),
    ('put_destination_lambda_doesntexist', 'fid-eic', {'DestinationConfig': {'OnSuccess': {'Destination': A + 'doesnotexist'}}}),
    ('put_destination_recursive', 'fid-eic', {'DestinationConfig': {'OnSuccess': {'Destination': A + 'fid-eic'}}}),
    ('put_destination_other_lambda', 'fid-eic', {'DestinationConfig': {'OnSuccess': {'Destination': A + 'fid-eic2'}}}),
    ('put_destination_invalid_service_arn', 'fid-eic', {'DestinationConfig': {'OnSuccess': {'Destination': 'arn:aws:iam:${region}:${account}:function:fid-eic'}}}),
    ('put_destination_success_no_destination_arn', 'fid-eic', {'DestinationConfig': {'OnSuccess': {}}}),
    ('put_destination_failure_no_destination_arn', 'fid-eic', {'DestinationConfig': {'OnFailure': {}}}),
    ('put_destination_invalid_arn_pattern', 'fid-eic', {'DestinationConfig': {'OnFailure': {'Destination': 'arn:aws:_-/!lambda:${region}:${account}:function:fid-eic'}}}),
]:
    api.case(E, rec, eic('PUT', fn, body=body), M)
R1 = {'MaximumRetryAttempts': 1}
for rec, fn, q in [
    ('put_destination_latest', 'fid-eic', None),
    ('put_destination_latest_explicit_qualifier', 'fid-eic', '$LATEST'),
    ('put_destination_version', 'fid-eic', '1'),
    ('put_alias_functionname_qualifier', 'fid-eic', 'eventinvokealias'),
    ('put_alias_doesnotexist', 'fid-eic', 'eventinvokealiasdoesnotexist'),
    ('put_alias_qualifiedarn', A + 'fid-eic:eventinvokealias', None),
    ('put_alias_qualifiedarn_qualifier', A + 'fid-eic:eventinvokealias', 'eventinvokealias'),
    ('put_alias_qualifiedarn_qualifierconflict', A + 'fid-eic:eventinvokealias', 'eventinvokealiasdoesnotexist'),
    ('put_alias_shorthand', 'fid-eic:eventinvokealias', None),
    ('put_alias_shorthand_qualifier', 'fid-eic:eventinvokealias', 'eventinvokealias'),
    ('put_alias_shorthand_qualifierconflict', 'fid-eic:eventinvokealias', 'eventinvokealiasdoesnotexist'),
    ('put_version_shorthand', 'fid-eic:1', None),
    ('put_shorthand_qualifier_match', 'fid-eic:$LATEST', '$LATEST'),
    ('put_shorthand_qualifier_mismatch_1', 'fid-eic:1', '$LATEST'),
    ('put_shorthand_qualifier_mismatch_2', 'fid-eic:$LATEST', '1'),
    ('put_shorthand_qualifier_mismatch_3', 'fid-eic:1', 'eventinvokealias'),
]:
    api.case(E, rec, eic('PUT', fn, q, R1), M)
for rec, method, q, body in [
    ('put_maxevent_maxvalue_result', 'PUT', None, {'MaximumRetryAttempts': 2, 'MaximumEventAgeInSeconds': 21600}),
    ('put_pre_overwrite', 'PUT', None, {'MaximumRetryAttempts': 2, 'MaximumEventAgeInSeconds': 60}),
    ('put_post_overwrite', 'PUT', None, {'MaximumRetryAttempts': 0}),
    ('second_overwrite_existing_response', 'PUT', None, {'MaximumRetryAttempts': 0}),
    ('get_post_overwrite', 'GET', None, None),
    ('pre_update_response', 'PUT', None, {'MaximumRetryAttempts': 2, 'MaximumEventAgeInSeconds': 60}),
    ('update_response', 'POST', None, {'MaximumRetryAttempts': 0}),
    ('update_response_existing', 'POST', None, {'MaximumRetryAttempts': 0}),
]:
    api.case(E, rec, eic(method, 'fid-eic', q, body), M)
api.case(E, 'list_configs', eic('GET', 'fid-eic', suffix='/list'), M)
for rec, q in [('delete_latest', '$LATEST'), ('delete_version', '1'), ('delete_alias', 'eventinvokealias')]:
    api.case(E, rec, eic('DELETE', 'fid-eic', q), M)
api.case(E, 'list_configs_postdelete', eic('GET', 'fid-eic', suffix='/list'), M)
for rec, method, fn, q, body, suffix in [
    ('delete_function_not_found', 'DELETE', 'fid-eic', None, None, ''),
    ('delete_function_doesnotexist', 'DELETE', 'doesnotexist', None, None, ''),
    ('list_function_doesnotexist', 'GET', 'doesnotexist', None, None, '/list'),
    ('get_function_doesnotexist', 'GET', 'doesnotexist', None, None, ''),
    ('get_qualifier_doesnotexist', 'GET', 'fid-eic', 'doesnotexist', None, ''),
    ('update_eventinvokeconfig_function_doesnotexist', 'POST', 'doesnotexist', None, {'MaximumRetryAttempts': 0}, ''),
    ('get_eventinvokeconfig_doesnotexist', 'GET', A + 'fid-eic:eventinvokealias', None, None, ''),
    ('update_eventinvokeconfig_config_doesnotexist_with_qualifier', 'POST', 'fid-eic', 'eventinvokealias', {'MaximumRetryAttempts': 0}, ''),
    ('update_eventinvokeconfig_config_doesnotexist_without_qualifier', 'POST', 'fid-eic', None, {'MaximumRetryAttempts': 0}, ''),
]:
    api.case(E, rec, eic(method, fn, q, body, suffix), M)

L = 'TestLambdaEventInvokeConfig::test_lambda_eventinvokeconfig_lifecycle'
ML = {'<function-name:1>': 'fid-eicl', '<resource:2>': 'fid-role'}
api.case(L, 'put_invokeconfig_retries_0', eic('PUT', 'fid-eicl', body={'MaximumRetryAttempts': 0}), ML, setup=[create('fid-eicl')])
api.case(L, 'put_invokeconfig_eventage_60', eic('PUT', 'fid-eicl', body={'MaximumEventAgeInSeconds': 60}), ML)
api.case(L, 'update_invokeconfig_eventage_nochange', eic('POST', 'fid-eicl', body={'MaximumEventAgeInSeconds': 60}), ML)
api.case(L, 'update_invokeconfig_retries', eic('POST', 'fid-eicl', body={'MaximumRetryAttempts': 1}), ML)
api.case(L, 'get_invokeconfig', eic('GET', 'fid-eicl'), ML)
api.case(L, 'get_invokeconfig_latest', eic('GET', 'fid-eicl', '$LATEST'), ML)
api.case(L, 'list_single_invokeconfig', eic('GET', 'fid-eicl', suffix='/list'), ML)
api.case(L, 'publish_version_result', publish('fid-eicl'), ML, **FN_SHAPE)
api.case(L, 'get_invokeconfig_postpublish', eic('GET', 'fid-eicl', '1'), ML)
api.case(L, 'put_published_invokeconfig', eic('PUT', 'fid-eicl', '1', {'MaximumEventAgeInSeconds': 120}), ML)
api.case(L, 'get_published_invokeconfig', eic('GET', 'fid-eicl', '1'), ML)
api.case(L, 'list_paging_nolimit_postdelete', eic('GET', 'fid-eicl', suffix='/list'), ML, setup=[eic('DELETE', 'fid-eicl')])

api.case('TestLambdaFunction::test_ops_on_nonexisting_version[get_function_event_invoke_config]', 'version_not_found_exception',
         eic('GET', 'fid-eic', '1221'), {'<fn-name>': 'fid-eic'})
api.case('TestLambdaFunction::test_ops_on_nonexisting_fn[get_function_event_invoke_config]', 'not_found_exception',
         eic('GET', 'nofn'), {'<nonexisting-fn-name>': 'nofn'})
api.case('TestLambdaFunction::test_get_function_wrong_region[get_function_event_invoke_config]', 'wrong_region_exception',
         eic('GET', 'arn:aws:lambda:ap-southeast-1:${account}:function:fid-eic'), {'<wrong-region>': 'ap-southeast-1'})

# --- provisioned concurrency -----------------------------------------------------------------


def pc(method, fn, q=None, body=None, raw=None):
    s = call(method, '/2019-09-30/functions/%s/provisioned-concurrency' % fn, q, body)
    if raw is not None:
        s['raw'] = raw
    return s


def pclist(fn):
    s = pc('GET', fn)
    s['query'] = 'List=ALL'
    return s


P = 'TestLambdaProvisionedConcurrency::test_provisioned_concurrency_exceptions'
MP = {'<function-name:1>': 'fid-pce', '<resource:2>': 'fid-role'}
api.case(P, 'publish_version_result', publish('fid-pce'), MP, setup=[create('fid-pce')], **FN_SHAPE)
for rec, method, fn, q, body in [
    ('get_provisioned_config_doesnotexist', 'GET', 'fid-pce', '1', None),
    ('get_provisioned_functionname_doesnotexist', 'GET', 'doesnotexist', 'noalias', None),
    ('get_provisioned_qualifier_doesnotexist', 'GET', 'fid-pce', 'noalias', None),
    ('get_provisioned_version_doesnotexist', 'GET', 'fid-pce', '10', None),
    ('get_provisioned_latest', 'GET', 'fid-pce', '$LATEST', None),
]:
    api.case(P, rec, pc(method, fn, q, body), MP)
api.case(P, 'list_provisioned_noconfigs', pclist('fid-pce'), MP)
api.case(P, 'list_provisioned_functionname_doesnotexist', pclist('doesnotexist'), MP)
for rec, method, fn, q, body in [
    ('delete_provisioned_functionname_doesnotexist', 'DELETE', 'doesnotexist', '1', None),
    ('delete_provisioned_qualifier_doesnotexist', 'DELETE', 'fid-pce', 'noalias', None),
    ('delete_provisioned_version_doesnotexist', 'DELETE', 'fid-pce', '10', None),
    ('delete_provisioned_latest', 'DELETE', 'fid-pce', '$LATEST', None),
    ('delete_provisioned_config_doesnotexist', 'DELETE', 'fid-pce', '1', None),
    ('put_provisioned_invalid_param_0', 'PUT', 'fid-pce', '1', {'ProvisionedConcurrentExecutions': 0}),
    ('put_provisioned_functionname_doesnotexist_alias', 'PUT', 'doesnotexist', 'noalias', {'ProvisionedConcurrentExecutions': 1}),
    ('put_provisioned_functionname_doesnotexist_version', 'PUT', 'doesnotexist', '1', {'ProvisionedConcurrentExecutions': 1}),
    ('put_provisioned_qualifier_doesnotexist', 'PUT', 'fid-pce', 'doesnotexist', {'ProvisionedConcurrentExecutions': 1}),
    ('put_provisioned_version_doesnotexist', 'PUT', 'fid-pce', '10', {'ProvisionedConcurrentExecutions': 1}),
    ('put_provisioned_latest', 'PUT', 'fid-pce', '$LATEST', {'ProvisionedConcurrentExecutions': 1}),
]:
    api.case(P, rec, pc(method, fn, q, body), MP)

# The account's limits: its unreserved concurrency (what the replay's other functions leave) is
# read first, so the cases hold whatever else the file reserved before them.
PL = 'TestLambdaProvisionedConcurrency::test_provisioned_concurrency_limits'
ML2 = {'<unreserved_concurrency>': '${unreserved}', '<min_unreserved_concurrency>': '100'}
settings = {'service': 'lambda', 'method': 'GET', 'path': '/2016-08-19/account-settings', 'save': {'unreserved': 'AccountLimit.UnreservedConcurrentExecutions'}}
api.case(PL, 'put_provisioned_concurrency_account_limit_exceeded', pc('PUT', 'fid-pcl', '1', raw='{"ProvisionedConcurrentExecutions": 1001}'), ML2,
         setup=[create('fid-pcl'), publish('fid-pcl'), settings])
api.case(PL, 'put_provisioned_concurrency_below_unreserved_min_value', pc('PUT', 'fid-pcl', '1', raw='{"ProvisionedConcurrentExecutions": ${unreserved}}'), ML2)

PC = 'TestLambdaProvisionedConcurrency::test_lambda_provisioned_lifecycle'
MC = {'<function-name:1>': 'fid-pclc', '<resource:2>': 'fid-role', '<alias-name>': 'pcalias'}
api.case(PC, 'publish_version_result', publish('fid-pclc'), MC, setup=[create('fid-pclc')], **FN_SHAPE)
api.case(PC, 'create_alias_result', alias('fid-pclc', 'pcalias'), MC)
ONE = {'ProvisionedConcurrentExecutions': 1}
for rec, method, q, body in [
    ('put_provisioned_on_version', 'PUT', '1', ONE),
    ('put_provisioned_on_alias_versionconflict', 'PUT', 'pcalias', ONE),
    ('delete_provisioned_version', 'DELETE', '1', None),
    ('get_provisioned_version_postdelete', 'GET', '1', None),
    ('put_provisioned_on_alias', 'PUT', 'pcalias', ONE),
    ('put_provisioned_on_version_conflict', 'PUT', '1', ONE),
]:
    api.case(PC, rec, pc(method, 'fid-pclc', q, body), MC)
api.case(PC, 'delete_alias_result', call('DELETE', '/2015-03-31/functions/fid-pclc/aliases/pcalias'), MC)
api.case(PC, 'get_provisioned_alias_postaliasdelete', pc('GET', 'fid-pclc', 'pcalias'), MC)
api.case(PC, 'list_response_postdeletes', pclist('fid-pclc'), MC)

# --- code signing configs ----------------------------------------------------------------------
CSC = '/2020-04-22/code-signing-configs'
SIGNER = 'arn:aws:signer:${region}:${account}:/signing-profiles/test'
BAD = 'arn:aws:lambda:${region}:${account}:code-signing-config:csc-0000000000000000x'


def fcsc(method, fn, body=None):
    return call(method, '/2020-06-30/functions/%s/code-signing-config' % fn, body=body)


def create_csc(save):
    s = call('POST', CSC, body={'Description': 'Testing CodeSigning Config', 'AllowedPublishers': {'SigningProfileVersionArns': [SIGNER]},
                                'CodeSigningPolicies': {'UntrustedArtifactOnDeployment': 'Enforce'}})
    s['save'] = {save: 'CodeSigningConfig.CodeSigningConfigArn', save + 'id': 'CodeSigningConfig.CodeSigningConfigId'}
    return s


F = 'TestCodeSigningConfig::test_function_code_signing_config'
MF = {'<function-name:1>': 'fid-csc1', '<resource:1>': '${csc1id}'}
api.case(F, 'create_code_signing_config', create_csc('csc1'), MF, setup=[create('fid-csc1')])
api.case(F, 'update_code_signing_config', call('PUT', CSC + '/${csc1}', body={'CodeSigningPolicies': {'UntrustedArtifactOnDeployment': 'Warn'}}), MF)
api.case(F, 'get_code_signing_config', call('GET', CSC + '/${csc1}'), MF)
api.case(F, 'put_function_code_signing_config', fcsc('PUT', 'fid-csc1', {'CodeSigningConfigArn': '${csc1}'}), MF)
api.case(F, 'get_function_code_signing_config', fcsc('GET', 'fid-csc1'), MF)
# The recording keeps the list's last item; here the list holds this one config.
api.case(F, 'list_code_signing_configs', call('GET', CSC), MF, at='CodeSigningConfigs.0')
api.case(F, 'list_functions_by_code_signing_config', call('GET', CSC + '/${csc1}/functions'), MF)
api.case(F, 'delete_function_code_signing_config', fcsc('DELETE', 'fid-csc1'), MF)
api.case(F, 'delete_code_signing_config', call('DELETE', CSC + '/${csc1}'), MF)

N = 'TestCodeSigningConfig::test_code_signing_not_found_excs'
MN = {'<function-name:1>': 'fid-csc2', '<resource:1>': '${csc2id}', '<csc_arn_invalid>': BAD}
api.case(N, 'create_code_signing_config', create_csc('csc2'), MN, setup=[create('fid-csc2')])
for rec, step in [
    ('delete_csc_notfound', call('DELETE', CSC + '/' + BAD)),
    ('nothing_to_delete_response', fcsc('DELETE', 'fid-csc2')),
    ('delete_function_csc_fnnotfound', fcsc('DELETE', 'csc-test-doesnotexist')),
    ('put_function_csc_invalid_fnname', fcsc('PUT', 'csc-test-doesnotexist', {'CodeSigningConfigArn': '${csc2}'})),
    ('put_function_csc_invalid_csc_arn', fcsc('PUT', 'fid-csc2', {'CodeSigningConfigArn': BAD})),
    ('put_function_csc_invalid_both', fcsc('PUT', 'csc-test-doesnotexist', {'CodeSigningConfigArn': BAD})),
    ('update_csc_invalid_csc_arn', call('PUT', CSC + '/' + BAD, body={'Description': 'new-description'})),
    ('update_csc_noupdates', call('PUT', CSC + '/' + BAD, body={})),
    ('update_csc_noupdate_response', call('PUT', CSC + '/${csc2}', body={})),
    ('get_csc_invalid', call('GET', CSC + '/' + BAD)),
    ('get_function_csc_fnwithoutcsc', fcsc('GET', 'fid-csc2')),
    ('get_function_csc_nonexistingfn', fcsc('GET', 'csc-test-doesnotexist')),
    ('list_functions_by_csc_fnwithoutcsc', call('GET', CSC + '/${csc2}/functions')),
    ('list_functions_by_csc_invalid_cscarn', call('GET', CSC + '/' + BAD + '/functions')),
]:
    api.case(N, rec, step, MN)
api.case('TestLambdaFunction::test_ops_on_nonexisting_fn[get_function_code_signing_config]', 'not_found_exception',
         fcsc('GET', 'nofn'), {'<nonexisting-fn-name>': 'nofn'})
api.case('TestLambdaFunction::test_get_function_wrong_region[get_function_code_signing_config]', 'wrong_region_exception',
         fcsc('GET', 'arn:aws:lambda:ap-southeast-1:${account}:function:fid-csc2'), {'<wrong-region>': 'ap-southeast-1'})

# --- event source mappings (SQS) ----------------------------------------------------------------


def esm(method, uuid=None, body=None):
    return call(method, '/2015-03-31/event-source-mappings' + ('/' + uuid if uuid else ''), body=body)


X = 'TestLambdaEventSourceMappings::test_event_source_mapping_exceptions'
UNKNOWN = '4c9e3b1f-7a2d-4e8b-9f61-0d5a3c2b1e70'
api.case(X, 'get_unknown_uuid', esm('GET', UNKNOWN))
api.case(X, 'delete_unknown_uuid', esm('DELETE', UNKNOWN))
api.case(X, 'update_unknown_uuid', esm('PUT', UNKNOWN, {'Enabled': False}))
Q = 'arn:aws:sqs:${region}:${account}:fid-esm-somequeue'
api.case(X, 'create_no_event_source_arn', esm('POST', body={'FunctionName': 'doesnotexist'}))
api.case(X, 'create_unknown_params', esm('POST', body={'FunctionName': 'doesnotexist', 'EventSourceArn': Q}))
api.case(X, 'destination_config_failure', esm('POST', body={'FunctionName': 'doesnotexist', 'EventSourceArn': Q,
                                                            'DestinationConfig': {'OnSuccess': {'Destination': Q + '-other'}}}))
# test_function_name_variations: one SQS mapping per way of naming the function, each deleted
# before the next (the same function and queue may have one mapping at a time). The function's
# role may read the queue, as the test's super-user role may.
V = 'TestLambdaEventSourceMappings::test_function_name_variations'
ID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'
ESM_ROLE = 'arn:aws:iam::${account}:role/fid-esm-role'
QN = 'arn:aws:sqs:${region}:${account}:fid-esm-names'
MV = {'<resource:1>': 'fid-esm-names', '<resource:3>': 'fid-esmfn'}
first = [{'service': 'iam', 'form': {'Action': 'CreateRole', 'Version': '2010-05-08', 'RoleName': 'fid-esm-role',
                                     'AssumeRolePolicyDocument': '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}'}},
         {'service': 'iam', 'form': {'Action': 'PutRolePolicy', 'Version': '2010-05-08', 'RoleName': 'fid-esm-role', 'PolicyName': 'queues',
                                     'PolicyDocument': '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:*","Resource":"*"}]}'}},
         {'service': 'sqs', 'target': 'AmazonSQS.CreateQueue', 'body': {'QueueName': 'fid-esm-names'}},
         create('fid-esmfn', Role=ESM_ROLE), publish('fid-esmfn'), alias('fid-esmfn', 'myalias')]
for i, (rec, name) in enumerate([
    ('name_only_create_esm', 'fid-esmfn'),
    ('partial_arn_latest_create_esm', 'fid-esmfn:$LATEST'),
    ('partial_arn_version_create_esm', 'fid-esmfn:1'),
    ('partial_arn_alias_create_esm', 'fid-esmfn:myalias'),
    ('full_arn_latest_create_esm', A + 'fid-esmfn'),
    ('full_arn_version_create_esm', A + 'fid-esmfn:1'),
    ('full_arn_alias_create_esm', A + 'fid-esmfn:myalias'),
]):
    c = dict(esm('POST', body={'FunctionName': name, 'EventSourceArn': QN}), save={'esm': 'UUID'})
    api.case(V, rec, c, MV, setup=first if i == 0 else [esm('DELETE', '${esm}')])
    # <resource:2> is the mapping's id, in its ARN too: a UUID.
    like = api.cases[-1]['expect']['like']
    assert like['UUID'] == '.+', like
    like['UUID'] = ID
    like['EventSourceMappingArn'] = like['EventSourceMappingArn'].replace('.+', ID)
# The tags of an SQS mapping (TestLambdaTag's esm_arn fixture: a queue, a function, a mapping of
# BatchSize 1 to tag).
TAGS = '/2017-03-31/tags/'


def esm_fixture(fn, queue, arn_var, **kw):
    body = {'FunctionName': fn, 'EventSourceArn': 'arn:aws:sqs:${region}:${account}:' + queue, 'BatchSize': 1}
    body.update(kw)
    return [{'service': 'sqs', 'target': 'AmazonSQS.CreateQueue', 'body': {'QueueName': queue}},
            create(fn, Role=ESM_ROLE), dict(esm('POST', body=body), save={arn_var: 'EventSourceMappingArn'})]


T = 'TestLambdaTag::test_tag_lifecycle[event_source_mapping]'
steps = [('tag_single', 'POST', {'Tags': {'A': 'tag-a'}}), ('tag_multiple', 'POST', {'Tags': {'B': 'tag-b', 'C': 'tag-c'}}),
         ('tag_overlap', 'POST', {'Tags': {'C': 'tag-c-newsuffix', 'D': 'tag-d'}}), ('untag_single', 'DELETE', 'tagKeys=A'),
         ('untag_multiple', 'DELETE', 'tagKeys=B&tagKeys=C'), ('untag_nonexisting', 'DELETE', 'tagKeys=F'),
         ('untag_existing_and_nonexisting', 'DELETE', 'tagKeys=D&tagKeys=F')]
for i, (label, method, arg) in enumerate(steps):
    c = call(method, TAGS + '${esmtagarn}', body=arg) if method == 'POST' else dict(call(method, TAGS + '${esmtagarn}'), query=arg)
    api.case(T, label + '_response', c, setup=esm_fixture('fid-esmtag', 'fid-esm-tags', 'esmtagarn') if i == 0 else None)
    api.case(T, label + '_response_listtags', call('GET', TAGS + '${esmtagarn}'))
C = 'TestLambdaTag::test_create_tag_on_esm_create'
# get_event_source_mapping_with_tag records the test's own wait (True), not an answer of AWS.
api.case(C, 'list_tags_result', call('GET', TAGS + '${esmtag2arn}'), {'<custom-tag>': 'fid-custom-tag'},
         setup=esm_fixture('fid-esmtag2', 'fid-esm-tags2', 'esmtag2arn', Tags={'testtag': 'fid-custom-tag'}))

# --- event source mappings on DynamoDB streams ---------------------------------------------------
# Each test makes a table (on demand, key id), enables its stream with UpdateTable, and maps a
# function whose role may read streams and send to queues (the tests' super-user role may).
DDB_ROLE = 'arn:aws:iam::${account}:role/fid-ddb-esm-role'


def ddb(op, body, **kw):
    s = {'service': 'dynamodb', 'method': 'POST', 'path': '/', 'target': 'DynamoDB_20120810.' + op, 'body': body}
    s.update(kw)
    return s


def stream_table(name, view, save):
    return [ddb('CreateTable', {'TableName': name, 'BillingMode': 'PAY_PER_REQUEST', 'KeySchema': [{'AttributeName': 'id', 'KeyType': 'HASH'}],
                                'AttributeDefinitions': [{'AttributeName': 'id', 'AttributeType': 'S'}]}),
            ddb('UpdateTable', {'TableName': name, 'StreamSpecification': {'StreamEnabled': True, 'StreamViewType': view}}, save=save)]


ddb_role = [{'service': 'iam', 'form': {'Action': 'CreateRole', 'Version': '2010-05-08', 'RoleName': 'fid-ddb-esm-role',
                                        'AssumeRolePolicyDocument': '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}'}},
            {'service': 'iam', 'form': {'Action': 'PutRolePolicy', 'Version': '2010-05-08', 'RoleName': 'fid-ddb-esm-role', 'PolicyName': 'streams',
                                        'PolicyDocument': '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["dynamodb:*","sqs:*"],"Resource":"*"}]}'}}]
for n, (test, table, fn, queue) in enumerate([('TestLambdaEventSourceMappings::test_event_source_mapping_lifecycle', 'fid-ddb-life', 'fid-ddb-lifefn', 'fid-ddb-lifeq'),
                                              ('TestLambdaEventSourceMappings::test_event_source_mapping_lifecycle_delete_function', 'fid-ddb-lifed', 'fid-ddb-lifedfn', 'fid-ddb-lifedq')]):
    v = 'ddblife%d' % n
    m = {'<resource:2>': table, '<resource:1>': '${%s-label}' % v, '<resource:3>': queue, '<resource:5>': fn}
    api.case(test, 'update_table_response', ddb('UpdateTable', {'TableName': table, 'StreamSpecification': {'StreamEnabled': True, 'StreamViewType': 'NEW_IMAGE'}},
                                                 save={v: 'TableDescription.LatestStreamArn', v + '-label': 'TableDescription.LatestStreamLabel'}), m,
             setup=(ddb_role if n == 0 else []) + [ddb('CreateTable', {'TableName': table, 'BillingMode': 'PAY_PER_REQUEST', 'KeySchema': [{'AttributeName': 'id', 'KeyType': 'HASH'}],
                                                                       'AttributeDefinitions': [{'AttributeName': 'id', 'AttributeType': 'S'}]})])
    body = {'FunctionName': fn, 'EventSourceArn': '${%s}' % v, 'DestinationConfig': {'OnFailure': {'Destination': 'arn:aws:sqs:${region}:${account}:' + queue}},
            'BatchSize': 1, 'StartingPosition': 'TRIM_HORIZON', 'MaximumBatchingWindowInSeconds': 1, 'MaximumRetryAttempts': 1}
    api.case(test, 'create_response', dict(esm('POST', body=body), save={v + '-uuid': 'UUID'}), m,
             setup=[{'service': 'sqs', 'target': 'AmazonSQS.CreateQueue', 'body': {'QueueName': queue}}, create(fn, Role=DDB_ROLE)])
    api.case(test, 'get_response', esm('GET', '${%s-uuid}' % v), m, until=20000)
    if n == 1:
        api.case(test, 'delete_function_response', call('DELETE', '/2015-03-31/functions/' + fn), m, expect={'status': 204, 'code': ''})
        api.case(test, 'get_response_post_delete', esm('GET', '${%s-uuid}' % v), m)
    api.case(test, 'delete_response', esm('DELETE', '${%s-uuid}' % v), m)
# test_create_event_source_validation: StartingPosition missing, not in the enum, AT_TIMESTAMP.
E = 'TestLambdaEventSourceMappings::test_create_event_source_validation'
mv = {'<table-name>': 'fid-ddb-esv', '<stream-name>': '${esv-label}'}
api.case(E, 'no_starting_position', esm('POST', body={'FunctionName': 'fid-ddb-esvfn', 'EventSourceArn': '${esv}'}), mv,
         setup=stream_table('fid-ddb-esv', 'NEW_AND_OLD_IMAGES', {'esv': 'TableDescription.LatestStreamArn', 'esv-label': 'TableDescription.LatestStreamLabel'}) +
         [create('fid-ddb-esvfn', Role=DDB_ROLE)])
api.case(E, 'invalid_starting_position', esm('POST', body={'FunctionName': 'fid-ddb-esvfn', 'EventSourceArn': '${esv}', 'StartingPosition': 'invalid'}), mv)
api.case(E, 'incompatible_starting_position', esm('POST', body={'FunctionName': 'fid-ddb-esvfn', 'EventSourceArn': '${esv}', 'StartingPosition': 'AT_TIMESTAMP',
                                                                'StartingPositionTimestamp': 1741010802}), mv)
# The same two refusals for a Kinesis stream: AWS answers them before it looks at the stream,
# so no Kinesis is needed (seki serves none).
K = 'TestLambdaEventSourceMappings::test_create_event_source_validation_kinesis'
KS = 'arn:aws:kinesis:${region}:${account}:stream/fid-kinesis'
api.case(K, 'no_starting_position', esm('POST', body={'FunctionName': 'fid-ddb-esvfn', 'EventSourceArn': KS}))
api.case(K, 'invalid_starting_position', esm('POST', body={'FunctionName': 'fid-ddb-esvfn', 'EventSourceArn': KS, 'StartingPosition': 'invalid'}))
F = 'TestLambdaEventSourceMappings::test_create_event_filter_criteria_validation'
api.case(F, 'response-with-empty-filters', esm('POST', body={'FunctionName': 'fid-ddb-efcfn', 'EventSourceArn': '${efc}', 'StartingPosition': 'LATEST', 'FilterCriteria': {'Filters': []}}),
         {'<table-name>': 'fid-ddb-efc', '<resource:1>': '${efc-label}', '<resource:3>': 'fid-ddb-efcfn'},
         setup=stream_table('fid-ddb-efc', 'NEW_AND_OLD_IMAGES', {'efc': 'TableDescription.LatestStreamArn', 'efc-label': 'TableDescription.LatestStreamLabel'}) +
         [create('fid-ddb-efcfn', Role=DDB_ROLE)])
api.write()

lam = File('lambda.json', 'tests/aws/services/lambda_/test_lambda', 'tests/aws/services/lambda_/test_lambda.py::')
# fid-rc is test_reserved_concurrency's function (lambda_cases.py); its failures go to a queue.
lam.case('TestLambdaConcurrency::test_reserved_concurrency', 'put_event_invoke_conf',
         eic('PUT', 'fid-rc', body={'MaximumRetryAttempts': 0, 'DestinationConfig': {'OnFailure': {'Destination': 'arn:aws:sqs:${region}:${account}:fid-rc-failures'}}}),
         {'<function-name:1>': 'fid-rc', '<resource:3>': 'fid-rc-failures'},
         setup=[{'service': 'sqs', 'target': 'AmazonSQS.CreateQueue', 'body': {'QueueName': 'fid-rc-failures'}, 'save': {'rcq': 'QueueUrl'}}])
FIVE = {'ProvisionedConcurrentExecutions': 5}
for test, fn, q, n, extra in [
    ('TestLambdaConcurrency::test_provisioned_concurrency', 'fid-pc5', '1', 5, []),
    ('TestLambdaConcurrency::test_provisioned_concurrency_on_alias', 'fid-pca', 'pcalias', 5, [alias('fid-pca', 'pcalias')]),
    ('TestLambdaConcurrency::test_reserved_provisioned_overlap', 'fid-rpo', '1', 2, []),
]:
    m = {'<function-name:1>': fn}
    lam.case(test, 'put_provisioned_5', pc('PUT', fn, q, {'ProvisionedConcurrentExecutions': n}), m, setup=[create(fn), publish(fn)] + extra)
    lam.case(test, 'get_provisioned_prewait', pc('GET', fn, q), m)
    lam.case(test, 'get_provisioned_postwait', pc('GET', fn, q), m, until=6000)
O = 'TestLambdaConcurrency::test_reserved_provisioned_overlap'
conc = lambda fn, n: call('PUT', '/2017-10-31/functions/%s/concurrency' % fn, body={'ReservedConcurrentExecutions': n})
lam.case(O, 'reserved_lower_than_provisioned_exc', conc('fid-rpo', 1), {})
lam.case(O, 'get_concurrency', call('GET', '/2019-09-30/functions/fid-rpo/concurrency'), {}, setup=[conc('fid-rpo', 2)])
# The configuration update answers while it is under way (LastUpdateStatus InProgress); the
# recording's CodeSha256 is the transformer's constant, not AWS's.
lam.case(O, 'update_func_config', call('PUT', '/2015-03-31/functions/fid-rpo/configuration', body={'Timeout': 15}),
         {'<function-name:1>': 'fid-rpo', '<resource:1>': 'fid-role'}, opaque=('LastModified', 'CodeSha256'))
lam.case(O, 'reserved_equals_provisioned_another_provisioned_exc', pc('PUT', 'fid-rpo', '2', ONE), {}, setup=[publish('fid-rpo')])
lam.case(O, 'reserved_equals_provisioned_increase_provisioned_exc', pc('PUT', 'fid-rpo', '1', {'ProvisionedConcurrentExecutions': 3}), {})
S = 'TestLambdaConcurrency::test_lambda_provisioned_concurrency_scheduling'
lam.case(S, 'get_provisioned_postwait', pc('GET', 'fid-pcs', '1'), {}, until=6000,
         setup=[create('fid-pcs'), publish('fid-pcs'), pc('PUT', 'fid-pcs', '1', ONE)])
# fid-block (lambda_cases.py) reserves 1, and version 1 may take it.
lam.case('TestLambdaConcurrency::test_lambda_concurrency_block', 'provisioned_concurrency_result', pc('PUT', 'fid-block', '1', ONE), {})
# Once provisioned concurrency takes the whole reservation, on-demand invocations are throttled
# and the provisioned version runs.
THROTTLED = {'status': 429, 'code': 'TooManyRequestsException', 'message': 'Rate Exceeded.',
             'members': {'message': '*', 'Type': 'User', 'Reason': 'ReservedFunctionConcurrentInvocationLimitExceeded'}}


def invoke(fn, q=None):
    return call('POST', '/2015-03-31/functions/%s/invocations' % fn, q, {'hello': 'world'})


B = 'TestLambdaConcurrency::test_lambda_concurrency_block'
lam.case(B, 'invoke_latest_first_exc', invoke('fid-block', '$LATEST'), expect=THROTTLED)
lam.case(B, 'invoke_v1_after_block', invoke('fid-block', '1'),
         expect={'status': 200, 'code': '', 'payload': '{"hello": "world"}', 'headers': {'X-Amz-Executed-Version': '1', 'X-Amz-Function-Error': '-'}})
lam.case(B, 'invoke_latest_second_exc', invoke('fid-block', '$LATEST'), expect=THROTTLED)
lam.case(O, 'reserved_equals_provisioned_latest_invoke_exc', invoke('fid-rpo'), expect=THROTTLED)
# fid-rc reserves no concurrency, so its Event invocation goes straight to the OnFailure queue,
# sent as fid-role (which may send to it).
UUIDRE = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'
lam.case('TestLambdaConcurrency::test_reserved_concurrency', 'msg',
         {'service': 'sqs', 'target': 'AmazonSQS.ReceiveMessage', 'body': {'QueueUrl': '${rcq}', 'AttributeNames': ['All'], 'WaitTimeSeconds': 5}},
         known='AWS sends the record with the invocation\'s X-Ray trace header (the AWSTraceHeader attribute); seki runs no X-Ray, so the message has none (its body, the ZeroReservedConcurrency condition and the other attributes match)',
         setup=[{'service': 'iam', 'form': {'Action': 'PutRolePolicy', 'Version': '2010-05-08', 'RoleName': 'fid-role', 'PolicyName': 'destinations',
                                            'PolicyDocument': '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"*"}]}'}},
                dict(call('POST', '/2015-03-31/functions/fid-rc/invocations', body={}), headers={'X-Amz-Invocation-Type': 'Event'})],
         expect={'status': 200, 'code': '',
                 'shapes': {'Messages.0': ['Attributes', 'Body', 'MD5OfBody', 'MessageId', 'ReceiptHandle'],
                            'Messages.0.Attributes': ['AWSTraceHeader', 'ApproximateFirstReceiveTimestamp', 'ApproximateReceiveCount', 'SenderId', 'SentTimestamp']},
                 'values': {'Messages.0.Attributes.ApproximateReceiveCount': '1'},
                 'like': {'Messages.0.Body': r'\{"version":"1\.0","timestamp":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z","requestContext":\{"requestId":"' + UUIDRE +
                          r'","functionArn":"arn:aws:lambda:${region}:${account}:function:fid-rc:\$LATEST","condition":"ZeroReservedConcurrency","approximateInvokeCount":0\},"requestPayload":\{\}\}'}})
lam.write()
