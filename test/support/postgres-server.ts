import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { findFreePort } from './free-port';

const INSTALL_HINT = 'Install the PostgreSQL server with: apt-get update && apt-get install -y postgresql';

/** A throwaway PostgreSQL server in a temporary directory, listening on 127.0.0.1 only. */
export interface PostgresServer {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** Directory of the Unix socket, which accepts the superuser `postgres` without a password. */
  readonly socketDir: string;
  /** Server version, such as `15.18`. */
  readonly version: string;
  /** Returns the server log so far; `log_statement = all` puts every statement in it. */
  readLog(): string;
  /** Stops the server and deletes its directory. */
  stop(): void;
}

/**
 * Returns the newest `/usr/lib/postgresql/<major>/bin` that has `initdb`, `pg_ctl` and `postgres`
 * (the layout of the Debian and Ubuntu packages), or throws with the install command.
 */
export function findPostgresBinDir(): string {
  const root = '/usr/lib/postgresql';
  const majors = fs.existsSync(root)
    ? fs.readdirSync(root).filter((name) => /^\d+$/.test(name)).sort((a, b) => Number(b) - Number(a))
    : [];
  for (const major of majors) {
    const binDir = path.join(root, major, 'bin');
    if (['initdb', 'pg_ctl', 'postgres'].every((tool) => fs.existsSync(path.join(binDir, tool)))) {
      return binDir;
    }
  }
  throw new Error(`PostgreSQL server binaries (initdb, pg_ctl, postgres) were not found under ${root}/*/bin. ${INSTALL_HINT}`);
}

/**
 * Starts a PostgreSQL server for tests. `initdb` and `pg_ctl` run as the OS user `postgres`
 * when the tests run as root, because PostgreSQL refuses to run as root.
 * Local (socket) connections use trust, and TCP connections from 127.0.0.1 need SCRAM-SHA-256.
 */
export async function startPostgresServer(): Promise<PostgresServer> {
  const binDir = findPostgresBinDir();
  const runAsPostgres = process.getuid?.() === 0;
  const baseDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-postiz-pg-'));
  const dataDir = path.join(baseDir, 'data');
  const socketDir = path.join(baseDir, 'socket');
  const logFile = path.join(baseDir, 'server.log');
  fs.mkdirSync(socketDir);

  const run = (tool: string, args: string[]): string => {
    const command = runAsPostgres ? 'runuser' : path.join(binDir, tool);
    const commandArgs = runAsPostgres ? ['-u', 'postgres', '--', path.join(binDir, tool), ...args] : args;
    const result = spawnSync(command, commandArgs, { encoding: 'utf8', timeout: 120_000 });
    if (result.error || result.status !== 0) {
      throw new Error(
        `${tool} ${args.join(' ')} failed (exit ${result.status}): ${result.error?.message ?? ''}\n`
        + `${result.stdout}\n${result.stderr}\n${fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : ''}`,
      );
    }
    return result.stdout;
  };

  if (runAsPostgres) {
    const owner = lookupPostgresUser();
    for (const dir of [baseDir, socketDir]) {
      fs.chownSync(dir, owner.uid, owner.gid);
    }
  }

  run('initdb', ['-D', dataDir, '-U', 'postgres', '--no-locale', '-E', 'UTF8', '--no-sync', '--auth=trust']);
  const port = await findFreePort();
  fs.writeFileSync(path.join(dataDir, 'pg_hba.conf'), [
    'local all all trust',
    'host all all 127.0.0.1/32 scram-sha-256',
    '',
  ].join('\n'));
  fs.appendFileSync(path.join(dataDir, 'postgresql.conf'), [
    '',
    "listen_addresses = '127.0.0.1'",
    `port = ${port}`,
    `unix_socket_directories = '${socketDir}'`,
    "password_encryption = 'scram-sha-256'",
    "log_statement = 'all'",
    'fsync = off',
    '',
  ].join('\n'));

  run('pg_ctl', ['-D', dataDir, '-l', logFile, '-w', '-t', '60', 'start']);
  const versionOutput = run('postgres', ['--version']);
  const version = /\(PostgreSQL\) (\d+(?:\.\d+)*)/.exec(versionOutput)?.[1] ?? versionOutput.trim();

  return {
    host: '127.0.0.1',
    port,
    socketDir,
    version,
    readLog: () => fs.readFileSync(logFile, 'utf8'),
    stop: () => {
      try {
        run('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', 'stop']);
      } finally {
        fs.rmSync(baseDir, { recursive: true, force: true });
      }
    },
  };
}

function lookupPostgresUser(): { uid: number; gid: number } {
  const result = spawnSync('id', ['postgres'], { encoding: 'utf8' });
  const uid = /uid=(\d+)/.exec(result.stdout ?? '');
  const gid = /gid=(\d+)/.exec(result.stdout ?? '');
  if (result.status !== 0 || !uid || !gid) {
    throw new Error(`The OS user "postgres" does not exist, and PostgreSQL cannot run as root. ${INSTALL_HINT}`);
  }
  return { uid: Number(uid[1]), gid: Number(gid[1]) };
}
