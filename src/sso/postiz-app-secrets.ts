import { Validations } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { skipCheckov } from '../common/checkov';
import { createTierKey } from '../common/encryption';
import { profileDefaults, DeploymentProfile } from '../profile';

/**
 * Properties of `PostizAppSecrets`.
 */
export interface PostizAppSecretsProps {
  /**
   * Deployment profile that sets the defaults.
   *
   * @default DeploymentProfile.PRODUCTION
   */
  readonly profile?: DeploymentProfile;

  /**
   * An existing secret whose `secret` field is Postiz's `JWT_SECRET`, for example the
   * one of an installation you migrate. Postiz derives the key that encrypts stored
   * social account credentials from it, so it must be the value the data was written with.
   *
   * @default - a new secret with a generated 64-character value
   */
  readonly existingJwtSecret?: secretsmanager.ISecret;

  /**
   * Key for the generated secrets.
   *
   * @default - a new customer-managed key with rotation
   */
  readonly encryptionKey?: kms.IKey;
}

/**
 * Application secrets of Postiz, generated at deploy time in Secrets Manager under a
 * customer-managed key.
 *
 * `JWT_SECRET` signs sessions and also keys the AES encryption of the social account
 * credentials Postiz stores. It therefore never rotates, and updates never regenerate
 * it: its generation settings are fixed, and it is retained in production.
 */
export class PostizAppSecrets extends Construct {
  /** Secret whose `secret` field is `JWT_SECRET`. */
  public readonly jwtSecret: secretsmanager.ISecret;

  /** Key of the generated secrets, or undefined when every secret was given. */
  public readonly encryptionKey?: kms.IKey;

  constructor(scope: Construct, id: string, props: PostizAppSecretsProps = {}) {
    super(scope, id);
    const defaults = profileDefaults(props.profile);

    if (props.existingJwtSecret) {
      this.jwtSecret = props.existingJwtSecret;
      return;
    }

    this.encryptionKey = props.encryptionKey ?? createTierKey(this, 'Key', 'cdk-postiz application secrets', defaults.retainedRemovalPolicy);
    const jwtSecret = new secretsmanager.Secret(this, 'JwtSecret', {
      description: 'cdk-postiz: JWT_SECRET of Postiz; also keys stored social credentials, never rotate it',
      encryptionKey: this.encryptionKey,
      // Changing these settings would make CloudFormation generate a new value and
      // make every stored social account credential unreadable.
      generateSecretString: {
        secretStringTemplate: '{}',
        generateStringKey: 'secret',
        excludePunctuation: true,
        passwordLength: 64,
      },
      removalPolicy: defaults.retainedRemovalPolicy,
    });
    const reason = 'JWT_SECRET keys the encryption of stored social account credentials; rotating it would make them unreadable.';
    Validations.of(jwtSecret).acknowledge(
      { id: 'AwsSolutions-SMG4', reason },
      { id: 'NIST.800.53.R5-SecretsManagerRotationEnabled', reason },
    );
    skipCheckov(jwtSecret, 'CKV2_AWS_57', 'JWT_SECRET keys the encryption of stored social account credentials and must never rotate.');
    this.jwtSecret = jwtSecret;
  }
}
