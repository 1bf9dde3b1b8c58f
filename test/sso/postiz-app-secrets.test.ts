import { Template } from 'aws-cdk-lib/assertions';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { OidcEndpoints, PostizPlatform, PostizPlatformProps, SocialProvider } from '../../src';
import { exampleZone, newStack } from '../support/stack';

function jwtSecrets(props: Partial<PostizPlatformProps> = {}): Record<string, any> {
  const stack = newStack();
  new PostizPlatform(stack, 'Postiz', { domainName: 'social.example.com', hostedZone: exampleZone(stack), ...props });
  return Template.fromStack(stack).findResources('AWS::SecretsManager::Secret', {
    Properties: { Description: 'cdk-postiz: JWT_SECRET of Postiz; also keys stored social credentials, never rotate it' },
  });
}

describe('PostizAppSecrets JWT_SECRET', () => {
  test('an update that adds features keeps the same secret', () => {
    const before = jwtSecrets();
    const after = jwtSecrets({
      sso: { endpoints: OidcEndpoints.fromGoogle(), clientId: 'abc.apps.googleusercontent.com' },
      socialProviders: [{ provider: SocialProvider.X }],
      compute: { environment: { API_LIMIT: '120' } },
    });
    // Same logical id and same generation settings: CloudFormation neither replaces nor regenerates it.
    expect(Object.keys(after)).toEqual(Object.keys(before));
    expect(after).toEqual(before);
  });

  test('has no rotation schedule', () => {
    const stack = newStack();
    new PostizPlatform(stack, 'Postiz', { domainName: 'social.example.com', hostedZone: exampleZone(stack) });
    const schedules = Template.fromStack(stack).findResources('AWS::SecretsManager::RotationSchedule');
    for (const schedule of Object.values(schedules)) {
      expect(JSON.stringify(schedule.Properties.SecretId)).not.toMatch(/JwtSecret/);
    }
  });

  test('an existing secret replaces the generated one', () => {
    const stack = newStack();
    const existing = secretsmanager.Secret.fromSecretNameV2(stack, 'Jwt', 'postiz/jwt');
    new PostizPlatform(stack, 'Postiz', {
      domainName: 'social.example.com',
      hostedZone: exampleZone(stack),
      appSecrets: { existingJwtSecret: existing },
    });
    const template = Template.fromStack(stack);
    expect(Object.keys(template.findResources('AWS::SecretsManager::Secret', {
      Properties: { Description: 'cdk-postiz: JWT_SECRET of Postiz; also keys stored social credentials, never rotate it' },
    }))).toHaveLength(0);
  });
});
