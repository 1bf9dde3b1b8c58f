import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/**
 * Creates a customer-managed key with yearly rotation for one tier.
 */
export function createTierKey(scope: Construct, id: string, description: string, removalPolicy: RemovalPolicy): kms.Key {
  return new kms.Key(scope, id, {
    description,
    enableKeyRotation: true,
    // A deleted key makes every snapshot and secret it encrypted unreadable, so only
    // disposable stacks schedule its deletion.
    removalPolicy,
  });
}

/**
 * Allows CloudWatch Logs in this stack's region to use the key for log groups of this
 * account only, as the CloudWatch Logs documentation requires for encrypted log groups.
 */
export function allowLogsToUseKey(key: kms.IKey): void {
  const stack = Stack.of(key);
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowCloudWatchLogsOfThisAccount',
      principals: [new iam.ServicePrincipal(`logs.${stack.region}.${stack.urlSuffix}`)],
      actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      resources: ['*'],
      conditions: {
        ArnLike: {
          'kms:EncryptionContext:aws:logs:arn': stack.formatArn({
            service: 'logs',
            resource: 'log-group',
            resourceName: '*',
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        },
      },
    }),
  );
}

/**
 * Creates a log group encrypted with the given key. The key must allow CloudWatch Logs
 * (see `allowLogsToUseKey`).
 */
export function createEncryptedLogGroup(
  scope: Construct,
  id: string,
  props: { key: kms.IKey; retention: logs.RetentionDays; removalPolicy: RemovalPolicy; logGroupName?: string },
): logs.LogGroup {
  return new logs.LogGroup(scope, id, {
    encryptionKey: props.key,
    retention: props.retention,
    removalPolicy: props.removalPolicy,
    logGroupName: props.logGroupName,
  });
}
