import { Client, ClientConfig } from 'pg';
import { SqlExecutor, SqlRow } from '../../src/data/provisioner/postgres';

/**
 * Creates a `SqlExecutor` that opens one `pg` connection per statement, like the RDS Data
 * API does, and runs the statement outside any transaction. `config.database` is the default.
 */
export function createPgExecutor(config: ClientConfig): SqlExecutor & { readonly statements: string[] } {
  const statements: string[] = [];
  return {
    statements,
    async execute(sql: string, database?: string): Promise<SqlRow[]> {
      statements.push(sql);
      const client = new Client({ ...config, database: database ?? config.database });
      await client.connect();
      try {
        const result = await client.query(sql);
        return result.rows as SqlRow[];
      } finally {
        await client.end();
      }
    },
  };
}

/** Runs one query on a new connection and returns its rows. */
export async function queryOnce(config: ClientConfig, sql: string, values?: unknown[]): Promise<SqlRow[]> {
  const client = new Client(config);
  await client.connect();
  try {
    const result = await client.query(sql, values);
    return result.rows as SqlRow[];
  } finally {
    await client.end();
  }
}
