#!/usr/bin/env python3
"""Writes the replay cases of SnapStart (TestLambdaSnapStart), recursive loop detection
(TestLambdaRecursion) and the account-limit arithmetic of reserved concurrency
(test_function_concurrency_limits) into testdata/lambda_api.json, and those of provisioned
concurrency following an alias (test_lambda_provisioned_concurrency_moves_with_alias) into
testdata/lambda.json: our own requests (written from
each test's intent), the facts (facts.py) read mechanically from each validated recording. The
cases of the tests it owns are replaced, every other case is kept. Run after gen_lambda.py (which
rewrites lambda.json whole), from any directory: python3 internal/fidelity/gen/gen_lambda_snapstart.py"""
import os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lambda_ops_lib import File, call, alias, ROLE  # noqa: E402
import lambda_ops_lib  # noqa: E402

api = File('lambda_api.json', 'tests/aws/services/lambda_/test_lambda_api', 'tests/aws/services/lambda_/test_lambda_api.py::')


def create(name, runtime, handler, **kw):
    # The multiruntime fixture's CreateFunction: no Environment, so none is answered.
    b = {'FunctionName': name, 'Runtime': runtime, 'Handler': handler, 'Role': ROLE, 'Code': {'ZipFile': '${zip}'}}
    b.update(kw)
    return {'service': 'lambda', 'method': 'POST', 'path': '/2015-03-31/functions', 'body': b}


# --- SnapStart ------------------------------------------------------------------------------------
# The runtimes the tests ran (SNAP_START_SUPPORTED_RUNTIMES), each with its scenario's handler. seki
# runs none of the Java and .NET ones: creating and publishing them is Lambda's API alone.
HANDLERS = {'java11': 'echo.Handler', 'java17': 'echo.Handler', 'java21': 'echo.Handler', 'java25': 'echo.Handler',
            'python3.12': 'handler.handler', 'python3.13': 'handler.handler',
            'dotnet8': 'dotnet::Dotnet.Function::FunctionHandler', 'dotnet10': 'dotnet::Dotnet.Function::FunctionHandler'}
for rt, handler in HANDLERS.items():
    fn = 'fid-ss-' + rt.replace('.', '')
    M = {'<function-name:1>': fn, '<resource:1>': 'fid-role'}
    L = 'TestLambdaSnapStart::test_snapstart_lifecycle[%s]' % rt
    api.case(L, 'create_function_response', create(fn, rt, handler, MemorySize=1024, Timeout=5), M)
    api.case(L, 'get_function_response_latest', call('GET', '/2015-03-31/functions/' + fn), M,
             setup=[call('POST', '/2015-03-31/functions/%s/versions' % fn, body={'Description': 'version1'})])
    api.case(L, 'get_function_response_version_1', call('GET', '/2015-03-31/functions/%s:1' % fn), M)
    fn = 'fid-ssu-' + rt.replace('.', '')
    M = {'<function-name:1>': fn, '<resource:1>': 'fid-role'}
    U = 'TestLambdaSnapStart::test_snapstart_update_function_configuration[%s]' % rt
    api.case(U, 'create_function_response', create(fn, rt, handler, MemorySize=1024, Timeout=5), M)
    api.case(U, 'update_function_response', call('PUT', '/2015-03-31/functions/%s/configuration' % fn, body={'SnapStart': {'ApplyOn': 'PublishedVersions'}}), M)
api.case('TestLambdaSnapStart::test_snapstart_exceptions', 'create_function_invalid_snapstart_apply',
         create('fid-ss-invalid', 'java21', 'cloud.localstack.sample.LambdaHandlerWithLib', PackageType='Zip', SnapStart={'ApplyOn': 'invalidOption'}))

# --- recursive loop detection -----------------------------------------------------------------------


def recursion(fn, loop=None):
    if loop is None:
        return call('GET', '/2024-08-31/functions/%s/recursion-config' % fn)
    return call('PUT', '/2024-08-31/functions/%s/recursion-config' % fn, body={'RecursiveLoop': loop})


R = 'TestLambdaRecursion::'
MR = {'<fn-name>': 'fid-rec'}
py = dict(Description='Lambda with recursion test')
api.case(R + 'test_put_function_recursion_config_allow', 'put_recursion_config_response', recursion('fid-rec', 'Allow'), MR,
         setup=[create('fid-rec', 'python3.12', 'handler.handler', **py)])
api.case(R + 'test_put_function_recursion_config_allow', 'get_recursion_config_response', recursion('fid-rec'), MR)
api.case(R + 'test_put_function_recursion_config_default_terminate', 'get_recursion_default_terminate_response', recursion('fid-rec2'), MR,
         setup=[create('fid-rec2', 'python3.12', 'handler.handler', **py)])
api.case(R + 'test_put_function_recursion_config_invalid_value', 'put_recursion_invalid_value_error', recursion('fid-rec2', 'InvalidValue'), MR)

# --- reserved concurrency against the account's limits ----------------------------------------------
# The account's ConcurrentExecutions is read first; reserving one more than it, or all of it, leaves
# less than the minimum unreserved (seki's, as a fresh AWS account's: 100).
C = 'TestLambdaReservedConcurrency::test_function_concurrency_limits'
MC = {'<min_unreserved_concurrency>': '100'}
settings = {'service': 'lambda', 'method': 'GET', 'path': '/2016-08-19/account-settings', 'save': {'concurrent': 'AccountLimit.ConcurrentExecutions'}}
conc = '/2017-10-31/functions/fid-rcl/concurrency'
api.case(C, 'put_function_concurrency_account_limit_exceeded',
         dict(call('PUT', conc), raw='{"ReservedConcurrentExecutions": 1001}'), MC,
         setup=[create('fid-rcl', 'python3.12', 'handler.handler'), settings])
api.case(C, 'put_function_concurrency_below_unreserved_min_value',
         dict(call('PUT', conc), raw='{"ReservedConcurrentExecutions": ${concurrent}}'), MC)
api.write()

# --- provisioned concurrency follows its alias (test_lambda) ------------------------------------------
lam = File('lambda.json', 'tests/aws/services/lambda_/test_lambda', 'tests/aws/services/lambda_/test_lambda.py::')
P = 'TestLambdaConcurrency::test_lambda_provisioned_concurrency_moves_with_alias'
MP = {'<function-name:1>': 'fid-pcm', '<resource:1>': 'fid-role', '<alias-name>': 'pcmalias'}
# AWS recorded this test before it answered LoggingConfig (November 2023; every recording since has
# it, as seki's answers do) and when it created python3.8 functions, whose create date has passed
# (seki refuses python3.8 as AWS does now): the function is the test's python3.12 one, Runtime
# (with CodeSha256, which the snapshot replaced by a constant) is checked present, not compared,
# and the configurations, which lack LoggingConfig, are known differences.
OLD = ('recorded before AWS answered LoggingConfig (added November 2023; every recording since, e.g. '
       'test_function_state, has it, as seki does), with python3.8, which AWS no longer creates')
PM = dict(opaque=('LastModified', 'CodeSha256', 'Runtime'), known=OLD)
FN = '/2015-03-31/functions/fid-pcm'


def pcm_provisioned(q, body=None):
    return call('PUT' if body else 'GET', '/2019-09-30/functions/fid-pcm/provisioned-concurrency', q, body)


lam.case(P, 'create-result', lambda_ops_lib.create('fid-pcm', Handler='handler.handler', Timeout=2), MP, inner='CreateFunctionResponse', **PM)
lam.case(P, 'get-function-configuration', dict(call('GET', FN + '/configuration', '$LATEST'), save={'pcmrev1': 'RevisionId'}), MP, **PM)
lam.case(P, 'publish_version_1', call('POST', FN + '/versions', body={'RevisionId': '${pcmrev1}', 'Description': 'my-first-version'}), MP, **PM)
lam.case(P, 'get_function_configuration_version_1', call('GET', FN + '/configuration', '1'), MP, **PM)
lam.case(P, 'create_alias', alias('fid-pcm', 'pcmalias'), MP)
lam.case(P, 'get_function_before_provisioned', call('GET', FN, '1'), MP, **PM)
# The config is READY (its environment initialized, which takes seconds on a loaded machine) before
# the alias moves.
lam.case(P, 'get_function_after_provisioned', call('GET', FN, 'pcmalias'), MP,
         setup=[dict(pcm_provisioned('pcmalias', {'ProvisionedConcurrentExecutions': 1}), sleep=6000)], **PM)
lam.case(P, 'get_function_after_update', dict(call('GET', FN + '/configuration'), save={'pcmrev2': 'RevisionId'}), MP,
         setup=[call('PUT', FN + '/configuration', body={'Timeout': 10})], **PM)
lam.case(P, 'publish_version_2', call('POST', FN + '/versions', body={'RevisionId': '${pcmrev2}'}), MP, **PM)
lam.case(P, 'update_alias', call('PUT', FN + '/aliases/pcmalias', body={'FunctionVersion': '2'}), MP)
lam.case(P, 'get_provisioned_config_after_alias_move', pcm_provisioned('pcmalias'), MP)
lam.case(P, 'provisioned_concurrency_notfound', pcm_provisioned('2'), MP)

# A function whose INIT fails only in an environment initialized for provisioned concurrency: the
# config is IN_PROGRESS, then FAILED with AWS's reason; on-demand invocations run meanwhile.
F = 'TestLambdaConcurrency::test_provisioned_concurrency_init_failure'
lam.code['pcinitfail'] = {'handler.py': (
    'import os\n\n'
    'KIND = os.environ["AWS_LAMBDA_INITIALIZATION_TYPE"]\n'
    'if KIND == "provisioned-concurrency":\n'
    '    raise RuntimeError("this function cannot start as provisioned concurrency")\n\n\n'
    'def handler(event, context):\n'
    '    return KIND\n')}
MF = {'<function-name:1>': 'fid-pcf'}
fcreate = lambda_ops_lib.create('fid-pcf', Handler='handler.handler', Publish=True, Code={'ZipFile': '${zip:pcinitfail}'})
pcf = '/2019-09-30/functions/fid-pcf/provisioned-concurrency'
lam.case(F, 'put_provisioned', call('PUT', pcf, '1', {'ProvisionedConcurrentExecutions': 1}), MF, setup=[fcreate])
lam.case(F, 'get_provisioned_prewait', call('GET', pcf, '1'), MF)
lam.case(F, 'get_provisioned_postwait', call('GET', pcf, '1'), MF, until=15000)
lam.write()
