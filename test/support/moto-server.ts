import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { findFreePort } from './free-port';

/** Path of the moto server that `python3 -m venv .venv && .venv/bin/pip install 'moto[server]'` installs. */
export const MOTO_SERVER_PATH = path.join(__dirname, '..', '..', '.venv', 'bin', 'moto_server');

/** A moto server (local AWS API emulator) listening on 127.0.0.1. */
export interface MotoServer {
  /** Endpoint URL for AWS SDK clients, such as `http://127.0.0.1:43125`. */
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** Dummy credentials for SDK clients aimed at moto. */
export const MOTO_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };

/**
 * Starts `moto_server` on a free port of 127.0.0.1 and waits until it accepts connections.
 * Throws with the install commands when moto is not installed.
 */
export async function startMotoServer(): Promise<MotoServer> {
  if (!fs.existsSync(MOTO_SERVER_PATH)) {
    throw new Error(
      `moto_server was not found at ${MOTO_SERVER_PATH}. Install it with: `
      + "python3 -m venv .venv && .venv/bin/python -m pip install 'moto[server]'",
    );
  }
  const port = await findFreePort();
  const child = spawn(MOTO_SERVER_PATH, ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  child.stderr?.on('data', (chunk: Buffer) => { output += chunk.toString(); });

  try {
    await waitForPort(port, child, 30_000);
  } catch (error) {
    child.kill('SIGTERM');
    throw new Error(`moto_server did not start on 127.0.0.1:${port}: ${(error as Error).message}\n${output}`);
  }

  return {
    endpoint: `http://127.0.0.1:${port}`,
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
    await new Promise((resolve) => setTimeout(resolve, 200));
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
