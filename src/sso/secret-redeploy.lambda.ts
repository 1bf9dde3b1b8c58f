import { ECS } from '@aws-sdk/client-ecs';
import { parseSecretList, parseServiceList } from './redeploy/configuration';
import { RedeployResult, SecretLabelUpdatedEvent, handleSecretChange } from './redeploy/redeploy';

// Created once per Lambda execution environment and reused by warm invocations.
const ecs = new ECS({});

/**
 * EventBridge target that forces a new deployment of the services in `SERVICES` when
 * `AWSCURRENT` moves to a new version of a secret in `SECRETS`. See `handleSecretChange`.
 */
export async function handler(event: SecretLabelUpdatedEvent): Promise<RedeployResult[]> {
  return handleSecretChange(event, {
    ecs,
    services: parseServiceList(process.env.SERVICES),
    secrets: parseSecretList(process.env.SECRETS),
  });
}
