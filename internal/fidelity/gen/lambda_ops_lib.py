"""What the Lambda generators of the later helpers share: the File that owns
some cases of one testdata file (rewriting them where they stand, keeping every
other case), and the requests they make. Imported by gen_lambda_ops.py and
gen_lambda_snapstart.py."""
import json, os, sys
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from facts import facts, recorded

A = 'arn:aws:lambda:${region}:${account}:function:'
ROLE = 'arn:aws:iam::${account}:role/fid-role'
LAMBDA_DATE = r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000'
BASE = {'arn:<partition>:': 'arn:aws:', '<region>': '${region}', '111111111111': '${account}'}


class File:
    def __init__(self, name, snapshot, prefix):
        self.path = os.path.join(HERE, '..', 'testdata', name)
        self.snap = recorded(snapshot + '.snapshot.json')
        self.val = recorded(snapshot + '.validation.json')
        self.prefix = prefix
        self.cases = []
        self.owned = set()
        # code is deployment packages this generator adds (name → files), as
        # testdata's "code" holds them; a step names one as ${zip:NAME}.
        self.code = {}

    def case(self, test, record, call, m=None, setup=None, known=None, skip=(), optional=(), opaque=(), until=None, at=None, expect=None, inner=None):
        """inner names the member of the record that holds the answer, where the
        test recorded its fixture's wrapper (create_lambda_function's
        {"CreateFunctionResponse": ...})."""
        test = self.prefix + test
        assert test in self.val, test
        self.owned.add((test, record))
        rec = self.snap[test]['recorded-content'][record]
        if inner:
            rec = rec[inner]
        mm = dict(BASE)
        mm.update(m or {})
        e, extra = facts('', rec, mm, proto='json', skip=skip, optional=optional, opaque=opaque, at=at)
        if not e.get('code'):
            e['status'] = rec.get('ResponseMetadata', {}).get('HTTPStatusCode', 200)
            # facts() reads a list's first item; the others are facts too.
            for k, v in rec.items():
                if isinstance(v, list) and v and isinstance(v[0], dict):
                    for i, item in enumerate(v[1:], 1):
                        more, _ = facts('', item, mm, proto='json', skip=skip, optional=optional, opaque=opaque, at='%s.%d' % (k, i))
                        for part in ('shapes', 'values', 'like'):
                            e.setdefault(part, {}).update(more.get(part, {}))
                        e.setdefault('has', []).extend(more.get('has', []))
        # "date" is the snapshot's stand-in for Lambda's string timestamps.
        for k, v in list(e.get('values', {}).items()):
            if v == 'date':
                del e['values'][k]
                e.setdefault('like', {})[k] = LAMBDA_DATE
        if 'code' in e and e['code']:
            # The body's message member is spelled as AWS spelled it.
            members = {k: '*' for k in (extra or {})}
            err = rec
            for k in ('Message', 'message'):
                if k in err:
                    members[k] = '*'
            if members:
                e['members'] = members
        if expect is not None:
            # Invoke's answers: botocore records the parsed payload, not the wire.
            e = expect
        c = {'test': test, 'record': record}
        if until:
            c['until'] = until
        if setup:
            c['setup'] = setup
        c['call'] = call
        c['expect'] = e
        if known:
            c['known'] = known
        self.cases.append(c)

    def write(self):
        data = json.load(open(self.path))
        # A case already there is rewritten where it stands (other generators
        # append after it); new ones go at the end, in order.
        mine = {(c['test'], c['record']): c for c in self.cases}
        kept = []
        for c in data['cases']:
            k = (c['test'], c['record'])
            if k in mine:
                kept.append(mine.pop(k))
            elif k not in self.owned:
                kept.append(c)
        data['cases'] = kept + [c for c in self.cases if (c['test'], c['record']) in mine]
        for name, files in self.code.items():
            data.setdefault('code', {})[name] = [{'name': n, 'body': b, 'mode': 0} for n, b in files.items()]
        json.dump(data, open(self.path, 'w'), indent=1)
        print(os.path.basename(self.path), len(self.cases), len(data['cases']))


def create(name, **kw):
    b = {'FunctionName': name, 'Runtime': 'python3.12', 'Handler': 'handler.handler', 'Role': ROLE, 'Code': {'ZipFile': '${zip}'}, 'Timeout': 30, 'Environment': {'Variables': {}}}
    b.update(kw)
    return {'service': 'lambda', 'method': 'POST', 'path': '/2015-03-31/functions', 'body': b}


def publish(fn):
    return {'service': 'lambda', 'method': 'POST', 'path': '/2015-03-31/functions/%s/versions' % fn, 'body': {}}


def alias(fn, name, version='1'):
    return {'service': 'lambda', 'method': 'POST', 'path': '/2015-03-31/functions/%s/aliases' % fn, 'body': {'Name': name, 'FunctionVersion': version}}


def call(method, path, q=None, body=None):
    s = {'service': 'lambda', 'method': method, 'path': path}
    if q is not None:
        s['query'] = 'Qualifier=' + q
    if body is not None:
        s['body'] = body
    return s
