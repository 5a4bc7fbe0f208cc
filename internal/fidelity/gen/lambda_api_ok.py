# The success answers of test_lambda_api's served operations, run by gen_lambda_api.py (exec'd
# there, with its rec, case, create, ROLE and ARN). The requests are ours, written from what each
# test asks; every fact is read mechanically from the validated recording (ok() below): the status,
# the exact keys of every structure, every value the snapshot keeps, and for each value it
# abstracts (<uuid:1>, <code-sha256:2>, <resource:1>, ...) the rule the abstraction states: the
# same label is the same value (saved from the first answer that shows it, then compared), a new
# label of a revision id or code hash is a different value, a date is Lambda's timestamp.
import re as _re
import sys as _sys
import os as _os
_sys.path.insert(0, _os.path.dirname(_os.path.abspath(__file__)))
from facts import recorded as _recorded

_S = 'tests/aws/services/lambda_/test_lambda_api'
SNAP = _recorded(_S + '.snapshot.json')
VALID = _recorded(_S + '.validation.json')
rec.setdefault('code', {})
rec['code']['echo'] = [{'name': 'handler.py', 'body': 'def handler(event, context):\n    return event\n'},
                       {'name': 'index.py', 'body': 'def handler(event, context):\n    return event\n'}]
rec['code']['layer'] = [{'name': 'python/fidlayer.py', 'body': 'NAME = "fid layer"\n'}]
rec['code']['nodejs'] = [{'name': 'lambda_handler.js', 'body': 'exports.handler = async (event) => event;\n'}]
rec['code']['echo2'] = [{'name': 'handler.py', 'body': 'def handler(event, context):\n    return {"version": 2, "event": event}\n'},
                        {'name': 'index.py', 'body': 'def handler(event, context):\n    return {"version": 2, "event": event}\n'}]

LDATE = r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(\+0000|Z)'  # the snapshot keeps "date", not the format
# Values LocalStack's transformers replaced with a fixed word (key_value("FunctionUrl", "lambda-url")):
# the recording keeps that there is one, not its text; checked as a function URL of the region (seki
# serves it on its own endpoint, https://ID.lambda-url.REGION.on.aws/ being AWS's host).
WORDS = {('FunctionUrl', 'lambda-url'): r'https?://[a-z0-9]+\.lambda-url\.${region}\..+/'}
_PH = _re.compile(r'<([a-z0-9_-]+)(?::(\d+))?>')
_BASE = {'<partition>': 'aws', '111111111111': '${account}', '<region>': '${region}'}
DIFFER = ('uuid', 'code-sha256')  # labels whose new number means a new value
_state = {'n': 0}


def begin(names=None):
    """Starts a test: names maps placeholders to the values our requests chose."""
    _state['n'] += 1
    _state['seen'] = dict(names or {})
    _state['kinds'] = {}


def _var(label):
    return 'ok%d_%s' % (_state['n'], _re.sub(r'[^a-z0-9]', '_', label))


def _compact(v):
    return json.dumps(v, separators=(',', ':'), ensure_ascii=False)


def _order(doc, prefix=''):
    """The keys of a document in its order, nested as dotted paths (an array's first element
    stands for the array), as the replay's Order reads them."""
    out = []
    if isinstance(doc, list):
        return _order(doc[0], prefix) if doc else out
    if isinstance(doc, dict):
        for k, v in doc.items():
            out.append(prefix + k)
            out.extend(_order(v, prefix + k + '.'))
    return out


def ok(test, record, drop=(), unwrap=True, docs=('Policy', 'Statement')):
    """The expect of one recorded success answer, and what the call saves."""
    r = SNAP[test]['recorded-content'][record]
    if unwrap and isinstance(r, dict) and 'CreateFunctionResponse' in r:
        r = r['CreateFunctionResponse']  # the fixture's wrapper around CreateFunction's answer
    status = r.get('ResponseMetadata', {}).get('HTTPStatusCode', 200)  # a paginator's full result has none
    body = {k: v for k, v in r.items() if k != 'ResponseMetadata' and k not in drop}
    if status == 204 and list(body) == ['StatusCode']:
        body = {}  # DeleteFunction's StatusCode is the HTTP status, not a member
    e = {'status': status, 'code': ''}
    shapes, values, like, has, differ, parse, order, save = {}, {}, {}, [], {}, [], {}, {}

    def text(p, s):
        for k, v in _BASE.items():
            s = s.replace(k, v)
        if s == 'date':
            like[p] = LDATE
            return
        if (p.rsplit('.', 1)[-1], s) in WORDS:
            like[p] = WORDS[(p.rsplit('.', 1)[-1], s)]
            return
        m = _PH.fullmatch(s)
        if m:
            key = m.group(0)
            if key in _state['seen']:
                values[p] = _state['seen'][key]
            elif m.group(2):
                var = _var(key[1:-1])
                save[var] = p
                like[p] = '.+'
                kind = m.group(1)
                if kind in DIFFER and _state['kinds'].get(kind):
                    differ[p] = list(_state['kinds'][kind])
                _state['kinds'].setdefault(kind, []).append('${%s}' % var)
                _state['seen'][key] = '${%s}' % var
            else:
                like[p] = '.+'
            return
        if _PH.search(s):
            parts, last, lit = [], 0, True
            for m in _PH.finditer(s):
                parts.append(_re.escape(s[last:m.start()]))
                known = _state['seen'].get(m.group(0))
                if known is not None and '${' not in known:
                    parts.append(_re.escape(known))
                else:
                    parts.append('.+')
                    lit = False
                last = m.end()
            parts.append(_re.escape(s[last:]))
            if lit:
                values[p] = _PH.sub(lambda m: _state['seen'][m.group(0)], s)
            else:
                like[p] = ''.join(parts).replace(_re.escape('${region}'), '${region}').replace(_re.escape('${account}'), '${account}')
            return
        values[p] = s

    def one(p, v, top):
        if isinstance(v, dict):
            if top and p in docs:
                parse.append(p)
                order[p] = _order(v)
            walk(p, v)
        elif isinstance(v, list):
            if not v:
                values[p] = '[]'
            elif isinstance(v[0], dict):
                for i, x in enumerate(v):
                    walk('%s.%d' % (p, i), x)
            else:
                s = _compact(v)
                for k, x in _BASE.items():
                    s = s.replace(k, x)
                if _PH.search(s):
                    like[p] = '.+'
                else:
                    values[p] = s
        elif isinstance(v, bool):
            values[p] = 'true' if v else 'false'
        elif v is None:
            values[p] = 'null'
        elif isinstance(v, (int, float)):
            values[p] = str(v)
        else:
            text(p, v)

    def walk(path, d):
        shapes[path] = list(d)
        for k, v in d.items():
            one(path + '.' + k if path else k, v, path == '')

    walk('', body)
    e['shapes'] = shapes
    for k, v in (('values', values), ('like', like), ('differ', differ), ('parse', parse), ('order', order)):
        if v:
            e[k] = v
    return e, save


def okcase(test, record, call, setup=None, known=None, keep=None, **kw):
    t = T + test
    assert t in VALID, t
    e, save = ok(t, record, **kw)
    if keep:
        e['keep'] = keep
    call = dict(call)
    if save:
        call['save'] = dict(call.get('save', {}), **save)
    case(test, record, call, e, setup=setup, known=known)


# --- requests ---
FN = '/2015-03-31/functions/'


def L(method, path, body=None, query=None):
    s = {'service': 'lambda', 'method': method, 'path': path}
    if body is not None:
        s['body'] = body
    if query:
        s['query'] = query
    return s


def fixture(name, zipname='echo', **kw):
    """CreateFunction as the tests' create_lambda_function fixture sends it."""
    b = {'FunctionName': name, 'Runtime': 'python3.12', 'Handler': 'handler.handler', 'Role': ROLE,
         'Code': {'ZipFile': '${zip:%s}' % zipname}, 'Timeout': 30, 'Environment': {'Variables': {}}}
    b.update(kw)
    return L('POST', '/2015-03-31/functions', b)


def plain(name, zipname='echo', **kw):
    """CreateFunction as create_lambda_function_aws sends it (index.handler, no defaults)."""
    b = {'FunctionName': name, 'Runtime': 'python3.12', 'Handler': 'index.handler', 'Role': ROLE,
         'Code': {'ZipFile': '${zip:%s}' % zipname}, 'PackageType': 'Zip'}
    b.update(kw)
    return L('POST', '/2015-03-31/functions', b)


def getfn(name, qual=None):
    return L('GET', FN + name, query='Qualifier=' + qual if qual else None)


def getconf(name, qual=None):
    return L('GET', FN + name + '/configuration', query='Qualifier=' + qual if qual else None)


def upconf(name, **kw):
    return L('PUT', FN + name + '/configuration', kw)


def upcode(name, zipname='echo', **kw):
    b = {'ZipFile': '${zip:%s}' % zipname}
    b.update(kw)
    return L('PUT', FN + name + '/code', b)


def publish(name, **kw):
    return L('POST', FN + name + '/versions', kw)


def versions(name):
    return L('GET', FN + name + '/versions')


def fnames(n):
    return {'<function-name:%d>' % (i + 1): x for i, x in enumerate(n)}


exec(open(_os.path.join(_os.path.dirname(_os.path.abspath(__file__)), 'lambda_api_ok_cases.py')).read())
