"""Writes the S3 replay cases (internal/fidelity/testdata/s3*.json): our own
requests, with the expected facts taken mechanically from each validated
recording (status, code, message, error members; for answers, the body's
keys and values and the headers, located with botocore's S3 model).
Run from this directory: python3 gen_s3.py (and gen_s3_api.py, ...)."""
import json, gzip, re, os, sys, subprocess
import botocore
BOTO = os.path.join(os.path.dirname(botocore.__file__), 'data/s3/2006-03-01/service-2.json.gz')
LOCALSTACK = os.environ.get('LOCALSTACK', '/work/.mirror/localstack+localstack/repo')
HERE = os.path.dirname(os.path.abspath(__file__))

def recorded(path):
    """One file of the localstack repository at COMMIT."""
    return json.loads(subprocess.run(['git', '-C', LOCALSTACK, 'show', f'{COMMIT}:{path}'], check=True, capture_output=True).stdout)
MODEL = json.load(gzip.open(BOTO))
SH = MODEL['shapes']
COMMIT = '8b9a79f05846835cf4dff63ab7eefdde9df83783'
PH = re.compile(r'<[^<>]+>')

class File:
    def __init__(self, name, snapfile):
        self.name = name
        self.snapfile = snapfile
        self.snap = recorded(f'tests/aws/services/s3/{snapfile}.snapshot.json')
        self.val = recorded(f'tests/aws/services/s3/{snapfile}.validation.json')
        self.setup = []
        self.cases = []
    def tid(self, suffix):
        m = [t for t in self.snap if t.endswith('::' + suffix) and t in self.val]
        if len(m) != 1:
            raise SystemExit(f'{self.name}: test {suffix!r} matches {len(m)} validated tests')
        return m[0]
    def rec(self, suffix, record):
        t = self.tid(suffix)
        rc = self.snap[t]['recorded-content']
        if record not in rc:
            raise SystemExit(f'{t}: no record {record}')
        return t, rc[record]
    def case(self, test, record, call, setup=None, op=None, drop=(), members=None, values=None, headers=None, known=None, nomsg=False, msg=None, absent_hdrs=True, extra=None, skip=()):
        t, r = self.rec(test, record)
        if call.get('method') == 'GET' and 'presign' not in call and call['path'].count('/') >= 2 and (not call.get('query') or call['query'].startswith(('versionId=', 'partNumber='))):
            call.setdefault('headers', {}).setdefault('x-amz-checksum-mode', 'ENABLED')  # as boto3 asks by default
        e = expect_for(r, call, op, drop, absent_hdrs)
        if members is not None:
            e['members'] = members
        if nomsg: e.pop('message', None)
        if msg is not None: e['message'] = msg
        if values: e.setdefault('values', {}).update(values)
        for p in skip: e.get('values', {}).pop(p, None)
        if headers: e.setdefault('headers', {}).update(headers)
        if extra: e.update(extra)
        for k in [k for k, v in e.items() if v in ({}, [])]:
            if k not in ('keys',): del e[k]
        c = {'test': t, 'record': record}
        if setup: c['setup'] = setup
        c['call'] = call
        c['expect'] = e
        if known: c['known'] = known
        self.cases.append(c)
    def write(self):
        out = {'snapshot': f'tests/aws/services/s3/{self.snapfile}.snapshot.json', 'commit': COMMIT, 'setup': self.setup, 'cases': self.cases}
        p = os.path.join(HERE, '..', '..', 'testdata', f'{self.name}.json')
        json.dump(out, open(p, 'w'), indent=1, ensure_ascii=False)
        open(p, 'a').write('\n')
        print(self.name, len(self.cases), 'cases')

def s3(method, path, query=None, raw=None, headers=None, save=None, status=None, region=None):
    s = {'service': 's3', 'method': method, 'path': path}
    if query is not None: s['query'] = query
    if raw is not None: s['raw'] = raw
    if headers: s['headers'] = headers
    if save: s['save'] = save
    if status: s['status'] = status
    if region: s['region'] = region
    return s

def fixed(v):
    return isinstance(v, (str, int, float, bool)) and not (isinstance(v, str) and (PH.search(v) or v == 'datetime'))

def sval(v):
    if isinstance(v, bool): return 'true' if v else 'false'
    return str(v)

def expect_for(r, call, op, drop, absent_hdrs):
    st = r.get('ResponseMetadata', {}).get('HTTPStatusCode')
    e = {'status': st}
    if 'Error' in r:
        err = r['Error']
        if call.get('method') == 'HEAD' or st == 304:
            e['code'] = ''
            return e
        e['code'] = err['Code']
        e['message'] = err.get('Message', '')
        mem = {}
        for k, v in err.items():
            if k in ('Code', 'Message', 'RequestId', 'HostId') or k in drop: continue
            mem[k] = v if fixed(v) else '*'
            if isinstance(v, (int, bool)): mem[k] = sval(v)
        e['members'] = mem
        return e
    e['code'] = ''
    if not op:
        return e
    o = MODEL['operations'][op]
    if 'output' not in o:
        return e
    out = SH[o['output']['shape']]
    root = out.get('locationName') or None
    hdrs, keys, values, has = {}, [], {}, []
    payload = out.get('payload')
    for name, m in out['members'].items():
        if name in drop: continue
        loc = m.get('location')
        if loc == 'header':
            h = m['locationName']
            if name in r:
                v = r[name]
                hdrs[h] = sval(v) if fixed(v) else '*'
            elif absent_hdrs and h.lower() not in ('content-length','content-type','last-modified','etag','accept-ranges','date'):
                hdrs[h] = '-'
            continue
        if loc == 'headers':  # user metadata: x-amz-meta-*
            if isinstance(r.get(name), dict):
                for k, v in r[name].items():
                    hdrs[m['locationName'] + k] = v if fixed(v) else '*'
            continue
        if loc == 'statusCode': continue
        if payload:
            if name != payload or name not in r: continue
            ps = SH[m['shape']]
            if ps['type'] != 'structure': continue
            proot = m.get('locationName') or m['shape']
            body_keys(r[name], ps, proot, keys, values, drop)
            root = proot
            continue
        # non-payload body member
        if name in r:
            add_member(r[name], name, m, root or op, keys, values, drop)
    if payload is None and root is None:
        root = op.replace('Output','') + 'Result' if False else None
    if payload is None:
        # the XML root: output shape's locationName, else the op's documented result element
        root = out.get('locationName') or guess_root(op)
        values = {(root + '.' + k.split('.',1)[1]) if k.startswith(op+'.') else k: v for k, v in values.items()}
    if root is not None and keys:
        e['at'] = root
        e['keys'] = sorted(set(keys))
    if values: e['values'] = values
    if hdrs: e['headers'] = hdrs
    return e

ROOTS = {'ListObjects':'ListBucketResult','ListObjectsV2':'ListBucketResult','ListObjectVersions':'ListVersionsResult',
 'ListMultipartUploads':'ListMultipartUploadsResult','ListParts':'ListPartsResult','ListBuckets':'ListAllMyBucketsResult',
 'CreateMultipartUpload':'InitiateMultipartUploadResult','CompleteMultipartUpload':'CompleteMultipartUploadResult',
 'GetBucketLocation':'LocationConstraint','DeleteObjects':'DeleteResult','GetBucketVersioning':'VersioningConfiguration',
 'GetBucketTagging':'Tagging','GetObjectTagging':'Tagging','GetBucketAcl':'AccessControlPolicy','GetObjectAcl':'AccessControlPolicy',
 'GetBucketNotificationConfiguration':'NotificationConfiguration','GetObjectAttributes':'GetObjectAttributesResponse',
 'GetBucketLifecycleConfiguration':'LifecycleConfiguration','GetBucketWebsite':'WebsiteConfiguration',
 'GetBucketAccelerateConfiguration':'AccelerateConfiguration','GetBucketRequestPayment':'RequestPaymentConfiguration',
 'GetBucketEncryption':'ServerSideEncryptionConfiguration','GetBucketMetricsConfiguration':'MetricsConfiguration',
 'ListBucketMetricsConfigurations':'ListMetricsConfigurationsResult',
 'ListBucketInventoryConfigurations':'ListInventoryConfigurationsResult', 'GetBucketLogging':'BucketLoggingStatus', 'GetBucketCors':'CORSConfiguration',
 'ListBucketAnalyticsConfigurations':'ListBucketAnalyticsConfigurationResult',
 'ListBucketIntelligentTieringConfigurations':'ListBucketIntelligentTieringConfigurationsOutput'}
def guess_root(op):
    return ROOTS.get(op, op + 'Result')

def body_keys(d, shape, root, keys, values, drop):
    for name, m in shape['members'].items():
        if name in drop or name not in d: continue
        add_member(d[name], name, m, root, keys, values, drop)

def add_member(v, name, m, root, keys, values, drop):
    ms = SH[m['shape']]
    el = m.get('locationName', name)
    if ms['type'] == 'list':
        mm = ms['member']
        if m.get('flattened') or ms.get('flattened'):
            el = m.get('locationName') or mm.get('locationName') or name
            keys.append(el)
            if v and isinstance(v, list) and isinstance(v[0], dict):
                for k2, v2 in v[0].items():
                    sub = SH[mm['shape']]['members'].get(k2)
                    if sub and fixed(v2) and SH[sub['shape']]['type'] not in ('timestamp',):
                        values[f'{root}.{el}.{sub.get("locationName", k2)}'] = sval(v2)
        else:
            keys.append(el)
        return
    keys.append(el)
    if ms['type'] == 'structure':
        return
    if ms['type'] == 'timestamp': return
    if name == 'Bucket': return  # recordings rename buckets
    if fixed(v):
        values[f'{root}.{el}'] = sval(v)

import zlib, base64
def crc(b):
    return base64.b64encode(zlib.crc32(b.encode()).to_bytes(4, 'big')).decode()
def put(path, body='', hdrs=None, save=None):
    h = {'x-amz-checksum-crc32': crc(body)}
    if hdrs: h.update(hdrs)
    return s3('PUT', path, raw=body if body else None, headers=h, save=save)
VERS_ON = '<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Status>Enabled</Status></VersioningConfiguration>'
def versioned(b):
    return [s3('PUT', b), s3('PUT', b, 'versioning', raw=VERS_ON)]

import hashlib as _h
def _crc_reflected(data, poly, width, init, xorout):
    crc = init
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ poly if crc & 1 else crc >> 1
    return (crc ^ xorout) & ((1 << width) - 1)
def checksum(algo, data):
    d = data.encode() if isinstance(data, str) else data
    if algo == 'CRC32': raw = zlib.crc32(d).to_bytes(4, 'big')
    elif algo == 'CRC32C': raw = _crc_reflected(d, 0x82F63B78, 32, 0xFFFFFFFF, 0xFFFFFFFF).to_bytes(4, 'big')
    elif algo == 'CRC64NVME': raw = _crc_reflected(d, 0x9A6C9329AC4BC9B5, 64, (1 << 64) - 1, (1 << 64) - 1).to_bytes(8, 'big')
    elif algo == 'SHA1': raw = _h.sha1(d).digest()
    elif algo == 'SHA256': raw = _h.sha256(d).digest()
    return base64.b64encode(raw).decode()
