#!/usr/bin/env python3
"""Writes internal/fidelity/testdata/lambda.json: the test_lambda cases (seki's own requests and
function code, written from each test's intent; facts from the validated recordings of
tests/aws/services/lambda_/test_lambda.snapshot.json). The first 16 cases are kept from commit
f9bef0e; run from the repository: python3 internal/fidelity/gen/gen_lambda.py, then gen_lambda_ops.py (which adds
the cases of the operations it serves)."""
import json, os, sys
P='internal/fidelity/testdata/lambda.json'
import subprocess
rec=json.loads(subprocess.check_output(['git','show','f9bef0e:internal/fidelity/testdata/lambda.json']))
T='tests/aws/services/lambda_/test_lambda.py::'
base=[c for c in rec['cases']]
keep={(c['test'],c['record']) for c in base}
code={}
setup=list(rec['setup'][:1])+[{'service':'iam','form':{'Action':'PutRolePolicy','Version':'2010-05-08','RoleName':'fid-role','PolicyName':'logs','PolicyDocument':'{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}'}}]+list(rec['setup'][1:2])
cases=[]
UUID='[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'
ROLE='arn:aws:iam::${account}:role/fid-role'
FNKEYS=['Architectures','CodeSha256','CodeSize','Description','EphemeralStorage','FunctionArn','FunctionName','Handler','LastModified','LoggingConfig','MemorySize','PackageType','RevisionId','Role','Runtime','RuntimeVersionConfig','SnapStart','State','StateReason','StateReasonCode','Timeout','TracingConfig','Version']
def src(name, files):
    code[name]=[{'name':n,'body':b,'mode':(0o755 if n=='bootstrap' else 0)} for n,b in files.items()]
def create(name, zipname, handler='handler.handler', runtime='python3.12', **kw):
    body={'FunctionName':name,'Runtime':runtime,'Handler':handler,'Role':ROLE,'Code':{'ZipFile':'${zip:%s}'%zipname}}
    body.update(kw)
    return {'service':'lambda','method':'POST','path':'/2015-03-31/functions','body':body}
def invoke(name, payload=None, qualifier=None, headers=None, raw=None):
    s={'service':'lambda','method':'POST','path':'/2015-03-31/functions/%s/invocations'%name}
    if raw is not None: s['raw']=raw
    else: s['body']=payload if payload is not None else {}
    if qualifier: s['query']='Qualifier='+qualifier
    if headers: s['headers']=headers
    return s
def case(test, record, call, expect, setup=None, known=None, until=None):
    c={'test':T+test,'record':record}
    if until: c['until']=until
    if setup: c['setup']=setup
    c['call']=call
    e={'status':200,'code':''}; e.update(expect); c['expect']=e
    if known: c['known']=known
    cases.append(c)
def ok(values=None, fe=None, version='$LATEST', **kw):
    h={'X-Amz-Executed-Version':version, 'X-Amz-Function-Error': fe or '-'}
    e={'headers':h}
    if values: e['values']=values
    e.update(kw)
    return e
def fnshape(status, name, extra=(), drop=(), values=None):
    keys=[k for k in FNKEYS if k not in drop]+list(extra)
    e={'status':status,'keys':sorted(keys)}
    if values: e['values']=values
    return e
exec(open(os.path.join(os.path.dirname(__file__), 'lambda_cases.py')).read())
rec['code']=code
rec['setup']=setup
rec['cases']=base+[c for c in cases if (c['test'],c['record']) not in keep]
json.dump(rec,open(P,'w'),indent=1)
print(len(rec['cases']))
