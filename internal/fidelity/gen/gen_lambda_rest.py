#!/usr/bin/env python3
"""Writes the replay cases of the last test_lambda_api records (self-managed Kafka mappings, the wait
of test_create_tag_on_esm_create, an empty Architectures list, DeleteFunctionUrlConfig with a
mismatched alias, the largest package AWS accepts) into testdata/lambda_api.json: our own requests,
written from each test's intent; the facts (facts.py) read mechanically from each validated
recording where the recording is an answer of AWS. The cases it owns are replaced, every other
case is kept. Run from any directory: python3 internal/fidelity/gen/gen_lambda_rest.py"""
import json, os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lambda_ops_lib import File, create, call, A  # noqa: E402

api = File('lambda_api.json', 'tests/aws/services/lambda_/test_lambda_api', 'tests/aws/services/lambda_/test_lambda_api.py::')
UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'


def raw(test, record, c, expect, setup=None, known=None, until=None):
    """A case whose recording is not an answer botocore parsed (the test's own value, a
    client-side refusal, a placeholder for the whole answer): its expect is written here."""
    t = api.prefix + test
    assert record in api.snap[t]['recorded-content'], (test, record)
    api.owned.add((t, record))
    k = {'test': t, 'record': record}
    if until:
        k['until'] = until
    if setup:
        k['setup'] = setup
    k['call'] = c
    k['expect'] = expect
    if known:
        k['known'] = known
    api.cases.append(k)


def esm(body):
    return call('POST', '/2015-03-31/event-source-mappings', body=body)


# --- self-managed Kafka ----------------------------------------------------------------------------
# The test's secret is only named by the mapping (AWS reads it when it connects, which seki never
# does), so no secret is made. kafka:1000 is not reachable and need not be.
K = 'TestLambdaEventSourceMappings::test_create_event_source_self_managed'
SECRET = 'arn:aws:secretsmanager:${region}:${account}:secret:fid-kafka-secret'
ACCESS = [{'Type': 'BASIC_AUTH', 'URI': SECRET}]


def kafka(topic, brokers, **kw):
    b = {'Topics': [topic], 'FunctionName': 'fid-kafka', 'SourceAccessConfigurations': ACCESS,
         'SelfManagedEventSource': {'Endpoints': {'KAFKA_BOOTSTRAP_SERVERS': brokers}}}
    b.update(kw)
    return esm(b)


MK = {'<resource:1>': 'fid-kafka', '<resource:2>': 'fid-kafka-secret'}
missing = kafka('topic', ['kafka:1000'])
del missing['body']['SourceAccessConfigurations']
api.case(K, 'missing-source-access-configuration', missing, MK, setup=[create('fid-kafka')])
api.case(K, 'event-source-mapping-default', dict(kafka('topic', ['kafka:1000']), save={'kafka1': 'UUID'}), MK)
# Recorded in September 2024, before AWS added EventSourceMappingArn to every mapping's answer
# (November 2024, with tags on mappings): seki answers it, as AWS does now.
for c in api.cases[-1:]:
    c['expect']['shapes'][''].append('?EventSourceMappingArn')
    c['expect']['like']['UUID'] = c['expect']['like']['SelfManagedKafkaEventSourceConfig.ConsumerGroupId'] = UUID
MK1 = dict(MK, **{'<uuid:1>': '${kafka1}'})
api.case(K, 'duplicate-source', kafka('topic', ['kafka:1000']), MK1)
api.case(K, 'event-source-mapping-values', kafka('topic_2', ['kafka:1000'], BatchSize=1, SelfManagedKafkaEventSourceConfig={'ConsumerGroupId': 'random_id'},
                                                 StartingPosition='LATEST'), MK1)
api.cases[-1]['expect']['shapes'][''].append('?EventSourceMappingArn')
api.cases[-1]['expect']['like']['UUID'] = UUID
api.case(K, 'multiple-duplicate-source', kafka('topic', ['kafka:1000', 'kafka:2000'], BatchSize=1, SelfManagedKafkaEventSourceConfig={'ConsumerGroupId': 'random_id'}), MK1)

# --- test_create_tag_on_esm_create's wait ------------------------------------------------------------
# The record is the test's wait_until(GetEventSourceMapping(...)["State"] != "Creating"): true. The
# mapping is gen_lambda_ops.py's (fid-esmtag2 fed by fid-esm-tags2, created with a tag); the
# replay asks for it until it has left Creating, as the test did.
raw('TestLambdaTag::test_create_tag_on_esm_create', 'get_event_source_mapping_with_tag',
    call('GET', '/2015-03-31/event-source-mappings/${esmtag2uuid}'),
    {'status': 200, 'code': '', 'like': {'State': 'Enabled|Enabling|Disabled|Disabling|Updating|Deleting'}},
    setup=[dict(call('GET', '/2015-03-31/event-source-mappings'), query='FunctionName=fid-esmtag2', save={'esmtag2uuid': 'EventSourceMappings.0.UUID'})],
    until=20000)

# --- CreateFunction with an empty Architectures list ---------------------------------------------------
# botocore refused it before sending ("Invalid length for parameter Architectures, value: 0, valid min
# length: 1"); sent on the wire, it is refused for that same minimum. The status and code are those of
# the test's other constraint violation (multiple_architectures); the words are its words with the
# other bound.
raw('TestLambdaFunction::test_create_lambda_exceptions', 'empty_architectures',
    {'service': 'lambda', 'method': 'POST', 'path': '/2015-03-31/functions',
     'body': {'FunctionName': 'fid-emptyarch', 'Runtime': 'python3.12', 'Handler': 'index.handler',
              'Role': 'arn:aws:iam::${account}:role/fid-role', 'Code': {'ZipFile': '${zip}'}, 'Architectures': []}},
    {'status': 400, 'code': 'ValidationException',
     'message': "1 validation error detected: Value '[]' at 'architectures' failed to satisfy constraint: Member must have length greater than or equal to 1"})

# --- DeleteFunctionUrlConfig with an alias that does not match the function name's -----------------
# AWS answered an internal failure (the test says so; its transformer replaced the whole answer with
# <aws_internal_failure>). seki answers as the Create, Get and Update cases of the same test record it.
raw('TestLambdaUrl::test_url_config_exceptions', 'delete_function_url_config_qualifier_alias_doesnotmatch_arn',
    {'service': 'lambda', 'method': 'DELETE', 'path': '/2021-10-31/functions/fid-fn:live-doesnotmatch/url', 'query': 'Qualifier=live'},
    {'status': 500, 'code': 'InternalFailure'},
    known='AWS failed internally here (the recording keeps only <aws_internal_failure>); seki refuses the mismatched qualifier with the '
          'InvalidParameterValueException that AWS answers for CreateFunctionUrlConfig, GetFunctionUrlConfig and UpdateFunctionUrlConfig in the same test')

# --- the largest package AWS accepts -------------------------------------------------------------------
# test_large_lambda: a handler 1,000 bytes under the unzipped limit (262,144,000 bytes), zipped (it
# repeats, so it zips small), put in S3 and named by CreateFunction.
LARGE = 262144000 - 1000
api.case('TestLambdaSizeLimits::test_large_lambda', 'create_function_large_zip',
         {'service': 'lambda', 'method': 'POST', 'path': '/2015-03-31/functions',
          'body': {'FunctionName': 'fid-large', 'Runtime': 'python3.12', 'Handler': 'handler.handler', 'Role': 'arn:aws:iam::${account}:role/fid-role',
                   'Code': {'S3Bucket': 'fid-largecode', 'S3Key': 'test_lambda.zip'}, 'Timeout': 10}},
         {'<function-name:1>': 'fid-large', '<resource:1>': 'fid-role'}, opaque=('LastModified',),
         setup=[{'service': 's3', 'method': 'PUT', 'path': '/fid-largecode'},
                {'service': 's3', 'method': 'PUT', 'path': '/fid-largecode/test_lambda.zip', 'raw64': '${zip:large}'}])

api.write()
data = json.load(open(api.path))
data['code']['large'] = [{'name': 'handler.py', 'body': 'def handler(event, context):\n    return event\n' + '#' * 80 + '\n', 'size': LARGE}]
json.dump(data, open(api.path, 'w'), indent=1)
