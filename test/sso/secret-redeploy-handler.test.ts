import type { UpdateServiceCommandInput, UpdateServiceCommandOutput } from '@aws-sdk/client-ecs';
import {
  findConfiguredSecret,
  parseSecretList,
  parseServiceList,
  SecretReference,
  ServiceReference,
} from '../../src/sso/redeploy/configuration';
import {
  EcsUpdateServiceApi,
  SecretLabelUpdatedEvent,
  forceNewDeployment,
  handleSecretChange,
  isThrottlingError,
} from '../../src/sso/redeploy/redeploy';

const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:postiz/jwt-AbC123';
const CLUSTER = 'arn:aws:ecs:us-east-1:123456789012:cluster/postiz';
const SERVICES: ServiceReference[] = [
  { cluster: CLUSTER, service: 'postiz-web' },
  { cluster: CLUSTER, service: 'postiz-worker' },
];
const SECRETS: SecretReference[] = [{ arn: SECRET_ARN }];

const logLines: string[] = [];
let logSpy: jest.SpyInstance;

beforeAll(() => {
  logSpy = jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    logLines.push(args.map(String).join(' '));
  });
});

beforeEach(() => {
  logLines.length = 0;
});

afterAll(() => logSpy.mockRestore());

function loggedEvents(): Record<string, unknown>[] {
  return logLines.map((line) => JSON.parse(line) as Record<string, unknown>);
}

function labelEvent(overrides: { resources?: string[]; labelUpdated?: string } = {}): SecretLabelUpdatedEvent {
  return {
    'version': '0',
    'id': '6a7e8feb-0000-4cf7-a9f1-bf3703467718',
    'detail-type': 'Secret Label Updated',
    'source': 'aws.secretsmanager',
    'account': '123456789012',
    'time': '2026-01-01T10:00:00Z',
    'region': 'us-east-1',
    'resources': overrides.resources ?? [SECRET_ARN],
    'detail': { name: 'postiz/jwt', labelUpdated: overrides.labelUpdated ?? 'AWSCURRENT', versionId: 'v-2' },
  };
}

function namedError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

/** Returns an ECS stub whose `updateService` runs `respond` and records every request. */
function ecsStub(respond?: (input: UpdateServiceCommandInput, call: number) => UpdateServiceCommandOutput | Error) {
  const calls: UpdateServiceCommandInput[] = [];
  const client: EcsUpdateServiceApi = {
    updateService: async (input) => {
      calls.push(input);
      const outcome = respond
        ? respond(input, calls.length)
        : { $metadata: {}, service: { serviceName: input.service, deployments: [{ id: `ecs-svc/${input.service}`, status: 'PRIMARY' }] } };
      if (outcome instanceof Error) {
        throw outcome;
      }
      return outcome;
    },
  };
  return { client, calls };
}

const noWait = { sleep: async () => undefined };

describe('secret change handler', () => {
  test('forces a deployment of each service', async () => {
    const { client, calls } = ecsStub();
    const results = await handleSecretChange(labelEvent(), { ecs: client, services: SERVICES, secrets: SECRETS, retry: noWait });

    expect(calls).toEqual([
      { cluster: CLUSTER, service: 'postiz-web', forceNewDeployment: true },
      { cluster: CLUSTER, service: 'postiz-worker', forceNewDeployment: true },
    ]);
    expect(results.map((result) => result.deploymentId)).toEqual(['ecs-svc/postiz-web', 'ecs-svc/postiz-worker']);
    const started = loggedEvents().filter((line) => line.event === 'service.redeploy_started');
    expect(started.map((line) => line.service)).toEqual(['postiz-web', 'postiz-worker']);
    expect(started[0]).toMatchObject({ level: 'INFO', cluster: CLUSTER, secretArn: SECRET_ARN, attempts: 1 });
  });

  test('retries throttled calls', async () => {
    const delays: number[] = [];
    const { client, calls } = ecsStub((input, call) => (call <= 2
      ? namedError('ThrottlingException', 'Rate exceeded')
      : { $metadata: {}, service: { serviceName: input.service } }));
    const result = await forceNewDeployment(client, SERVICES[0], { sleep: async (ms) => { delays.push(ms); } });

    expect(calls).toHaveLength(3);
    expect(result.attempts).toBe(3);
    expect(delays).toEqual([1000, 2000]);
    expect(loggedEvents().filter((line) => line.event === 'service.redeploy_throttled')).toHaveLength(2);
  });

  test('gives up after the maximum attempts', async () => {
    const { client, calls } = ecsStub(() => namedError('ThrottlingException', 'Rate exceeded'));
    await expect(forceNewDeployment(client, SERVICES[0], { ...noWait, maxAttempts: 3 })).rejects.toThrow('Rate exceeded');
    expect(calls).toHaveLength(3);
  });

  test('does not retry other errors', async () => {
    const { client, calls } = ecsStub(() => namedError('ServiceNotFoundException', 'Service not found.'));
    await expect(forceNewDeployment(client, SERVICES[0], noWait)).rejects.toThrow('Service not found');
    expect(calls).toHaveLength(1);
  });

  test('throws with the failed services named', async () => {
    const { client, calls } = ecsStub((input) => (input.service === 'postiz-web'
      ? namedError('ServiceNotActiveException', 'Service was not ACTIVE.')
      : { $metadata: {}, service: { serviceName: input.service } }));
    const run = handleSecretChange(labelEvent(), { ecs: client, services: SERVICES, secrets: SECRETS, retry: noWait });

    await expect(run).rejects.toThrow(/failed for 1 of 2 services: postiz-web in arn:aws:ecs:us-east-1:123456789012:cluster\/postiz \(ServiceNotActiveException: Service was not ACTIVE\)/);
    // The worker is still redeployed after the web service failed.
    expect(calls.map((call) => call.service)).toEqual(['postiz-web', 'postiz-worker']);
    const failed = loggedEvents().find((line) => line.event === 'service.redeploy_failed');
    expect(failed).toMatchObject({ level: 'ERROR', service: 'postiz-web', error: 'ServiceNotActiveException: Service was not ACTIVE' });
  });

  test('ignores labels other than AWSCURRENT', async () => {
    const { client, calls } = ecsStub();
    const results = await handleSecretChange(labelEvent({ labelUpdated: 'CUSTOM' }), { ecs: client, services: SERVICES, secrets: SECRETS });
    expect(results).toEqual([]);
    expect(calls).toHaveLength(0);
    expect(loggedEvents()[0]).toMatchObject({ event: 'event.ignored', labelUpdated: 'CUSTOM' });
  });

  test('ignores secrets that are not configured', async () => {
    const { client, calls } = ecsStub();
    const other = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:other-XyZ789';
    await handleSecretChange(labelEvent({ resources: [other] }), { ecs: client, services: SERVICES, secrets: SECRETS });
    expect(calls).toHaveLength(0);
    expect(loggedEvents()[0]).toMatchObject({ event: 'event.ignored', reason: 'no configured secret in resources' });
  });

  test('recognizes throttling errors', () => {
    expect(isThrottlingError(namedError('ThrottlingException', 'slow down'))).toBe(true);
    const flagged = Object.assign(new Error('Rate exceeded'), { $retryable: { throttling: true } });
    expect(isThrottlingError(flagged)).toBe(true);
    expect(isThrottlingError(namedError('AccessDeniedException', 'denied'))).toBe(false);
    expect(isThrottlingError('ThrottlingException')).toBe(false);
  });
});

describe('redeploy configuration', () => {
  test('parses the service list', () => {
    expect(parseServiceList(JSON.stringify(SERVICES))).toEqual(SERVICES);
  });

  test.each([
    [undefined, /SERVICES is missing/],
    ['not json', /SERVICES is not valid JSON/],
    ['[]', /non-empty JSON array/],
    ['[{"cluster":"c"}]', /entry 0 .* "cluster" and "service"/],
  ])('rejects service list %p', (value, message) => {
    expect(() => parseServiceList(value)).toThrow(message);
  });

  test('parses the secret list', () => {
    const value = JSON.stringify([{ arn: SECRET_ARN }, { arnPrefix: 'arn:aws:secretsmanager:us-east-1:1:secret:db-' }]);
    expect(parseSecretList(value)).toEqual([{ arn: SECRET_ARN }, { arnPrefix: 'arn:aws:secretsmanager:us-east-1:1:secret:db-' }]);
  });

  test('rejects a secret entry with both fields', () => {
    expect(() => parseSecretList('[{"arn":"a","arnPrefix":"b"}]')).toThrow(/exactly one non-empty string field/);
  });

  test('matches a prefix only with a six-character suffix', () => {
    const prefix = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:postiz-';
    const secrets = [{ arnPrefix: prefix }];
    expect(findConfiguredSecret([`${prefix}AbC123`], secrets)).toBe(`${prefix}AbC123`);
    expect(findConfiguredSecret([`${prefix}old-AbC123`], secrets)).toBeUndefined();
    expect(findConfiguredSecret([`${prefix}AbC12`], secrets)).toBeUndefined();
  });

  test('matches a complete ARN exactly', () => {
    expect(findConfiguredSecret([SECRET_ARN], SECRETS)).toBe(SECRET_ARN);
    expect(findConfiguredSecret([`${SECRET_ARN}x`], SECRETS)).toBeUndefined();
  });
});
