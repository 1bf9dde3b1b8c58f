import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { PostizPlatform, PostizProductSsoOptions } from '../../src';
import { exampleZone, newStack } from '../support/stack';
import { containerOf } from '../support/task-definitions';

function synth(productSso: PostizProductSsoOptions) {
  const stack = newStack();
  new PostizPlatform(stack, 'Postiz', { domainName: 'social.example.com', hostedZone: exampleZone(stack), productSso });
  return Template.fromStack(stack);
}

describe('PostizProductSso', () => {
  const template = synth({ allowedOrigins: ['https://app.example.com', 'https://admin.example.com'] });
  const web = containerOf(template, 'PostizComputeWebTaskDefinition');
  const worker = containerOf(template, 'PostizComputeWorkerTaskDefinition');

  test('web tier gets the allowed origins and both secrets', () => {
    const environment = Object.fromEntries(web.Environment.map((entry: { Name: string; Value: string }) => [entry.Name, entry.Value]));
    expect(environment.SSO_ALLOWED_ORIGINS).toBe('https://app.example.com,https://admin.example.com');
    const secrets = Object.fromEntries(web.Secrets.map((entry: { Name: string; ValueFrom: unknown }) =>
      [entry.Name, JSON.stringify(entry.ValueFrom)]));
    expect(secrets.SSO_SECRET).toMatch(/PostizProductSsoSsoSecret.*:secret::/);
    expect(secrets.SSO_JWT_SECRET).toMatch(/PostizProductSsoSsoJwtSecret.*:secret::/);
  });

  test('worker tier gets no product SSO settings', () => {
    expect(worker.Secrets.map((entry: { Name: string }) => entry.Name)).not.toContain('SSO_SECRET');
  });

  test('both secrets rotate every 30 days with the rotation function', () => {
    const schedules = Object.values(template.findResources('AWS::SecretsManager::RotationSchedule'))
      .filter((schedule) => JSON.stringify(schedule.Properties.SecretId).includes('PostizProductSso'));
    expect(schedules).toHaveLength(2);
    for (const schedule of schedules) {
      expect(schedule.Properties.RotationRules).toEqual({ ScheduleExpression: 'rate(30 days)' });
      expect(schedule.Properties.RotationLambdaARN).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^PostizProductSsoRotation/), 'Arn'] });
    }
  });

  test('secrets are generated without a value in the template', () => {
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      Description: Match.stringLikeRegexp('SSO_SECRET of a Postiz fork'),
      GenerateSecretString: { SecretStringTemplate: '{}', GenerateStringKey: 'secret', ExcludePunctuation: true, PasswordLength: 64 },
    });
  });

  test('a rotation redeploys the web tier', () => {
    const [rule] = Object.values(template.findResources('AWS::Events::Rule'));
    expect(JSON.stringify(rule.Properties.EventPattern.resources)).toMatch(/PostizProductSsoSsoSecret/);
  });
});

describe('PostizProductSso validation', () => {
  test.each<[string, PostizProductSsoOptions, RegExp]>([
    ['no origins', { allowedOrigins: [] }, /productSso.allowedOrigins is empty/],
    ['a path', { allowedOrigins: ['https://app.example.com/login'] }, /productSso.allowedOrigins entry 'https:\/\/app.example.com\/login' is not an origin/],
    ['HTTP', { allowedOrigins: ['http://app.example.com'] }, /is not an origin/],
    ['a fractional rotation', { allowedOrigins: ['https://app.example.com'], rotation: Duration.hours(36) }, /productSso.rotation 1 day 12 hours is invalid/],
  ])('rejects %s', (_, options, message) => {
    expect(() => synth(options)).toThrow(message);
  });
});
