# The cases of lambda_api_ok.py, test by test (exec'd there). Each function name is new, so that
# the cases of one test see only their own requests' effects.
TAGS = '/2017-03-31/tags/'
FA = ARN  # arn:aws:lambda:${region}:${account}:function:

# --- tags ---
for test, fn in [('TestLambdaTag::test_tag_lifecycle', 'fid-ok-tag1'), ('TestLambdaTag::test_tag_lifecycle[lambda_function]', 'fid-ok-tag2')]:
    begin(fnames([fn]))
    a = FA + fn
    steps = [('tag_single', 'POST', {'Tags': {'A': 'tag-a'}}), ('tag_multiple', 'POST', {'Tags': {'B': 'tag-b', 'C': 'tag-c'}}),
             ('tag_overlap', 'POST', {'Tags': {'C': 'tag-c-newsuffix', 'D': 'tag-d'}}), ('untag_single', 'DELETE', 'tagKeys=A'),
             ('untag_multiple', 'DELETE', 'tagKeys=B&tagKeys=C'), ('untag_nonexisting', 'DELETE', 'tagKeys=F'),
             ('untag_existing_and_nonexisting', 'DELETE', 'tagKeys=D&tagKeys=F')]
    for i, (label, method, arg) in enumerate(steps):
        call = L(method, TAGS + a, arg) if method == 'POST' else L(method, TAGS + a, query=arg)
        okcase(test, label + '_response', call, setup=[fixture(fn)] if i == 0 else None)
        okcase(test, label + '_response_listtags', L('GET', TAGS + a))

T1 = 'TestLambdaTag::test_create_tag_on_fn_create'
begin(dict(fnames(['fid-ok-tag3']), **{'<custom-tag>': 'fid-custom-tag'}))
okcase(T1, 'get_function_result', getfn('fid-ok-tag3'), setup=[fixture('fid-ok-tag3', Tags={'testtag': 'fid-custom-tag'})])
okcase(T1, 'list_tags_result', L('GET', TAGS + FA + 'fid-ok-tag3'))
begin(fnames(['fid-ok-tag4']))
okcase('TestLambdaTag::test_tag_nonexisting_resource', 'pre_delete_get_function', getfn(FA + 'fid-ok-tag4'), setup=[fixture('fid-ok-tag4')])

T2 = 'TestLambdaTags::test_tag_lifecycle'
begin(fnames(['fid-ok-tag5']))
a = FA + 'fid-ok-tag5'
okcase(T2, 'list_tags_response_postfncreate', L('GET', TAGS + a), setup=[fixture('fid-ok-tag5', Tags={'key_a': 'value_a'})])
okcase(T2, 'get_fn_response_postfncreate', getfn(a))
okcase(T2, 'tag_resource_response', L('POST', TAGS + a, {'Tags': {'key_b': 'value_b', 'key_c': 'value_c', 'key_d': 'value_d', 'key_e': 'value_e'}}))
okcase(T2, 'list_tags_response_postaddtags', L('GET', TAGS + a))
okcase(T2, 'get_fn_response_postaddtags', getfn(a))
okcase(T2, 'tag_resource_overwrite', L('POST', TAGS + a, {'Tags': {'key_b': 'value_b', 'key_c': 'value_x'}}))
okcase(T2, 'list_tags_response_overwrite', L('GET', TAGS + a))
okcase(T2, 'get_fn_response_overwrite', getfn(a))
okcase(T2, 'list_tags_response_postuntag', L('GET', TAGS + a), setup=[L('DELETE', TAGS + a, query='tagKeys=key_c&tagKeys=key_d')])
okcase(T2, 'get_fn_response_postuntag', getfn(a))
okcase(T2, 'list_tags_response_postuntagall', L('GET', TAGS + a), setup=[L('DELETE', TAGS + a, query='tagKeys=key_a&tagKeys=key_b&tagKeys=key_e')])
okcase(T2, 'get_fn_response_postuntagall', getfn(a))

T3 = 'TestLambdaTags::test_tag_limits'
begin(fnames(['fid-ok-tag6']))
a = FA + 'fid-ok-tag6'
okcase(T3, 'tag_response', L('POST', TAGS + a, {'Tags': {'%d_key' % k: '%d_value' % k for k in range(50)}}), setup=[fixture('fid-ok-tag6')])
okcase(T3, 'list_tags_response', L('GET', TAGS + a))
okcase(T3, 'get_fn_response', getfn('fid-ok-tag6'))
T4 = 'TestLambdaTags::test_tag_exceptions'
begin(fnames(['fid-ok-tag7']))
a = FA + 'fid-ok-tag7'
okcase(T4, 'list_tag_lambda_empty', L('GET', TAGS + a), setup=[fixture('fid-ok-tag7')])
okcase(T4, 'untag_nomatch', L('DELETE', TAGS + a, query='tagKeys=somekey'))

# --- versions ---
V = 'TestLambdaVersions::'
begin(fnames(['fid-ok-ver1']))
okcase(V + 'test_publish_version_on_create', 'get_function_result', getfn('fid-ok-ver1'), setup=[plain('fid-ok-ver1', Publish=True)])
okcase(V + 'test_publish_version_on_create', 'get_function_version_result', getfn('fid-ok-ver1', '1'))
okcase(V + 'test_publish_version_on_create', 'get_function_latest_result', getfn('fid-ok-ver1', '$LATEST'))
okcase(V + 'test_publish_version_on_create', 'list_versions_result', versions('fid-ok-ver1'))
okcase(V + 'test_publish_version_on_create', 'repeated_publish_response', publish('fid-ok-ver1', Description='Repeated version description :)'))
okcase(V + 'test_publish_version_on_create', 'list_versions_result_after_publish', versions('fid-ok-ver1'))

VL = V + 'test_version_lifecycle'
begin(fnames(['fid-ok-ver2']))
okcase(VL, 'create_response', plain('fid-ok-ver2', Description='No version :('))
okcase(VL, 'get_function_result', getfn('fid-ok-ver2'))
okcase(VL, 'list_versions_result', versions('fid-ok-ver2'))
okcase(VL, 'first_update_response', upconf('fid-ok-ver2', Description='First version :)'))
okcase(VL, 'first_update_get_function', getfn('fid-ok-ver2'))
okcase(VL, 'first_publish_response', publish('fid-ok-ver2', Description='First version description :)'))
okcase(VL, 'first_publish_get_function', getfn('fid-ok-ver2', '1'))
okcase(VL, 'first_publish_get_function_config', getconf('fid-ok-ver2', '1'))
okcase(VL, 'second_update_response', upconf('fid-ok-ver2', Description='Second version :))'))
okcase(VL, 'first_publish_get_function_after_update', getfn('fid-ok-ver2', '1'))
okcase(VL, 'second_publish_response', publish('fid-ok-ver2'))
okcase(VL, 'third_publish_response', publish('fid-ok-ver2', Description='Third version description :)))'))
okcase(VL, 'list_versions_result_after_third_publish', versions('fid-ok-ver2'))
okcase(VL, 'list_versions_result_after_deletion_of_first_version', versions('fid-ok-ver2'), setup=[L('DELETE', FN + 'fid-ok-ver2:1')])

VS = V + 'test_publish_with_wrong_sha256'
begin(fnames(['fid-ok-ver3']))
okcase(VS, 'create_response', plain('fid-ok-ver3'))
okcase(VS, 'get_fn_response', getfn('fid-ok-ver3'))
okcase(VS, 'publish_result', publish('fid-ok-ver3', CodeSha256='${%s}' % _var('code-sha256:1')))

VU = V + 'test_publish_with_update'
begin(fnames(['fid-ok-ver4']))
okcase(VU, 'create_response', plain('fid-ok-ver4'))
okcase(VU, 'get_function_result', getfn('fid-ok-ver4'))
okcase(VU, 'update_function_code_result', upcode('fid-ok-ver4', 'echo2', Publish=True))
INPROG = 'AWS recorded the moment after UpdateFunctionCode(Publish=True) answered, while the update was still running (version 1 Pending, $LATEST InProgress); seki finishes an update before it answers, so a later read finds both settled (as AWS\'s own do once function_updated_v2 returns)'
okcase(VU, 'get_function_version_result', getfn('fid-ok-ver4', '1'), known=INPROG)
okcase(VU, 'get_function_latest_result', getfn('fid-ok-ver4', '$LATEST'), known=INPROG)

# --- revisions ---
RB = 'TestLambdaRevisions::test_function_revisions_basic'
begin(fnames(['fid-ok-rev1']))
okcase(RB, 'create_function_response_rev1', fixture('fid-ok-rev1', Handler='index.handler'))
okcase(RB, 'get_function_response_rev2', getfn('fid-ok-rev1'))
okcase(RB, 'update_function_code_response_rev3', upcode('fid-ok-rev1', RevisionId='${%s}' % _var('uuid:2')))
okcase(RB, 'get_function_response_rev4', getfn('fid-ok-rev1'))
PY38 = 'the test updates the function to python3.8, which AWS still allowed when it recorded (November 2025); python3.8\'s "block function update" date has passed since (lambda-runtimes.html, Deprecated runtimes), and seki refuses it as AWS does now'
okcase(RB, 'update_function_configuration_response_rev5', upconf('fid-ok-rev1', Runtime='python3.8', RevisionId='${%s}' % _var('uuid:4')), known=PY38)
okcase(RB, 'get_function_response_rev6', getfn('fid-ok-rev1'), known=PY38)

RA = 'TestLambdaRevisions::test_function_revisions_version_and_alias'
begin(fnames(['fid-ok-rev2']))
okcase(RA, 'create_function_response_rev1', fixture('fid-ok-rev2'))
okcase(RA, 'get_function_active_rev2', getfn('fid-ok-rev2'))
okcase(RA, 'publish_version_response_rev_v1', publish('fid-ok-rev2', RevisionId='${%s}' % _var('uuid:2')))
okcase(RA, 'get_function_published_version_rev_v2', getfn('fid-ok-rev2', '1'))
okcase(RA, 'get_function_latest_rev3', getfn('fid-ok-rev2'))
okcase(RA, 'create_alias_response_rev_a1', L('POST', FN + 'fid-ok-rev2/aliases', {'Name': 'revision_alias', 'FunctionVersion': '1'}))
okcase(RA, 'get_function_latest_rev4', getfn('fid-ok-rev2'))
okcase(RA, 'get_function_published_version_rev_v3', getfn('fid-ok-rev2', '1'))
okcase(RA, 'update_alias_response_rev_a2', L('PUT', FN + 'fid-ok-rev2/aliases/revision_alias', {'Description': 'something changed', 'RevisionId': '${%s}' % _var('uuid:5')}))

# --- aliases ---
AL = 'TestLambdaAlias::test_alias_lifecycle'
begin(fnames(['fid-ok-al1']))
A1 = FN + 'fid-ok-al1/aliases'
okcase(AL, 'create_response', plain('fid-ok-al1', Environment={'Variables': {'testenv': 'staging'}}))
okcase(AL, 'publish_v1', publish('fid-ok-al1'))
okcase(AL, 'publish_v2', publish('fid-ok-al1'), setup=[upconf('fid-ok-al1', Environment={'Variables': {'testenv': 'prod'}})])
okcase(AL, 'create_alias_1_1', L('POST', A1, {'Name': 'aliasname1_1', 'FunctionVersion': '1', 'Description': 'custom-alias', 'RoutingConfig': {'AdditionalVersionWeights': {'2': 0.2}}}))
okcase(AL, 'get_alias_1_1', L('GET', A1 + '/aliasname1_1'))
okcase(AL, 'get_function_alias_1_1', getfn('fid-ok-al1', 'aliasname1_1'))
okcase(AL, 'get_function_byarn_alias_1_1', getfn(FA + 'fid-ok-al1:aliasname1_1'))
okcase(AL, 'create_alias_1_2', L('POST', A1, {'Name': 'aliasname1_2', 'FunctionVersion': '1', 'Description': 'custom-alias'}))
okcase(AL, 'get_alias_1_2', L('GET', A1 + '/aliasname1_2'))
okcase(AL, 'create_alias_1_3', L('POST', A1, {'Name': 'aliasname1_3', 'FunctionVersion': '1'}))
okcase(AL, 'get_alias_1_3', L('GET', A1 + '/aliasname1_3'))
okcase(AL, 'create_alias_2', L('POST', A1, {'Name': 'aliasname2', 'FunctionVersion': '2', 'Description': 'custom-alias'}))
okcase(AL, 'get_alias_2', L('GET', A1 + '/aliasname2'))
okcase(AL, 'list_aliases_for_fnname', L('GET', A1))
okcase(AL, 'update_alias_1_1', L('PUT', A1 + '/aliasname1_1', {'RoutingConfig': {'AdditionalVersionWeights': {}}}))
okcase(AL, 'get_alias_1_1_after_update', L('GET', A1 + '/aliasname1_1'))
okcase(AL, 'list_aliases_for_fnname_after_update', L('GET', A1))
okcase(AL, 'update_alias_1_2', L('PUT', A1 + '/aliasname1_2', {}))
okcase(AL, 'get_alias_1_2_after_update', L('GET', A1 + '/aliasname1_2'))
okcase(AL, 'list_aliases_for_fnname_after_update_2', L('GET', A1))
okcase(AL, 'list_aliases_for_version', L('GET', A1, query='FunctionVersion=1'))
okcase(AL, 'delete_alias_response', L('DELETE', A1 + '/aliasname1_1'))
okcase(AL, 'list_aliases_for_fnname_afterdelete', L('GET', A1))

AN = 'TestLambdaAlias::test_alias_naming'
begin(fnames(['fid-ok-al2']))
okcase(AN, 'create_response', plain('fid-ok-al2', Environment={'Variables': {'testenv': 'staging'}}))
okcase(AN, 'publish_v1', publish('fid-ok-al2'))
okcase(AN, 'create_alias_date', L('POST', FN + 'fid-ok-al2/aliases', {'Name': '2024-01-02', 'FunctionVersion': '1', 'Description': 'custom-alias'}))
okcase(AN, 'get_alias_date', L('GET', FN + 'fid-ok-al2/aliases/2024-01-02'))
begin(fnames(['fid-ok-al3']))
okcase('TestLambdaAlias::test_non_existent_alias_deletion', 'create_response', plain('fid-ok-al3', Environment={'Variables': {'testenv': 'staging'}}))
okcase('TestLambdaAlias::test_non_existent_alias_deletion', 'delete_alias_response', L('DELETE', FN + 'fid-ok-al3/aliases/non-existent'))
begin(fnames(['fid-ok-al4']))
okcase('TestLambdaAlias::test_non_existent_alias_update', 'create_response', plain('fid-ok-al4', Environment={'Variables': {'testenv': 'staging'}}))
AR = 'TestLambdaAlias::test_notfound_and_invalid_routingconfigs'
begin(fnames(['fid-ok-al5']))
okcase(AR, 'create_response', plain('fid-ok-al5', Publish=True, Environment={'Variables': {'testenv': 'staging'}}))
okcase(AR, 'publish_v1', publish('fid-ok-al5'))
okcase(AR, 'publish_v2', publish('fid-ok-al5'), setup=[upconf('fid-ok-al5', Environment={'Variables': {'testenv': 'prod'}})])

# --- functions ---
FL = 'TestLambdaFunction::test_function_lifecycle'
begin(fnames(['fid-ok-life']))
okcase(FL, 'get_function_response_postupdate', getfn('fid-ok-life'), setup=[
    fixture('fid-ok-life', MemorySize=256, Timeout=5),
    upconf('fid-ok-life', Runtime='python3.11', Description='Changed-Description', MemorySize=512, Timeout=10, Environment={'Variables': {'ENV_A': 'a'}})])
okcase(FL, 'update_code_response', upcode('fid-ok-life', 'echo2'))
okcase(FL, 'get_function_response_postcodeupdate', getfn('fid-ok-life'))
okcase(FL, 'delete_response', L('DELETE', FN + 'fid-ok-life'))

RU = 'TestLambdaFunction::test_redundant_updates'
begin(fnames(['fid-ok-red']))
okcase(RU, 'create_response', fixture('fid-ok-red', Description='Initial description'))
okcase(RU, 'first_update_result', upconf('fid-ok-red', Description='1st update description'))
okcase(RU, 'get_fn_config_result', getconf('fid-ok-red'))
okcase(RU, 'get_fn_result', getfn('fid-ok-red'))
okcase(RU, 'redundant_update_result', upconf('fid-ok-red', Description='1st update description'))
okcase(RU, 'get_fn_result_after_redundant_update', getfn('fid-ok-red'))

CZ = 'TestLambdaFunction::test_lambda_code_location_zipfile'
begin(fnames(['fid-ok-cz']))
okcase(CZ, 'create-response-zip-file', plain('fid-ok-cz'))
okcase(CZ, 'get-function-response', getfn('fid-ok-cz'))
okcase(CZ, 'update-function-response', upcode('fid-ok-cz', 'echo2'))
NOWAIT = 'the test reads the function right after UpdateFunctionCode answered, without waiting, and AWS recorded the update still InProgress (with the RevisionId the update answered); seki finishes an update before it answers, so the read finds it Successful, as AWS\'s does once function_updated_v2 returns'
okcase(CZ, 'get-function-response-updated', getfn('fid-ok-cz'), known=NOWAIT)
CS = 'TestLambdaFunction::test_lambda_code_location_s3'
begin(fnames(['fid-ok-cs']))
s3put = {'service': 's3', 'method': 'PUT', 'path': '/fid-ok-code/code/code-function.zip', 'raw64': '${zip:echo}'}
okcase(CS, 'create_response_s3', plain('fid-ok-cs', Code={'S3Bucket': 'fid-ok-code', 'S3Key': 'code/code-function.zip'}),
       setup=[{'service': 's3', 'method': 'PUT', 'path': '/fid-ok-code'}, s3put])
okcase(CS, 'get-function-response', getfn('fid-ok-cs'))
okcase(CS, 'update-function-response', L('PUT', FN + 'fid-ok-cs/code', {'S3Bucket': 'fid-ok-code', 'S3Key': 'code/code-function.zip'}),
       setup=[dict(s3put, raw64='${zip:echo2}')])
okcase(CS, 'get-function-response-updated', getfn('fid-ok-cs'), known=NOWAIT)

FA2 = 'TestLambdaFunction::test_function_arns'
begin(fnames(['fid-ok-arn1', 'fid-ok-arn2']))
okcase(FA2, 'create-function-arn-response', fixture(FA + 'fid-ok-arn1'))
begin(fnames(['fid-ok-arn2']))
okcase(FA2, 'create-function-partial-arn-response', fixture('${account}:function:fid-ok-arn2'))

begin(fnames(['fid-ok-env']))
okcase('TestLambdaSizeLimits::test_lambda_envvars_near_limit_succeeds', 'successful_create_fn_result',
       fixture('fid-ok-env', Environment={'Variables': {'LARGE_VAR': 'x' * (4 * 1024 - 7 - len('LARGE_VAR'))}}))

# --- layers ---
LY = '/2018-10-31/layers/'


def pubL(name, **kw):
    b = {'Content': {'ZipFile': '${zip:layer}'}}
    b.update(kw)
    return L('POST', LY + name + '/versions', b)


for i, p in enumerate(['runtimes0', 'runtimes1', 'runtimes2']):
    t = 'TestLambdaLayer::test_layer_compatibilities[%s]' % p
    r = SNAP[T + t]['recorded-content']['publish_result']  # the runtimes the test declared, as AWS echoed them
    begin({'<resource:1>': 'fid-ok-lyc%d' % i})
    okcase(t, 'publish_result', pubL('fid-ok-lyc%d' % i, CompatibleRuntimes=r['CompatibleRuntimes'], CompatibleArchitectures=['arm64', 'x86_64']))

LE = 'TestLambdaLayer::test_layer_exceptions'
begin({'<resource:1>': 'fid-ok-lye', '<resource:2>': 'fid-ok-lye2'})
okcase(LE, 'publish_result', pubL('fid-ok-lye', CompatibleRuntimes=['python3.12'], CompatibleArchitectures=['x86_64']))
okcase(LE, 'list_nonexistent_layer', L('GET', LY + 'layerdoesnotexist/versions'))
okcase(LE, 'delete_nonexistent_response', L('DELETE', LY + 'layerdoesnotexist/versions/1'))
okcase(LE, 'delete_nonexistent_version_response', L('DELETE', LY + 'fid-ok-lye/versions/2'))
okcase(LE, 'delete_layer_response', L('DELETE', LY + 'fid-ok-lye/versions/1'))
okcase(LE, 'delete_layer_again_response', L('DELETE', LY + 'fid-ok-lye/versions/1'))
okcase(LE, 'publish_empty_result', pubL('fid-ok-lye2', CompatibleRuntimes=[], CompatibleArchitectures=[]))

LF = 'TestLambdaLayer::test_layer_function_exceptions'
begin(dict(fnames(['fid-ok-lyf']), **{'<resource:1>': 'fid-ok-lyf'}))
for i, r in enumerate(['publish_result', 'publish_result_2', 'publish_result_3']):
    okcase(LF, r, pubL('fid-ok-lyf', CompatibleRuntimes=[], CompatibleArchitectures=['x86_64']))
okcase(LF, 'get_fn_result', getfn('fid-ok-lyf'), setup=[fixture('fid-ok-lyf')])

LL = 'TestLambdaLayer::test_layer_lifecycle'
begin(dict(fnames(['fid-ok-lyl']), **{'<license-info>': 'fid-license', '<description>': 'fid-description'}))
lyl = dict(CompatibleRuntimes=['python3.12'], LicenseInfo='fid-license', Description='fid-description', CompatibleArchitectures=['x86_64'])
okcase(LL, 'get_fn_result', getfn('fid-ok-lyl'), setup=[fixture('fid-ok-lyl')])
okcase(LL, 'get_fn_config_result', getconf('fid-ok-lyl'))
okcase(LL, 'publish_result_2', pubL('fid-ok-lyl', **lyl), setup=[pubL('fid-ok-lyl', **lyl)])
okcase(LL, 'update_fn_config', upconf('fid-ok-lyl', Layers=['arn:aws:lambda:${region}:${account}:layer:fid-ok-lyl:1']))
okcase(LL, 'get_fn_config', getconf('fid-ok-lyl'))
okcase(LL, 'get_layer_ver_result', L('GET', LY + 'fid-ok-lyl/versions/1'))
okcase(LL, 'get_layer_by_arn_version', L('GET', '/2018-10-31/layers', query='find=LayerVersion&Arn=arn:aws:lambda:${region}:${account}:layer:fid-ok-lyl:1'))
okcase(LL, 'delete_layer_1', L('DELETE', LY + 'fid-ok-lyl/versions/1'))
okcase(LL, 'get_fn_config_postdelete', getconf('fid-ok-lyl'))
okcase(LL, 'delete_layer_2', L('DELETE', LY + 'fid-ok-lyl/versions/2'))
okcase(LL, 'list_layer_versions_postdelete', L('GET', LY + 'fid-ok-lyl/versions'))
okcase(LL, 'publish_result_3', pubL('fid-ok-lyl', **lyl))

LS = 'TestLambdaLayer::test_layer_s3_content'
begin({'<resource:1>': 'fid-ok-lys'})
okcase(LS, 'publish_layer_result', pubL('fid-ok-lys', Content={'S3Bucket': 'fid-ok-code', 'S3Key': 'layer.zip'}),
       setup=[{'service': 's3', 'method': 'PUT', 'path': '/fid-ok-code/layer.zip', 'raw64': '${zip:layer}'}])

LPE = 'TestLambdaLayer::test_layer_policy_exceptions'
begin({'<resource:1>': 'fid-ok-lyp1'})
okcase(LPE, 'publish_result', pubL('fid-ok-lyp1', CompatibleRuntimes=['python3.12'], CompatibleArchitectures=['x86_64']))
okcase(LPE, 'add_layer_permission_result', L('POST', LY + 'fid-ok-lyp1/versions/1/policy', {'Action': 'lambda:GetLayerVersion', 'Principal': '*', 'StatementId': 's1'}))
LPL = 'TestLambdaLayer::test_layer_policy_lifecycle'
begin({'<resource:1>': 'fid-ok-lyp2'})
P2 = LY + 'fid-ok-lyp2/versions/1/policy'
okcase(LPL, 'publish_result', pubL('fid-ok-lyp2', CompatibleRuntimes=['python3.12'], CompatibleArchitectures=['x86_64']))
okcase(LPL, 'add_policy_s1', L('POST', P2, {'StatementId': 's1', 'Action': 'lambda:GetLayerVersion', 'Principal': '*'}))
okcase(LPL, 'get_layer_version_policy', L('GET', P2))
okcase(LPL, 'add_policy_s2', L('POST', P2, {'StatementId': 's2', 'Action': 'lambda:GetLayerVersion', 'Principal': '*', 'RevisionId': '${%s}' % _var('uuid:2')}))
okcase(LPL, 'get_layer_version_policy_postadd2', L('GET', P2))
okcase(LPL, 'remove_s2', L('DELETE', P2 + '/s2', query='RevisionId=${%s}' % _var('uuid:2')))
okcase(LPL, 'get_layer_version_policy_postdeletes2', L('GET', P2))

# --- concurrency, account settings ---
FC = 'TestLambdaReservedConcurrency::test_function_concurrency'
begin(fnames(['fid-ok-conc']))
okcase(FC, 'put_function_concurrency_with_reserved_0', L('PUT', '/2017-10-31/functions/fid-ok-conc/concurrency', {'ReservedConcurrentExecutions': 0}), setup=[fixture('fid-ok-conc')])
okcase(FC, 'put_function_concurrency_with_reserved_1', L('PUT', '/2017-10-31/functions/fid-ok-conc/concurrency', {'ReservedConcurrentExecutions': 1}))
okcase(FC, 'get_function_concurrency', L('GET', '/2019-09-30/functions/fid-ok-conc/concurrency'))
okcase(FC, 'delete_response', L('DELETE', '/2017-10-31/functions/fid-ok-conc/concurrency'))
okcase(FC, 'get_function_concurrency_after_delete', L('GET', '/2019-09-30/functions/fid-ok-conc/concurrency'))

AS = T + 'TestLambdaAccountSettings::test_account_settings'
r = SNAP[AS]['recorded-content']['acc_settings_modded']  # the test records the key names of the two structures
case('TestLambdaAccountSettings::test_account_settings', 'acc_settings_modded', L('GET', '/2016-08-19/account-settings'),
     {'status': 200, 'code': '', 'shapes': {'': ['AccountLimit', 'AccountUsage'], 'AccountLimit': r['AccountLimit'], 'AccountUsage': r['AccountUsage']}})

# --- permissions ---
def perm(fn, qual=None, **kw):
    return L('POST', FN + fn + '/policy', kw, query='Qualifier=' + qual if qual else None)


def policy(fn, qual=None):
    return L('GET', FN + fn + '/policy', query='Qualifier=' + qual if qual else None)


S3B = 'arn:aws:s3:::test-bucket'
PA = 'TestLambdaPermissions::test_add_lambda_permission_aws'
begin(fnames(['fid-ok-perm1']))
okcase(PA, 'create_lambda', fixture('fid-ok-perm1'))
okcase(PA, 'add_permission', perm('fid-ok-perm1', Action='lambda:InvokeFunction', StatementId='s3', Principal='s3.amazonaws.com', SourceArn=S3B))
okcase(PA, 'get_policy', policy('fid-ok-perm1'))

PV = 'TestLambdaPermissions::test_lambda_permission_fn_versioning'
begin(fnames(['fid-ok-perm2']))
s3perm = dict(Action='lambda:InvokeFunction', StatementId='s3', Principal='s3.amazonaws.com', SourceArn=S3B)
okcase(PV, 'add_permission', perm('fid-ok-perm2', **s3perm), setup=[fixture('fid-ok-perm2')])
okcase(PV, 'get_policy', policy('fid-ok-perm2'))
okcase(PV, 'publish_version_result', publish('fid-ok-perm2'))
okcase(PV, 'get_function_result_after_publishing', getfn('fid-ok-perm2'))
okcase(PV, 'get_policy_after_publishing_latest', policy('fid-ok-perm2'))
okcase(PV, 'get_policy_version', policy('fid-ok-perm2', '1'), setup=[perm('fid-ok-perm2:1', '1', **s3perm)])
okcase(PV, 'create_alias_response', L('POST', FN + 'fid-ok-perm2/aliases', {'Name': 'permission-alias', 'FunctionVersion': '1'}))
okcase(PV, 'get_alias', L('GET', FN + 'fid-ok-perm2/aliases/permission-alias'))
okcase(PV, 'get_policy_alias', policy('fid-ok-perm2', 'permission-alias'),
       setup=[perm('fid-ok-perm2:permission-alias', 'permission-alias', RevisionId='${%s}' % _var('uuid:5'), **s3perm)])
okcase(PV, 'get_policy_after_adding_to_new_version', policy('fid-ok-perm2'))
okcase(PV, 'get_policy_after_adding_2', policy('fid-ok-perm2'),
       setup=[perm('fid-ok-perm2', **dict(s3perm, StatementId='s3_2', RevisionId='${%s}' % _var('uuid:1')))])

PF = 'TestLambdaPermissions::test_add_lambda_permission_fields'
begin(fnames(['fid-ok-perm3']))
okcase(PF, 'add_permission_principal_account', perm('fid-ok-perm3', Action='lambda:InvokeFunction', StatementId='account-id', Principal='${account}'),
       setup=[fixture('fid-ok-perm3')])
okcase(PF, 'add_permission_principal_arn', perm('fid-ok-perm3', Action='lambda:InvokeFunction', StatementId='user-arn', Principal='arn:aws:iam::${account}:role/fid-role', SourceAccount='${account}'))

PM = 'TestLambdaPermissions::test_create_multiple_lambda_permissions'
begin(fnames(['fid-ok-perm4']))
okcase(PM, 'add_permission_response_1', perm('fid-ok-perm4', Action='lambda:InvokeFunction', StatementId='logs', Principal='logs.amazonaws.com'), setup=[fixture('fid-ok-perm4')])
okcase(PM, 'add_permission_response_2', perm('fid-ok-perm4', Action='lambda:InvokeFunction', StatementId='kinesis', Principal='kinesis.amazonaws.com'))
okcase(PM, 'policy_after_2_add', policy('fid-ok-perm4'))

PR = 'TestLambdaPermissions::test_remove_multi_permissions'
begin(fnames(['fid-ok-perm5']))
okcase(PR, 'add_permission_1', perm('fid-ok-perm5', Action='lambda:InvokeFunction', StatementId='s3', Principal='s3.amazonaws.com'), setup=[fixture('fid-ok-perm5')])
okcase(PR, 'add_permission_2', perm('fid-ok-perm5', Action='lambda:InvokeFunction', StatementId='sqs', Principal='sqs.amazonaws.com', SourceArn=S3B))
okcase(PR, 'policy_after_2_add', policy('fid-ok-perm5'))
okcase(PR, 'policy_after_removal', policy('fid-ok-perm5'), setup=[L('DELETE', FN + 'fid-ok-perm5/policy/sqs')])
okcase(PR, 'policy_after_removal_attempt', policy('fid-ok-perm5'))

# --- function URLs ---
U = '/2021-10-31/functions/'
for test, fn in [('TestLambdaUrl::test_url_config_exceptions', 'fid-ok-url1'), ('TestLambdaUrl::test_url_config_list_paging', 'fid-ok-url2')]:
    begin(fnames([fn]))
    okcase(test, 'fn_version_result', publish(fn), setup=[fixture(fn, 'nodejs', Runtime='nodejs20.x', Handler='lambda_handler.handler')])
    okcase(test, 'create_alias_result', L('POST', FN + fn + '/aliases', {'Name': 'urlalias', 'FunctionVersion': '1'}))
UP = 'TestLambdaUrl::test_url_config_list_paging'
okcase(UP, 'list_all_empty', L('GET', U + 'fid-ok-url2/urls'))
okcase(UP, 'url_config_fn', L('POST', U + 'fid-ok-url2/url', {'AuthType': 'NONE'}))
okcase(UP, 'url_config_alias', L('POST', U + 'fid-ok-url2:urlalias/url', {'AuthType': 'NONE'}, query='Qualifier=urlalias'))
okcase(UP, 'list_all', L('GET', U + 'fid-ok-url2/urls'))
UD = 'TestLambdaUrl::test_url_config_deletion_without_qualifier'
begin({'<resource:1>': 'fid-ok-url3'})
okcase(UD, 'url_creation', L('POST', U + 'fid-ok-url3/url', {'AuthType': 'NONE'}), setup=[
    plain('fid-ok-url3', Environment={'Variables': {'testenv': 'staging'}}), publish('fid-ok-url3'),
    L('POST', FN + 'fid-ok-url3/aliases', {'Name': 'test-alias', 'FunctionVersion': '1', 'Description': 'custom-alias'})])
okcase(UD, 'url_with_alias_creation', L('POST', U + 'fid-ok-url3/url', {'AuthType': 'NONE'}, query='Qualifier=test-alias'))
okcase(UD, 'get_url_config', L('GET', U + 'fid-ok-url3/url'))
okcase(UD, 'get_url_config_with_alias', L('GET', U + 'fid-ok-url3/url', query='Qualifier=test-alias'))
okcase(UD, 'delete_function_url_config', L('DELETE', U + 'fid-ok-url3/url'))
okcase(UD, 'get_url_config_with_alias_after_deletion', L('GET', U + 'fid-ok-url3/url', query='Qualifier=test-alias'))

# --- logging configs ---
LOGC = [('TestLoggingConfig::test_function_advanced_logging_configuration', {'LogFormat': 'JSON'},
         [('updated_config', 'received_config', {'LogFormat': 'JSON', 'ApplicationLogLevel': 'INFO', 'SystemLogLevel': 'INFO', 'LogGroup': 'cool_lambda'})]),
        ('TestLoggingConfig::test_advanced_logging_configuration_format_switch', None,
         [('updated_config', 'received_config', {'LogFormat': 'JSON'}), ('updated_config_v2', 'received_config_v2', {'LogFormat': 'Text'})])]
for i, pc in enumerate([{'LogFormat': 'JSON'}, {'LogFormat': 'JSON', 'ApplicationLogLevel': 'DEBUG'}, {'LogFormat': 'JSON', 'SystemLogLevel': 'DEBUG'}, {'LogGroup': 'cool_lambda'}]):
    LOGC.append(('TestLoggingConfig::test_function_partial_advanced_logging_configuration_update[partial_config%d]' % i, None, [('updated_config', 'received_config', pc)]))
for i, (test, create_lc, updates) in enumerate(LOGC):
    fn = 'fid-ok-log%d' % i
    begin(fnames([fn]))
    kw = {'MemorySize': 256, 'Timeout': 5}
    if create_lc:
        kw['LoggingConfig'] = create_lc
    okcase(test, 'create_response', fixture(fn, **kw))
    okcase(test, 'get_function_response', getfn(fn))
    okcase(test, 'function_config', getconf(fn))
    for upd, got, lc in updates:
        okcase(test, upd, upconf(fn, LoggingConfig=lc))
        okcase(test, got, getconf(fn))

# --- ListFunctions: the test keeps its own two functions, sorted by FunctionArn ---
LF2 = 'TestLambdaFunction::test_list_functions'
begin(fnames(['fid-ok-lst1', 'fid-ok-lst2']))
okcase(LF2, 'create_response_1', fixture('fid-ok-lst1', Publish=True))
okcase(LF2, 'create_response_2', fixture('fid-ok-lst2', 'echo2'))  # another package: the recording's two hashes differ
mine = {'Functions': {'key': 'FunctionName', 'like': '^fid-ok-lst[12]$', 'sort': 'FunctionArn'}}
okcase(LF2, 'list_all', L('GET', '/2015-03-31/functions', query='FunctionVersion=ALL&MaxItems=1000'), keep=mine)
okcase(LF2, 'list_default', L('GET', '/2015-03-31/functions', query='MaxItems=1000'), keep=mine)

# --- the rest of the routing-config test (fid-ok-al5 has versions 1 and 2 from above) ---
begin(fnames(['fid-ok-al5']))
A5 = FN + 'fid-ok-al5/aliases'
okcase(AR, 'create-alias-latest', L('POST', A5, {'Name': 'custom-latest', 'FunctionVersion': '$LATEST'}))
okcase(AR, 'create_alias_empty_routingconfig', L('POST', A5, {'Name': 'custom-empty-routingconfig', 'FunctionVersion': '1', 'RoutingConfig': {'AdditionalVersionWeights': {}}}))
okcase(AR, 'create_alias_response', L('POST', A5, {'Name': 'custom', 'FunctionVersion': '1', 'RoutingConfig': {'AdditionalVersionWeights': {'2': 0.5}}}))

# --- the creates of the tests whose in-progress conflicts cannot happen in seki ---
begin(fnames(['fid-ok-cu0']))
okcase('TestLambdaFunction::test_lambda_concurrent_code_updates', 'create-function-response',
       L('POST', '/2015-03-31/functions', {'FunctionName': 'fid-ok-cu0', 'Runtime': 'python3.12', 'Role': ROLE, 'Handler': 'handler.handler', 'Code': {'ZipFile': '${zip:echo}'}}))
begin(fnames(['fid-ok-cu1']))
okcase('TestLambdaFunction::test_lambda_concurrent_config_updates', 'create-function-response', fixture('fid-ok-cu1'))

# --- ListTags of an aliased or a malformed ARN of an event source mapping or capacity provider: the
# pattern error (the not-found records of the same tests are in gen_lambda_api.py) ---
from facts import facts as _facts
for kind, label, name in [('event-source-mapping', 'event_source_mapping', '0123abcd-0000-0000-0000-000000000000'), ('capacity-provider', 'capacity_provider', 'fid-cp')]:
    t = 'TestLambdaTag::test_tag_exceptions[%s]' % label
    a = 'arn:aws:lambda:${region}:${account}:%s:%s' % (kind, name)
    m = {'<partition>': 'aws', '<region>': '${region}', '111111111111': '${account}', '<resource-name>': name}
    for record, res in [('aliased_arn_exception', a + ':alias'), ('invalid_arn_exception', 'arn:aws:lambda:${region}:${account}:foobar:' + name)]:
        e, _ = _facts('ListTags', SNAP[T + t]['recorded-content'][record], m, proto='json')
        case(t, record, L('GET', TAGS + res), e)

# --- VpcConfig (the vpc helper): a VPC with two subnets and two groups made through seki's EC2 (as
# the test makes them with boto3), the execution role allowed to manage network interfaces (the
# test's lambda_su_role may do anything), then the function put in, moved within and taken out of the
# VPC; and the records of ids EC2 does not know or that do not have an id's shape ---
from facts import facts as _facts


def ec2(action, save=None, **params):
    s = {'service': 'ec2', 'form': dict({'Action': action, 'Version': '2016-11-15'}, **params)}
    if save:
        s['save'] = save
    return s


ENI = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ec2:CreateNetworkInterface","ec2:DescribeNetworkInterfaces","ec2:DeleteNetworkInterface"],"Resource":"*"}]}'
VPC_SETUP = [
    {'service': 'iam', 'form': {'Action': 'PutRolePolicy', 'Version': '2010-05-08', 'RoleName': 'fid-role', 'PolicyName': 'vpc-eni', 'PolicyDocument': ENI}},
    ec2('CreateVpc', {'vpcid': 'CreateVpcResponse.vpc.vpcId'}, CidrBlock='10.0.0.0/16'),
    ec2('CreateSecurityGroup', {'vpcsg1': 'CreateSecurityGroupResponse.groupId'}, VpcId='${vpcid}', GroupName='fid-sg-1', GroupDescription='Test security group 1'),
    ec2('CreateSecurityGroup', {'vpcsg2': 'CreateSecurityGroupResponse.groupId'}, VpcId='${vpcid}', GroupName='fid-sg-2', GroupDescription='Test security group 2'),
    ec2('CreateSubnet', {'vpcsub1': 'CreateSubnetResponse.subnet.subnetId'}, VpcId='${vpcid}', CidrBlock='10.0.0.0/24'),
    ec2('CreateSubnet', {'vpcsub2': 'CreateSubnetResponse.subnet.subnetId'}, VpcId='${vpcid}', CidrBlock='10.0.1.0/24'),
]
V = 'TestLambdaFunction::test_vpc_config'
begin(dict(fnames(['fid-ok-vpc']), **{'<vpc_id>': '${vpcid}', '<subnet_id_1>': '${vpcsub1}', '<subnet_id_2>': '${vpcsub2}',
                                      '<security_group_id_1>': '${vpcsg1}', '<security_group_id_2>': '${vpcsg2}'}))
okcase(V, 'create_response', fixture('fid-ok-vpc', MemorySize=256, Timeout=5, VpcConfig={'SubnetIds': ['${vpcsub1}'], 'SecurityGroupIds': ['${vpcsg1}']}),
       setup=VPC_SETUP)
okcase(V, 'get_function_response', getfn('fid-ok-vpc'))
okcase(V, 'update_vpcconfig_update_response', upconf('fid-ok-vpc', VpcConfig={'SubnetIds': ['${vpcsub2}'], 'SecurityGroupIds': ['${vpcsg2}']}))
okcase(V, 'update_vpcconfig_get_function_response', getfn('fid-ok-vpc'))
okcase(V, 'delete_vpcconfig_update_response', upconf('fid-ok-vpc', VpcConfig={'SubnetIds': [], 'SecurityGroupIds': []}))
okcase(V, 'delete_vpcconfig_get_function_response', getfn('fid-ok-vpc'))
for t, record, subnet, group, m in [
    ('TestLambdaFunction::test_invalid_vpc_config_subnet', 'create-response-non-existent-subnet-id', 'subnet-fid0nosuch', '${vpcsg1}', {'<subnet_id_1>': 'subnet-fid0nosuch'}),
    ('TestLambdaFunction::test_invalid_vpc_config_subnet', 'create-response-invalid-format-subnet-id', 'bad-format-fid', '${vpcsg1}', {'<subnet_id_2>': 'bad-format-fid'}),
    ('TestLambdaFunction::test_invalid_vpc_config_security_group', 'create-response-non-existent-security-group', 'subnet-fid0nosuch', 'sg-fid0nosuch', {'<security_group_id_1>': 'sg-fid0nosuch'}),
    ('TestLambdaFunction::test_invalid_vpc_config_security_group', 'create-response-invalid-format-security-group', 'subnet-fid0nosuch', 'bad-format-fid', {'<security_group_id_2>': 'bad-format-fid'}),
]:
    e, _ = _facts('CreateFunction', SNAP[T + t]['recorded-content'][record], m, proto='json')
    case(t, record, plain('fid-vpc-bad', VpcConfig={'SubnetIds': [subnet], 'SecurityGroupIds': [group]}), e)
