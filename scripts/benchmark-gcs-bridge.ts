/**
 * Benchmarks the bundled GCS bridge Lambda function against fake-gcs-server on 127.0.0.1. It
 * prints Markdown figures: bundle size, cold import time, copy throughput and peak memory by file
 * size, the duration of runs that copy nothing, and a monthly cost estimate. Progress lines go to
 * stderr, so `> results.md` captures only the figures.
 *
 * It asserts nothing timed. It exits with 1 when a run fails, when a copied object's size or MD5
 * differs from its file, or when the handler process of a copy reaches 256 MiB peak RSS.
 *
 * Needs the bundle (`npx projen bundle`), fake-gcs-server (`bash scripts/gcs-emulator.sh`), about
 * 3 GiB of free disk space in the temporary directory and about 8 GiB of free memory.
 * Usage: ts-node --project tsconfig.dev.json --transpile-only scripts/benchmark-gcs-bridge.ts
 */
import { ChildProcess, spawn } from 'child_process';
import { createHash, randomBytes, randomFillSync } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { ReplicationRunResult } from '../src/gcs/bridge/replication-run';
import { uploadDayOf } from '../src/gcs/replication/dates';
import { workloadIdentityCredentialConfiguration } from '../src/gcs/workload-identity';
import { FAKE_GCS_SERVER_PATH } from '../test/support/fake-gcs';
import { findFreePort } from '../test/support/free-port';
import { stopProcess, waitForPort } from '../test/support/local-process';

// ---------------------------------------------------------------------------------------------
// Prices: us-east-1 list prices as of 2026-12, without free tiers, savings plans or volume tiers.
// ---------------------------------------------------------------------------------------------

// NOTE: these prices were checked against 2026 copies and summaries of the pages below, not the
// live pages, so confirm them there before publishing totals.
const PRICES_AS_OF = '2026-12';

interface Price {
  readonly usd: number;
  readonly unit: string;
  readonly description: string;
  readonly source: string;
}

const PRICES = {
  lambdaArm64Duration: {
    usd: 0.0000133334,
    unit: 'GB-second',
    description: 'Lambda duration, arm64, first tier',
    source: 'https://aws.amazon.com/lambda/pricing/',
  },
  lambdaRequests: {
    usd: 0.20 / 1_000_000,
    unit: 'request ($0.20 per million)',
    description: 'Lambda requests',
    source: 'https://aws.amazon.com/lambda/pricing/',
  },
  // Class A covers objects.list and object uploads. This is the single-region price, and the page
  // lists separate Class A prices for multi-region and dual-region buckets.
  gcsClassA: {
    usd: 0.005 / 1000,
    unit: 'operation ($0.005 per 1,000)',
    description: 'Cloud Storage Class A operation, Standard storage, single region',
    source: 'https://cloud.google.com/storage/pricing',
  },
  dataTransferOut: {
    usd: 0.09,
    unit: 'GB',
    description: 'AWS data transfer out to the internet, first 10 TB per month',
    source: 'https://aws.amazon.com/ec2/pricing/on-demand/',
  },
  natGatewayProcessing: {
    usd: 0.045,
    unit: 'GB',
    description: 'NAT gateway data processing',
    source: 'https://aws.amazon.com/vpc/pricing/',
  },
  efsElasticReads: {
    usd: 0.03,
    unit: 'GB',
    description: 'EFS Elastic Throughput reads',
    source: 'https://aws.amazon.com/efs/pricing/',
  },
} satisfies Record<string, Price>;

// ---------------------------------------------------------------------------------------------
// Deployment facts from PostizGcsBridge, and the assumptions of the cost estimate.
// ---------------------------------------------------------------------------------------------

/** Memory of the bridge function, as `PostizGcsBridge` configures it. */
const LAMBDA_MEMORY_MB = 512;
/** Lambda gives a function one vCPU at 1,769 MB and CPU in proportion to memory (https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html). */
const LAMBDA_MB_PER_VCPU = 1769;
/** Ratio of one vCPU to the CPU share that Lambda gives the function's memory size. */
const LAMBDA_CPU_FACTOR = LAMBDA_MB_PER_VCPU / LAMBDA_MEMORY_MB;
const DAYS_PER_MONTH = 30.44;
const SCHEDULES = [
  { profile: 'production', intervalMinutes: 5 },
  { profile: 'development', intervalMinutes: 15 },
];
/** `RECENT_DAYS` that `PostizGcsBridge` sets by default: today and yesterday. */
const RECENT_DAYS = 2;
/** Default `CONCURRENCY` of the bridge: files compared or copied at the same time. */
const BRIDGE_CONCURRENCY = 4;
/** Cloud Storage returns at most 1,000 objects per list page. */
const OBJECTS_PER_LIST_PAGE = 1000;

/** Assumed latency of one request to Google from Lambda, because the local emulator responds in about 1 ms. */
const ASSUMED_GOOGLE_REQUEST_MS = 100;
/** Assumed latency of one `stat` on EFS over NFS, because the local file system returns it from its cache. */
const ASSUMED_EFS_STAT_MS = 1;
/** Requests of a cold start with Workload Identity Federation: the STS token exchange and generateAccessToken. */
const TOKEN_EXCHANGE_REQUESTS = 2;

// ---------------------------------------------------------------------------------------------
// Workload of the benchmark.
// ---------------------------------------------------------------------------------------------

const COLD_IMPORT_RUNS = 7;
const COPY_SIZES_MIB = [64, 256, 1024];
const PEAK_RSS_LIMIT_MIB = 256;
const STEADY_STATE_FILES_PER_DAY = 250;
const STEADY_STATE_FILE_BYTES = 200 * 1024;
const STEADY_STATE_RUNS = 5;
/** Age given to every source file, older than the bridge's default `MIN_FILE_AGE_SECONDS` of 10. */
const SOURCE_FILE_AGE_MS = 5 * 60 * 1000;
const WRITE_CHUNK_BYTES = 1024 * 1024;
const HANDLER_PROCESS_TIMEOUT_MS = 10 * 60 * 1000;
const OUTPUT_TAIL_CHARS = 4000;

const MIB = 1024 * 1024;
const REPOSITORY_ROOT = path.resolve(__dirname, '..');
const BUNDLE_PATH = path.join(REPOSITORY_ROOT, 'assets', 'gcs', 'gcs-bridge.lambda', 'index.js');
const BRIDGE_SOURCE_DIRECTORY = path.join(REPOSITORY_ROOT, 'src', 'gcs');
const PROJECT_ID = 'bench';
/** Queue URL on a closed local port. No run is expected to fail, so the bridge sends nothing to it. */
const UNUSED_QUEUE_URL = 'http://127.0.0.1:9/000000000000/unused';

/**
 * Script that the handler processes run: `node handler-process.js <bundle> <result file> <invocations>`.
 * It rejects connections to any host but the loopback address before it loads the bundle, so a
 * default endpoint that the configuration missed fails the run instead of reaching the internet.
 */
const HANDLER_PROCESS_SOURCE = `'use strict';
const fs = require('fs');
const net = require('net');

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost']);
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  // net.connect passes its normalized arguments as an array, other callers pass them directly.
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  const options = typeof first === 'object' && first !== null
    ? first
    : { port: first, host: typeof args[1] === 'string' ? args[1] : undefined };
  // HTTP agents set path to null for TCP connections, so only a string path names a Unix socket.
  const isPipe = typeof options.path === 'string' || (typeof first === 'string' && Number.isNaN(Number(first)));
  if (!isPipe && !LOOPBACK_HOSTS.has(options.host ?? 'localhost')) {
    throw new Error('Rejected a connection to ' + options.host + ':' + options.port + ': the benchmark allows only 127.0.0.1.');
  }
  return connect.apply(this, args);
};

const [bundlePath, resultPath, invocationText] = process.argv.slice(2);
const importStart = process.hrtime.bigint();
const importCpuStart = process.cpuUsage();
const bundle = require(bundlePath);
const importMs = Number(process.hrtime.bigint() - importStart) / 1e6;
const importCpuMs = cpuMsSince(importCpuStart);
const rssAfterImportBytes = process.memoryUsage.rss();

/** CPU time of all threads of this process since \`start\`, user and system, in milliseconds. */
function cpuMsSince(start) {
  const usage = process.cpuUsage(start);
  return (usage.user + usage.system) / 1000;
}

async function main() {
  if (typeof bundle.handler !== 'function') {
    throw new Error(bundlePath + ' exports no handler function: rebuild it with npx projen bundle.');
  }
  const invocations = [];
  for (let index = 0; index < Number(invocationText); index++) {
    const start = process.hrtime.bigint();
    const cpuStart = process.cpuUsage();
    const result = await bundle.handler({ mode: 'recent' });
    invocations.push({ durationMs: Number(process.hrtime.bigint() - start) / 1e6, cpuMs: cpuMsSince(cpuStart), result });
  }
  const report = {
    importMs,
    importCpuMs,
    rssAfterImportBytes,
    invocations,
    maxRssKiB: process.resourceUsage().maxRSS,
    nodeVersion: process.version,
  };
  fs.writeFileSync(resultPath, JSON.stringify(report));
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write('Handler process failed: ' + (error && error.stack ? error.stack : String(error)) + '\\n');
    process.exit(1);
  },
);
`;

// ---------------------------------------------------------------------------------------------
// Temporary files and child processes, removed on every exit.
// ---------------------------------------------------------------------------------------------

const startedAtMs = Date.now();
const children = new Set<ChildProcess>();
const failedChecks: string[] = [];
let workDirectory: string | undefined;

/** Kills the remaining child processes and removes the temporary directory. Safe to call twice. */
function cleanUp(): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
    }
  }
  children.clear();
  if (workDirectory !== undefined) {
    fs.rmSync(workDirectory, { recursive: true, force: true });
    workDirectory = undefined;
  }
}

process.on('exit', cleanUp);
for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
  process.on(signal, () => {
    progress(`Received ${signal}: stopping the child processes and removing the temporary files.`);
    cleanUp();
    process.exit(code);
  });
}

function requireWorkDirectory(): string {
  if (workDirectory === undefined) {
    throw new Error('The temporary directory does not exist: the benchmark has not started or already finished.');
  }
  return workDirectory;
}

function progress(message: string): void {
  const seconds = ((Date.now() - startedAtMs) / 1000).toFixed(1).padStart(6);
  process.stderr.write(`[${seconds} s] ${message}\n`);
}

function check(condition: boolean, message: string): void {
  if (!condition) {
    failedChecks.push(message);
    progress(`Check failed: ${message}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Statistics and formatting.
// ---------------------------------------------------------------------------------------------

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function formatNumber(value: number, fractionDigits = 0): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: fractionDigits, maximumFractionDigits: fractionDigits });
}

function formatMs(value: number): string {
  return `${formatNumber(value, 1)} ms`;
}

function formatUsd(value: number, fractionDigits = 4): string {
  return `$${formatNumber(value, fractionDigits)}`;
}

/** Formats a Markdown table with padded columns, so it also reads well as plain text. */
function markdownTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => row[column].length)));
  const formatRow = (cells: readonly string[]) => `| ${cells.map((cell, column) => cell.padEnd(widths[column])).join(' | ')} |`;
  const separator = `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`;
  return [formatRow(headers), separator, ...rows.map(formatRow)].join('\n');
}

// ---------------------------------------------------------------------------------------------
// fake-gcs-server.
// ---------------------------------------------------------------------------------------------

interface Emulator {
  /** Value of `GCS_API_ENDPOINT`, such as `http://127.0.0.1:43125`. */
  readonly endpoint: string;
  readonly version: string;
  /** Returns the peak RSS of the emulator process so far, from `VmHWM` in /proc, or undefined outside Linux. */
  readPeakRssMiB(): number | undefined;
  stop(): Promise<void>;
}

/**
 * Starts fake-gcs-server with its filesystem backend on a free port of 127.0.0.1.
 * NOTE: even with this backend, v1.56.1 reached about 6 GiB peak RSS during the 1 GiB upload on
 * the machine that ran the benchmark, so it needs about 8 GiB of free memory.
 */
async function startEmulator(storageRoot: string): Promise<Emulator> {
  if (!fs.existsSync(FAKE_GCS_SERVER_PATH)) {
    throw new Error(`fake-gcs-server was not found at ${FAKE_GCS_SERVER_PATH}. Install it with: bash scripts/gcs-emulator.sh`);
  }
  const port = await findFreePort();
  const address = `127.0.0.1:${port}`;
  const child = spawn(FAKE_GCS_SERVER_PATH, [
    '-scheme', 'http',
    '-host', '127.0.0.1',
    '-port', String(port),
    '-backend', 'filesystem',
    '-filesystem-root', storageRoot,
    '-public-host', address,
    '-external-url', `http://${address}`,
    '-log-level', 'warn',
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  const output = collectOutputTail(child);
  try {
    await waitForPort(port, child, 30_000);
  } catch (error) {
    throw new Error(`fake-gcs-server did not start on ${address}: ${(error as Error).message}\n${output()}`);
  }
  return {
    endpoint: `http://${address}`,
    version: readGoModuleVersion(FAKE_GCS_SERVER_PATH, 'github.com/fsouza/fake-gcs-server'),
    readPeakRssMiB: () => readPeakRssMiB(child.pid),
    stop: async () => {
      await stopProcess(child);
      children.delete(child);
    },
  };
}

function readPeakRssMiB(pid: number | undefined): number | undefined {
  let status: string;
  try {
    status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const match = /^VmHWM:\s+(\d+) kB$/m.exec(status);
  return match ? Number(match[1]) / 1024 : undefined;
}

/**
 * Reads a Go binary's main module version from the build information that the Go toolchain
 * embeds, the same text that `go version -m` prints. Returns `unknown` when it is missing.
 */
function readGoModuleVersion(binaryPath: string, modulePath: string): string {
  const marker = Buffer.from(`mod\t${modulePath}\t`);
  const binary = fs.readFileSync(binaryPath);
  const start = binary.indexOf(marker);
  if (start < 0) {
    return 'unknown';
  }
  const versionStart = start + marker.length;
  const end = binary.indexOf('\t', versionStart);
  return binary.subarray(versionStart, end < 0 ? versionStart + 40 : Math.min(end, versionStart + 40)).toString('utf8').trim();
}

async function emulatorRequest(emulator: Emulator, method: string, apiPath: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${emulator.endpoint}${apiPath}`, {
    method,
    headers: body === undefined ? undefined : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) {
    throw new Error(`fake-gcs-server request ${method} ${apiPath} failed with HTTP ${response.status}: ${text.slice(0, 500)}`);
  }
  return text === '' ? undefined : JSON.parse(text);
}

async function createBucket(emulator: Emulator, bucket: string): Promise<void> {
  await emulatorRequest(emulator, 'POST', `/storage/v1/b?project=${PROJECT_ID}`, { name: bucket });
}

interface StoredObject {
  readonly size: string;
  readonly md5Hash?: string;
}

function objectPath(bucket: string, key: string): string {
  return `/storage/v1/b/${encodeURIComponent(bucket)}/o/${encodeURIComponent(key)}`;
}

// ---------------------------------------------------------------------------------------------
// Handler processes.
// ---------------------------------------------------------------------------------------------

interface HandlerInvocation {
  /** Wall time of the handler call. */
  readonly durationMs: number;
  /** CPU time of all threads of the process during the handler call, user and system. */
  readonly cpuMs: number;
  readonly result: ReplicationRunResult;
}

interface HandlerProcessReport {
  readonly importMs: number;
  readonly importCpuMs: number;
  readonly rssAfterImportBytes: number;
  readonly invocations: HandlerInvocation[];
  /** Peak resident set size of the whole process, from `process.resourceUsage().maxRSS`. */
  readonly maxRssKiB: number;
  readonly nodeVersion: string;
}

/** Keeps the last characters of a child's stdout and stderr for error messages, and drops the rest. */
function collectOutputTail(child: ChildProcess): () => string {
  let tail = '';
  const append = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  return () => tail;
}

/**
 * Environment of a handler process. HOME points into the temporary directory, so no AWS or
 * gcloud configuration of the user is read, and Google metadata server detection is off.
 */
function isolatedEnvironment(): NodeJS.ProcessEnv {
  const home = path.join(requireWorkDirectory(), 'home');
  fs.mkdirSync(home, { recursive: true });
  return {
    PATH: process.env.PATH,
    HOME: home,
    AWS_ACCESS_KEY_ID: 'offline',
    AWS_SECRET_ACCESS_KEY: 'offline',
    AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    METADATA_SERVER_DETECTION: 'none',
  };
}

/**
 * Environment of a replication run against the emulator. A custom endpoint turns Google
 * authentication off in `@google-cloud/storage` 7, so the Workload Identity configuration is
 * parsed and checked but no token is requested.
 */
function replicationEnvironment(emulator: Emulator, bucket: string, uploadsPath: string): NodeJS.ProcessEnv {
  const credentialConfiguration = workloadIdentityCredentialConfiguration({
    projectNumber: '000000000000',
    poolId: 'bench-pool',
    providerId: 'bench-provider',
    serviceAccountEmail: `bench@${PROJECT_ID}.iam.gserviceaccount.com`,
  });
  return {
    ...isolatedEnvironment(),
    GCS_BUCKET_NAME: bucket,
    GCS_PROJECT_ID: PROJECT_ID,
    GCS_API_ENDPOINT: emulator.endpoint,
    GCS_CREDENTIAL_CONFIG: JSON.stringify(credentialConfiguration),
    UPLOADS_PATH: uploadsPath,
    RECENT_DAYS: String(RECENT_DAYS),
    DEAD_LETTER_QUEUE_URL: UNUSED_QUEUE_URL,
  };
}

/**
 * Runs the bundle in a new `node` process, so that its peak RSS is the handler's own, and calls
 * the handler `invocations` times with `{ "mode": "recent" }`. Throws when the process fails or
 * does not finish within `HANDLER_PROCESS_TIMEOUT_MS`.
 */
async function runHandlerProcess(label: string, environment: NodeJS.ProcessEnv, invocations: number): Promise<HandlerProcessReport> {
  const directory = requireWorkDirectory();
  const scriptPath = path.join(directory, 'handler-process.js');
  if (!fs.existsSync(scriptPath)) {
    fs.writeFileSync(scriptPath, HANDLER_PROCESS_SOURCE);
  }
  const resultPath = path.join(directory, `handler-result-${randomBytes(6).toString('hex')}.json`);
  const child = spawn(process.execPath, [scriptPath, BUNDLE_PATH, resultPath, String(invocations)], {
    cwd: directory,
    env: environment,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const output = collectOutputTail(child);

  let timer: NodeJS.Timeout | undefined;
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`Handler process "${label}" timed out after ${HANDLER_PROCESS_TIMEOUT_MS / 1000} s:\n${output()}`));
    }, HANDLER_PROCESS_TIMEOUT_MS);
    child.once('error', reject);
    child.once('close', (code) => resolve(code));
  }).finally(() => {
    clearTimeout(timer);
    children.delete(child);
  });
  if (exitCode !== 0) {
    throw new Error(`Handler process "${label}" exited with code ${exitCode}. Last output:\n${output()}`);
  }
  const report = JSON.parse(fs.readFileSync(resultPath, 'utf8')) as HandlerProcessReport;
  fs.rmSync(resultPath, { force: true });
  return report;
}

// ---------------------------------------------------------------------------------------------
// Source files.
// ---------------------------------------------------------------------------------------------

/** Writes `bytes` random bytes in chunks, so the file is never held in memory. */
function writeRandomFile(filePath: string, bytes: number): void {
  fs.mkdirSync(path.dirname(filePath), { recursive: true });
  const chunk = Buffer.alloc(Math.min(WRITE_CHUNK_BYTES, bytes));
  const descriptor = fs.openSync(filePath, 'w');
  try {
    for (let written = 0; written < bytes;) {
      const length = Math.min(chunk.length, bytes - written);
      randomFillSync(chunk, 0, length);
      fs.writeSync(descriptor, chunk, 0, length);
      written += length;
    }
  } finally {
    fs.closeSync(descriptor);
  }
  const modified = new Date(Date.now() - SOURCE_FILE_AGE_MS);
  fs.utimesSync(filePath, modified, modified);
}

/** Computes the base64 MD5 of a file, as Cloud Storage writes `md5Hash`, by streaming it. */
async function md5OfFile(filePath: string): Promise<string> {
  const hash = createHash('md5');
  for await (const chunk of fs.createReadStream(filePath, { highWaterMark: WRITE_CHUNK_BYTES })) {
    hash.update(chunk as Buffer);
  }
  return hash.digest('base64');
}

/** Returns a name like Postiz gives uploads: random hex digits and the extension. */
function uploadName(extension: string): string {
  return `${randomBytes(16).toString('hex')}.${extension}`;
}

function newestModificationMs(directory: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(directory, { withFileTypes: true })) {
    const entryPath = path.join(directory, entry.name);
    if (entry.isDirectory()) {
      newest = Math.max(newest, newestModificationMs(entryPath));
    } else if (entry.name.endsWith('.ts')) {
      newest = Math.max(newest, fs.statSync(entryPath).mtimeMs);
    }
  }
  return newest;
}

// ---------------------------------------------------------------------------------------------
// Measurements.
// ---------------------------------------------------------------------------------------------

/** Wall time and CPU time (all threads, user and system) of one measured step, in milliseconds. */
interface Timing {
  readonly wallMs: number;
  readonly cpuMs: number;
}

/**
 * Estimates how long a step measured here takes on Lambda: the CPU time stretched by
 * `LAMBDA_CPU_FACTOR`, plus the wall time not spent on the CPU. An estimate, because it treats
 * one local core as one Lambda vCPU and ignores overlap between threads.
 */
function lambdaEstimateMs(timing: Timing): number {
  return Math.max(0, timing.wallMs - timing.cpuMs) + timing.cpuMs * LAMBDA_CPU_FACTOR;
}

function formatTiming(timings: readonly Timing[], pick: (values: number[]) => number): string {
  return `${formatMs(pick(timings.map((timing) => timing.wallMs)))} (CPU ${formatMs(pick(timings.map((timing) => timing.cpuMs)))})`;
}

interface BundleFigures {
  readonly bytes: number;
  /** True when a source file under src/gcs changed after the bundle was built. */
  readonly stale: boolean;
  readonly imports: Timing[];
  readonly rssAfterImportMiB: number[];
  readonly nodeVersion: string;
}

async function measureBundle(): Promise<BundleFigures> {
  if (!fs.existsSync(BUNDLE_PATH)) {
    throw new Error(`Bundle ${BUNDLE_PATH} was not found: build it with npx projen bundle.`);
  }
  const stats = fs.statSync(BUNDLE_PATH);
  const stale = newestModificationMs(BRIDGE_SOURCE_DIRECTORY) > stats.mtimeMs;
  if (stale) {
    progress('Warning: a file under src/gcs is newer than the bundle, so the figures describe older code. Run npx projen bundle.');
  }
  const imports: Timing[] = [];
  const rssAfterImportMiB: number[] = [];
  let nodeVersion = process.version;
  for (let run = 1; run <= COLD_IMPORT_RUNS; run++) {
    progress(`Cold import ${run} of ${COLD_IMPORT_RUNS}.`);
    const report = await runHandlerProcess(`cold import ${run}`, isolatedEnvironment(), 0);
    imports.push({ wallMs: report.importMs, cpuMs: report.importCpuMs });
    rssAfterImportMiB.push(report.rssAfterImportBytes / MIB);
    nodeVersion = report.nodeVersion;
  }
  return { bytes: stats.size, stale, imports, rssAfterImportMiB, nodeVersion };
}

interface CopyFigures {
  readonly sizeMiB: number;
  readonly handler: Timing;
  readonly peakRssMiB: number;
  readonly verified: boolean;
}

/**
 * Copies one file of `sizeMiB` MiB into a new bucket in a new handler process, then compares the
 * object's size and MD5 with the file's.
 */
async function measureCopy(emulator: Emulator, sizeMiB: number): Promise<CopyFigures> {
  const bytes = sizeMiB * MIB;
  const bucket = `bench-copy-${sizeMiB}-mib`;
  const uploadsPath = path.join(requireWorkDirectory(), `uploads-${sizeMiB}-mib`);
  const key = `${uploadDayOf(new Date()).prefix}/${uploadName('mp4')}`;
  const filePath = path.join(uploadsPath, ...key.split('/'));

  await createBucket(emulator, bucket);
  progress(`Writing a ${sizeMiB} MiB file to ${filePath}.`);
  writeRandomFile(filePath, bytes);
  const expectedMd5 = await md5OfFile(filePath);

  progress(`Copying the ${sizeMiB} MiB file with the bundled handler.`);
  const report = await runHandlerProcess(`copy ${sizeMiB} MiB`, replicationEnvironment(emulator, bucket, uploadsPath), 1);
  const { durationMs, cpuMs, result } = report.invocations[0];
  const peakRssMiB = report.maxRssKiB / 1024;

  const failuresBefore = failedChecks.length;
  check(result.filesCopied === 1 && result.filesFailed === 0,
    `copy of ${sizeMiB} MiB: expected 1 file copied and 0 failed, got ${result.filesCopied} copied and ${result.filesFailed} failed`);
  check(result.bytesCopied === bytes, `copy of ${sizeMiB} MiB: handler reported ${result.bytesCopied} bytes copied, expected ${bytes}`);
  const stored = await emulatorRequest(emulator, 'GET', objectPath(bucket, key)) as StoredObject;
  check(Number(stored.size) === bytes, `copy of ${sizeMiB} MiB: object ${key} has size ${stored.size}, file has ${bytes}`);
  check(stored.md5Hash === expectedMd5, `copy of ${sizeMiB} MiB: object ${key} has md5Hash ${stored.md5Hash}, file has ${expectedMd5}`);
  check(peakRssMiB < PEAK_RSS_LIMIT_MIB,
    `copy of ${sizeMiB} MiB: peak RSS of the handler process was ${formatNumber(peakRssMiB, 1)} MiB, the limit is below ${PEAK_RSS_LIMIT_MIB} MiB`);
  const verified = failedChecks.length === failuresBefore;

  // Frees the disk space of this size before the next one.
  fs.rmSync(uploadsPath, { recursive: true, force: true });
  await emulatorRequest(emulator, 'DELETE', objectPath(bucket, key));
  return { sizeMiB, handler: { wallMs: durationMs, cpuMs }, peakRssMiB, verified };
}

interface SteadyStateFigures {
  readonly files: number;
  readonly listOperationsPerRun: number;
  readonly copyRun: Timing;
  readonly copyRunPeakRssMiB: number;
  /** First invocation of each new process: a new `Storage` client and new connections. */
  readonly firstInProcess: Timing[];
  /** Second invocation of the same processes, as on a warm Lambda execution environment. */
  readonly warm: Timing[];
}

/**
 * Writes `RECENT_DAYS` day folders of small files, copies them with one run, then times runs
 * that find every object already in the bucket and skip every file.
 */
async function measureSteadyState(emulator: Emulator): Promise<SteadyStateFigures> {
  const bucket = 'bench-steady-state';
  const uploadsPath = path.join(requireWorkDirectory(), 'uploads-steady-state');
  const now = Date.now();
  const days = Array.from({ length: RECENT_DAYS }, (_, offset) => uploadDayOf(new Date(now - offset * 24 * 60 * 60 * 1000)));
  const files = days.length * STEADY_STATE_FILES_PER_DAY;

  await createBucket(emulator, bucket);
  progress(`Writing ${RECENT_DAYS} day folders with ${STEADY_STATE_FILES_PER_DAY} files of ${STEADY_STATE_FILE_BYTES / 1024} KiB each.`);
  for (const day of days) {
    for (let index = 0; index < STEADY_STATE_FILES_PER_DAY; index++) {
      writeRandomFile(path.join(uploadsPath, ...day.prefix.split('/'), uploadName('jpg')), STEADY_STATE_FILE_BYTES);
    }
  }
  const environment = replicationEnvironment(emulator, bucket, uploadsPath);
  const dayHint = '(if the UTC day changed during the benchmark, run it again)';

  progress(`First run: copying ${files} files.`);
  const copyReport = await runHandlerProcess('steady state, copying run', environment, 1);
  const copyInvocation = copyReport.invocations[0];
  check(copyInvocation.result.filesCopied === files && copyInvocation.result.filesFailed === 0,
    `steady state, copying run: expected ${files} files copied and 0 failed, got ${copyInvocation.result.filesCopied} copied `
    + `and ${copyInvocation.result.filesFailed} failed ${dayHint}`);

  const firstInProcess: Timing[] = [];
  const warm: Timing[] = [];
  for (let run = 1; run <= STEADY_STATE_RUNS; run++) {
    progress(`Skip runs: process ${run} of ${STEADY_STATE_RUNS}, two invocations each.`);
    const report = await runHandlerProcess(`steady state, skip runs ${run}`, environment, 2);
    for (const [index, invocation] of report.invocations.entries()) {
      const result = invocation.result;
      check(result.filesSkipped === files && result.filesCopied === 0 && result.filesFailed === 0,
        `steady state, process ${run} invocation ${index + 1}: expected ${files} files skipped, got ${result.filesSkipped} skipped, `
        + `${result.filesCopied} copied and ${result.filesFailed} failed ${dayHint}`);
    }
    const [first, second] = report.invocations;
    firstInProcess.push({ wallMs: first.durationMs, cpuMs: first.cpuMs });
    warm.push({ wallMs: second.durationMs, cpuMs: second.cpuMs });
  }

  fs.rmSync(uploadsPath, { recursive: true, force: true });
  return {
    files,
    listOperationsPerRun: days.length * Math.ceil(STEADY_STATE_FILES_PER_DAY / OBJECTS_PER_LIST_PAGE),
    copyRun: { wallMs: copyInvocation.durationMs, cpuMs: copyInvocation.cpuMs },
    copyRunPeakRssMiB: copyReport.maxRssKiB / 1024,
    firstInProcess,
    warm,
  };
}

// ---------------------------------------------------------------------------------------------
// Report.
// ---------------------------------------------------------------------------------------------

function printMachine(bundle: BundleFigures, emulator: Emulator, emulatorPeakRssMiB: number | undefined): void {
  const cpus = os.cpus();
  console.log('## Machine\n');
  console.log(markdownTable(['Fact', 'Value'], [
    ['CPU', cpus[0]?.model ?? 'unknown'],
    ['CPUs', String(cpus.length)],
    ['Memory', `${formatNumber(os.totalmem() / 1024 ** 3, 1)} GiB`],
    ['OS', `${os.type()} ${os.release()} ${os.arch()}`],
    ['Node.js', `${bundle.nodeVersion} (Lambda runs the function on nodejs22.x, arm64)`],
    ['fake-gcs-server', `${emulator.version}, filesystem backend, on the same machine`],
    ['fake-gcs-server peak RSS', emulatorPeakRssMiB === undefined ? 'unknown' : `${formatNumber(emulatorPeakRssMiB)} MiB`],
  ]));
  console.log();
}

function printBundle(bundle: BundleFigures): void {
  const runs = bundle.imports.length;
  console.log('## Bundle\n');
  console.log(markdownTable(['Figure', 'Value'], [
    ['Size', `${formatNumber(bundle.bytes)} bytes (${formatNumber(bundle.bytes / 1024, 1)} KiB)`],
    [`Cold import, median of ${runs}`, formatTiming(bundle.imports, median)],
    [`Cold import, max of ${runs}`, formatTiming(bundle.imports, (values) => Math.max(...values))],
    ['RSS after import, median', `${formatNumber(median(bundle.rssAfterImportMiB), 1)} MiB`],
  ]));
  console.log(`\nBundle: ${path.relative(REPOSITORY_ROOT, BUNDLE_PATH)}. Cold import is \`require\` of the bundle in a new \`node\``);
  console.log('process, timed with `process.hrtime`. CPU is `process.cpuUsage` of all threads, user and system.');
  console.log('`@aws-sdk/*` is external to the bundle because the Lambda runtime provides it, so here it loads');
  console.log('from node_modules.');
  if (bundle.stale) {
    console.log('\nWarning: a file under src/gcs is newer than the bundle, so these figures describe older code.');
  }
  console.log();
}

function printCopies(copies: readonly CopyFigures[]): void {
  console.log('## Copy of one file\n');
  console.log(markdownTable(
    ['File size', 'Handler time', 'Handler CPU time', 'Throughput', 'Peak RSS of the handler process', 'Object size and MD5'],
    copies.map((copy) => [
      `${formatNumber(copy.sizeMiB)} MiB`,
      `${formatNumber(copy.handler.wallMs / 1000, 2)} s`,
      `${formatNumber(copy.handler.cpuMs / 1000, 2)} s`,
      `${formatNumber(copy.sizeMiB / (copy.handler.wallMs / 1000), 1)} MiB/s`,
      `${formatNumber(copy.peakRssMiB, 1)} MiB`,
      copy.verified ? 'match the file' : 'CHECK FAILED',
    ]),
  ));
  console.log('\nEach row is one `{ "mode": "recent" }` invocation of the bundled handler in a new `node` process,');
  console.log('copying one file from a local uploads folder into a new bucket of fake-gcs-server on 127.0.0.1.');
  console.log('Files over 8 MiB use a resumable upload. Peak RSS is `process.resourceUsage().maxRSS` of that');
  console.log('process, import included. It stays flat as the file grows because the copy streams the file.');
  console.log('Throughput is local: loopback network, page cache, and an emulator that shares the CPUs.');
  const largest = copies[copies.length - 1];
  if (largest.handler.cpuMs < largest.handler.wallMs / 2) {
    const cpuPercent = formatNumber((100 * largest.handler.cpuMs) / largest.handler.wallMs);
    console.log(`The handler was on the CPU for ${cpuPercent}% of the ${formatNumber(largest.sizeMiB)} MiB copy and waited for the emulator`);
    console.log('and the disk otherwise, so they rather than the handler limit this throughput.');
  }
  console.log();
}

function printSteadyState(steady: SteadyStateFigures): void {
  const fileKiB = STEADY_STATE_FILE_BYTES / 1024;
  const minimum = (values: number[]) => Math.min(...values);
  const maximum = (values: number[]) => Math.max(...values);
  console.log('## Runs that copy nothing\n');
  console.log(markdownTable(['Run', 'Median', 'Min', 'Max'], [
    [`First run, copies ${steady.files} files of ${fileKiB} KiB (1 run)`, formatTiming([steady.copyRun], median), '', ''],
    [`Skip run, first invocation in a new process (${STEADY_STATE_RUNS} runs)`,
      formatTiming(steady.firstInProcess, median), formatTiming(steady.firstInProcess, minimum), formatTiming(steady.firstInProcess, maximum)],
    [`Skip run, second invocation in the same process (${STEADY_STATE_RUNS} runs)`,
      formatTiming(steady.warm, median), formatTiming(steady.warm, minimum), formatTiming(steady.warm, maximum)],
  ]));
  console.log(`\nThe uploads tree has ${RECENT_DAYS} day folders (today and yesterday, UTC) with ${STEADY_STATE_FILES_PER_DAY} files each.`);
  console.log(`A skip run lists each day folder once (${steady.listOperationsPerRun} list requests) and skips every file by size and`);
  console.log('modification time without reading it. Min and max are taken separately for wall time and CPU time.');
  console.log(`Peak RSS of the copying run: ${formatNumber(steady.copyRunPeakRssMiB, 1)} MiB.\n`);
}

interface CostRow {
  readonly profile: string;
  readonly start: string;
  readonly runsPerMonth: number;
  readonly gbSeconds: number;
  readonly lambdaUsd: number;
  readonly listUsd: number;
}

function costRow(profile: string, start: string, runsPerMonth: number, billedMs: number, listOperationsPerRun: number): CostRow {
  const gbSeconds = runsPerMonth * (billedMs / 1000) * (LAMBDA_MEMORY_MB / 1024);
  const lambdaUsd = gbSeconds * PRICES.lambdaArm64Duration.usd + runsPerMonth * PRICES.lambdaRequests.usd;
  const listUsd = runsPerMonth * listOperationsPerRun * PRICES.gcsClassA.usd;
  return { profile, start, runsPerMonth, gbSeconds, lambdaUsd, listUsd };
}

function printMonthlyCost(bundle: BundleFigures, steady: SteadyStateFigures): void {
  const listMs = steady.listOperationsPerRun * ASSUMED_GOOGLE_REQUEST_MS;
  const statMs = (steady.files / BRIDGE_CONCURRENCY) * ASSUMED_EFS_STAT_MS;
  const tokenMs = TOKEN_EXCHANGE_REQUESTS * ASSUMED_GOOGLE_REQUEST_MS;
  const warmMeasuredMs = median(steady.warm.map((timing) => timing.wallMs));
  const coldMeasuredMs = median(bundle.imports.map((timing) => timing.wallMs)) + median(steady.firstInProcess.map((timing) => timing.wallMs));
  const warmEstimateMs = median(steady.warm.map(lambdaEstimateMs));
  const coldEstimateMs = median(bundle.imports.map(lambdaEstimateMs)) + median(steady.firstInProcess.map(lambdaEstimateMs));
  const warmBilledMs = Math.ceil(warmEstimateMs + listMs + statMs);
  const coldBilledMs = Math.ceil(coldEstimateMs + listMs + statMs + tokenMs);

  console.log(`## Monthly cost estimate of the scheduled runs (prices as of ${PRICES_AS_OF})\n`);
  console.log('Duration of one run that copies nothing, estimated for Lambda from the medians above:\n');
  console.log(markdownTable(['Part', 'Warm start', 'Cold start'], [
    ['Measured here: skip run (cold: import + first invocation in a new process)', formatMs(warmMeasuredMs), formatMs(coldMeasuredMs)],
    [`Assumption: ${LAMBDA_MEMORY_MB} MB gets ${LAMBDA_MEMORY_MB}/${LAMBDA_MB_PER_VCPU} of a vCPU, so CPU time x ${formatNumber(LAMBDA_CPU_FACTOR, 2)} + time off the CPU`,
      formatMs(warmEstimateMs), formatMs(coldEstimateMs)],
    [`Assumption: real GCS latency, ${steady.listOperationsPerRun} folder listings x ~${ASSUMED_GOOGLE_REQUEST_MS} ms`, `+ ${formatMs(listMs)}`, `+ ${formatMs(listMs)}`],
    [`Assumption: EFS latency, ${steady.files} stats x ~${ASSUMED_EFS_STAT_MS} ms / concurrency ${BRIDGE_CONCURRENCY}`, `+ ${formatMs(statMs)}`, `+ ${formatMs(statMs)}`],
    [`Assumption: token exchange, ${TOKEN_EXCHANGE_REQUESTS} requests x ~${ASSUMED_GOOGLE_REQUEST_MS} ms`, '', `+ ${formatMs(tokenMs)}`],
    ['Estimated billed duration per run', `${formatNumber(warmBilledMs)} ms`, `${formatNumber(coldBilledMs)} ms`],
  ]));
  console.log('\nThe emulator responds in about a millisecond and needs no token, so the latency rows stand in for');
  console.log('Google and EFS. The token exchange (STS, then generateAccessToken) runs on a cold start and again when');
  console.log('the access token expires, after an hour by default. Since August 2025 Lambda bills the init phase of a');
  console.log('cold start as duration. Whether a scheduled run starts warm or cold depends on how long Lambda keeps');
  console.log('an idle execution environment, which AWS does not document, so both are shown.\n');

  const rows: CostRow[] = [];
  for (const schedule of SCHEDULES) {
    // Whole runs only: the last partial interval of a month starts no run.
    const runsPerMonth = Math.floor((DAYS_PER_MONTH * 24 * 60) / schedule.intervalMinutes);
    const profile = `${schedule.profile} (every ${schedule.intervalMinutes} min)`;
    rows.push(costRow(profile, 'warm', runsPerMonth, warmBilledMs, steady.listOperationsPerRun));
    rows.push(costRow(profile, 'cold', runsPerMonth, coldBilledMs, steady.listOperationsPerRun));
  }
  console.log(markdownTable(
    ['Profile', 'Every run', 'Runs/month', 'GB-seconds', 'Lambda (duration + requests)', 'GCS list operations', 'Total per month'],
    rows.map((row) => [
      row.profile,
      row.start,
      formatNumber(row.runsPerMonth),
      formatNumber(row.gbSeconds, 1),
      formatUsd(row.lambdaUsd),
      formatUsd(row.listUsd),
      formatUsd(row.lambdaUsd + row.listUsd),
    ]),
  ));
  console.log(`\n${DAYS_PER_MONTH} days per month, ${LAMBDA_MEMORY_MB} MB of memory, ${steady.listOperationsPerRun} list operations per run (both recent`);
  console.log('days have uploads), no free tier applied. Prices:');
  for (const price of [PRICES.lambdaArm64Duration, PRICES.lambdaRequests, PRICES.gcsClassA]) {
    console.log(`- ${price.description}: ${formatUsd(price.usd, 10).replace(/0+$/, '')} per ${price.unit}, ${price.source}`);
  }
  console.log('\nNot included: the copies themselves (next section), CloudWatch Logs ingestion of the per-file log');
  console.log('lines, and the hourly price of the NAT gateway.\n');
}

function printVolumeCosts(copies: readonly CopyFigures[]): void {
  const perGbPrices = [PRICES.dataTransferOut, PRICES.natGatewayProcessing, PRICES.efsElasticReads];
  const perGbTotal = perGbPrices.reduce((sum, price) => sum + price.usd, 0);
  const largest = copies[copies.length - 1];
  const lambdaSecondsPerGib = lambdaEstimateMs(largest.handler) / 1000 / (largest.sizeMiB / 1024);
  const lambdaUsdPerGib = lambdaSecondsPerGib * (LAMBDA_MEMORY_MB / 1024) * PRICES.lambdaArm64Duration.usd;

  console.log(`## Costs that grow with the media copied (prices as of ${PRICES_AS_OF})\n`);
  console.log(markdownTable(['Cost', 'USD', 'Per', 'Source'], [
    ...perGbPrices.map((price) => [price.description, formatUsd(price.usd, 3), price.unit, price.source]),
    ['Sum of the three above', formatUsd(perGbTotal, 3), 'GB', ''],
    [PRICES.gcsClassA.description, formatUsd(PRICES.gcsClassA.usd, 6), 'upload request ($0.005 per 1,000)', PRICES.gcsClassA.source],
    [`Lambda duration, estimated from the ${formatNumber(largest.sizeMiB)} MiB copy as above (${formatNumber(lambdaSecondsPerGib, 1)} s per GiB)`,
      formatUsd(lambdaUsdPerGib, 5), 'GiB', PRICES.lambdaArm64Duration.source],
  ]));
  console.log('\nEach copied byte is read once from EFS and leaves AWS through the NAT gateway to the internet.');
  console.log('A file up to 8 MiB takes one upload request, and a larger file uses a resumable upload, which sends');
  console.log('at least two requests. Inbound data transfer to Cloud Storage is free. The AWS pricing pages state');
  console.log('prices per GB. The Lambda row leaves out the network between Lambda and Google, which is slower');
  console.log('than the loopback here. All prices are us-east-1 list prices without free tiers or savings plans.\n');
}

// ---------------------------------------------------------------------------------------------
// Main.
// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  workDirectory = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-postiz-gcs-benchmark-'));
  progress(`Temporary directory: ${workDirectory}`);

  progress(`Measuring the bundle ${path.relative(REPOSITORY_ROOT, BUNDLE_PATH)}.`);
  const bundle = await measureBundle();

  progress('Starting fake-gcs-server.');
  const emulator = await startEmulator(path.join(workDirectory, 'emulator'));
  progress(`fake-gcs-server ${emulator.version} listens on ${emulator.endpoint}.`);

  const copies: CopyFigures[] = [];
  let steady: SteadyStateFigures;
  let emulatorPeakRssMiB: number | undefined;
  try {
    for (const sizeMiB of COPY_SIZES_MIB) {
      copies.push(await measureCopy(emulator, sizeMiB));
    }
    steady = await measureSteadyState(emulator);
    emulatorPeakRssMiB = emulator.readPeakRssMiB();
  } finally {
    progress('Stopping fake-gcs-server.');
    await emulator.stop();
  }

  console.log('# GCS bridge benchmark\n');
  console.log(`Measured on ${new Date().toISOString().slice(0, 10)} with scripts/benchmark-gcs-bridge.ts.\n`);
  printMachine(bundle, emulator, emulatorPeakRssMiB);
  printBundle(bundle);
  printCopies(copies);
  printSteadyState(steady);
  printMonthlyCost(bundle, steady);
  printVolumeCosts(copies);
  console.log(`Benchmark time: ${formatNumber((Date.now() - startedAtMs) / 1000, 0)} s.`);

  if (failedChecks.length > 0) {
    console.log('\n## Failed checks\n');
    for (const failure of failedChecks) {
      console.log(`- ${failure}`);
    }
    process.exitCode = 1;
  }
}

main()
  .catch((error: unknown) => {
    progress(`Benchmark failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    process.exitCode = 1;
  })
  .finally(cleanUp);
