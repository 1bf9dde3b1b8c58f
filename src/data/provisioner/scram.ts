import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'crypto';

/** Iteration count that PostgreSQL uses by default; PostgreSQL 16 makes it settable with `scram_iterations`. */
export const SCRAM_DEFAULT_ITERATIONS = 4096;

/** Salt length in bytes that PostgreSQL uses for the verifiers it computes itself. */
export const SCRAM_SALT_LENGTH = 16;

/** Options of `computeScramVerifier`. */
export interface ScramVerifierOptions {
  /**
   * PBKDF2 iteration count.
   *
   * @default SCRAM_DEFAULT_ITERATIONS
   */
  readonly iterations?: number;

  /**
   * Salt; tests pass a fixed one to compare against known verifiers.
   *
   * @default - 16 random bytes
   */
  readonly salt?: Buffer;
}

/**
 * Computes a SCRAM-SHA-256 verifier in the format that PostgreSQL stores in
 * `pg_authid.rolpassword` (RFC 5802 and RFC 7677):
 * `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`, each part base64.
 *
 * PostgreSQL accepts this string in `CREATE ROLE ... PASSWORD` and stores it unchanged,
 * so the plaintext password never reaches the server or its statement log.
 * Throws when the password is empty or contains characters outside ASCII.
 */
export function computeScramVerifier(password: string, options: ScramVerifierOptions = {}): string {
  if (password.length === 0) {
    throw new Error('The password is empty; a database role needs a non-empty password.');
  }
  // SASLprep leaves printable ASCII unchanged, and PostgreSQL hashes the raw bytes when SASLprep
  // rejects a password (ASCII control characters), so raw bytes match the server for ASCII.
  // NUL cannot appear in a PostgreSQL string literal at all.
  if (!/^[\x01-\x7f]+$/.test(password)) {
    throw new Error(
      'The password contains NUL or non-ASCII characters. PostgreSQL normalizes non-ASCII passwords '
      + 'with SASLprep, which this verifier does not implement. Use an ASCII password, such as one '
      + 'that Secrets Manager generates.',
    );
  }

  const iterations = options.iterations ?? SCRAM_DEFAULT_ITERATIONS;
  if (!Number.isInteger(iterations) || iterations < 1) {
    throw new Error(`Invalid SCRAM iteration count ${iterations}; expected a positive integer.`);
  }
  const salt = options.salt ?? randomBytes(SCRAM_SALT_LENGTH);
  if (salt.length === 0) {
    throw new Error('The SCRAM salt is empty; pass at least one byte or omit it for a random salt.');
  }

  const saltedPassword = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', saltedPassword).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', saltedPassword).update('Server Key').digest();

  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}`
    + `$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

/**
 * Replaces every SCRAM-SHA-256 verifier in a text, so error messages that echo SQL
 * can be shown and logged.
 */
export function redactScramVerifiers(text: string): string {
  return text.replace(/SCRAM-SHA-256\$[A-Za-z0-9+/=:$]*/g, 'SCRAM-SHA-256$<redacted>');
}
