import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { smallStackResources, writeAssembly, writeSmallAssembly } from './fixture';
import { EXIT_FAILURE, EXIT_USAGE, runCli } from '../../src/cost/cli';

/** Runs the command and returns its exit code and output. */
function run(...args: string[]): { code: number; stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  const code = runCli(args, { stdout: (text) => { stdout += text; }, stderr: (text) => { stderr += text; } });
  return { code, stdout, stderr };
}

describe('cdk-postiz-cost', () => {
  const assembly = writeSmallAssembly();

  test('help lists every option', () => {
    const result = run('--help');
    expect(result.code).toBe(0);
    for (const option of ['--assembly', '--profile', '--region', '--hours', '--aurora-acu', '--aurora-active-hours', '--requests-millions',
      '--transfer-gb', '--nat-gb', '--storage-gb', '--log-gb', '--format', '--help']) {
      expect(result.stdout).toContain(option);
    }
    expect(result.stderr).toBe('');
  });

  test('text estimate of an assembly', () => {
    const result = run('--assembly', assembly, '--profile', 'production', '--nat-gb', '10');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Monthly cost estimate of ${assembly}: $92.77 a month for 1 stack`);
    expect(result.stdout).toContain('Profile: production (from --profile option)');
    expect(result.stdout).toContain('Not estimated:');
    expect(result.stdout).toContain('Unpriced resource types: none');
  });

  test('json estimate parses', () => {
    const result = run('--assembly', assembly, '--format', 'json', '--hours', '100', '--nat-gb', '0');
    expect(result.code).toBe(0);
    const estimate = JSON.parse(result.stdout);
    expect(estimate.assumptions.hoursPerMonth).toBe(100);
    // 100 h × ($0.045 + 2 tasks × $0.0395) + $1.00 + $0.80.
    expect(estimate.monthlyUsd).toBeCloseTo(14.20, 2);
  });

  test('markdown estimate has tables', () => {
    const result = run('--assembly', assembly, '--format', 'markdown');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('| Service | Monthly USD |');
    expect(result.stdout).toContain('### Not estimated');
  });

  test.each([
    [['--hours', 'abc'], "Invalid value for --hours: 'abc'"],
    [['--hours', '0'], "Invalid value for --hours: '0'"],
    [['--aurora-acu=-1'], "Invalid value for --aurora-acu: '-1'"],
    [['--log-gb', ''], "Invalid value for --log-gb: ''"],
    [['--profile', 'staging'], "Invalid value for --profile: 'staging'. Pass one of: production, development."],
    [['--format', 'yaml'], "Invalid value for --format: 'yaml'. Pass one of: text, markdown, json."],
    [['--region', 'eu-north-1'], "Invalid value for --region: 'eu-north-1'"],
    [['--nat-gb'], 'Missing value for --nat-gb'],
    [['--colour'], "Unknown option '--colour'"],
    [['cdk.out'], "Unexpected argument 'cdk.out'"],
  ])('rejects %j', (args, message) => {
    const result = run(...args);
    expect(result.code).toBe(EXIT_USAGE);
    expect(result.stderr).toContain(message);
    expect(result.stdout).toBe('');
  });

  test('invalid number names the fix', () => {
    expect(run('--hours', 'abc').stderr).toContain('Pass a number above 0 and at most 744, such as --hours 730.');
  });

  test('missing assembly fails', () => {
    const missing = path.join(os.tmpdir(), 'cdk-postiz-cost-missing');
    fs.rmSync(missing, { recursive: true, force: true });
    const result = run('--assembly', missing);
    expect(result.code).toBe(EXIT_FAILURE);
    expect(result.stderr).toContain(`No cloud assembly found at ${missing}`);
    expect(result.stderr).toContain('--assembly DIR');
  });

  test('unknown region fails', () => {
    const stockholm = writeAssembly([{ name: 'Stockholm', environment: 'aws://unknown-account/eu-north-1', resources: smallStackResources() }]);
    const result = run('--assembly', stockholm);
    expect(result.code).toBe(EXIT_FAILURE);
    expect(result.stderr).toContain('Stack Stockholm is in eu-north-1, which the price table (prices as of 2026-12) does not cover.');
    expect(result.stderr).toContain('Covered regions: us-east-1, us-west-2, eu-west-1, eu-central-1.');
  });

  test('stack without region needs --region', () => {
    const agnostic = writeAssembly([{ name: 'Agnostic', environment: 'aws://unknown-account/unknown-region', resources: smallStackResources() }]);
    const failed = run('--assembly', agnostic);
    expect(failed.code).toBe(EXIT_FAILURE);
    expect(failed.stderr).toContain('Stack Agnostic has no region');
    expect(failed.stderr).toContain('--region REGION');
    const priced = run('--assembly', agnostic, '--region', 'eu-west-1');
    expect(priced.code).toBe(0);
    expect(priced.stdout).toContain('Stack Agnostic (eu-west-1)');
  });
});
