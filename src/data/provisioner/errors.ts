import { redactScramVerifiers } from './scram';

/**
 * Formats an error as `Name: message`, with SCRAM verifiers removed and without a final period,
 * so callers can append their own sentence.
 */
export function describeError(error: unknown): string {
  let text: string;
  if (error instanceof Error) {
    const name = error.name && error.name !== 'Error' ? `${error.name}: ` : '';
    text = `${name}${error.message}`;
  } else {
    text = String(error);
  }
  return redactScramVerifiers(text).trim().replace(/\.+$/, '');
}
