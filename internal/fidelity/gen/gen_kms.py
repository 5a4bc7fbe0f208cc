"""Writes testdata/kms.json: the replay cases of the validated recordings of
test_kms for the operations seki's KMS serves (symmetric keys, aliases,
Encrypt/Decrypt/GenerateDataKey/ReEncrypt). Our own requests, written from
each test's intent; the facts (facts.py) taken mechanically from each
recorded answer. Run from any directory: python3 internal/fidelity/gen/gen_kms.py"""
import base64, json, os
from facts import facts, recorded

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, '..', 'testdata', 'kms.json')
SNAP = 'tests/aws/services/kms/test_kms.snapshot.json'
COMMIT = '8b9a79f05846835cf4dff63ab7eefdde9df83783'
snap = recorded(SNAP)
val = recorded(SNAP.replace('.snapshot.json', '.validation.json'))
P = 'tests/aws/services/kms/test_kms.py::'
BASE = {'<partition>': 'aws', '111111111111': '${account}', '<region>': '${region}'}
cases = []


def k(op, body, region=None, save=None):
    s = {'service': 'kms', 'method': 'POST', 'path': '/', 'target': 'TrentService.' + op, 'body': body}
    if region: s['region'] = region
    if save: s['save'] = save
    return s


def new_key(n, region=None, **body):
    """CreateKey, saving the id as ${n} and the ARN as ${n-arn}."""
    return k('CreateKey', body, region, save={n: 'KeyMetadata.KeyId', n + '-arn': 'KeyMetadata.Arn'})


def case(test, record, call, m=None, setup=None, at=None, **kw):
    t = P + test
    assert t in val, t
    rec = snap[t]['recorded-content'][record]
    mm = dict(BASE)
    mm.update(m or {})
    # at='KeyMetadata': the test recorded the metadata itself (the answer's
    # KeyMetadata, as kms_create_key returns it).
    e, _ = facts(call['target'].split('.')[-1], rec, mm, proto='json', at=at, **kw)
    c = {'test': t, 'record': record}
    if setup: c['setup'] = setup
    c['call'] = call
    c['expect'] = e
    cases.append(c)


MSG = base64.b64encode(b'test message 123 !%$@ 1234567890').decode()
EC = {'context-key': 'context-value'}
FAKE = '134f2428-cec1-4b25-a1ae-9048164dba47'

T = 'TestKMS::test_create_key'
case(T, 'describe-key', k('DescribeKey', {'KeyId': '${ck}'}), {'<key-id:1>': '${ck}'},
     setup=[new_key('ck', Description='test key 123')], at='KeyMetadata')

T = 'TestKMS::test_non_multi_region_keys_should_not_have_multi_region_properties'
case(T, 'non_multi_region_keys_should_not_have_multi_region_properties', new_key('nmr', Description='test non multi region key', MultiRegion=False),
     at='KeyMetadata')

T = 'TestKMS::test_get_key_in_different_region'
W = 'us-west-2'
m = {'<key-id:1>': '${dr}', '<secondary-region>': W}
case(T, 'describe-key-diff-region-with-id', k('DescribeKey', {'KeyId': '${dr}'}), m, setup=[new_key('dr', W, Description='test key 123')])
case(T, 'describe-key-diff-region-with-arn', k('DescribeKey', {'KeyId': '${dr-arn}'}), m)
case(T, 'describe-key-same-specific-region-with-id', k('DescribeKey', {'KeyId': '${dr}'}, W), m)
case(T, 'describe-key-same-specific-region-with-arn', k('DescribeKey', {'KeyId': '${dr-arn}'}, W), m)

T = 'TestKMS::test_get_key_does_not_exist'
arn = 'arn:aws:kms:${region}:${account}:key/'
case(T, 'describe-nonexistent-key-with-id', k('DescribeKey', {'KeyId': FAKE}), {'<key-arn>': arn + FAKE})
case(T, 'describe-nonexistent-with-arn', k('DescribeKey', {'KeyId': arn + FAKE}), {'<key-arn>': arn + FAKE})
MRK = 'mrk-d3b95762d3b95762d3b95762d3b95762'
case(T, 'describe-key-with-valid-id-mrk', k('DescribeKey', {'KeyId': MRK}), {'<mrk-key-arn>': arn + MRK})

T = 'TestKMS::test_get_key_invalid_uuid'
case(T, 'describe-key-with-invalid-uuid', k('DescribeKey', {'KeyId': 'fake-key-id'}))
case(T, 'describe-key-with-invalid-uuid-2', k('DescribeKey', {'KeyId': FAKE.replace('-', '')}))
case(T, 'describe-key-with-invalid-uuid-mrk', k('DescribeKey', {'KeyId': 'mrk-fake-key-id'}))

T = 'TestKMS::test_create_alias'
case(T, 'create_alias', k('CreateAlias', {'AliasName': 'no-prefix', 'TargetKeyId': '${al}'}), setup=[new_key('al')])

T = 'TestKMS::test_describe_with_alias_arn'
m = {'<key-id:1>': '${da}'}
case(T, 'created-key', new_key('da', Description='test - description'), m, at='KeyMetadata')
case(T, 'describe-key', k('DescribeKey', {'KeyId': 'arn:aws:kms:${region}:${account}:alias/fid-describe'}), m,
     setup=[k('CreateAlias', {'AliasName': 'alias/fid-describe', 'TargetKeyId': '${da}'})])

T = 'TestKMS::test_plaintext_size_for_encrypt'
big = base64.b64encode(base64.b64encode(b'test message 123 !%$@ 1234567890') * 100).decode()
case(T, 'invalid-plaintext-size-encrypt', k('Encrypt', {'KeyId': '${ps}', 'Plaintext': big}), setup=[new_key('ps')])

T = 'TestKMS::test_encrypt_decrypt_encryption_context'
m = {'<key-id:1>': '${ec-arn}'}
case(T, 'encrypt_response', k('Encrypt', {'KeyId': '${ec}', 'Plaintext': MSG, 'EncryptionAlgorithm': 'SYMMETRIC_DEFAULT', 'EncryptionContext': EC},
                              save={'ec-blob': 'CiphertextBlob'}), m, setup=[new_key('ec')], opaque=('CiphertextBlob',))
case(T, 'decrypt_response_with_encryption_context',
     k('Decrypt', {'KeyId': '${ec}', 'CiphertextBlob': '${ec-blob}', 'EncryptionAlgorithm': 'SYMMETRIC_DEFAULT', 'EncryptionContext': EC}), m,
     opaque=('Plaintext',))
case(T, 'decrypt_response_without_encryption_context',
     k('Decrypt', {'KeyId': '${ec}', 'CiphertextBlob': '${ec-blob}', 'EncryptionAlgorithm': 'SYMMETRIC_DEFAULT'}), m)
# The test cuts the blob's header off (its first bytes): a blob of 20 bytes
# of ours stands for what is left, which names no key.
case(T, 'decrypt_response_with_invalid_ciphertext',
     k('Decrypt', {'KeyId': '${ec}', 'CiphertextBlob': base64.b64encode(b'\x01' * 20).decode(), 'EncryptionAlgorithm': 'SYMMETRIC_DEFAULT',
                   'EncryptionContext': EC}), m)

T = 'TestKMSGenerateKeys::test_generate_data_key'
m = {'<resource:1>': '${gd}'}
case(T, 'generate-data-key-result', k('GenerateDataKey', {'KeyId': '${gd}', 'KeySpec': 'AES_256'}), m, setup=[new_key('gd')],
     opaque=('CiphertextBlob', 'Plaintext'))
T = 'TestKMSGenerateKeys::test_generate_data_key_without_plaintext'
case(T, 'generate-data-key-without-plaintext', k('GenerateDataKeyWithoutPlaintext', {'KeyId': '${gd}', 'KeySpec': 'AES_256'}), m,
     opaque=('CiphertextBlob',))
for T, op in [('TestKMSGenerateKeys::test_encryption_context_generate_data_key', 'GenerateDataKey'),
              ('TestKMSGenerateKeys::test_encryption_context_generate_data_key_without_plaintext', 'GenerateDataKeyWithoutPlaintext')]:
    n = 'gdc' + str(len(cases))
    case(T, 'decrypt-without-encryption-context', k('Decrypt', {'CiphertextBlob': '${' + n + '}', 'KeyId': '${gd}'}),
         setup=[k(op, {'KeyId': '${gd}', 'KeySpec': 'AES_256', 'EncryptionContext': EC}, save={n: 'CiphertextBlob'})])

T = 'TestKMS::test_key_rotations_encryption_decryption'
# The blob with "bad_data" appended. The replay appends its base64, which
# is the base64 of the joined bytes when the blob's length is a multiple of
# 3: seki's blob is 105 bytes and the plaintext's (45 here).
BAD = base64.b64encode(b'bad_data').decode()
case(T, 'bad-ciphertext', k('Decrypt', {'KeyId': '${rot}', 'CiphertextBlob': '${rot-blob}' + BAD, 'EncryptionAlgorithm': 'SYMMETRIC_DEFAULT'}),
     setup=[new_key('rot'), k('Encrypt', {'KeyId': '${rot}', 'Plaintext': base64.b64encode(b'x' * 45).decode()}, save={'rot-blob': 'CiphertextBlob'})])

T = 'TestKMS::test_re_encrypt[SYMMETRIC_DEFAULT-SYMMETRIC_DEFAULT]'
m = {'<key-id:1>': '${red-arn}', '<key-arn>': '${res-arn}'}
case(T, 'test_re_encrypt', k('ReEncrypt', {'SourceKeyId': '${res}', 'DestinationKeyId': '${red}', 'CiphertextBlob': '${res-blob}',
                                           'SourceEncryptionAlgorithm': 'SYMMETRIC_DEFAULT', 'DestinationEncryptionAlgorithm': 'SYMMETRIC_DEFAULT'}), m,
     setup=[new_key('res', KeyUsage='ENCRYPT_DECRYPT', KeySpec='SYMMETRIC_DEFAULT'), new_key('red', KeyUsage='ENCRYPT_DECRYPT', KeySpec='SYMMETRIC_DEFAULT'),
            k('Encrypt', {'KeyId': '${res}', 'Plaintext': MSG, 'EncryptionAlgorithm': 'SYMMETRIC_DEFAULT'}, save={'res-blob': 'CiphertextBlob'})],
     opaque=('CiphertextBlob',))

T = 'TestKMS::test_hmac_create_key_invalid_operations'
case(T, 'create-hmac-key-without-key-usage', k('CreateKey', {'Description': 'test HMAC key without key usage', 'KeySpec': 'HMAC_256'}))
case(T, 'create-hmac-key-invalid-spec', k('CreateKey', {'Description': 'test invalid HMAC spec', 'KeySpec': 'HMAC_random'}))
case(T, 'create-hmac-key-invalid-key-usage', k('CreateKey', {'Description': 'test invalid HMAC spec', 'KeySpec': 'HMAC_256', 'KeyUsage': 'RANDOM'}))

def tags(**kv):
    return [{'TagKey': a, 'TagValue': b} for a, b in kv.items()]


for variant, key in [('lowercase_prefix', 'aws:key1'), ('uppercase_prefix', 'AWS:key1'), ('too_long_key', 'a' * 129)]:
    case(f'TestKMS::test_create_key_with_invalid_tag_key[{variant}]', 'invalid-tag-key',
         k('CreateKey', {'Description': 'test key 123', 'KeyUsage': 'ENCRYPT_DECRYPT', 'Tags': tags(**{key: 'value1'})}))
case('TestKMS::test_create_key_with_too_many_tags_raises_error', 'invalid-tag-key',
     k('CreateKey', {'Description': 'test key 123', 'KeyUsage': 'ENCRYPT_DECRYPT', 'Tags': tags(**{f'key{i}': f'value{i}' for i in range(51)})}))
case('TestKMS::test_key_with_long_tag_value_raises_error', 'too-long-tag-value',
     k('CreateKey', {'Description': 'test key 123', 'KeyUsage': 'ENCRYPT_DECRYPT', 'Tags': tags(tag1='v' * 257)}))

# Tags of a key: the tests recorded ListResourceTags' Tags list itself;
# the whole list is checked, in order.
def tag_list(test, record, call, setup=None):
    t = P + test
    tags = snap[t]['recorded-content'][record]
    e, _ = facts('ListResourceTags', {'Tags': tags}, dict(BASE), proto='json', tolerate={'': ['Truncated']})
    e.setdefault('values', {})['Tags'] = json.dumps(tags, separators=(',', ':'), sort_keys=True)
    c = {'test': t, 'record': record}
    if setup: c['setup'] = setup
    c['call'] = call
    c['expect'] = e
    cases.append(c)


def untag(n, *keys):
    return k('UntagResource', {'KeyId': '${' + n + '}', 'TagKeys': list(keys)})


def tag(n, **kv):
    return k('TagResource', {'KeyId': '${' + n + '}', 'Tags': tags(**kv)})


def listed(n):
    return k('ListResourceTags', {'KeyId': '${' + n + '}'})


T = 'TestKMS::test_tag_existing_key_and_untag'
tag_list(T, 'list-resource-tags', listed('tg1'), setup=[new_key('tg1', Description='test key 123', KeyUsage='ENCRYPT_DECRYPT'),
                                                          tag('tg1', tag1='value1', tag2='value2')])
tag_list(T, 'list-resource-tags-after-all-untagged', listed('tg1'), setup=[untag('tg1', 'tag1', 'tag2')])
T = 'TestKMS::test_create_key_with_tag_and_untag'
tag_list(T, 'list-resource-tags', listed('tg2'), setup=[new_key('tg2', Description='test key 123', KeyUsage='ENCRYPT_DECRYPT',
                                                                Tags=tags(tag1='value1', tag2='value2'))])
tag_list(T, 'list-resource-tags-after-all-untagged', listed('tg2'), setup=[untag('tg2', 'tag1', 'tag2')])
T = 'TestKMS::test_untag_key_partially'
tag_list(T, 'list-resource-tags', listed('tg3'), setup=[new_key('tg3', Description='test key 123', KeyUsage='ENCRYPT_DECRYPT',
                                                                Tags=tags(tag1='value1', tag2='value2', tag3='value3'))])
tag_list(T, 'list-resource-tags-after-partially-untagged', listed('tg3'), setup=[untag('tg3', 'tag2')])
T = 'TestKMS::test_update_and_add_tags_on_tagged_key'
tag_list(T, 'list-resource-tags', listed('tg4'), setup=[new_key('tg4', Description='test key 123', KeyUsage='ENCRYPT_DECRYPT',
                                                                Tags=tags(tag1='value1', tag2='value2', tag3='value3'))])
tag_list(T, 'list-resource-tags-after-tags-updated', listed('tg4'), setup=[tag('tg4', tag2='updated_value2', tag4='value4', tag5='value5')])
case('TestKMS::test_tag_key_with_duplicate_tag_keys_raises_error', 'duplicate-tag-keys',
     k('TagResource', {'KeyId': '${tg5}', 'Tags': [{'TagKey': 'tag1', 'TagValue': 'value1'}, {'TagKey': 'tag1', 'TagValue': 'another-value1'}]}),
     setup=[new_key('tg5', Description='test key 123', KeyUsage='ENCRYPT_DECRYPT')])
case('TestKMS::test_tag_existing_key_with_invalid_tag_key', 'invalid-tag-key', tag('tg5', **{'aws:key1': 'value1'}))

out = {'snapshot': SNAP, 'commit': COMMIT, 'cases': cases}
json.dump(out, open(OUT, 'w'), indent=1)
open(OUT, 'a').write('\n')
print(len(cases), 'cases')
