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
