// seki's Lambda runtime for Node.js.
//
// seki embeds this file and runs it with the host's node for the nodejsNN.x
// runtimes. It speaks the Lambda Runtime API (2018-06-01) at
// AWS_LAMBDA_RUNTIME_API: it loads the handler named by _HANDLER
// ("dir/module.export", relative to LAMBDA_TASK_ROOT; CommonJS or ES module),
// then runs one invocation at a time, async or callback style, and posts the
// result or the error in AWS's shape. It uses only Node's standard library.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import util from 'node:util';
import * as nodeModule from 'node:module';
import { pathToFileURL } from 'node:url';

const API = process.env.AWS_LAMBDA_RUNTIME_API;
const sep = API.lastIndexOf(':');
const HOST = API.slice(0, sep);
const PORT = Number(API.slice(sep + 1));
const PREFIX = '/2018-06-01/runtime';
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function call(method, p, body, headers) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: HOST, port: PORT, method, path: PREFIX + p, agent, headers: headers || {} },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (body !== undefined) req.end(body);
    else req.end();
  });
}

// Logging: each console call is one event, "TIME\tREQUEST_ID\tLEVEL\tMESSAGE",
// inner newlines turned into carriage returns as AWS's runtime does.
let currentRequestId;
function emit(level, args) {
  const msg = util.format(...args).replace(/\n/g, '\r');
  process.stdout.write(`${new Date().toISOString()}\t${currentRequestId}\t${level}\t${msg}\n`);
}
console.log = (...a) => emit('INFO', a);
console.info = (...a) => emit('INFO', a);
console.warn = (...a) => emit('WARN', a);
console.error = (...a) => emit('ERROR', a);
console.debug = (...a) => emit('DEBUG', a);
console.trace = (...a) => emit('TRACE', [util.format(...a), new Error().stack.split('\n').slice(2).join('\n')]);

class RuntimeError extends Error {
  constructor(type, message) {
    super(message);
    this.name = type;
  }
}

function errorPayload(err) {
  if (err instanceof Error) {
    const stack = typeof err.stack === 'string' ? err.stack.split('\n') : [];
    return { errorType: err.name || err.constructor?.name || 'Error', errorMessage: err.message, trace: stack };
  }
  if (err !== null && typeof err === 'object') {
    return { errorType: 'object', errorMessage: JSON.stringify(err), trace: [] };
  }
  return { errorType: typeof err, errorMessage: String(err), trace: [] };
}

function logError(prefix, payload) {
  emit('ERROR', [prefix, JSON.stringify({ errorType: payload.errorType, errorMessage: payload.errorMessage, stack: payload.trace })]);
}

async function postError(p, payload) {
  await call('POST', p, JSON.stringify(payload), {
    'Content-Type': 'application/json',
    'Lambda-Runtime-Function-Error-Type': payload.errorType,
  });
}

// Handler loading ---------------------------------------------------------

function isModuleTypeJS(file) {
  let dir = path.dirname(file);
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg)) {
      try {
        return JSON.parse(fs.readFileSync(pkg, 'utf8')).type === 'module';
      } catch {
        return false;
      }
    }
    const up = path.dirname(dir);
    if (up === dir) return false;
    dir = up;
  }
}

// ES modules do not read NODE_PATH: an `import ... from '@aws-sdk/client-s3'`
// only looks in node_modules directories above the importing file. Lambda
// resolves such imports from its NODE_PATH too (the layers' nodejs/
// node_modules, then the runtime's SDK); a resolve hook does the same here,
// after Node's own resolution fails, so that the function's own
// node_modules still win. It is installed only when an ES module handler
// fails to load for a module not found (the handler is then loaded again),
// so handlers that need none pay nothing: module.registerHooks runs in the
// thread where Node has it (22.15+); module.register starts a loader thread
// (some 40 ms of CPU) elsewhere.
function bare(s) {
  return !(s.startsWith('.') || s.startsWith('/') || /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(s));
}
function nodePathParents(dirs) {
  return dirs.map((d) => pathToFileURL(path.basename(d) === 'node_modules' ? path.join(path.dirname(d), 'x.mjs') : path.join(d, 'x.mjs')).href);
}
const asyncFallback = `
let parents = [];
export function initialize(data) { parents = data.parents; }
${bare.toString()}
export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (e) {
    if (!e || e.code !== 'ERR_MODULE_NOT_FOUND' || !bare(specifier)) throw e;
    for (const parentURL of parents) {
      try { return await next(specifier, { ...context, parentURL }); } catch {}
    }
    throw e;
  }
}
`;
let nodePathHooked = false;
function hookNodePath() {
  if (nodePathHooked) return false;
  nodePathHooked = true;
  const dirs = (process.env.NODE_PATH || '').split(path.delimiter).filter(Boolean);
  if (!dirs.length) return false;
  const parents = nodePathParents(dirs);
  if (typeof nodeModule.registerHooks === 'function') {
    nodeModule.registerHooks({
      resolve(specifier, context, next) {
        try {
          return next(specifier, context);
        } catch (e) {
          if (!e || e.code !== 'ERR_MODULE_NOT_FOUND' || !bare(specifier)) throw e;
          for (const parentURL of parents) {
            try { return next(specifier, { ...context, parentURL }); } catch {}
          }
          throw e;
        }
      },
    });
    return true;
  }
  if (typeof nodeModule.register === 'function') {
    nodeModule.register('data:text/javascript,' + encodeURIComponent(asyncFallback), import.meta.url, { data: { parents } });
    return true;
  }
  return false;
}

async function loadModule(root, moduleRoot, module) {
  const base = path.resolve(root, moduleRoot, module);
  const require = nodeModule.createRequire(path.join(root, 'index.js'));
  const esm = async (f) => {
    const url = pathToFileURL(f).href;
    try {
      return await import(url);
    } catch (e) {
      if (!e || e.code !== 'ERR_MODULE_NOT_FOUND' || !hookNodePath()) throw e;
      // The first attempt failed to link, before running anything; a new
      // URL is a new module record, resolved through the hook.
      return import(url + '?nodepath');
    }
  };
  const cjs = (f) => {
    try {
      return require(f);
    } catch (e) {
      if (e && e.code === 'ERR_REQUIRE_ESM') return esm(f);
      throw e;
    }
  };
  if (fs.existsSync(base + '.js')) {
    return isModuleTypeJS(base + '.js') ? esm(base + '.js') : cjs(base + '.js');
  }
  if (fs.existsSync(base + '.mjs')) return esm(base + '.mjs');
  if (fs.existsSync(base + '.cjs')) return cjs(base + '.cjs');
  try {
    // A package on NODE_PATH (a layer's nodejs/node_modules) or a directory.
    return require(module.startsWith('.') ? base : (moduleRoot ? base : module));
  } catch (e) {
    if (e && e.code === 'MODULE_NOT_FOUND') {
      throw new RuntimeError('Runtime.ImportModuleError', `Error: Cannot find module '${module}'\nRequire stack:\n- ${process.argv[1]}`);
    }
    throw e;
  }
}

async function loadHandler(root, spec) {
  const slash = spec.lastIndexOf('/');
  const moduleRoot = slash >= 0 ? spec.slice(0, slash) : '';
  const rest = slash >= 0 ? spec.slice(slash + 1) : spec;
  const dot = rest.indexOf('.');
  if (dot <= 0 || dot === rest.length - 1) {
    throw new RuntimeError('Runtime.MalformedHandlerName', 'Bad handler');
  }
  const module = rest.slice(0, dot);
  const handlerPath = rest.slice(dot + 1);
  let mod;
  try {
    mod = await loadModule(root, moduleRoot, module);
  } catch (e) {
    if (e instanceof RuntimeError) throw e;
    if (e instanceof SyntaxError) throw new RuntimeError('Runtime.UserCodeSyntaxError', `${e.name}: ${e.message}`);
    if (e && (e.code === 'MODULE_NOT_FOUND' || e.code === 'ERR_MODULE_NOT_FOUND')) {
      let msg = `Error: ${e.message}`;
      // Lambda always has the SDK; here it comes from seki's cache.
      if (/'@aws-sdk\//.test(e.message) && !fs.existsSync(path.join(path.dirname(new URL(import.meta.url).pathname), 'node_modules', '@aws-sdk'))) {
        msg += ' (seki: the AWS SDK for JavaScript v3 is not installed; run `seki runtimes install`)';
      }
      throw new RuntimeError('Runtime.ImportModuleError', msg);
    }
    throw e;
  }
  let fn = mod;
  for (const part of handlerPath.split('.')) {
    fn = fn == null ? undefined : fn[part];
  }
  if (fn === undefined && mod && mod.default && typeof mod.default === 'object') {
    // A CommonJS module imported as ESM keeps its exports under default.
    fn = mod.default;
    for (const part of handlerPath.split('.')) fn = fn == null ? undefined : fn[part];
  }
  if (fn === undefined) throw new RuntimeError('Runtime.HandlerNotFound', `${module}.${handlerPath} is undefined or not exported`);
  if (typeof fn !== 'function') throw new RuntimeError('Runtime.HandlerNotFound', `${module}.${handlerPath} is not a function`);
  return fn;
}

// Invocation ----------------------------------------------------------------

function makeContext(headers) {
  const deadline = Number(headers['lambda-runtime-deadline-ms'] || 0);
  const parse = (v) => (v ? JSON.parse(v) : undefined);
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    invokedFunctionArn: headers['lambda-runtime-invoked-function-arn'],
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: headers['lambda-runtime-aws-request-id'],
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    identity: parse(headers['lambda-runtime-cognito-identity']),
    clientContext: parse(headers['lambda-runtime-client-context']),
    getRemainingTimeInMillis: () => Math.max(deadline - Date.now(), 0),
  };
}

// run calls the handler and settles with its result, whichever way it
// gives one: a returned promise, a returned value for an async function,
// or the callback (and the legacy context.succeed/fail/done).
function run(handler, event, context) {
  return new Promise((resolve, reject) => {
    let settled = false;
    const done = (err, result) => {
      if (settled) return;
      settled = true;
      if (err !== undefined && err !== null) reject(err);
      else resolve(result);
    };
    const callback = (err, result) => setImmediate(() => done(err, result));
    context.done = (err, result) => done(err, result);
    context.succeed = (result) => done(null, result);
    context.fail = (err) => done(err ?? 'handled', undefined);
    let ret;
    try {
      ret = handler(event, context, callback);
    } catch (e) {
      done(e);
      return;
    }
    if (ret && typeof ret.then === 'function') {
      ret.then((v) => done(null, v), (e) => done(e === undefined || e === null ? new Error(String(e)) : e));
    } else if (handler.length < 3) {
      done(null, ret);
    }
  });
}

let current; // the invocation in progress: { id }

async function fatal(err, type) {
  const payload = errorPayload(err);
  if (type) payload.errorType = type;
  logError(type === 'Runtime.UnhandledPromiseRejection' ? 'Unhandled Promise Rejection' : 'Uncaught Exception', payload);
  try {
    if (current) await postError(`/invocation/${current.id}/error`, payload);
    else await postError('/init/error', payload);
  } finally {
    process.exit(129);
  }
}
process.on('uncaughtException', (e) => fatal(e));
process.on('unhandledRejection', (reason) => {
  const e = reason instanceof Error ? reason : new Error(String(reason));
  fatal({ name: 'Runtime.UnhandledPromiseRejection', message: `${e.name}: ${e.message}`, stack: e.stack }, 'Runtime.UnhandledPromiseRejection');
});

async function main() {
  const root = process.env.LAMBDA_TASK_ROOT || process.cwd();
  let handler;
  try {
    handler = await loadHandler(root, process.env._HANDLER || '');
  } catch (e) {
    const payload = errorPayload(e);
    logError('Uncaught Exception', payload);
    await postError('/init/error', payload);
    process.exit(129);
  }
  for (;;) {
    const next = await call('GET', '/invocation/next');
    const id = next.headers['lambda-runtime-aws-request-id'];
    currentRequestId = id;
    current = { id };
    const trace = next.headers['lambda-runtime-trace-id'];
    if (trace) process.env._X_AMZN_TRACE_ID = trace;
    else delete process.env._X_AMZN_TRACE_ID;
    let result;
    try {
      const event = next.body.length ? JSON.parse(next.body.toString('utf8')) : {};
      result = await run(handler, event, makeContext(next.headers));
    } catch (e) {
      const payload = errorPayload(e);
      logError('Invoke Error ', payload);
      await postError(`/invocation/${id}/error`, payload);
      current = undefined;
      continue;
    }
    let body;
    try {
      body = JSON.stringify(result === undefined ? null : result);
    } catch (e) {
      const payload = { errorType: 'Runtime.MarshalError', errorMessage: `Unable to stringify response body: ${e.message}`, trace: [] };
      logError('Invoke Error ', payload);
      await postError(`/invocation/${id}/error`, payload);
      current = undefined;
      continue;
    }
    await call('POST', `/invocation/${id}/response`, body, { 'Content-Type': 'application/json' });
    current = undefined;
  }
}

main().catch((e) => fatal(e));
