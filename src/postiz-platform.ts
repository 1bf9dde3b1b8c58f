import { Token } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { PostizCompute } from './compute/postiz-compute';
import { PostizComputeOptions } from './compute/postiz-compute-options';
import { PostizData, PostizDataOptions } from './data/postiz-data';
import { PostizEdge, PostizEdgeOptions } from './edge/postiz-edge';
import { GcsMediaMode, PostizGcsBridge, PostizGcsBridgeOptions } from './gcs/postiz-gcs-bridge';
import { PostizNetwork, PostizNetworkOptions } from './network/postiz-network';
import { PostizBackup, PostizBackupOptions } from './operations/postiz-backup';
import { PostizMonitoring, PostizMonitoringOptions } from './operations/postiz-monitoring';
import { DeploymentProfile } from './profile';
import { PostizAppSecrets, PostizAppSecretsProps } from './sso/postiz-app-secrets';
import { PostizIntegrations, SocialProviderSettings, EmailSettings } from './sso/postiz-integrations';
import { PostizOidcSso, PostizOidcSsoOptions } from './sso/postiz-oidc-sso';
import { PostizProductSso, PostizProductSsoOptions } from './sso/postiz-product-sso';
import { SecretChangeRedeploy } from './sso/secret-redeploy';

/**
 * Properties of `PostizPlatform`.
 */
export interface PostizPlatformProps {
  /**
   * The host name users open Postiz at, such as `social.example.com`.
   *
   * Postiz sets its cookies on the registrable domain of this name, so it must be a
   * custom domain: `cloudfront.net` and load balancer names cannot hold cookies.
   */
  readonly domainName: string;

  /**
   * The Route 53 public hosted zone that `domainName` belongs to; DNS records and
   * certificate validation records are created in it.
   */
  readonly hostedZone: route53.IHostedZone;

  /**
   * Deployment profile that sets the defaults of every tier.
   *
   * @default DeploymentProfile.PRODUCTION
   */
  readonly profile?: DeploymentProfile;

  /**
   * Settings of the network tier, or an existing VPC.
   *
   * @default - a new VPC with the profile's defaults
   */
  readonly network?: PostizNetworkOptions;

  /**
   * Settings of the data tier, or existing data stores.
   *
   * @default - new data stores with the profile's defaults
   */
  readonly data?: PostizDataOptions;

  /**
   * Settings of the compute tier: images, commands, environment, sizes, scaling and
   * Temporal.
   *
   * @default - the upstream Postiz image with the profile's defaults and a self-hosted Temporal
   */
  readonly compute?: PostizComputeOptions;

  /**
   * Settings of the edge tier: web ACL, certificates, the us-east-1 companion resources and
   * the CloudFront price class.
   *
   * @default - a web ACL and certificates created in this stack, which must then be in us-east-1
   */
  readonly edge?: PostizEdgeOptions;

  /**
   * Single sign-on through a generic OpenID Connect identity provider.
   *
   * @default - email and password login only
   */
  readonly sso?: PostizOidcSsoOptions;

  /**
   * Product SSO for a Postiz fork that logs users in with JWTs signed by an external
   * product (`SSO_SECRET`, `SSO_JWT_SECRET`, `SSO_ALLOWED_ORIGINS`), with rotating secrets.
   * Upstream Postiz ignores these variables.
   *
   * @default - none
   */
  readonly productSso?: PostizProductSsoOptions;

  /**
   * Social networks to enable, with their credentials in Secrets Manager.
   *
   * @default - none; Postiz then offers no social network to connect
   */
  readonly socialProviders?: SocialProviderSettings[];

  /**
   * Email delivery (Resend or SMTP) for activation and notification emails.
   *
   * @default - no email; Postiz then activates new accounts at registration
   */
  readonly email?: EmailSettings;

  /**
   * Settings of the application secrets, such as an existing `JWT_SECRET`.
   *
   * @default - generated secrets
   */
  readonly appSecrets?: PostizAppSecretsProps;

  /**
   * A Google Cloud Storage bucket for media: replicated from the uploads file system, or
   * written by an image with a `gcs` storage provider, and served by CloudFront at `/uploads/*`.
   *
   * @default - media stays on the uploads file system alone
   */
  readonly gcs?: PostizGcsBridgeOptions;

  /**
   * Alarm recipients, the monthly budget and the dashboard name.
   *
   * @default - alarms and a dashboard without subscriptions, and the profile's budget
   */
  readonly monitoring?: PostizMonitoringOptions;

  /**
   * The AWS Backup plan of the database and the uploads file system.
   *
   * @default - the profile's plan, without a copy to another region
   */
  readonly backup?: PostizBackupOptions;
}

/**
 * Postiz on AWS: a VPC, Aurora PostgreSQL, Valkey and EFS, Postiz with Temporal on ECS
 * Fargate, and CloudFront with WAF in front of an internal load balancer, composed from
 * the tier constructs of this library with one deployment profile.
 */
export class PostizPlatform extends Construct {
  /** The network tier. */
  public readonly network: PostizNetwork;

  /** The data tier. */
  public readonly data: PostizData;

  /** Application secrets such as `JWT_SECRET`. */
  public readonly appSecrets: PostizAppSecrets;

  /** The compute tier. */
  public readonly compute: PostizCompute;

  /** The edge tier: load balancer, CloudFront, WAF, certificates and DNS. */
  public readonly edge: PostizEdge;

  /** Single sign-on, when configured. */
  public readonly sso?: PostizOidcSso;

  /** Social provider and email settings. */
  public readonly integrations: PostizIntegrations;

  /** Product SSO secrets, when configured. */
  public readonly productSso?: PostizProductSso;

  /**
   * Redeploys the web and worker tiers when an operator-managed secret gets a new value;
   * undefined when there is no such secret.
   */
  public readonly secretRedeploy?: SecretChangeRedeploy;

  /** The GCS media bridge, when configured. */
  public readonly gcsBridge?: PostizGcsBridge;

  /** Alarms, dashboard and budget. */
  public readonly monitoring: PostizMonitoring;

  /** The backup plan, unless `backup.enabled` is false. */
  public readonly backup?: PostizBackup;

  /** The host name Postiz is served at. */
  public readonly domainName: string;

  /** The deployment profile in force. */
  public readonly profile: DeploymentProfile;

  constructor(scope: Construct, id: string, props: PostizPlatformProps) {
    super(scope, id);
    validateDomainName(props.domainName, props.hostedZone);
    this.domainName = props.domainName;
    this.profile = props.profile ?? DeploymentProfile.PRODUCTION;

    this.network = new PostizNetwork(this, 'Network', {
      ...props.network,
      profile: this.profile,
    });

    const backupEnabled = props.backup?.enabled ?? true;
    this.data = new PostizData(this, 'Data', {
      ...props.data,
      // The platform's backup plan covers the file system, so EFS automatic backups would duplicate it.
      uploads: { automaticBackups: backupEnabled ? false : undefined, ...props.data?.uploads },
      vpc: this.network.vpc,
      dataSubnets: this.network.dataSubnets,
      appSubnets: this.network.appSubnets,
      profile: this.profile,
    });

    this.appSecrets = new PostizAppSecrets(this, 'AppSecrets', {
      ...props.appSecrets,
      profile: this.profile,
    });

    if (props.sso) {
      this.sso = new PostizOidcSso(this, 'Sso', {
        ...props.sso,
        domainName: this.domainName,
        profile: this.profile,
        encryptionKey: this.appSecrets.encryptionKey,
      });
    }

    if (props.productSso) {
      this.productSso = new PostizProductSso(this, 'ProductSso', {
        ...props.productSso,
        profile: this.profile,
        encryptionKey: this.appSecrets.encryptionKey,
      });
    }

    this.integrations = new PostizIntegrations(this, 'Integrations', {
      socialProviders: props.socialProviders,
      email: props.email,
      profile: this.profile,
      encryptionKey: this.appSecrets.encryptionKey,
    });

    if (props.gcs) {
      this.gcsBridge = new PostizGcsBridge(this, 'GcsBridge', {
        ...props.gcs,
        vpc: this.network.vpc,
        vpcSubnets: this.network.appSubnets,
        uploads: this.data.uploads,
        domainName: this.domainName,
        profile: this.profile,
        encryptionKey: this.appSecrets.encryptionKey,
      });
    }

    // Single sign-on concerns the web tier alone; social networks, email and media both tiers.
    const compute = props.compute ?? {};
    this.compute = new PostizCompute(this, 'Compute', {
      ...compute,
      environment: { ...this.integrations.environment, ...this.gcsBridge?.environment, ...compute.environment },
      secrets: { ...this.integrations.secrets, ...this.gcsBridge?.secrets, ...compute.secrets },
      web: {
        ...compute.web,
        environment: { ...this.sso?.environment, ...this.productSso?.environment, ...compute.web?.environment },
        secrets: { ...this.sso?.secrets, ...this.productSso?.secrets, ...compute.web?.secrets },
      },
      vpc: this.network.vpc,
      vpcSubnets: this.network.appSubnets,
      domainName: this.domainName,
      database: this.data.database,
      cache: this.data.cache,
      uploads: this.data.uploads,
      jwtSecret: this.appSecrets.jwtSecret,
      profile: this.profile,
    });

    this.edge = new PostizEdge(this, 'Edge', {
      ...props.edge,
      vpc: this.network.vpc,
      vpcSubnets: this.network.appSubnets,
      domainName: this.domainName,
      hostedZone: props.hostedZone,
      profile: this.profile,
      mediaBucketName: this.gcsBridge?.serveFromBucket ? this.gcsBridge.bucketName : undefined,
    });
    this.compute.attachWebToTargetGroup(this.edge.loadBalancer.webTargetGroup);

    const mediaProvider = this.gcsBridge?.mediaMode === GcsMediaMode.STORAGE_PROVIDER ? this.gcsBridge : undefined;
    if (mediaProvider) {
      // Tasks that write media to the bucket start only after the deployment check passed.
      this.compute.web.service.node.addDependency(mediaProvider.probe);
      this.compute.worker.service.node.addDependency(mediaProvider.probe);
    }

    // Tasks read secrets only at start, so a new client secret, a rotated product SSO key
    // or a provider credential reaches them through a new deployment.
    const operatorSecrets = [
      ...(this.sso ? [this.sso.clientSecret] : []),
      ...(this.productSso?.secretsList ?? []),
      ...this.integrations.secretsList,
      ...(mediaProvider?.keySecret ? [mediaProvider.keySecret] : []),
    ];
    if (operatorSecrets.length > 0) {
      this.secretRedeploy = new SecretChangeRedeploy(this, 'SecretRedeploy', {
        secrets: operatorSecrets,
        services: [this.compute.web.service, this.compute.worker.service],
        description: 'cdk-postiz: redeploys Postiz when its SSO, social provider, email or media secrets change',
      });
    }

    if (backupEnabled) {
      this.backup = new PostizBackup(this, 'Backup', { ...props.backup, data: this.data, profile: this.profile });
    }

    // Created last, so that the alarms of every tier notify its topic.
    this.monitoring = new PostizMonitoring(this, 'Monitoring', {
      ...props.monitoring,
      data: this.data,
      compute: this.compute,
      edge: this.edge,
      gcsBridge: this.gcsBridge,
      alarmScope: this,
      profile: this.profile,
    });
  }
}

const HOST_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const SHARED_SUFFIXES = ['cloudfront.net', 'amazonaws.com', 'awsapprunner.com', 'on.aws'];

/**
 * Rejects host names that cannot carry Postiz's cookies or do not belong to the zone.
 */
function validateDomainName(domainName: string, hostedZone: route53.IHostedZone): void {
  if (Token.isUnresolved(domainName)) {
    throw new Error(
      'domainName is a token, but it must be known at synth to configure Postiz\'s URLs and cookies. ' +
      'Pass a literal host name such as social.example.com.',
    );
  }
  const labels = domainName.split('.');
  if (domainName !== domainName.toLowerCase() || domainName.endsWith('.') || labels.length < 2 ||
    !labels.every((label) => HOST_LABEL.test(label)) || domainName.length > 253) {
    throw new Error(
      `domainName '${domainName}' is not a fully qualified lower-case host name. ` +
      'Pass a name such as social.example.com, without scheme, path, port or trailing dot.',
    );
  }
  const shared = SHARED_SUFFIXES.find((suffix) => domainName === suffix || domainName.endsWith(`.${suffix}`));
  if (shared) {
    throw new Error(
      `domainName '${domainName}' is under ${shared}, where browsers reject Postiz's cookies. ` +
      'Pass a custom domain that you own, such as social.example.com.',
    );
  }
  const zoneName = hostedZone.zoneName;
  if (!Token.isUnresolved(zoneName)) {
    const zone = zoneName.replace(/\.$/, '').toLowerCase();
    if (domainName !== zone && !domainName.endsWith(`.${zone}`)) {
      throw new Error(
        `domainName '${domainName}' is not in hostedZone '${zone}'. ` +
        `Pass a name that ends with .${zone}, or the hosted zone of ${domainName}.`,
      );
    }
  }
}
