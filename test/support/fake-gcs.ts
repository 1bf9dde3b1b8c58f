import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { findFreePort } from './free-port';
import { stopProcess, waitForPort } from './local-process';

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
