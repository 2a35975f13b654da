/**
 * Runs one Lambda invocation in a fresh Node.js child process, the way the Lambda Node.js
 * runtime would run it from the function's code directory:
 * - the module named by `Handler` (e.g. `__entrypoint__.handler`) is required from the asset
 *   directory exactly as synthesized (for a CDK CustomResourceProvider, the CDK response wrapper,
 *   which requires `./index`), in a process of its own: a cold start every time, no module state
 *   shared with the harness or with other invocations, no environment inherited from the harness;
 * - the environment is a Lambda's (AWS_REGION, credentials, AWS_LAMBDA_FUNCTION_NAME, ...) plus the
 *   function's `Environment.Variables` and the harness's endpoint settings;
 * - the context has `getRemainingTimeInMillis()` counting down from the function's Timeout, and the
 *   process is killed when the Timeout passes ("Task timed out after N seconds");
 * - console output becomes log events in the runtime's format (`<time>\t<request id>\tINFO\t...`);
 * - `--max-old-space-size` follows the function's MemorySize.
 *
 * One network detail differs from Lambda: the CDK wrapper dials port 443 of the ResponseURL's host
 * (it drops the port), so the child's default HTTPS agent routes that one host name to the local
 * response server and trusts its self-signed certificate. Every other connection is untouched.
 */
import { spawn } from 'node:child_process';

export interface FunctionSpec {
  /** Logical id of the AWS::Lambda::Function. */
  readonly logicalId: string;
  readonly functionName: string;
  readonly functionArn: string;
  /** The code directory (the asset folder). */
  readonly codeDirectory: string;
  /** `Handler`, e.g. `__entrypoint__.handler`. */
  readonly handler: string;
  readonly runtime: string;
  readonly timeoutSeconds: number;
  readonly memorySize: number;
  /** The function's resolved `Environment.Variables`. */
  readonly environment: Record<string, string>;
  /** The function's resolved `Role` (its execution role's ARN). */
  readonly roleArn?: string;
}

export interface InvocationOptions {
  readonly fn: FunctionSpec;
  readonly event: unknown;
  /** The Lambda request id (context.awsRequestId). */
  readonly awsRequestId: string;
  /** The complete environment of the process. */
  readonly env: Record<string, string>;
  /** Overrides fn.timeoutSeconds. */
  readonly timeoutSeconds?: number;
  /** Routing for the response PUT. */
  readonly responseRoute: { readonly host: string; readonly port: number; readonly ca: string };
  /** Each log event as it is written. */
  readonly onLog?: (message: string) => void;
  /** Node binary. @default process.execPath */
  readonly nodeBinary?: string;
}

export interface InvocationResult {
  /** True when the handler returned (no function error, no timeout). */
  readonly ok: boolean;
  readonly timedOut: boolean;
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly durationMs: number;
  readonly logs: string[];
}

export interface Invocation {
  readonly result: Promise<InvocationResult>;
  /** Kills the process (SIGKILL), as a Lambda timeout would. */
  kill(): void;
}

/** The Lambda runtime stand-in, run with `node -e`; reads its payload from stdin. */
export const BOOTSTRAP = String.raw`
'use strict';
const chunks = [];
process.stdin.on('data', (c) => chunks.push(c));
process.stdin.on('end', () => { main(JSON.parse(Buffer.concat(chunks).toString('utf8'))); });

function main(p) {
  const https = require('https');
  const path = require('path');
  const util = require('util');
  const url = require('url');
  const route = p.route;
  class ResponseAgent extends https.Agent {
    createConnection(options, callback) {
      const host = options.host || options.hostname;
      if (host === route.host) {
        options = Object.assign({}, options, { host: '127.0.0.1', port: route.port, servername: route.host, ca: route.ca });
      }
      return super.createConnection(options, callback);
    }
  }
  https.globalAgent = new ResponseAgent({ keepAlive: false });

  const write = (level, args) => {
    const message = util.format(...args).replace(/\n/g, '\r');
    process.stdout.write(new Date().toISOString() + '\t' + p.context.awsRequestId + '\t' + level + '\t' + message + '\n');
  };
  for (const [method, level] of [['log', 'INFO'], ['info', 'INFO'], ['warn', 'WARN'], ['error', 'ERROR'], ['debug', 'DEBUG'], ['trace', 'TRACE']]) {
    console[method] = (...args) => write(level, args);
  }
  const errorJson = (err) => JSON.stringify({
    errorType: (err && err.name) || 'Error',
    errorMessage: (err && err.message) || String(err),
    stack: err && typeof err.stack === 'string' ? err.stack.split('\n') : [],
  });
  process.on('uncaughtException', (err) => { write('ERROR', ['Uncaught Exception \t' + errorJson(err)]); process.exit(129); });
  process.on('unhandledRejection', (err) => { write('ERROR', ['Unhandled Promise Rejection \t' + errorJson(err)]); process.exit(128); });

  const context = Object.assign({}, p.context, {
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, p.deadline - Date.now()),
  });

  (async () => {
    const dot = p.handler.lastIndexOf('.');
    const modulePath = path.resolve(p.taskRoot, p.handler.slice(0, dot));
    const exportName = p.handler.slice(dot + 1);
    let mod;
    try {
      mod = require(modulePath);
    } catch (err) {
      if (err && err.code === 'ERR_REQUIRE_ESM') {
        mod = await import(url.pathToFileURL(require.resolve(modulePath)).href);
      } else {
        write('ERROR', ['Init Error \t' + JSON.stringify({ errorType: 'Runtime.ImportModuleError', errorMessage: 'Error: Cannot load ' + p.handler + ': ' + (err && err.message) })]);
        process.exit(1);
      }
    }
    const fn = mod && mod[exportName];
    if (typeof fn !== 'function') {
      write('ERROR', ['Init Error \t' + JSON.stringify({ errorType: 'Runtime.HandlerNotFound', errorMessage: p.handler + ' is undefined or not exported' })]);
      process.exit(1);
    }
    try {
      await fn(p.event, context);
      process.exit(0);
    } catch (err) {
      write('ERROR', ['Invoke Error \t' + errorJson(err)]);
      process.exit(1);
    }
  })();
}
`;

/** The environment a Lambda function sees, before the function's own variables. */
export function lambdaEnvironment(
  fn: FunctionSpec,
  region: string,
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string },
): Record<string, string> {
  const env: Record<string, string> = {
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_LAMBDA_FUNCTION_NAME: fn.functionName,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memorySize),
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.functionName}`,
    AWS_LAMBDA_LOG_STREAM_NAME: `${new Date().toISOString().slice(0, 10).replace(/-/g, '/')}/[$LATEST]harness`,
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_EXECUTION_ENV: `AWS_Lambda_${fn.runtime}`,
    AWS_NODEJS_CONNECTION_REUSE_ENABLED: '1',
    LAMBDA_TASK_ROOT: fn.codeDirectory,
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
  };
  if (credentials.sessionToken) env.AWS_SESSION_TOKEN = credentials.sessionToken;
  // Lambda runs the function's Node.js (22+); on an older local Node the bundled SDK would add a
  // version warning to every invocation's log that Lambda never shows.
  if (Number(process.versions.node.split('.')[0]) < 22) env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  if (process.env.SystemRoot) env.SystemRoot = process.env.SystemRoot;
  return env;
}

/** Starts one invocation in a child process. */
export function invoke(opts: InvocationOptions): Invocation {
  const started = Date.now();
  const timeoutSeconds = opts.timeoutSeconds ?? opts.fn.timeoutSeconds;
  const deadline = started + timeoutSeconds * 1000;
  const logs: string[] = [];
  const log = (message: string) => {
    logs.push(message);
    opts.onLog?.(message);
  };
  log(`START RequestId: ${opts.awsRequestId} Version: $LATEST`);
  const heapMb = Math.max(32, Math.floor(opts.fn.memorySize * 0.9));
  const child = spawn(opts.nodeBinary ?? process.execPath, [`--max-old-space-size=${heapMb}`, '-e', BOOTSTRAP], {
    cwd: opts.fn.codeDirectory,
    env: opts.env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });

  const splitter = () => {
    let rest = '';
    return {
      push: (chunk: Buffer) => {
        rest += chunk.toString('utf8');
        const parts = rest.split('\n');
        rest = parts.pop() ?? '';
        for (const part of parts) log(part.replace(/\r/g, '\n'));
      },
      flush: () => {
        if (rest) log(rest.replace(/\r/g, '\n'));
        rest = '';
      },
    };
  };
  const out = splitter();
  const err = splitter();
  child.stdout.on('data', out.push);
  child.stderr.on('data', err.push);
  child.stdin.on('error', () => { /* the child may die before reading its payload */ });
  child.stdin.end(JSON.stringify({
    event: opts.event,
    handler: opts.fn.handler,
    taskRoot: opts.fn.codeDirectory,
    deadline,
    route: opts.responseRoute,
    context: {
      functionName: opts.fn.functionName,
      functionVersion: '$LATEST',
      invokedFunctionArn: opts.fn.functionArn,
      memoryLimitInMB: String(opts.fn.memorySize),
      awsRequestId: opts.awsRequestId,
      logGroupName: opts.env.AWS_LAMBDA_LOG_GROUP_NAME,
      logStreamName: opts.env.AWS_LAMBDA_LOG_STREAM_NAME,
    },
  }));

  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, Math.max(0, deadline - Date.now()));

  const result = new Promise<InvocationResult>((resolve) => {
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer);
      out.flush();
      err.flush();
      const durationMs = Date.now() - started;
      if (timedOut) {
        log(`${new Date().toISOString()} ${opts.awsRequestId} Task timed out after ${timeoutSeconds.toFixed(2)} seconds`);
      }
      log(`END RequestId: ${opts.awsRequestId}`);
      log(`REPORT RequestId: ${opts.awsRequestId}\tDuration: ${durationMs.toFixed(2)} ms\tBilled Duration: ${durationMs} ms\tMemory Size: ${opts.fn.memorySize} MB${timedOut ? '\tStatus: timeout' : ''}`);
      resolve({ ok: !timedOut && exitCode === 0, timedOut, exitCode, signal, durationMs, logs });
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      log(`harness: cannot start the Lambda process: ${e.message}`);
      resolve({ ok: false, timedOut: false, exitCode: null, signal: null, durationMs: Date.now() - started, logs });
    });
  });

  return { result, kill: () => { child.kill('SIGKILL'); } };
}
