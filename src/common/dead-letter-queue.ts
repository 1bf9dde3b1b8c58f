import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/**
 * Creates the dead-letter queue `DeadLetterQueue` of a Lambda function and its EventBridge
 * target, encrypted with its own key `DeadLetterKey`, under `scope`. Messages are kept 14 days.
 * The queue contains failed events and error messages only, so both are deleted with the stack.
 *
 * @param purpose what the queue collects, for the key's description
 */
export function createDeadLetterQueue(scope: Construct, purpose: string): sqs.Queue {
  const key = new kms.Key(scope, 'DeadLetterKey', {
    description: `cdk-postiz: encrypts the dead-letter queue of ${purpose}`,
    enableKeyRotation: true,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  // EventBridge encrypts the events that it cannot deliver. The condition names this account's
  // rules instead of one rule, because naming the rule would make the key depend on the rule,
  // the rule on the queue and the queue on the key.
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'AllowEventBridgeRulesOfThisAccount',
    principals: [new iam.ServicePrincipal('events.amazonaws.com')],
    actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
    resources: ['*'],
    conditions: {
      ArnLike: {
        'aws:SourceArn': Stack.of(scope).formatArn({
          service: 'events', resource: 'rule', resourceName: '*', arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
        }),
      },
    },
  }));
  return new sqs.Queue(scope, 'DeadLetterQueue', {
    encryption: sqs.QueueEncryption.KMS,
    encryptionMasterKey: key,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
}
