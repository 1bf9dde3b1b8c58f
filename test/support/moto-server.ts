import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { findFreePort } from './free-port';
import { stopProcess, waitForPort } from './local-process';

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
