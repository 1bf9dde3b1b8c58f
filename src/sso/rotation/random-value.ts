import { randomBytes } from 'crypto';

/** Random bytes in each generated value. */
export const RANDOM_VALUE_BYTES = 48;

/** Length of a generated value: 48 bytes are 64 base64url characters, without padding. */
export const RANDOM_VALUE_LENGTH = Math.ceil((RANDOM_VALUE_BYTES * 4) / 3);

/** Field of the secret's JSON object that the rotation replaces when `SECRET_FIELD` is unset. */
export const DEFAULT_SECRET_FIELD = 'secret';

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * Generates a new shared secret: 48 bytes from the operating system's random source,
 * base64url-encoded so the value can sit in a URL or an HTTP header without escaping.
 */
export function generateRandomValue(): string {
  return randomBytes(RANDOM_VALUE_BYTES).toString('base64url');
}

/**
 * Returns why `value` is not a value that `generateRandomValue` could have produced,
 * or undefined when it is one. The reason never contains the value.
 */
export function describeInvalidRandomValue(value: unknown): string | undefined {
  if (typeof value !== 'string') {
    return value === undefined ? 'is missing' : `is a ${value === null ? 'null' : typeof value}, not a string`;
  }
  if (value.length !== RANDOM_VALUE_LENGTH) {
    return `has ${value.length} characters instead of ${RANDOM_VALUE_LENGTH}`;
  }
  if (!BASE64URL.test(value)) {
    return 'contains characters outside the base64url alphabet (A-Z, a-z, 0-9, "-", "_")';
  }
  return undefined;
}

/**
 * Parses the `SECRET_FIELD` environment variable, the name of the JSON field that contains the
 * shared secret. Returns `secret` when the variable is unset.
 */
export function parseSecretField(value: string | undefined): string {
  if (value === undefined) {
    return DEFAULT_SECRET_FIELD;
  }
  if (value.trim() === '') {
    throw new Error(
      'Environment variable SECRET_FIELD is empty. Set it to the JSON field that contains the shared secret, '
      + `or remove it to use "${DEFAULT_SECRET_FIELD}".`,
    );
  }
  return value;
}
