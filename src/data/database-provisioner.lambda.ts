import { RDSData } from '@aws-sdk/client-rds-data';
import { SecretsManager } from '@aws-sdk/client-secrets-manager';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { CustomResourceResponse } from './provisioner/custom-resource';
import { createDataApiExecutor } from './provisioner/data-api-executor';
import { handleDatabaseProvisionerEvent } from './provisioner/database-resource';

// Created once per Lambda execution environment and reused by warm invocations.
const rdsData = new RDSData({});
const secretsManager = new SecretsManager({});

/**
 * Custom resource handler that creates the Postiz and Temporal databases, each owned by its
 * own login role, through the RDS Data API. See `handleDatabaseProvisionerEvent`.
 */
export async function handler(event: CloudFormationCustomResourceEvent): Promise<CustomResourceResponse> {
  return handleDatabaseProvisionerEvent(event, {
    secretsManager,
    createExecutor: (clusterArn, adminSecretArn) => createDataApiExecutor({
      rdsData,
      clusterArn,
      secretArn: adminSecretArn,
    }),
  });
}
