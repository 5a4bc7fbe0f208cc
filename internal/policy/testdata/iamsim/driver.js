// Differential driver: reads a JSON array of seki simulate inputs on
// stdin, runs each through @cloud-copilot/iam-simulate (installed by the
// caller outside this repository; AGPL, never vendored) and prints a JSON
// array of {"decision": ..., "error": ...} in the same order.
const path = require('path');
const { createRequire } = require('module');
const sim = createRequire(path.join(process.env.IAMSIM_DIR, 'package.json'))('@cloud-copilot/iam-simulate');

function levels(list, prefix) {
  return (list || []).map((level, i) => ({
    orgIdentifier: prefix + i,
    policies: level.map((p, j) => ({ name: prefix + i + '-' + j, policy: p })),
  }));
}

function accountOf(arn) {
  const parts = (arn || '').split(':');
  return parts.length >= 6 ? parts[4] : '';
}

// derivedKeys is what AWS adds to every request context from the caller
// (seki derives these itself; iam-simulate expects them as input).
function derivedKeys(c) {
  const p = c.principal;
  const k = {};
  if (p === 'anonymous') return k;
  if (!p.startsWith('arn:') && !/^[0-9]{12}$/.test(p)) {
    k['aws:PrincipalIsAWSService'] = 'true';
    k['aws:PrincipalServiceName'] = p;
    return k;
  }
  k['aws:PrincipalIsAWSService'] = 'false';
  const arn = /^[0-9]{12}$/.test(p) ? 'arn:aws:iam::' + p + ':root' : p;
  const parts = arn.split(':');
  const acct = parts[4];
  const res = parts.slice(5).join(':');
  k['aws:PrincipalAccount'] = acct;
  if (res === 'root') {
    k['aws:PrincipalArn'] = arn;
    k['aws:PrincipalType'] = 'Account';
    k['aws:userid'] = acct;
  } else if (res.startsWith('user/')) {
    k['aws:PrincipalArn'] = arn;
    k['aws:PrincipalType'] = 'User';
    k['aws:username'] = res.split('/').pop();
  } else if (res.startsWith('assumed-role/')) {
    k['aws:PrincipalArn'] = 'arn:' + parts[1] + ':iam::' + acct + ':role/' + res.split('/')[1];
    k['aws:PrincipalType'] = 'AssumedRole';
  } else if (res.startsWith('role/')) {
    k['aws:PrincipalArn'] = arn;
    k['aws:PrincipalType'] = 'AssumedRole';
  }
  return k;
}

async function one(c) {
  const principal = c.principal === 'anonymous' ? sim.anonymousPrincipal : c.principal;
  let account = c.resourceAccount || accountOf(c.resource);
  if (!account) account = accountOf(c.principal) || c.principal;
  const s = {
    request: {
      principal,
      action: c.action,
      resource: { resource: c.resource, accountId: account },
      contextVariables: Object.assign(derivedKeys(c), c.context || {}),
    },
    identityPolicies: (c.identityPolicies || []).map((p, i) => ({ name: 'id' + i, policy: p })),
    serviceControlPolicies: levels(c.scps, 'scp'),
    resourceControlPolicies: levels(c.rcps, 'rcp'),
  };
  if (c.resourcePolicy) s.resourcePolicy = c.resourcePolicy;
  if (c.permissionsBoundary) s.permissionBoundaryPolicies = [{ name: 'pb', policy: c.permissionsBoundary }];
  if (c.sessionPolicy) s.sessionPolicy = c.sessionPolicy;
  const r = await sim.runSimulation(s, {});
  if (r.resultType === 'error') return { error: r.errors.message || 'error' };
  return { decision: r.overallResult };
}

(async () => {
  let input = '';
  for await (const chunk of process.stdin) input += chunk;
  const cases = JSON.parse(input);
  const out = [];
  for (const c of cases) {
    try {
      out.push(await one(c));
    } catch (e) {
      out.push({ error: String(e && e.message || e) });
    }
  }
  process.stdout.write(JSON.stringify(out));
})();
