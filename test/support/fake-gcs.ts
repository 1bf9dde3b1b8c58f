import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { findFreePort } from './free-port';

/** Path where `bash scripts/gcs-emulator.sh` installs fake-gcs-server. */
export const FAKE_GCS_SERVER_PATH = path.join(__dirname, '..', '..', '.tools', 'bin', 'fake-gcs-server');

/** A fake-gcs-server (Cloud Storage emulator) with an in-memory backend, listening on 127.0.0.1. */
export interface FakeGcsServer {
  /** Value for the `apiEndpoint` option of `Storage`, such as `http://127.0.0.1:43125`. */
  readonly endpoint: string;
  readonly port: number;
  stop(): Promise<void>;
}

/**
 * Starts fake-gcs-server on a free port of 127.0.0.1 and waits until it accepts connections.
 * Throws with the install command when the binary is missing.
 */
export async function startFakeGcsServer(): Promise<FakeGcsServer> {
  if (!fs.existsSync(FAKE_GCS_SERVER_PATH)) {
    throw new Error(
      `fake-gcs-server was not found at ${FAKE_GCS_SERVER_PATH}. Install it with: bash scripts/gcs-emulator.sh`,
    );
  }
  const port = await findFreePort();
  const address = `127.0.0.1:${port}`;
  const child = spawn(FAKE_GCS_SERVER_PATH, [
    '-scheme', 'http',
    '-host', '127.0.0.1',
    '-port', String(port),
    '-backend', 'memory',
    '-public-host', address,
    '-external-url', `http://${address}`,
    '-log-level', 'warn',
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  child.stderr?.on('data', (chunk: Buffer) => { output += chunk.toString(); });

  try {
    await waitForPort(port, child, 30_000);
  } catch (error) {
    child.kill('SIGTERM');
    throw new Error(`fake-gcs-server did not start on ${address}: ${(error as Error).message}\n${output}`);
  }

  return {
    endpoint: `http://${address}`,
    port,
    stop: () => stopProcess(child),
  };
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`the process exited with code ${child.exitCode}`);
    }
    if (await canConnect(port)) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms`);
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
