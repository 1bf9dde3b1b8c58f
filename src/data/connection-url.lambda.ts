import { SecretsManager } from '@aws-sdk/client-secrets-manager';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { handleConnectionUrlEvent } from './provisioner/connection-url';
import { CustomResourceResponse } from './provisioner/custom-resource';

// Created once per Lambda execution environment and reused by warm invocations.
const secretsManager = new SecretsManager({});

/**
 * Custom resource handler that writes a connection URL built from a secret's password into
 * the same secret. See `handleConnectionUrlEvent`.
 */
export async function handler(event: CloudFormationCustomResourceEvent): Promise<CustomResourceResponse> {
  return handleConnectionUrlEvent(event, { secretsManager });
}
