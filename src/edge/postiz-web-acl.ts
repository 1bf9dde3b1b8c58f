import * as net from 'net';
import { ArnFormat, Aws, Fn, Names, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { allowLogsToUseKey, createEncryptedLogGroup, createTierKey } from '../common/encryption';
import { DeploymentProfile, profileDefaults } from '../profile';

/**
 * Properties of `PostizWebAcl`.
 */
export interface PostizWebAclProps {
  /**
   * Deployment profile that sets the defaults.
   *
   * @default DeploymentProfile.PRODUCTION
   */
  readonly profile?: DeploymentProfile;

  /**
   * Requests that one IP address may send in any 5-minute window. The web ACL blocks
   * further requests with 429 Too Many Requests. Every request counts, including static assets
   * and media under `/uploads/`, and users behind one NAT address share the limit.
   * AWS WAF accepts 10 to 2,000,000,000.
   *
   * @default 2000
   */
  readonly rateLimitPerFiveMinutes?: number;

  /**
   * Countries whose requests are blocked, as ISO 3166-1 alpha-2 codes such as `CN` (use
   * `GB`, not `UK`, for the United Kingdom). Media under `/uploads/` stays reachable from
   * every country, because social networks fetch it from their own data centers.
   *
   * @default - no country is blocked
   */
  readonly blockedCountries?: string[];

  /**
   * IPv4 CIDR ranges, such as `203.0.113.0/24`, that may reach Postiz. Once this or
   * `allowedIpv6Cidrs` lists a range, the web ACL blocks every other address for the
   * whole site: the app, the API, the public API and the Stripe webhook. The only
   * exception is media under `/uploads/`, because Meta, YouTube, TikTok and other networks
   * fetch post media by URL from their own addresses.
   *
   * @default - every address may reach Postiz
   */
  readonly allowedIpv4Cidrs?: string[];

  /**
   * IPv6 CIDR ranges, such as `2001:db8::/32`, that may reach Postiz. Restricts the site
   * like `allowedIpv4Cidrs`.
   *
   * @default - every address may reach Postiz
   */
  readonly allowedIpv6Cidrs?: string[];

  /**
   * URI path prefixes, as the browser requests them, whose request bodies may be larger
   * than the 8 KB that the core rule set's `SizeRestrictions_BODY` rule allows. Bodies
   * over 8 KB on every other path stay blocked. Each prefix adds about 22 web ACL capacity
   * units (WCUs), and AWS WAF charges extra for a web ACL above 1,500 WCUs.
   *
   * @default - media uploads (`/api/media/`, `/api/public/v1/upload`), posts (`/api/posts`,
   * `/api/public/v1/posts`), post sets (`/api/sets`), the AI assistant (`/api/copilot/`) and
   * the MCP server (`/api/mcp`)
   */
  readonly largeBodyPaths?: string[];

  /**
   * URI path prefixes that receive uploaded files. File content can look like path
   * traversal, remote file inclusion or metadata-service URLs to the core rule set's body
   * rules, so those rules only count on these paths. Elsewhere they block as before.
   *
   * @default - media uploads (`/api/media/`, `/api/public/v1/upload`)
   */
  readonly uploadPaths?: string[];

  /**
   * URI path prefixes whose request bodies carry HTML from the Postiz post editor, so the
   * managed cross-site scripting and SQL injection body rules do not block them. Those
   * rules still block matching bodies on every other path, and an empty list keeps them
   * blocking everywhere. Each prefix adds about 22 WCUs.
   *
   * @default - posts (`/api/posts`, `/api/public/v1/posts`), signatures (`/api/signatures`),
   * post sets (`/api/sets`), the AI assistant (`/api/copilot/`), the MCP server (`/api/mcp`)
   * and media uploads, whose file content the body rules can mistake for injection
   */
  readonly richTextPaths?: string[];

  /**
   * How long the web ACL's request logs are kept.
   *
   * @default - one year in production, one month in development
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * Key for the request log group. The key policy must allow CloudWatch Logs in
   * us-east-1 to use it, as the CloudWatch Logs documentation on encrypting log groups
   * describes.
   *
   * @default - a new customer-managed key with rotation
   */
  readonly encryptionKey?: kms.IKey;
}

/** Prefix under which Postiz's nginx serves uploaded media. */
const MEDIA_PATH = '/uploads/';

// Routes from Postiz v2.23.0: nginx forwards /api/* to the backend without the /api prefix.
// MediaController and PublicIntegrationsController accept multipart uploads (up to 1 GB
// of video), main.ts raises the JSON limit of /posts and /copilot to 50 MB, and /sets
// stores whole post drafts.
const DEFAULT_LARGE_BODY_PATHS = [
  '/api/media/',
  '/api/public/v1/upload',
  '/api/posts',
  '/api/public/v1/posts',
  '/api/sets',
  '/api/copilot/',
  // The MCP server (/mcp/:id and /mcp-oauth) takes post content in its tool calls.
  '/api/mcp',
];

const DEFAULT_UPLOAD_PATHS = ['/api/media/', '/api/public/v1/upload'];

// The post editor sends its content as HTML (TipTap getHTML) to these routes.
const DEFAULT_RICH_TEXT_PATHS = [
  '/api/posts', '/api/public/v1/posts', '/api/signatures', '/api/sets', '/api/copilot/', '/api/mcp', ...DEFAULT_UPLOAD_PATHS,
];

/** Paths the rate limit does not count: media that social networks fetch, and static files. */
const UNCOUNTED_PATHS = [MEDIA_PATH, '/_next/static/'];

const DEFAULT_RATE_LIMIT = 2000;

// Bounds of RateBasedStatement.Limit in the AWS::WAFv2::WebACL resource schema.
const MIN_RATE_LIMIT = 10;
const MAX_RATE_LIMIT = 2_000_000_000;

// Rule and label names from the AWS WAF Developer Guide pages on the baseline and
// use-case managed rule groups.
const CORE_RULE_SET = 'AWSManagedRulesCommonRuleSet';
const SQL_RULE_SET = 'AWSManagedRulesSQLiRuleSet';
const SIZE_RESTRICTIONS_BODY_LABEL = 'awswaf:managed:aws:core-rule-set:SizeRestrictions_Body';
const FILE_CONTENT_BODY_RULES = ['GenericLFI_BODY', 'GenericRFI_BODY', 'EC2MetaDataSSRF_BODY'];
const FILE_CONTENT_BODY_LABELS = [
  'awswaf:managed:aws:core-rule-set:GenericLFI_Body',
  'awswaf:managed:aws:core-rule-set:GenericRFI_Body',
  'awswaf:managed:aws:core-rule-set:EC2MetaDataSSRF_Body',
];
const INJECTION_BODY_LABELS = [
  'awswaf:managed:aws:core-rule-set:CrossSiteScripting_Body',
  'awswaf:managed:aws:sql-database:SQLi_Body',
  'awswaf:managed:aws:sql-database:SQLiExtendedPatterns_Body',
];

/**
 * Headers that carry Postiz credentials: the `auth` session cookie, the `auth` header that
 * carries the same token, and the public API key in `authorization`.
 */
const REDACTED_HEADERS = ['authorization', 'auth', 'cookie'];

/**
 * A WAFv2 web ACL for the Postiz CloudFront distribution, which allows by default.
 *
 * Its rules run in this order: an optional IP allow list, optional geo blocking, a rate
 * limit per IP address, then the AWS managed IP reputation, core, known bad inputs (with
 * the Log4j rules) and SQL database rule groups. The managed body rules that Postiz's
 * uploads and post editor trip only count, and label-based rules block their matches
 * outside the paths that need them. Requests are logged to an encrypted CloudWatch Logs
 * log group with credentials redacted.
 *
 * CloudFront takes web ACLs only from us-east-1, so the stack must be in us-east-1.
 */
export class PostizWebAcl extends Construct {
  /** The web ACL. */
  public readonly webAcl: wafv2.CfnWebACL;

  /** ARN of the web ACL, for the distribution's `webAclId`. */
  public readonly webAclArn: string;

  /** Log group that receives the web ACL's request logs. */
  public readonly logGroup: logs.ILogGroup;

  constructor(scope: Construct, id: string, props: PostizWebAclProps = {}) {
    super(scope, id);
    requireUsEast1(this);
    const stack = Stack.of(this);
    const defaults = profileDefaults(props.profile);

    const rateLimit = props.rateLimitPerFiveMinutes ?? DEFAULT_RATE_LIMIT;
    validateRateLimit(rateLimit);
    const blockedCountries = validateCountries(props.blockedCountries ?? []);
    const ipv4Cidrs = validateCidrs('allowedIpv4Cidrs', props.allowedIpv4Cidrs, 4);
    const ipv6Cidrs = validateCidrs('allowedIpv6Cidrs', props.allowedIpv6Cidrs, 6);
    if ((props.allowedIpv4Cidrs || props.allowedIpv6Cidrs) && ipv4Cidrs.length + ipv6Cidrs.length === 0) {
      throw new Error(
        'allowedIpv4Cidrs and allowedIpv6Cidrs are both empty, which would block every address. '
        + 'Pass at least one CIDR range, or leave both unset to allow every address.',
      );
    }
    const largeBodyPaths = validatePaths('largeBodyPaths', props.largeBodyPaths ?? DEFAULT_LARGE_BODY_PATHS);
    if (largeBodyPaths.length === 0) {
      throw new Error(
        'largeBodyPaths is empty, so the web ACL would block every media upload and long post. '
        + `Pass the path prefixes that take large bodies, such as ${DEFAULT_LARGE_BODY_PATHS.map((path) => `'${path}'`).join(', ')}.`,
      );
    }
    const richTextPaths = validatePaths('richTextPaths', props.richTextPaths ?? DEFAULT_RICH_TEXT_PATHS);
    const uploadPaths = validatePaths('uploadPaths', props.uploadPaths ?? DEFAULT_UPLOAD_PATHS);

    const rules: wafv2.CfnWebACL.RuleProperty[] = [];
    if (ipv4Cidrs.length + ipv6Cidrs.length > 0) {
      rules.push(this.allowListRule(ipv4Cidrs, ipv6Cidrs));
    }
    if (blockedCountries.length > 0) {
      rules.push(blockRule('BlockedCountries', 20, allOf([
        { geoMatchStatement: { countryCodes: blockedCountries } },
        not(startsWithAny([MEDIA_PATH])),
      ])));
    }
    rules.push({
      name: 'RateLimitPerIp',
      priority: 30,
      action: { block: { customResponse: { responseCode: 429 } } },
      statement: {
        rateBasedStatement: {
          limit: rateLimit,
          aggregateKeyType: 'IP',
          evaluationWindowSec: 300,
          // Social networks fetch media in bursts of ranged GETs, and CloudFront serves static
          // files from its cache: neither should use up a client's budget.
          scopeDownStatement: not(startsWithAny(UNCOUNTED_PATHS)),
        },
      },
      visibilityConfig: visibility('RateLimitPerIp'),
    });
    rules.push(managedRuleGroup('AWSManagedRulesAmazonIpReputationList', 40));

    // SizeRestrictions_BODY blocks every body over 8 KB, which would stop Postiz's uploads
    // and long posts. It only counts here, and the next rule blocks on its label unless the
    // path is one of largeBodyPaths.
    rules.push(managedRuleGroup(CORE_RULE_SET, 50, [
      'SizeRestrictions_BODY',
      ...(richTextPaths.length > 0 ? ['CrossSiteScripting_BODY'] : []),
      ...(uploadPaths.length > 0 ? FILE_CONTENT_BODY_RULES : []),
    ]));
    rules.push(blockRule('BlockLargeBodiesOutsideLargeBodyPaths', 51, allOf([
      labelMatch(SIZE_RESTRICTIONS_BODY_LABEL),
      not(startsWithAny(largeBodyPaths)),
    ])));
    if (uploadPaths.length > 0) {
      rules.push(blockRule('BlockFileRulesOutsideUploadPaths', 52, allOf([
        anyOf(FILE_CONTENT_BODY_LABELS.map(labelMatch)),
        not(startsWithAny(uploadPaths)),
      ])));
    }

    rules.push(managedRuleGroup('AWSManagedRulesKnownBadInputsRuleSet', 60));

    // The post editor sends HTML, which the cross-site scripting body rule is built to
    // match, and social media text with quotes and words such as "or" may match the SQL
    // injection body rules. On the editor's paths these rules only count, because Postiz
    // stores posts through Prisma's parameterized queries. Elsewhere the next rule blocks
    // on their labels as the managed rules would.
    rules.push(managedRuleGroup(SQL_RULE_SET, 70, richTextPaths.length > 0 ? ['SQLi_BODY', 'SQLiExtendedPatterns_BODY'] : []));
    if (richTextPaths.length > 0) {
      rules.push(blockRule('BlockInjectionInBodiesOutsideRichTextPaths', 71, allOf([
        anyOf(INJECTION_BODY_LABELS.map(labelMatch)),
        not(startsWithAny(richTextPaths)),
      ])));
    }

    const metricName = Names.uniqueResourceName(this, { maxLength: 128 });
    this.webAcl = new wafv2.CfnWebACL(this, 'Resource', {
      description: 'cdk-postiz: filters requests to the Postiz CloudFront distribution',
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      rules,
      visibilityConfig: visibility(metricName),
    });
    this.webAclArn = this.webAcl.attrArn;

    const key = props.encryptionKey ?? createTierKey(this, 'Key', 'cdk-postiz web ACL logs', defaults.retainedRemovalPolicy);
    if (!props.encryptionKey) {
      allowLogsToUseKey(key);
    }
    const logGroup = createEncryptedLogGroup(this, 'Logs', {
      key,
      retention: props.logRetention ?? defaults.logRetention,
      removalPolicy: defaults.retainedRemovalPolicy,
      // AWS WAF delivers only to log groups whose names start with aws-waf-logs-. The
      // stack id suffix lets a recreated stack start while a retained group of the same
      // construct path still exists.
      logGroupName: `aws-waf-logs-${Names.uniqueResourceName(this, { maxLength: 64 })}-${stackIdSuffix()}`,
    });
    this.logGroup = logGroup;

    // Without a policy that already covers the group, AWS adds the group to a shared
    // account-level resource policy when logging starts, which fails once that policy
    // reaches 5,120 characters. This policy grants the log delivery service the two
    // actions that the CloudWatch Logs documentation on vended logs lists, for this group.
    // NOTE: a CloudWatch Logs resource policy is account-wide and an account has at most
    // 10 per region.
    const logGroupArn = stack.formatArn({
      service: 'logs',
      resource: 'log-group',
      resourceName: logGroup.logGroupName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    const deliveryPolicy = new logs.ResourcePolicy(this, 'LogDeliveryPolicy', {
      policyStatements: [new iam.PolicyStatement({
        sid: 'AWSLogDeliveryWrite',
        principals: [new iam.ServicePrincipal('delivery.logs.amazonaws.com')],
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [`${logGroupArn}:log-stream:*`],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'logs', resource: '*', arnFormat: ArnFormat.NO_RESOURCE_NAME }) },
        },
      })],
    });

    // Log delivery writes through CloudWatch Logs, which encrypts with the key as the
    // logs service principal that allowLogsToUseKey admits. NOTE: the AWS documentation
    // requires key permissions for delivery.logs.amazonaws.com only for S3 destinations,
    // and no deployment has confirmed that a KMS-encrypted log group needs none.
    const logging = new wafv2.CfnLoggingConfiguration(this, 'Logging', {
      resourceArn: this.webAcl.attrArn,
      // AWS WAF takes the log group ARN without the ':*' suffix of the LogGroup Arn attribute.
      logDestinationConfigs: [logGroupArn],
      redactedFields: REDACTED_HEADERS.map((name) => ({ singleHeader: { Name: name } })),
    });
    logging.node.addDependency(deliveryPolicy);
  }

  /**
   * Blocks addresses outside the allow list, except for media under /uploads/ that social
   * networks fetch by URL.
   */
  private allowListRule(ipv4Cidrs: string[], ipv6Cidrs: string[]): wafv2.CfnWebACL.RuleProperty {
    const allowed: wafv2.CfnWebACL.StatementProperty[] = [];
    if (ipv4Cidrs.length > 0) {
      const ipSet = new wafv2.CfnIPSet(this, 'AllowedIpv4', {
        description: 'cdk-postiz: IPv4 ranges that may reach Postiz',
        scope: 'CLOUDFRONT',
        ipAddressVersion: 'IPV4',
        addresses: ipv4Cidrs,
      });
      allowed.push({ ipSetReferenceStatement: { arn: ipSet.attrArn } });
    }
    if (ipv6Cidrs.length > 0) {
      const ipSet = new wafv2.CfnIPSet(this, 'AllowedIpv6', {
        description: 'cdk-postiz: IPv6 ranges that may reach Postiz',
        scope: 'CLOUDFRONT',
        ipAddressVersion: 'IPV6',
        addresses: ipv6Cidrs,
      });
      allowed.push({ ipSetReferenceStatement: { arn: ipSet.attrArn } });
    }
    return blockRule('BlockAddressesOutsideAllowList', 10, allOf([
      not(anyOf(allowed)),
      not(startsWithAny([MEDIA_PATH])),
    ]));
  }
}

function requireUsEast1(scope: Construct): void {
  const region = Stack.of(scope).region;
  if (Token.isUnresolved(region)) {
    throw new Error(
      `PostizWebAcl ${scope.node.path} is in a stack without a region, but a web ACL with CLOUDFRONT scope can only `
      + 'be created in us-east-1. Set env.region to \'us-east-1\' on its stack.',
    );
  }
  if (region !== 'us-east-1') {
    throw new Error(
      `PostizWebAcl ${scope.node.path} is in a stack in ${region}, but a web ACL with CLOUDFRONT scope can only be `
      + 'created in us-east-1. Create it in a stack with env.region \'us-east-1\', such as the one of PostizGlobalResources.',
    );
  }
}

function validateRateLimit(limit: number): void {
  if (Token.isUnresolved(limit)) {
    return;
  }
  if (!Number.isInteger(limit) || limit < MIN_RATE_LIMIT || limit > MAX_RATE_LIMIT) {
    throw new Error(
      `rateLimitPerFiveMinutes ${limit} is invalid. Pass a whole number of requests from `
      + `${MIN_RATE_LIMIT} to ${MAX_RATE_LIMIT.toLocaleString('en-US')}, the range AWS WAF accepts.`,
    );
  }
}

function validateCountries(codes: string[]): string[] {
  for (const code of codes) {
    if (!Token.isUnresolved(code) && !/^[A-Z]{2}$/.test(code)) {
      throw new Error(
        `blockedCountries contains '${code}', which is not an ISO 3166-1 alpha-2 code. `
        + 'Pass two upper-case letters, such as \'CN\' or \'GB\'.',
      );
    }
  }
  return [...new Set(codes)];
}

function validateCidrs(propName: string, cidrs: string[] | undefined, version: 4 | 6): string[] {
  const maxPrefix = version === 4 ? 32 : 128;
  const example = version === 4 ? '203.0.113.0/24' : '2001:db8::/32';
  for (const cidr of cidrs ?? []) {
    if (Token.isUnresolved(cidr)) {
      continue;
    }
    const [address, prefix, ...rest] = cidr.split('/');
    const prefixLength = Number(prefix);
    const valid = rest.length === 0
      && net.isIP(address) === version
      && /^\d{1,3}$/.test(prefix ?? '')
      && prefixLength >= 1 && prefixLength <= maxPrefix;
    if (!valid) {
      const hint = net.isIP(address) !== 0 && net.isIP(address) !== version
        ? ` It is an IPv${version === 4 ? 6 : 4} address, so move it to ${version === 4 ? 'allowedIpv6Cidrs' : 'allowedIpv4Cidrs'}.`
        : '';
      throw new Error(
        `${propName} contains '${cidr}', which is not an IPv${version} CIDR range.${hint} `
        + `Pass an address with a prefix length from 1 to ${maxPrefix}, such as '${example}'; AWS WAF does not accept /0.`,
      );
    }
  }
  return [...new Set(cidrs ?? [])];
}

function validatePaths(propName: string, paths: string[]): string[] {
  for (const path of paths) {
    if (Token.isUnresolved(path)) {
      continue;
    }
    if (!/^\/\S*$/.test(path)) {
      throw new Error(
        `${propName} contains '${path}', which is not a URI path prefix. `
        + 'Pass a path that starts with \'/\' and has no spaces, such as \'/api/media/\'.',
      );
    }
  }
  return [...new Set(paths)];
}

/**
 * Returns the first eight hex digits of the UUID at the end of the stack id, which
 * CloudFormation generates anew for each stack it creates.
 */
function stackIdSuffix(): string {
  return Fn.select(0, Fn.split('-', Fn.select(2, Fn.split('/', Aws.STACK_ID))));
}

function visibility(metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty {
  return { cloudWatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName };
}

function blockRule(name: string, priority: number, statement: wafv2.CfnWebACL.StatementProperty): wafv2.CfnWebACL.RuleProperty {
  return { name, priority, action: { block: {} }, statement, visibilityConfig: visibility(name) };
}

/** Runs an AWS managed rule group with its own actions, except for the rules that only count. */
function managedRuleGroup(name: string, priority: number, countedRules: string[] = []): wafv2.CfnWebACL.RuleProperty {
  return {
    name,
    priority,
    overrideAction: { none: {} },
    statement: {
      managedRuleGroupStatement: {
        vendorName: 'AWS',
        name,
        ruleActionOverrides: countedRules.length > 0
          ? countedRules.map((rule) => ({ name: rule, actionToUse: { count: {} } }))
          : undefined,
      },
    },
    visibilityConfig: visibility(name),
  };
}

function labelMatch(key: string): wafv2.CfnWebACL.StatementProperty {
  return { labelMatchStatement: { scope: 'LABEL', key } };
}

/**
 * Matches requests whose URI path starts with one of the prefixes, compared as nginx
 * routes it: URL-decoded, then with `.`, `..` and repeated slashes resolved, so that
 * `/uploads/../api/...` or `/uploads/%2e%2e/api/...` do not count as media. Case is kept
 * because nginx matches locations case-sensitively.
 */
function startsWithAny(prefixes: string[]): wafv2.CfnWebACL.StatementProperty {
  return anyOf(prefixes.map((prefix) => ({
    byteMatchStatement: {
      fieldToMatch: { uriPath: {} },
      positionalConstraint: 'STARTS_WITH',
      searchString: prefix,
      textTransformations: [
        { priority: 0, type: 'URL_DECODE' },
        { priority: 1, type: 'NORMALIZE_PATH' },
      ],
    },
  })));
}

/** Combines statements with OR, which AWS WAF accepts only for two or more, so one is returned as is. */
function anyOf(statements: wafv2.CfnWebACL.StatementProperty[]): wafv2.CfnWebACL.StatementProperty {
  return statements.length === 1 ? statements[0] : { orStatement: { statements } };
}

function allOf(statements: wafv2.CfnWebACL.StatementProperty[]): wafv2.CfnWebACL.StatementProperty {
  return { andStatement: { statements } };
}

function not(statement: wafv2.CfnWebACL.StatementProperty): wafv2.CfnWebACL.StatementProperty {
  return { notStatement: { statement } };
}
