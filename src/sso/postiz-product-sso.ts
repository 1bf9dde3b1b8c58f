import { CfnResource, Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { RandomSecretRotationFunction } from './random-secret-rotation-function';
import { skipCheckov } from '../common/checkov';
import { createTierKey } from '../common/encryption';
import { acknowledgeServiceKeyLogEncryption, RESERVED_CONCURRENCY_REASON } from '../common/nag';
import { logWriterRole } from '../data/custom-resources';
import { DeploymentProfile, profileDefaults } from '../profile';

/**
 * Settings of product SSO, for Postiz forks whose backend logs users in with HS256 JWTs
 * signed by an external product (`SSO_SECRET`, `SSO_JWT_SECRET`, `SSO_ALLOWED_ORIGINS`).
 * Upstream Postiz does not read these variables.
 */
export interface PostizProductSsoOptions {
  /**
   * Origins of the external product allowed to start a login (`SSO_ALLOWED_ORIGINS`), such
   * as `https://app.example.com`.
   */
  readonly allowedOrigins: string[];

  /**
   * How often both secrets rotate. The external product must read `SSO_SECRET` from
   * Secrets Manager after each rotation.
   *
   * @default Duration.days(30)
   */
  readonly rotation?: Duration;
}

/**
 * Properties of `PostizProductSso`.
 */
export interface PostizProductSsoProps extends PostizProductSsoOptions {
  /**
   * Deployment profile that sets the defaults.
   *
   * @default DeploymentProfile.PRODUCTION
   */
  readonly profile?: DeploymentProfile;

  /**
   * Key of the secrets.
   *
   * @default - a new customer-managed key with rotation
   */
  readonly encryptionKey?: kms.IKey;
}

/**
 * Product SSO secrets for Postiz forks, generated at deploy time and rotated on a schedule.
 *
 * Such a fork verifies tokens with one key at a time. A token signed with the old key fails
 * on a task that already has the new one, and the reverse, until every web task has
 * restarted: the window is the time from the rotation to the end of the redeploy that
 * `SecretChangeRedeploy` starts, a few minutes (the web tier's start period is three
 * minutes). `SSO_JWT_SECRET` gets its own secret, so the fork never falls back to
 * `JWT_SECRET`, which must not rotate.
 */
export class PostizProductSso extends Construct {
  /** Plain variables for the web tier. */
  public readonly environment: Record<string, string>;

  /** Secrets for the web tier. */
  public readonly secrets: Record<string, ecs.Secret>;

  /** The rotating secrets, whose field `secret` contains the value. */
  public readonly secretsList: secretsmanager.ISecret[];

  constructor(scope: Construct, id: string, props: PostizProductSsoProps) {
    super(scope, id);
    const defaults = profileDefaults(props.profile);
    if (props.allowedOrigins.length === 0) {
      throw new Error('productSso.allowedOrigins is empty. Pass the https:// origins of the product that signs the login tokens.');
    }
    for (const origin of props.allowedOrigins) {
      if (Token.isUnresolved(origin)) {
        continue;
      }
      if (!/^https:\/\/[a-z0-9.-]+(:\d+)?$/i.test(origin)) {
        throw new Error(
          `productSso.allowedOrigins entry '${origin}' is not an origin. Pass scheme and host only, such as https://app.example.com.`,
        );
      }
    }
    const rotation = props.rotation ?? Duration.days(30);
    const rotationDays = rotation.toDays({ integral: false });
    if (!Number.isInteger(rotationDays) || rotationDays < 1 || rotationDays > 1000) {
      throw new Error(`productSso.rotation ${rotation.toHumanString()} is invalid. Pass 1 to 1000 whole days.`);
    }

    const key = props.encryptionKey ?? createTierKey(this, 'Key', 'cdk-postiz product SSO secrets', defaults.retainedRemovalPolicy);
    const rotationLogs = new logs.LogGroup(this, 'RotationLogs', { retention: logs.RetentionDays.ONE_YEAR });
    acknowledgeServiceKeyLogEncryption(rotationLogs,
      'Rotation logs hold no secret values; CloudWatch Logs encrypts them at rest with its own key.');
    const rotationFunction = new RandomSecretRotationFunction(this, 'Rotation', {
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      timeout: Duration.minutes(1),
      logGroup: rotationLogs,
      role: logWriterRole(this, 'RotationRole', rotationLogs),
      environment: { SECRET_FIELD: 'secret' },
      description: 'cdk-postiz: rotates the random product SSO secrets',
    });

    const secret = (secretId: string, variable: string) => {
      const created = new secretsmanager.Secret(this, secretId, {
        description: `cdk-postiz: ${variable} of a Postiz fork with product SSO; rotates every ${rotationDays} days`,
        encryptionKey: key,
        removalPolicy: defaults.retainedRemovalPolicy,
        generateSecretString: { secretStringTemplate: '{}', generateStringKey: 'secret', excludePunctuation: true, passwordLength: 64 },
      });
      created.addRotationSchedule('Rotation', { rotationLambda: rotationFunction, automaticallyAfter: rotation });
      return created;
    };
    const ssoSecret = secret('SsoSecret', 'SSO_SECRET');
    const ssoJwtSecret = secret('SsoJwtSecret', 'SSO_JWT_SECRET');
    this.secretsList = [ssoSecret, ssoJwtSecret];

    this.environment = { SSO_ALLOWED_ORIGINS: props.allowedOrigins.join(',') };
    this.secrets = {
      SSO_SECRET: ecs.Secret.fromSecretsManager(ssoSecret, 'secret'),
      SSO_JWT_SECRET: ecs.Secret.fromSecretsManager(ssoJwtSecret, 'secret'),
    };

    const logicalId = Stack.of(this).resolve((rotationFunction.node.defaultChild as CfnResource).logicalId);
    Validations.of(this).acknowledge(
      {
        id: 'AwsSolutions-L1',
        reason: 'The rotation function runs on Node.js 24, a supported runtime.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>:*]`,
        reason: 'Secrets Manager invokes any version of the rotation function.',
      },
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'aws-cdk-lib grants rotation functions secretsmanager:GetRandomPassword, which takes no resource.',
      },
    );
    Validations.of(rotationFunction).acknowledge(
      {
        id: 'NIST.800.53.R5-LambdaConcurrency',
        reason: `Runs once per rotation of two secrets. ${RESERVED_CONCURRENCY_REASON}`,
      },
      {
        id: 'NIST.800.53.R5-LambdaDLQ',
        reason: 'Secrets Manager invokes it synchronously and records a failed rotation on the secret.',
      },
      {
        id: 'NIST.800.53.R5-LambdaInsideVPC',
        reason: 'Calls only the Secrets Manager API and reaches no resource inside the VPC.',
      },
    );
    const functionResource = rotationFunction.node.defaultChild as CfnResource;
    skipCheckov(functionResource, 'CKV_AWS_115', 'Runs once per rotation; reserved concurrency would only take account capacity.');
    skipCheckov(functionResource, 'CKV_AWS_116', 'Secrets Manager invokes it synchronously and records a failed rotation on the secret.');
    skipCheckov(functionResource, 'CKV_AWS_117', 'Calls only the Secrets Manager API and needs no VPC.');
    skipCheckov(functionResource, 'CKV_AWS_173', 'The environment holds only the name of a JSON field.');
  }
}
