import { Template } from 'aws-cdk-lib/assertions';
import { OidcEndpoints, PostizPlatform, SocialProvider } from '../../src';
import { exampleZone, newStack } from '../support/stack';
import { containerOf } from '../support/task-definitions';

function secretNames(definition: Record<string, any>): string[] {
  return definition.Secrets.map((entry: { Name: string }) => entry.Name);
}

describe('PostizPlatform secrets wiring', () => {
  const stack = newStack();
  const platform = new PostizPlatform(stack, 'Postiz', {
    domainName: 'social.example.com',
    hostedZone: exampleZone(stack),
    sso: { endpoints: OidcEndpoints.fromGoogle(), clientId: 'abc.apps.googleusercontent.com' },
    socialProviders: [{ provider: SocialProvider.X }, { provider: SocialProvider.LINKEDIN, values: { LINKEDIN_CLIENT_ID: '86abc' } }],
  });
  const template = Template.fromStack(stack);
  const web = containerOf(template, 'PostizComputeWebTaskDefinition');
  const worker = containerOf(template, 'PostizComputeWorkerTaskDefinition');

  test('provider credentials reach both tiers as secrets', () => {
    for (const definition of [web, worker]) {
      expect(secretNames(definition)).toEqual(expect.arrayContaining(['X_API_KEY', 'X_API_SECRET', 'LINKEDIN_CLIENT_SECRET']));
    }
  });

  test('the SSO client secret reaches only the web tier', () => {
    expect(secretNames(web)).toContain('POSTIZ_OAUTH_CLIENT_SECRET');
    expect(secretNames(worker)).not.toContain('POSTIZ_OAUTH_CLIENT_SECRET');
  });

  test('a new value of an operator secret redeploys both tiers', () => {
    expect(platform.secretRedeploy).toBeDefined();
    const [rule] = Object.values(template.findResources('AWS::Events::Rule'));
    const resources = JSON.stringify(rule.Properties.EventPattern.resources);
    expect(resources).toMatch(/PostizSsoClientSecret/);
    expect(resources).toMatch(/PostizIntegrations/);
    expect(resources).not.toMatch(/PostizDataDatabase|PostizDataCache|JwtSecret/);
    const policies = JSON.stringify(Object.values(template.findResources('AWS::IAM::Policy')).filter((policy) =>
      JSON.stringify(policy.Properties.PolicyDocument).includes('ecs:UpdateService')));
    expect(policies).toMatch(/PostizComputeWebService/);
    expect(policies).toMatch(/PostizComputeWorkerService/);
  });

  test('each execution role reads only the secrets its tier injects', () => {
    const workerPolicy = Object.entries(template.findResources('AWS::IAM::Policy'))
      .find(([id]) => id.startsWith('PostizComputeWorkerTaskDefinitionExecutionRole'));
    expect(JSON.stringify(workerPolicy![1])).not.toMatch(/PostizSsoClientSecret/);
    const webPolicy = Object.entries(template.findResources('AWS::IAM::Policy'))
      .find(([id]) => id.startsWith('PostizComputeWebTaskDefinitionExecutionRole'));
    expect(JSON.stringify(webPolicy![1])).toMatch(/PostizSsoClientSecret/);
  });
});

describe('PostizPlatform without operator secrets', () => {
  test('deploys no redeploy rule', () => {
    const stack = newStack();
    const platform = new PostizPlatform(stack, 'Postiz', { domainName: 'social.example.com', hostedZone: exampleZone(stack) });
    expect(platform.secretRedeploy).toBeUndefined();
    Template.fromStack(stack).resourceCountIs('AWS::Events::Rule', 0);
  });
});
