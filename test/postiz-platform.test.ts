import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { DeploymentProfile, EmailProvider, OidcEndpoints, PostizCache, PostizDatabase, PostizPlatform, PostizPlatformProps, SocialProvider } from '../src';
import { exampleZone, newStack, newVpc } from './support/stack';

function platform(props: Partial<PostizPlatformProps> = {}) {
  const stack = newStack();
  const postiz = new PostizPlatform(stack, 'Postiz', {
    domainName: 'social.example.com',
    hostedZone: exampleZone(stack),
    ...props,
  });
  return { stack, postiz, template: Template.fromStack(stack) };
}

describe('PostizPlatform', () => {
  test('exposes the network and data tiers', () => {
    const { postiz } = platform();
    expect(postiz.network.vpc).toBeDefined();
    expect(postiz.data.database).toBeDefined();
    expect(postiz.data.cache).toBeDefined();
    expect(postiz.data.uploads.fileSystem).toBeDefined();
    expect(postiz.profile).toBe(DeploymentProfile.PRODUCTION);
    expect(postiz.domainName).toBe('social.example.com');
  });

  test('places data stores in the isolated subnets', () => {
    const { template } = platform();
    const [subnetGroup] = Object.values(template.findResources('AWS::RDS::DBSubnetGroup'));
    const isolated = Object.entries(template.findResources('AWS::EC2::Subnet'))
      .filter(([, subnet]) => subnet.Properties.Tags.some((tag: { Value: string }) => tag.Value === 'Isolated'))
      .map(([id]) => ({ Ref: id }));
    expect(subnetGroup.Properties.SubnetIds).toEqual(isolated);
  });

  test('one data key encrypts database, cache and file system', () => {
    const { template } = platform();
    const keyRef = (type: string, property: string) =>
      Object.values(template.findResources(type))[0].Properties[property];
    const databaseKey = keyRef('AWS::RDS::DBCluster', 'KmsKeyId');
    expect(keyRef('AWS::ElastiCache::ReplicationGroup', 'KmsKeyId')).toEqual(databaseKey);
    expect(keyRef('AWS::EFS::FileSystem', 'KmsKeyId')).toEqual(databaseKey);
  });

  test('development profile reaches every tier', () => {
    const { template } = platform({ profile: DeploymentProfile.DEVELOPMENT });
    template.resourceCountIs('AWS::EC2::NatGateway', 1);
    template.resourceCountIs('AWS::RDS::DBInstance', 1);
    template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', { NumCacheClusters: 1 });
    template.hasResource('AWS::EFS::FileSystem', { DeletionPolicy: 'Delete' });
  });

  test('deploys the custom resource handlers once per stack', () => {
    const { template } = platform();
    const descriptions = Object.values(template.findResources('AWS::Lambda::Function'))
      .map((fn) => fn.Properties.Description)
      .filter((description) => typeof description === 'string' && description.startsWith('cdk-postiz:'));
    expect(descriptions.sort()).toEqual([
      'cdk-postiz: creates the Postiz and Temporal databases and their owners through the RDS Data API',
      'cdk-postiz: finds the security group of CloudFront VPC origins',
      'cdk-postiz: starts a one-off ECS task during a deployment',
      'cdk-postiz: waits for a one-off ECS task and reports its result',
      'cdk-postiz: writes a connection URL into a Secrets Manager secret',
    ]);
  });

  test('uses an existing database and cache', () => {
    const stack = newStack();
    const vpc = newVpc(stack, 2, 'Existing');
    const securityGroup = new ec2.SecurityGroup(stack, 'Sg', { vpc });
    const postiz = new PostizPlatform(stack, 'Postiz', {
      domainName: 'social.example.com',
      hostedZone: exampleZone(stack),
      network: { vpc },
      data: {
        existingDatabase: PostizDatabase.fromDatabaseAttributes(stack, 'Db', {
          securityGroup,
          postizSecret: secretsmanager.Secret.fromSecretNameV2(stack, 'DbUrl', 'postiz/db'),
          temporalSecret: secretsmanager.Secret.fromSecretNameV2(stack, 'TemporalDb', 'postiz/temporal-db'),
          hostname: 'db.example.internal',
        }),
        existingCache: PostizCache.fromCacheAttributes(stack, 'Redis', {
          securityGroup,
          urlSecret: secretsmanager.Secret.fromSecretNameV2(stack, 'RedisUrl', 'postiz/redis'),
        }),
      },
    });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::RDS::DBCluster', 0);
    template.resourceCountIs('AWS::ElastiCache::ReplicationGroup', 0);
    template.resourceCountIs('AWS::EFS::FileSystem', 1);
    expect(postiz.network.vpc).toBe(vpc);
  });

  test('rejects a new and an existing database together', () => {
    const stack = newStack();
    const vpc = newVpc(stack, 2, 'Existing');
    const securityGroup = new ec2.SecurityGroup(stack, 'Sg', { vpc });
    expect(() => new PostizPlatform(stack, 'Postiz', {
      domainName: 'social.example.com',
      hostedZone: exampleZone(stack),
      data: {
        database: { minCapacity: 2 },
        existingDatabase: PostizDatabase.fromDatabaseAttributes(stack, 'Db', {
          securityGroup,
          postizSecret: secretsmanager.Secret.fromSecretNameV2(stack, 'DbUrl', 'postiz/db'),
          hostname: 'db.example.internal',
        }),
      },
    })).toThrow(/database and existingDatabase were both given/);
  });
});

describe('PostizPlatform domain validation', () => {
  test.each<[string, RegExp]>([
    ['https://social.example.com', /domainName 'https:\/\/social.example.com' is not a fully qualified lower-case host name/],
    ['social.example.com/', /is not a fully qualified lower-case host name/],
    ['Social.Example.com', /is not a fully qualified lower-case host name/],
    ['social.example.com.', /without scheme, path, port or trailing dot/],
    ['localhost', /is not a fully qualified/],
    ['d111111abcdef8.cloudfront.net', /is under cloudfront.net, where browsers reject Postiz's cookies. Pass a custom domain/],
    ['postiz-123.us-east-1.elb.amazonaws.com', /is under amazonaws.com/],
    ['social.example.org', /domainName 'social.example.org' is not in hostedZone 'example.com'. Pass a name that ends with .example.com/],
  ])('rejects %s', (domainName, message) => {
    expect(() => platform({ domainName })).toThrow(message);
  });

  test('accepts the zone apex', () => {
    expect(() => platform({ domainName: 'example.com' })).not.toThrow();
  });
});

describe('PostizPlatform secrets', () => {
  test.each<[string, Partial<PostizPlatformProps>]>([
    ['defaults', {}],
    ['every secret option', {
      sso: { endpoints: OidcEndpoints.fromGoogle(), clientId: 'abc.apps.googleusercontent.com' },
      productSso: { allowedOrigins: ['https://app.example.com'] },
      socialProviders: [{ provider: SocialProvider.X }, { provider: SocialProvider.SLACK, values: { SLACK_ID: '123' } }],
      email: { provider: EmailProvider.RESEND, fromAddress: 'postiz@example.com', fromName: 'Postiz' },
    }],
  ])('no secret value appears in the template with %s', (_, props) => {
    const { template } = platform(props);
    const json = JSON.stringify(template.toJSON());
    for (const secret of Object.values(template.findResources('AWS::SecretsManager::Secret'))) {
      // Either a generated value, or fields left empty for the operator to fill.
      if (secret.Properties.SecretString !== undefined) {
        expect(Object.values(JSON.parse(secret.Properties.SecretString)).every((value) => value === '')).toBe(true);
      } else {
        expect(secret.Properties.GenerateSecretString).toBeDefined();
      }
    }
    // Passwords reach resources only as dynamic references resolved by CloudFormation.
    expect(json).not.toMatch(/"(MasterUserPassword|AuthToken)":"[^{]/);
    expect(json).not.toMatch(/postgresql:\/\/[^:"]+:[^@"]+@/);
    expect(json).not.toMatch(/rediss:\/\/:[^@"]+@/);
  });
});
