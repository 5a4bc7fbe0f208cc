"""Appends to testdata/sts.json the replay cases of the validated recordings of
test_sts that it does not have yet: our own requests, and the facts
(facts.py) taken mechanically from each recorded answer. Run from any directory:
python3 internal/fidelity/gen/gen_sts.py"""
import json, sys
from facts import facts
import os
from facts import recorded
HERE = os.path.dirname(os.path.abspath(__file__))
WT = os.path.join(HERE, '..', 'testdata', 'sts.json')
snap = recorded('tests/aws/services/sts/test_sts.snapshot.json')
val = recorded('tests/aws/services/sts/test_sts.validation.json')
data = json.load(open(WT))
have = {(c['test'], c['record']) for c in data['cases']}
P = 'tests/aws/services/sts/test_sts.py::'
BASE = {'<partition>': 'aws', '111111111111': '${account}', '<region>': '${region}'}
def f(action, **kw):
    d = {'Action': action, 'Version': '2010-05-08'}
    d.update(kw)
    return {'service': 'iam', 'form': d}
out = []
def case(test, record, call, m=None, setup=None, **kw):
    test = P + test
    assert test in val, test
    if (test, record) in have: return
    rec = snap[test]['recorded-content'][record]
    mm = dict(BASE); mm.update(m or {})
    e, _ = facts(call['form']['Action'], rec, mm, **kw)
    c = {'test': test, 'record': record}
    if setup: c['setup'] = setup
    c['call'] = call; c['expect'] = e
    out.append(c)
def trust(actions):
    return json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": actions, "Principal": {"AWS": "${account}"}}]})
case('TestSTSIntegrations::test_assume_role', 'create-role', f('CreateRole', RoleName='fid-ar', AssumeRolePolicyDocument=trust("sts:AssumeRole")), {'<resource:1>': 'fid-ar'})
both = ["sts:AssumeRole", "sts:TagSession"]
case('TestSTSAssumeRoleTagging::test_assume_role_tag_validation', 'role-1', f('CreateRole', RoleName='fid-tv1', AssumeRolePolicyDocument=trust(both)), {'<role-name:1>': 'fid-tv1'})
case('TestSTSAssumeRoleTagging::test_iam_role_chaining_override_transitive_tags', 'role-1', f('CreateRole', RoleName='fid-ch1', AssumeRolePolicyDocument=trust(both)), {'<role-name:1>': 'fid-ch1'})
case('TestSTSAssumeRoleTagging::test_iam_role_chaining_override_transitive_tags', 'role-2', f('CreateRole', RoleName='fid-ch2', AssumeRolePolicyDocument=trust(both)), {'<role-name:2>': 'fid-ch2'})
data['cases'] += out
json.dump(data, open(WT, 'w'), indent=1)
open(WT, 'a').write('\n')
print(len(out), 'new;', len(data['cases']))
