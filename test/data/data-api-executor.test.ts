import { DatabaseResumingException, ExecuteStatementCommandInput, ExecuteStatementCommandOutput } from '@aws-sdk/client-rds-data';
import { handler } from '../../src/data/database-provisioner.lambda';
import { createDataApiExecutor, isRetryableDataApiError, RdsDataApi } from '../../src/data/provisioner/data-api-executor';

// Keep the AWS SDK away from instance metadata and real credentials.
process.env.AWS_EC2_METADATA_DISABLED = 'true';
process.env.AWS_ACCESS_KEY_ID = 'testing';
process.env.AWS_SECRET_ACCESS_KEY = 'testing';
process.env.AWS_REGION = 'us-east-1';

const CLUSTER_ARN = 'arn:aws:rds:us-east-1:123456789012:cluster:postiz';
const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:admin';

function resuming(): Error {
  return new DatabaseResumingException({ message: 'The database is resuming after being auto-paused.', $metadata: {} });
}

function namedError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

/** A stub client that replays `outcomes` in order: an Error is thrown, anything else is returned. */
function stubClient(outcomes: Array<Error | ExecuteStatementCommandOutput>) {
  const requests: ExecuteStatementCommandInput[] = [];
  const rdsData: RdsDataApi = {
    executeStatement: async (input: ExecuteStatementCommandInput) => {
      requests.push(input);
      const outcome = outcomes.shift();
      if (outcome === undefined) {
        throw new Error('stub client has no outcome left');
      }
      if (outcome instanceof Error) {
        throw outcome;
      }
      return outcome;
    },
  };
  return { rdsData, requests };
}

/** A fake clock whose sleep advances time instantly. */
function fakeTime() {
  let now = 0;
  const delays: number[] = [];
  return {
    delays,
    now: () => now,
    sleep: async (ms: number) => {
      delays.push(ms);
      now += ms;
    },
  };
}

let logSpy: jest.SpyInstance;
const logLines: string[] = [];

beforeEach(() => {
  logLines.length = 0;
  logSpy = jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    logLines.push(args.map(String).join(' '));
  });
});

afterEach(() => logSpy.mockRestore());

describe('createDataApiExecutor', () => {
  test('sends statement and parses records', async () => {
    const { rdsData, requests } = stubClient([{ $metadata: {}, formattedRecords: '[{"name":"postgres","n":1}]' }]);
    const executor = createDataApiExecutor({ rdsData, clusterArn: CLUSTER_ARN, secretArn: SECRET_ARN });

    const rows = await executor.execute('SELECT current_user::text AS name, 1 AS n');

    expect(rows).toEqual([{ name: 'postgres', n: 1 }]);
    expect(requests).toHaveLength(1);
    expect(requests[0]).toEqual({
      resourceArn: CLUSTER_ARN,
      secretArn: SECRET_ARN,
      database: 'postgres',
      sql: 'SELECT current_user::text AS name, 1 AS n',
      formatRecordsAs: 'JSON',
    });
    expect(requests[0].transactionId).toBeUndefined();
  });

  test('passes database and returns no rows for DDL', async () => {
    const { rdsData, requests } = stubClient([{ $metadata: {}, numberOfRecordsUpdated: 0 }]);
    const executor = createDataApiExecutor({ rdsData, clusterArn: CLUSTER_ARN, secretArn: SECRET_ARN, defaultDatabase: 'other' });

    expect(await executor.execute('CREATE SCHEMA s', 'postiz')).toEqual([]);
    expect(requests[0].database).toBe('postiz');
  });

  test('uses configured default database', async () => {
    const { rdsData, requests } = stubClient([{ $metadata: {} }]);
    const executor = createDataApiExecutor({ rdsData, clusterArn: CLUSTER_ARN, secretArn: SECRET_ARN, defaultDatabase: 'other' });

    await executor.execute('SELECT 1');

    expect(requests[0].database).toBe('other');
  });

  test('retries while database resumes', async () => {
    const time = fakeTime();
    const { rdsData, requests } = stubClient([resuming(), resuming(), { $metadata: {}, formattedRecords: '[{"ok":true}]' }]);
    const executor = createDataApiExecutor({ rdsData, clusterArn: CLUSTER_ARN, secretArn: SECRET_ARN, retry: time });

    const rows = await executor.execute("SELECT true AS ok -- PASSWORD 'SCRAM-SHA-256$4096:c2FsdA==$a:b'");

    expect(rows).toEqual([{ ok: true }]);
    expect(requests).toHaveLength(3);
    expect(time.delays).toEqual([1000, 2000]);
    const retries = logLines.map((line) => JSON.parse(line)).filter((entry) => entry.event === 'data_api.retry');
    expect(retries).toEqual([
      { level: 'WARN', event: 'data_api.retry', database: 'postgres', attempt: 1, delayMs: 1000, errorName: 'DatabaseResumingException' },
      { level: 'WARN', event: 'data_api.retry', database: 'postgres', attempt: 2, delayMs: 2000, errorName: 'DatabaseResumingException' },
    ]);
    expect(logLines.join('\n')).not.toContain('SCRAM');
  });

  test('caps each backoff delay', async () => {
    const time = fakeTime();
    const failures = Array.from({ length: 8 }, () => resuming());
    const { rdsData } = stubClient([...failures, { $metadata: {} }]);
    const executor = createDataApiExecutor({ rdsData, clusterArn: CLUSTER_ARN, secretArn: SECRET_ARN, retry: time });

    await executor.execute('SELECT 1');

    expect(time.delays).toEqual([1000, 2000, 4000, 8000, 16000, 20000, 20000, 20000]);
  });

  test('gives up after time limit', async () => {
    const time = fakeTime();
    const failures = Array.from({ length: 100 }, () => resuming());
    const { rdsData, requests } = stubClient(failures);
    const executor = createDataApiExecutor({
      rdsData,
      clusterArn: CLUSTER_ARN,
      secretArn: SECRET_ARN,
      retry: { ...time, maxElapsedMs: 60_000 },
    });

    await expect(executor.execute('SELECT 1', 'postiz')).rejects.toThrow(
      'RDS Data API call in database "postiz" still failed after 7 attempts over 51 s: '
      + 'DatabaseResumingException: The database is resuming after being auto-paused. '
      + `Check that cluster ${CLUSTER_ARN} is available (not stopped, not stuck resuming) and deploy again.`,
    );
    expect(requests).toHaveLength(7);
    expect(time.delays).toEqual([1000, 2000, 4000, 8000, 16000, 20000]);
    const exhausted = logLines.map((line) => JSON.parse(line)).filter((entry) => entry.event === 'data_api.retries_exhausted');
    expect(exhausted).toHaveLength(1);
  });

  test('default limit is five minutes', async () => {
    const time = fakeTime();
    const failures = Array.from({ length: 100 }, () => resuming());
    const { rdsData } = stubClient(failures);
    const executor = createDataApiExecutor({ rdsData, clusterArn: CLUSTER_ARN, secretArn: SECRET_ARN, retry: time });

    await expect(executor.execute('SELECT 1')).rejects.toThrow(/still failed after \d+ attempts/);

    const waited = time.delays.reduce((sum, delay) => sum + delay, 0);
    expect(waited).toBeLessThanOrEqual(300_000);
    expect(waited).toBeGreaterThan(280_000);
  });

  test('retries throttling', async () => {
    const time = fakeTime();
    const { rdsData, requests } = stubClient([namedError('ThrottlingException', 'Rate exceeded'), { $metadata: {} }]);
    const executor = createDataApiExecutor({ rdsData, clusterArn: CLUSTER_ARN, secretArn: SECRET_ARN, retry: time });

    await executor.execute('SELECT 1');

    expect(requests).toHaveLength(2);
  });

  test('does not retry SQL errors', async () => {
    const time = fakeTime();
    const sqlError = namedError('DatabaseErrorException', 'ERROR: permission denied to create database');
    const { rdsData, requests } = stubClient([sqlError]);
    const executor = createDataApiExecutor({ rdsData, clusterArn: CLUSTER_ARN, secretArn: SECRET_ARN, retry: time });

    await expect(executor.execute('CREATE DATABASE x')).rejects.toBe(sqlError);
    expect(requests).toHaveLength(1);
    expect(time.delays).toEqual([]);
  });

  test('rejects non-array records', async () => {
    const { rdsData } = stubClient([{ $metadata: {}, formattedRecords: '{"a":1}' }]);
    const executor = createDataApiExecutor({ rdsData, clusterArn: CLUSTER_ARN, secretArn: SECRET_ARN });

    await expect(executor.execute('SELECT 1')).rejects.toThrow(/not a JSON array/);
  });
});

describe('isRetryableDataApiError', () => {
  test.each([
    ['DatabaseResumingException', true],
    ['DatabaseUnavailableException', true],
    ['ThrottlingException', true],
    ['TooManyRequestsException', true],
    ['ServiceUnavailableError', true],
    ['InternalServerErrorException', true],
    ['DatabaseErrorException', false],
    ['BadRequestException', false],
    ['AccessDeniedException', false],
    ['HttpEndpointNotEnabledException', false],
  ])('%s gives %s', (name, expected) => {
    expect(isRetryableDataApiError(namedError(name, 'message'))).toBe(expected);
  });

  test('SDK retryable flag counts', () => {
    const error = Object.assign(namedError('SomethingNew', 'message'), { $retryable: { throttling: true } });
    expect(isRetryableDataApiError(error)).toBe(true);
  });

  test('non-Error values are not retryable', () => {
    expect(isRetryableDataApiError('DatabaseResumingException')).toBe(false);
  });
});

describe('database provisioner lambda handler', () => {
  test('delete returns physical id without AWS calls', async () => {
    const response = await handler({
      RequestType: 'Delete',
      ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:provider',
      ResponseURL: 'https://example.invalid/response',
      StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/test/1',
      RequestId: 'request-1',
      LogicalResourceId: 'Databases',
      ResourceType: 'Custom::PostizDatabases',
      PhysicalResourceId: 'cluster/databases',
      ResourceProperties: { ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:provider' },
    });

    expect(response).toEqual({ PhysicalResourceId: 'cluster/databases' });
  });
});
