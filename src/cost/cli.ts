#!/usr/bin/env node
import { parseArgs } from 'util';
import { AssumptionOverrides, COST_PROFILES, CostProfile, PROFILE_ASSUMPTIONS } from './assumptions';
import { CostEstimateError, estimateAssembly } from './estimate';
import { formatEstimate, OUTPUT_FORMATS, OutputFormat } from './format';
import { PRICES_AS_OF, REGION_PRICES } from './price-table';

/** Exit code of an invalid command line. */
export const EXIT_USAGE = 2;

/** Exit code of a failed estimate, such as a missing assembly or an unknown region. */
export const EXIT_FAILURE = 1;

/** Output streams of the command. */
export interface CliOutput {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

const COMMAND = 'cdk-postiz-cost';

/** A numeric option: its name, the assumption it sets and its valid range. */
interface NumericOption {
  readonly name: string;
  readonly key: keyof AssumptionOverrides;
  readonly min: number;
  readonly max: number;
  /** Whether the minimum itself is invalid. */
  readonly minExclusive?: boolean;
  readonly help: string;
}

const NUMERIC_OPTIONS: readonly NumericOption[] = [
  { name: 'hours', key: 'hoursPerMonth', min: 0, max: 744, minExclusive: true, help: 'hours in the month that hourly prices are multiplied by' },
  { name: 'aurora-acu', key: 'auroraAverageAcu', min: 0, max: 256, help: 'average Aurora capacity units of each Serverless v2 instance while it runs' },
  { name: 'aurora-active-hours', key: 'auroraActiveHours', min: 0, max: 744, help: 'hours a month that a database with auto-pause (MinCapacity 0) runs' },
  { name: 'requests-millions', key: 'requestsMillions', min: 0, max: 1e6, help: 'CloudFront viewer requests a month, in millions' },
  { name: 'transfer-gb', key: 'transferGb', min: 0, max: 1e7, help: 'data transfer from CloudFront to viewers a month, in GB' },
  { name: 'nat-gb', key: 'natGb', min: 0, max: 1e7, help: 'traffic through the NAT gateways a month, in GB, besides logs' },
  { name: 'storage-gb', key: 'storageGb', min: 0, max: 1e7, help: 'GB in each data store: the Aurora volume, each EFS file system, each S3 bucket' },
  { name: 'log-gb', key: 'logGb', min: 0, max: 1e7, help: 'log data ingested into CloudWatch Logs a month, in GB' },
];

function helpText(): string {
  const production = PROFILE_ASSUMPTIONS.production;
  const development = PROFILE_ASSUMPTIONS.development;
  const defaults = (option: NumericOption): string => {
    if (option.key === 'auroraActiveHours') {
      return 'every hour';
    }
    return `${production[option.key]} production, ${development[option.key]} development`;
  };
  return [
    `Usage: ${COMMAND} [options]`,
    '',
    'Estimates the monthly AWS bill of a synthesized cdk-postiz platform: the fixed parts from the',
    'CloudFormation templates of a cloud assembly, the usage parts from the assumptions below.',
    `Prices are AWS list prices in USD as of ${PRICES_AS_OF} for ${Object.keys(REGION_PRICES).join(', ')}.`,
    'Usage assumptions describe the whole assembly as one platform.',
    '',
    'Options:',
    '  --assembly DIR            cloud assembly directory with manifest.json (default: cdk.out)',
    `  --profile NAME            usage defaults: ${COST_PROFILES.join(' or ')} (default: detected from the templates)`,
    '  --region REGION           region of stacks synthesized without one (default: none, such stacks are an error)',
    ...NUMERIC_OPTIONS.map((option) => `  ${`--${option.name} N`.padEnd(25)} ${option.help} (default: ${defaults(option)})`),
    `  --format FORMAT           output format: ${OUTPUT_FORMATS.join(', ')} (default: text)`,
    '  --help                    print this help',
    '',
    `Exit status: 0 on success, ${EXIT_FAILURE} when the assembly is missing or a stack's region is not in the`,
    `price table, ${EXIT_USAGE} for an invalid option.`,
    '',
  ].join('\n');
}

/** An invalid command line. */
class UsageError extends Error {}

function parseNumber(option: NumericOption, value: string): number {
  const number = Number(value);
  const tooLow = option.minExclusive ? number <= option.min : number < option.min;
  if (value.trim() === '' || !Number.isFinite(number) || tooLow || number > option.max) {
    const range = option.minExclusive ? `above ${option.min} and at most ${option.max}` : `from ${option.min} to ${option.max}`;
    throw new UsageError(`Invalid value for --${option.name}: '${value}'. Pass a number ${range}, such as --${option.name} ${PROFILE_ASSUMPTIONS.production[option.key] ?? 730}.`);
  }
  return number;
}

function parseChoice<T extends string>(name: string, value: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(value)) {
    throw new UsageError(`Invalid value for --${name}: '${value}'. Pass one of: ${choices.join(', ')}.`);
  }
  return value as T;
}

/** Rewords an error of `util.parseArgs`, which names the option or argument in quotes. */
function describeParseError(error: Error & { code?: string }): string {
  const quoted = /'(?:-\w, )?(--?[^' ]+)/.exec(error.message)?.[1] ?? '';
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `Unknown option '${quoted}'. Run ${COMMAND} --help for the options.`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (error.message.includes('does not take an argument')) {
        return `Option ${quoted} takes no value. Pass it alone, as in ${quoted}.`;
      }
      return `Missing value for ${quoted}. Pass it after the option, as in ${quoted} VALUE, or as ${quoted}=VALUE when it starts with '-'.`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `Unexpected argument '${/'([^']*)'/.exec(error.message)?.[1] ?? ''}'. The command takes options only. Run ${COMMAND} --help for the options.`;
    default:
      return `${error.message}. Run ${COMMAND} --help for the options.`;
  }
}

/** The options of one run of the command. */
interface CliOptions {
  readonly help: boolean;
  readonly assembly: string;
  readonly profile?: CostProfile;
  readonly region?: string;
  readonly format: OutputFormat;
  readonly overrides: AssumptionOverrides;
}

function parseCommandLine(args: readonly string[]): CliOptions {
  const stringOption = { type: 'string' as const };
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      options: {
        help: { type: 'boolean', short: 'h' },
        assembly: stringOption,
        profile: stringOption,
        region: stringOption,
        format: stringOption,
        ...Object.fromEntries(NUMERIC_OPTIONS.map((option) => [option.name, stringOption])),
      },
    });
  } catch (error) {
    throw new UsageError(describeParseError(error as Error & { code?: string }));
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  const overrides: Record<string, number> = {};
  for (const option of NUMERIC_OPTIONS) {
    const value = values[option.name];
    if (typeof value === 'string') {
      overrides[option.key] = parseNumber(option, value);
    }
  }
  const region = values.region as string | undefined;
  if (region !== undefined && !Object.prototype.hasOwnProperty.call(REGION_PRICES, region)) {
    throw new UsageError(`Invalid value for --region: '${region}'. Pass a region of the price table: ${Object.keys(REGION_PRICES).join(', ')}.`);
  }
  return {
    help: values.help === true,
    assembly: (values.assembly as string | undefined) ?? 'cdk.out',
    profile: values.profile === undefined ? undefined : parseChoice('profile', values.profile as string, COST_PROFILES),
    region,
    format: values.format === undefined ? 'text' : parseChoice('format', values.format as string, OUTPUT_FORMATS),
    overrides: overrides as AssumptionOverrides,
  };
}

/**
 * Runs the command with `args` (without the node and script paths) and returns its exit code.
 */
export function runCli(args: readonly string[], output: CliOutput): number {
  let options: CliOptions;
  try {
    options = parseCommandLine(args);
  } catch (error) {
    if (error instanceof UsageError) {
      output.stderr(`${COMMAND}: ${error.message}\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
  if (options.help) {
    output.stdout(helpText());
    return 0;
  }
  try {
    const estimate = estimateAssembly(options.assembly, {
      profile: options.profile,
      region: options.region,
      overrides: options.overrides,
    });
    output.stdout(formatEstimate(estimate, options.format));
    return 0;
  } catch (error) {
    if (error instanceof CostEstimateError) {
      output.stderr(`${COMMAND}: ${error.message}\n`);
      return EXIT_FAILURE;
    }
    throw error;
  }
}

if (require.main === module) {
  process.exitCode = runCli(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  });
}
