import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { SecretChangeRedeploy } from '../../src/sso/secret-redeploy';
import { newStack } from '../support/stack';

// Handler tests are in secret-redeploy-handler.test.ts, because this file needs the
// projen-generated SecretRedeployFunction and its bundle.

describe('SecretChangeRedeploy', () => {
  function build(): { stack: Stack; template: Template } {
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
    const cluster = new ecs.Cluster(stack, 'Cluster', { vpc });
    const taskDefinition = new ecs.FargateTaskDefinition(stack, 'Task');
    taskDefinition.addContainer('app', { image: ecs.ContainerImage.fromRegistry('nginx') });
    const web = new ecs.FargateService(stack, 'Web', { cluster, taskDefinition });
    const worker = new ecs.FargateService(stack, 'Worker', { cluster, taskDefinition });
    const owned = new secretsmanager.Secret(stack, 'Jwt');
    const byName = secretsmanager.Secret.fromSecretNameV2(stack, 'ByName', 'postiz/smtp');
    new SecretChangeRedeploy(stack, 'Redeploy', { secrets: [owned, byName], services: [web, worker] });
    return { stack, template: Template.fromStack(stack) };
  }

  test('rule matches the secrets', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        'source': ['aws.secretsmanager'],
        'detail-type': ['Secret Label Updated'],
        'detail': { labelUpdated: ['AWSCURRENT'] },
        'resources': [
          { Ref: Match.stringLikeRegexp('^Jwt') },
          { prefix: Match.anyValue() },
        ],
      },
    });
  });

  test('rule matches named secrets by prefix', () => {
    const { template } = build();
    const rule = Object.values(template.findResources('AWS::Events::Rule'))[0];
    // The partition stays a reference; the rest of the ARN ends at the hyphen before the random suffix.
    expect(rule.Properties.EventPattern.resources[1].prefix).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':secretsmanager:us-east-1:123456789012:secret:postiz/smtp-']],
    });
  });

  test('target retries and has a dead-letter queue', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::Events::Rule', {
      Targets: [Match.objectLike({
        RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 21600 },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RedeployDeadLetterQueue'), 'Arn'] } },
      })],
    });
    template.hasResourceProperties('AWS::SQS::Queue', {
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RedeployDeadLetterKey'), 'Arn'] },
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 2 });
    template.resourceCountIs('AWS::CloudWatch::Alarm', 1);
  });

  test('handler may update only the services', () => {
    const { template } = build();
    const policies = Object.values(template.findResources('AWS::IAM::Policy'));
    const statements = policies.flatMap((policy) => policy.Properties.PolicyDocument.Statement as Record<string, unknown>[]);
    const update = statements.filter((statement) => JSON.stringify(statement.Action).includes('ecs:'));
    expect(update).toHaveLength(1);
    expect(update[0].Action).toBe('ecs:UpdateService');
    const resources = update[0].Resource as { Ref: string }[];
    expect(resources).toHaveLength(2);
    expect(resources[0].Ref).toMatch(/^WebService/);
    expect(resources[1].Ref).toMatch(/^WorkerService/);
  });

  test('environment lists the services', () => {
    const { stack, template } = build();
    const functions = template.findResources('AWS::Lambda::Function', {
      Properties: { Environment: { Variables: { SERVICES: Match.anyValue() } } },
    });
    const variables = Object.values(functions)[0].Properties.Environment.Variables;
    const services = JSON.stringify(stack.resolve(variables.SERVICES));
    expect(services).toContain('{"Fn::GetAtt":["ClusterEB0386A7","Arn"]}');
    expect(services.match(/"Fn::GetAtt":\["(Web|Worker)Service[A-Za-z0-9]*","Name"\]/g)).toHaveLength(2);
    expect(JSON.stringify(variables.SECRETS)).toContain('postiz/smtp-');
  });

  test('rejects an empty service list', () => {
    const stack = newStack();
    new SecretChangeRedeploy(stack, 'Redeploy', { secrets: [new secretsmanager.Secret(stack, 'Jwt')], services: [] });
    expect(() => Template.fromStack(stack)).toThrow(/no services/);
  });
});
