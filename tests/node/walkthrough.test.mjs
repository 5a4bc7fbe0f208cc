// The permission walkthrough through the AWS SDK for JavaScript v3 (the
// @aws-sdk/client-* packages from npm) against a real seki binary: the
// fourth client Lambda teams use, beside the AWS CLI, boto3 and
// aws-sdk-go-v2. The endpoint reaches the SDK only through AWS_ENDPOINT_URL,
// as a user would set it.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

import {
  IAMClient, CreateUserCommand, CreateAccessKeyCommand, ListUsersCommand, AttachUserPolicyCommand, CreateRoleCommand,
} from "@aws-sdk/client-iam";
import { STSClient, AssumeRoleCommand, GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import {
  LambdaClient, CreateFunctionCommand, InvokeCommand, AddPermissionCommand, waitUntilFunctionActiveV2,
} from "@aws-sdk/client-lambda";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const A = { account: "111111111111", key: "AKIAROOTAAAAAAAAAAAA", secret: "root-secret-a" };
const B = { account: "222222222222", key: "AKIAROOTBBBBBBBBBBBB", secret: "root-secret-b" };
const region = "us-east-1";

let seki, dataDir, work;

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => resolve(port)); });
    s.on("error", reject);
  });
}

function binary() {
  if (process.env.SEKI_BIN) return process.env.SEKI_BIN;
  const p = join(root, "bin", "seki");
  execFileSync("go", ["build", "-o", p, "./cmd/seki"], { cwd: root, stdio: "inherit" });
  return p;
}

const creds = (k, s, t) => ({ credentials: { accessKeyId: k, secretAccessKey: s, sessionToken: t }, region, maxAttempts: 1 });
const rootOf = (acct) => creds(acct.key, acct.secret);

before(async () => {
  const port = await freePort();
  dataDir = mkdtempSync(join(tmpdir(), "seki-node-"));
  work = mkdtempSync(join(tmpdir(), "seki-node-work-"));
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("AWS_")));
  seki = spawn(binary(), ["serve", "--listen", `127.0.0.1:${port}`, "--data-dir", dataDir,
    "--root-key", `${A.account}:${A.key}:${A.secret}`, "--root-key", `${B.account}:${B.key}:${B.secret}`],
  { env, stdio: "ignore" });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 400; i++) {
    try { if ((await fetch(`${url}/_seki/health`)).ok) break; } catch { await new Promise((r) => setTimeout(r, 50)); }
  }
  // Only the environment names the endpoint: no client below is given one.
  process.env.AWS_ENDPOINT_URL = url;
  delete process.env.AWS_PROFILE;
});

// seki drains and writes its clean-stop mark after SIGTERM, so the data dir
// is removed only once it has exited; removing it under a live seki races
// with those writes (ENOTEMPTY).
after(async () => {
  if (seki && seki.exitCode === null && seki.signalCode === null) {
    const exited = new Promise((resolve) => seki.once("exit", resolve));
    seki.kill("SIGTERM");
    await exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

test("a user is denied with AWS's message, then allowed by a policy, then assumes a role", async () => {
  const iam = new IAMClient(rootOf(A));
  await iam.send(new CreateUserCommand({ UserName: "dev" }));
  const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: "dev" }));
  const dev = creds(AccessKey.AccessKeyId, AccessKey.SecretAccessKey);

  await assert.rejects(new IAMClient(dev).send(new ListUsersCommand({})), (err) => {
    assert.equal(err.name, "AccessDenied");
    assert.equal(err.$metadata.httpStatusCode, 403);
    assert.equal(err.message, "User: arn:aws:iam::111111111111:user/dev is not authorized to perform: iam:ListUsers on resource: arn:aws:iam::111111111111:user/ because no identity-based policy allows the iam:ListUsers action");
    return true;
  });

  await iam.send(new AttachUserPolicyCommand({ UserName: "dev", PolicyArn: "arn:aws:iam::aws:policy/IAMFullAccess" }));
  const users = await new IAMClient(dev).send(new ListUsersCommand({}));
  assert.deepEqual(users.Users.map((u) => u.UserName), ["dev"]);

  await iam.send(new CreateRoleCommand({
    RoleName: "deployer",
    AssumeRolePolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:user/dev" }, Action: "sts:AssumeRole" }] }),
  }));
  const { Credentials: c } = await new STSClient(dev).send(new AssumeRoleCommand({ RoleArn: "arn:aws:iam::111111111111:role/deployer", RoleSessionName: "demo" }));
  const who = await new STSClient(creds(c.AccessKeyId, c.SecretAccessKey, c.SessionToken)).send(new GetCallerIdentityCommand({}));
  assert.equal(who.Arn, "arn:aws:sts::111111111111:assumed-role/deployer/demo");
  assert.equal(who.Account, "111111111111");
});

test("another account may invoke a function only once its resource-based policy says so", async () => {
  const iam = new IAMClient(rootOf(A));
  await iam.send(new CreateRoleCommand({
    RoleName: "fn-role",
    AssumeRolePolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] }),
  }));
  writeFileSync(join(work, "index.mjs"), 'export const handler = async (event) => ({ hello: event.name ?? "world" });\n');
  execFileSync("python3", ["-m", "zipfile", "-c", "fn.zip", "index.mjs"], { cwd: work });
  const lambda = new LambdaClient(rootOf(A));
  await lambda.send(new CreateFunctionCommand({
    FunctionName: "hello", Runtime: "nodejs20.x", Handler: "index.handler",
    Role: "arn:aws:iam::111111111111:role/fn-role", Code: { ZipFile: readFileSync(join(work, "fn.zip")) },
  }));
  await waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 60, minDelay: 1 }, { FunctionName: "hello" });

  const payload = (o) => new TextEncoder().encode(JSON.stringify(o));
  const own = await lambda.send(new InvokeCommand({ FunctionName: "hello", Payload: payload({ name: "seki" }) }));
  assert.equal(own.FunctionError, undefined);
  assert.deepEqual(JSON.parse(new TextDecoder().decode(own.Payload)), { hello: "seki" });

  const arn = "arn:aws:lambda:us-east-1:111111111111:function:hello";
  const other = new LambdaClient(rootOf(B));
  await assert.rejects(other.send(new InvokeCommand({ FunctionName: arn, Payload: payload({}) })), (err) => {
    assert.equal(err.name, "AccessDeniedException");
    assert.equal(err.message, `User: arn:aws:iam::222222222222:root is not authorized to perform: lambda:InvokeFunction on resource: ${arn} because no resource-based policy allows the lambda:InvokeFunction action`);
    return true;
  });

  await lambda.send(new AddPermissionCommand({ FunctionName: "hello", StatementId: "other-account", Action: "lambda:InvokeFunction", Principal: B.account }));
  const res = await other.send(new InvokeCommand({ FunctionName: arn, Payload: payload({ name: "other account" }) }));
  assert.deepEqual(JSON.parse(new TextDecoder().decode(res.Payload)), { hello: "other account" });
});
