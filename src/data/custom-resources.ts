import { CfnResource, CustomResource, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { ConnectionUrlFunction } from './connection-url-function';
import { DatabaseProvisionerFunction } from './database-provisioner-function';
import { skipCheckovForDeploymentFunctions } from '../common/checkov';
import { acknowledgeDeploymentFunctions, acknowledgeInlinePolicies, acknowledgeServiceKeyLogEncryption } from '../common/nag';
import { VpcOriginSecurityGroupFunction } from '../edge/vpc-origin-security-group-function';

type HandlerKind = 'DatabaseProvisioner' | 'ConnectionUrl' | 'VpcOriginSecurityGroup';

interface HandlerSpec {
  readonly create: (scope: Construct, id: string, props: lambda.FunctionOptions) => lambda.Function;
  readonly description: string;
  readonly timeout: Duration;
}

const HANDLERS: Record<HandlerKind, HandlerSpec> = {
  DatabaseProvisioner: {
    create: (scope, id, props) => new DatabaseProvisionerFunction(scope, id, props),
    description: 'cdk-postiz: creates the Postiz and Temporal databases and their owners through the RDS Data API',
    // The database can take minutes to resume from auto-pause.
    timeout: Duration.minutes(10),
  },
  ConnectionUrl: {
    create: (scope, id, props) => new ConnectionUrlFunction(scope, id, props),
    description: 'cdk-postiz: writes a connection URL into a Secrets Manager secret',
    timeout: Duration.minutes(1),
  },
  VpcOriginSecurityGroup: {
    create: (scope, id, props) => new VpcOriginSecurityGroupFunction(scope, id, props),
    description: 'cdk-postiz: finds the security group of CloudFront VPC origins',
    // CloudFront creates the group shortly after the VPC origin; the handler waits up to 5 minutes.
    timeout: Duration.minutes(6),
  },
};

export interface SharedProvider {
  readonly provider: cr.Provider;
  readonly handler: lambda.IFunction;
}

/**
 * Returns the stack-wide provider of one custom resource kind, creating it on first use,
 * so a stack with several tiers deploys each handler once.
 */
export function sharedProvider(scope: Construct, kind: HandlerKind): SharedProvider {
  const stack = Stack.of(scope);
  const id = `CdkPostiz${kind}Provider`;
  const existing = stack.node.tryFindChild(id) as ProviderHolder | undefined;
  if (existing) {
    return existing;
  }
  return new ProviderHolder(stack, id, kind);
}

class ProviderHolder extends Construct implements SharedProvider {
  public readonly provider: cr.Provider;
  public readonly handler: lambda.IFunction;

  constructor(scope: Construct, id: string, kind: HandlerKind) {
    super(scope, id);
    const handlerLogs = providerLogGroup(this, 'HandlerLogs');
    const spec = HANDLERS[kind];
    this.handler = spec.create(this, 'Handler', {
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      logGroup: handlerLogs,
      role: logWriterRole(this, 'HandlerRole', handlerLogs),
      description: spec.description,
      timeout: spec.timeout,
    });

    const providerLogs = providerLogGroup(this, 'ProviderLogs');
    this.provider = new cr.Provider(this, 'Provider', {
      onEventHandler: this.handler,
      logGroup: providerLogs,
      frameworkOnEventRole: logWriterRole(this, 'ProviderRole', providerLogs),
    });

    const handlerLogicalId = Stack.of(this).resolve((this.handler.node.defaultChild as CfnResource).logicalId);
    Validations.of(this).acknowledge(
      {
        id: `AwsSolutions-IAM5[Resource::<${handlerLogicalId}.Arn>:*]`,
        reason: 'The custom resource provider framework invokes any version of its own handler function.',
      },
      {
        id: 'AwsSolutions-L1',
        reason: 'The handlers run on Node.js 24, a supported runtime, and the provider framework on the runtime '
          + 'aws-cdk-lib chooses; both run only during deployments.',
      },
    );
    skipCheckovForDeploymentFunctions(this);
    acknowledgeDeploymentFunctions(this);
  }
}

function providerLogGroup(scope: Construct, id: string): logs.LogGroup {
  const logGroup = new logs.LogGroup(scope, id, {
    retention: logs.RetentionDays.ONE_YEAR,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  acknowledgeServiceKeyLogEncryption(logGroup,
    'Handler logs hold no secrets or user data; CloudWatch Logs encrypts them at rest with its own key.');
  return logGroup;
}

/**
 * Creates a Lambda execution role that may write only to the given log group, in place
 * of the broader AWSLambdaBasicExecutionRole managed policy.
 */
export function logWriterRole(scope: Construct, id: string, logGroup: logs.ILogGroup): iam.Role {
  const role = new iam.Role(scope, id, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  logGroup.grantWrite(role);
  acknowledgeInlinePolicies(role);
  return role;
}

/**
 * Properties of a database provisioning resource.
 */
export interface DatabaseProvisioningProps {
  readonly clusterArn: string;
  readonly adminSecret: secretsmanager.ISecret;
  readonly databases: { databaseName: string; ownerSecret: secretsmanager.ISecret }[];
  /** Changes when an owner password is regenerated, so the resource runs again. */
  readonly trigger: string;
  readonly grantDataApi: (grantee: iam.IGrantable) => void;
}

/**
 * Creates the databases and their owner roles at deploy time through the RDS Data API.
 */
export function provisionDatabases(scope: Construct, id: string, props: DatabaseProvisioningProps): CustomResource {
  const { provider, handler } = sharedProvider(scope, 'DatabaseProvisioner');
  props.grantDataApi(handler);
  props.adminSecret.grantRead(handler);
  for (const database of props.databases) {
    database.ownerSecret.grantRead(handler);
  }
  return new CustomResource(scope, id, {
    serviceToken: provider.serviceToken,
    resourceType: 'Custom::PostizDatabases',
    properties: {
      ClusterArn: props.clusterArn,
      AdminSecretArn: props.adminSecret.secretArn,
      Databases: props.databases.map((database) => ({
        DatabaseName: database.databaseName,
        OwnerSecretArn: database.ownerSecret.secretArn,
      })),
      Trigger: props.trigger,
    },
  });
}

/**
 * Properties of a connection URL resource.
 */
export interface ConnectionUrlProps {
  readonly secret: secretsmanager.ISecret;
  readonly passwordField: string;
  readonly urlPrefix: string;
  readonly urlSuffix: string;
  readonly trigger: string;
}

/**
 * Writes a connection URL with the password of a secret into the `url` field of that
 * secret at deploy time, so no template contains the password.
 */
export function writeConnectionUrl(scope: Construct, id: string, props: ConnectionUrlProps): CustomResource {
  const { provider, handler } = sharedProvider(scope, 'ConnectionUrl');
  props.secret.grantRead(handler);
  props.secret.grantWrite(handler);
  return new CustomResource(scope, id, {
    serviceToken: provider.serviceToken,
    resourceType: 'Custom::PostizConnectionUrl',
    properties: {
      SecretArn: props.secret.secretArn,
      PasswordField: props.passwordField,
      UrlPrefix: props.urlPrefix,
      UrlSuffix: props.urlSuffix,
      Trigger: props.trigger,
    },
  });
}
