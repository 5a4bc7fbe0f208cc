#!/usr/bin/env python3
"""Writes the replay cases of container-image functions (TestLambdaImages, 32 validated answers)
into testdata/lambda_api.json: our own requests (written from each test's intent: images are
pushed to seki's ECR as manifests of our own, whose digests we know, so that CodeSha256 and
ResolvedImageUri are checked exactly), the facts (facts.py) read mechanically from each validated
recording. The cases of the tests it owns are replaced, every other case is kept. Run from any
directory, after gen_lambda_ops.py: python3 internal/fidelity/gen/gen_lambda_images.py"""
import hashlib, json, os, sys
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from lambda_ops_lib import File, ROLE  # noqa: E402

ECR = 'AmazonEC2ContainerRegistry_V20150921.'


def manifest(n):
    """A Docker v2 image manifest of our own, and its digest's hex (sha256 of its bytes)."""
    layer = hashlib.sha256(b'fid layer %d' % n).hexdigest()
    config = hashlib.sha256(b'fid config %d' % n).hexdigest()
    doc = json.dumps({'schemaVersion': 2, 'mediaType': 'application/vnd.docker.distribution.manifest.v2+json',
                      'config': {'mediaType': 'application/vnd.docker.container.image.v1+json', 'size': 1470, 'digest': 'sha256:' + config},
                      'layers': [{'mediaType': 'application/vnd.docker.image.rootfs.diff.tar.gzip', 'size': 3000 + n, 'digest': 'sha256:' + layer}]},
                     separators=(',', ':'))
    return doc, hashlib.sha256(doc.encode()).hexdigest()


def ecr(op, body):
    return {'service': 'ecr', 'method': 'POST', 'path': '/', 'target': ECR + op, 'body': body}


def repo(name, n, tag='latest'):
    """Setup steps: a repository with image n tagged tag; its URI and the digest's hex."""
    doc, hexd = manifest(n)
    steps = [ecr('CreateRepository', {'repositoryName': name}),
             ecr('PutImage', {'repositoryName': name, 'imageManifest': doc, 'imageTag': tag})]
    return steps, '${account}.dkr.ecr.${region}.amazonaws.com/' + name, hexd


def call(method, path, body=None):
    s = {'service': 'lambda', 'method': method, 'path': path}
    if body is not None:
        s['body'] = body
    return s


def create_image(name, uri, **kw):
    b = {'FunctionName': name, 'Role': ROLE, 'Code': {'ImageUri': uri + ':latest'}, 'PackageType': 'Image',
         'Environment': {'Variables': {'CUSTOM_ENV': 'test'}}}
    b.update(kw)
    return call('POST', '/2015-03-31/functions', b)


def get(fn):
    return call('GET', '/2015-03-31/functions/' + fn)


def config(fn):
    return call('GET', '/2015-03-31/functions/%s/configuration' % fn)


api = File('lambda_api.json', 'tests/aws/services/lambda_/test_lambda_api', 'tests/aws/services/lambda_/test_lambda_api.py::')
SHAPE = dict(opaque=('LastModified',))

# --- test_lambda_image_crud: create, read, a zip refused, the code moved to another image ---------
T = 'TestLambdaImages::test_lambda_image_crud'
steps_a, uri_a, hex_a = repo('fid-img-alpine', 1)
steps_b, uri_b, hex_b = repo('fid-img-debian', 2)
M = {'<function-name:1>': 'fid-img-crud', '<resource:1>': 'fid-role', '<repo_uri>': uri_a, '<repo_uri_2>': uri_b,
     '<code-sha256:1>': hex_a, '<code-sha256:2>': hex_b}
api.case(T, 'create-image-response', create_image('fid-img-crud', uri_a), M, setup=steps_a + steps_b, **SHAPE)
api.case(T, 'get-function-code-response', get('fid-img-crud'), M, **SHAPE)
api.case(T, 'get-function-config-response', config('fid-img-crud'), M, **SHAPE)
api.case(T, 'image-to-zipfile-error', call('PUT', '/2015-03-31/functions/fid-img-crud/code', {'ZipFile': '${zip}'}), M)
api.case(T, 'update-function-code-response', call('PUT', '/2015-03-31/functions/fid-img-crud/code', {'ImageUri': uri_b + ':latest'}), M, **SHAPE)
api.case(T, 'get-function-code-response-after-update', get('fid-img-crud'), M, **SHAPE)
api.case(T, 'get-function-config-response-after-update', config('fid-img-crud'), M, **SHAPE)

# --- test_lambda_zip_file_to_image: a .zip function refuses an image ---------------------------
T = 'TestLambdaImages::test_lambda_zip_file_to_image'
steps_z, uri_z, hex_z = repo('fid-img-zip', 3)
M = {'<function-name:1>': 'fid-img-zip', '<resource:1>': 'fid-role', '<repo_uri>': uri_z}
ZIPC = {'opaque': ('LastModified', 'RuntimeVersionArn', 'Location', 'CodeSha256')}
api.case(T, 'create-image-response', call('POST', '/2015-03-31/functions', {
    'FunctionName': 'fid-img-zip', 'Role': ROLE, 'Runtime': 'python3.12', 'Handler': 'handler.handler', 'Code': {'ZipFile': '${zip}'}}),
    M, setup=steps_z, **ZIPC)
api.case(T, 'get-function-code-response', get('fid-img-zip'), M, **ZIPC)
api.case(T, 'get-function-config-response', config('fid-img-zip'), M, **ZIPC)
api.case(T, 'zipfile-to-image-error', call('PUT', '/2015-03-31/functions/fid-img-zip/code', {'ImageUri': uri_z + ':latest'}), M)
api.case(T, 'get-function-code-response-after-update', get('fid-img-zip'), M, **ZIPC)
api.case(T, 'get-function-config-response-after-update', config('fid-img-zip'), M, **ZIPC)

# --- test_lambda_image_and_image_config_crud: ImageConfig set, replaced, removed ---------------
T = 'TestLambdaImages::test_lambda_image_and_image_config_crud'
steps_c, uri_c, hex_c = repo('fid-img-config', 4)
M = {'<function-name:1>': 'fid-img-config', '<resource:1>': 'fid-role', '<repo_uri>': uri_c, '<code-sha256:1>': hex_c}
api.case(T, 'create-image-with-config-response', create_image('fid-img-config', uri_c, ImageConfig={
    'EntryPoint': ['sh'], 'Command': ['-c', 'echo test'], 'WorkingDirectory': '/app1'}), M, setup=steps_c, **SHAPE)
api.case(T, 'get-function-code-with-config-response', get('fid-img-config'), M, **SHAPE)
api.case(T, 'get-function-config-with-config-response', config('fid-img-config'), M, **SHAPE)
api.case(T, 'update-function-code-response', call('PUT', '/2015-03-31/functions/fid-img-config/configuration',
                                                  {'ImageConfig': {'Command': ['-c', 'echo test1'], 'WorkingDirectory': '/app1'}}), M, **SHAPE)
api.case(T, 'get-function-code-response-after-update', get('fid-img-config'), M, **SHAPE)
api.case(T, 'get-function-config-response-after-update', config('fid-img-config'), M, **SHAPE)
api.case(T, 'update-function-code-delete-imageconfig-response', call('PUT', '/2015-03-31/functions/fid-img-config/configuration',
                                                                     {'ImageConfig': {}}), M, **SHAPE)
api.case(T, 'get-function-code-response-after-delete-imageconfig', get('fid-img-config'), M, **SHAPE)
api.case(T, 'get-function-config-response-after-delete-imageconfig', config('fid-img-config'), M, **SHAPE)

# --- test_lambda_image_versions: published on create, updated, published with and without CodeSha256
T = 'TestLambdaImages::test_lambda_image_versions'
steps_v, uri_v, hex_v = repo('fid-img-versions', 5)
M = {'<function-name:1>': 'fid-img-versions', '<resource:1>': 'fid-role', '<repo_uri>': uri_v, '<code-sha256:1>': hex_v}
FN = 'fid-img-versions'
api.case(T, 'create_image_response', create_image(FN, uri_v, Publish=True), M, setup=steps_v, **SHAPE)
api.case(T, 'get_function_result', get(FN), M, **SHAPE)
api.case(T, 'list_versions_result', call('GET', '/2015-03-31/functions/%s/versions' % FN), M, **SHAPE)
api.case(T, 'first_update_response', call('PUT', '/2015-03-31/functions/%s/configuration' % FN, {'Description': 'Second version :)'}), M, **SHAPE)
api.case(T, 'first_update_get_function', get(FN), M, **SHAPE)
api.case(T, 'invalid_sha_publish', call('POST', '/2015-03-31/functions/%s/versions' % FN,
                                        {'Description': 'Second version description :)', 'CodeSha256': 'a' * 64}), M)
api.case(T, 'first_publish_response', call('POST', '/2015-03-31/functions/%s/versions' % FN,
                                           {'Description': 'Second version description :)', 'CodeSha256': hex_v}), M, **SHAPE)
api.case(T, 'second_update_response', call('PUT', '/2015-03-31/functions/%s/configuration' % FN, {'Description': 'Third version :)'}), M, **SHAPE)
api.case(T, 'second_update_get_function', get(FN), M, **SHAPE)
api.case(T, 'second_publish_response', call('POST', '/2015-03-31/functions/%s/versions' % FN, {'Description': 'Third version description :)'}), M, **SHAPE)
# facts() spells a recorded list as json.dumps does ('["-c", "echo test"]'); the replay compares
# lists as Go's encoding/json writes them, compactly.
for c in api.cases:
    for k, v in c['expect'].get('values', {}).items():
        if v.startswith('['):
            c['expect']['values'][k] = json.dumps(json.loads(v), separators=(',', ':'))
api.write()
