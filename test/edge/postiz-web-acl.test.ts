import { App, ArnFormat, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DeploymentProfile } from '../../src';
import { PostizWebAcl, PostizWebAclProps } from '../../src/edge/postiz-web-acl';
import { newStack } from '../support/stack';

type Rule = Record<string, any>;

function synth(props: PostizWebAclProps = {}) {
  const stack = newStack();
  const acl = new PostizWebAcl(stack, 'WebAcl', props);
  const template = Template.fromStack(stack);
  const [resource] = Object.values(template.findResources('AWS::WAFv2::WebACL'));
  const rules: Rule[] = resource.Properties.Rules;
  return { stack, acl, template, webAcl: resource.Properties, rules };
}

function ruleNamed(rules: Rule[], name: string): Rule {
  const found = rules.find((rule) => rule.Name === name);
  expect(found).toBeDefined();
  return found!;
}

/** Returns the statement that matches a URI path prefix after URL decoding and path normalization. */
function startsWith(prefix: string): Rule {
  return {
    ByteMatchStatement: {
      FieldToMatch: { UriPath: {} },
      PositionalConstraint: 'STARTS_WITH',
      SearchString: prefix,
      TextTransformations: [
        { Priority: 0, Type: 'URL_DECODE' },
        { Priority: 1, Type: 'NORMALIZE_PATH' },
      ],
    },
  };
}

const DEFAULT_LARGE_BODY_PATHS = [
  '/api/media/',
  '/api/public/v1/upload',
  '/api/posts',
  '/api/public/v1/posts',
  '/api/sets',
  '/api/copilot/',
  '/api/mcp',
];
const DEFAULT_UPLOAD_PATHS = ['/api/media/', '/api/public/v1/upload'];
const DEFAULT_RICH_TEXT_PATHS = [
  '/api/posts', '/api/public/v1/posts', '/api/signatures', '/api/sets', '/api/copilot/', '/api/mcp', ...DEFAULT_UPLOAD_PATHS,
];

/** Returns every unacknowledged AwsSolutions finding as "rule at construct path". */
function nagFindings(app: App): string[] {
  const report = new AwsSolutionsChecks().validateScope(app);
  return report.violations.flatMap((violation) =>
    violation.violatingResources.map((resource) =>
      `${violation.ruleName} at ${(resource as { constructPath?: string }).constructPath}`));
}

describe('PostizWebAcl defaults', () => {
  const { stack, acl, template, webAcl, rules } = synth();

  test('has CLOUDFRONT scope and allows by default', () => {
    expect(webAcl.Scope).toBe('CLOUDFRONT');
    expect(webAcl.DefaultAction).toEqual({ Allow: {} });
    expect(webAcl.VisibilityConfig).toEqual({
      CloudWatchMetricsEnabled: true,
      SampledRequestsEnabled: true,
      MetricName: expect.stringMatching(/^TestWebAcl/),
    });
  });

  test('runs the rules in order', () => {
    expect(rules.map((rule) => rule.Name)).toEqual([
      'RateLimitPerIp',
      'AWSManagedRulesAmazonIpReputationList',
      'AWSManagedRulesCommonRuleSet',
      'BlockLargeBodiesOutsideLargeBodyPaths',
      'BlockFileRulesOutsideUploadPaths',
      'AWSManagedRulesKnownBadInputsRuleSet',
      'AWSManagedRulesSQLiRuleSet',
      'BlockInjectionInBodiesOutsideRichTextPaths',
    ]);
  });

  test('gives rules unique ascending priorities', () => {
    const priorities = rules.map((rule) => rule.Priority);
    expect(new Set(priorities).size).toBe(priorities.length);
    expect([...priorities].sort((a, b) => a - b)).toEqual(priorities);
  });

  test('records metrics and samples for every rule', () => {
    for (const rule of rules) {
      expect(rule.VisibilityConfig).toEqual({ CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true, MetricName: rule.Name });
    }
  });

  test.each([
    'AWSManagedRulesAmazonIpReputationList',
    'AWSManagedRulesCommonRuleSet',
    'AWSManagedRulesKnownBadInputsRuleSet',
    'AWSManagedRulesSQLiRuleSet',
  ])('runs managed group %s from vendor AWS', (name) => {
    const rule = ruleNamed(rules, name);
    expect(rule.Statement.ManagedRuleGroupStatement.VendorName).toBe('AWS');
    expect(rule.Statement.ManagedRuleGroupStatement.Name).toBe(name);
    expect(rule.OverrideAction).toEqual({ None: {} });
    expect(rule.Action).toBeUndefined();
  });

  test('keeps the Log4j rules of known bad inputs blocking', () => {
    const statement = ruleNamed(rules, 'AWSManagedRulesKnownBadInputsRuleSet').Statement.ManagedRuleGroupStatement;
    expect(statement.RuleActionOverrides).toBeUndefined();
    expect(statement.ExcludedRules).toBeUndefined();
  });

  test('counts the core body size, XSS and file content rules', () => {
    const statement = ruleNamed(rules, 'AWSManagedRulesCommonRuleSet').Statement.ManagedRuleGroupStatement;
    expect(statement.RuleActionOverrides).toEqual([
      { Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } },
      { Name: 'CrossSiteScripting_BODY', ActionToUse: { Count: {} } },
      { Name: 'GenericLFI_BODY', ActionToUse: { Count: {} } },
      { Name: 'GenericRFI_BODY', ActionToUse: { Count: {} } },
      { Name: 'EC2MetaDataSSRF_BODY', ActionToUse: { Count: {} } },
    ]);
  });

  test('blocks file content matches outside upload paths', () => {
    const fileRule = ruleNamed(rules, 'BlockFileRulesOutsideUploadPaths');
    expect(fileRule.Action).toEqual({ Block: {} });
    expect(fileRule.Statement).toEqual({
      AndStatement: {
        Statements: [
          {
            OrStatement: {
              Statements: [
                { LabelMatchStatement: { Scope: 'LABEL', Key: 'awswaf:managed:aws:core-rule-set:GenericLFI_Body' } },
                { LabelMatchStatement: { Scope: 'LABEL', Key: 'awswaf:managed:aws:core-rule-set:GenericRFI_Body' } },
                { LabelMatchStatement: { Scope: 'LABEL', Key: 'awswaf:managed:aws:core-rule-set:EC2MetaDataSSRF_Body' } },
              ],
            },
          },
          { NotStatement: { Statement: { OrStatement: { Statements: DEFAULT_UPLOAD_PATHS.map(startsWith) } } } },
        ],
      },
    });
  });

  test('counts the SQL injection body rules', () => {
    const statement = ruleNamed(rules, 'AWSManagedRulesSQLiRuleSet').Statement.ManagedRuleGroupStatement;
    expect(statement.RuleActionOverrides).toEqual([
      { Name: 'SQLi_BODY', ActionToUse: { Count: {} } },
      { Name: 'SQLiExtendedPatterns_BODY', ActionToUse: { Count: {} } },
    ]);
  });

  test('blocks large bodies right after the core rule set', () => {
    const core = ruleNamed(rules, 'AWSManagedRulesCommonRuleSet');
    const sizeRule = ruleNamed(rules, 'BlockLargeBodiesOutsideLargeBodyPaths');
    expect(rules.indexOf(sizeRule)).toBe(rules.indexOf(core) + 1);
    expect(sizeRule.Priority).toBeGreaterThan(core.Priority);
    expect(sizeRule.Action).toEqual({ Block: {} });
  });

  test('blocks large bodies outside exceptions', () => {
    const sizeRule = ruleNamed(rules, 'BlockLargeBodiesOutsideLargeBodyPaths');
    expect(sizeRule.Statement).toEqual({
      AndStatement: {
        Statements: [
          { LabelMatchStatement: { Scope: 'LABEL', Key: 'awswaf:managed:aws:core-rule-set:SizeRestrictions_Body' } },
          { NotStatement: { Statement: { OrStatement: { Statements: DEFAULT_LARGE_BODY_PATHS.map(startsWith) } } } },
        ],
      },
    });
  });

  test('blocks injection outside editor paths', () => {
    const injectionRule = ruleNamed(rules, 'BlockInjectionInBodiesOutsideRichTextPaths');
    expect(injectionRule.Action).toEqual({ Block: {} });
    expect(injectionRule.Statement).toEqual({
      AndStatement: {
        Statements: [
          {
            OrStatement: {
              Statements: [
                { LabelMatchStatement: { Scope: 'LABEL', Key: 'awswaf:managed:aws:core-rule-set:CrossSiteScripting_Body' } },
                { LabelMatchStatement: { Scope: 'LABEL', Key: 'awswaf:managed:aws:sql-database:SQLi_Body' } },
                { LabelMatchStatement: { Scope: 'LABEL', Key: 'awswaf:managed:aws:sql-database:SQLiExtendedPatterns_Body' } },
              ],
            },
          },
          { NotStatement: { Statement: { OrStatement: { Statements: DEFAULT_RICH_TEXT_PATHS.map(startsWith) } } } },
        ],
      },
    });
  });

  test('limits each IP address to 2000 requests in 5 minutes', () => {
    const rateRule = ruleNamed(rules, 'RateLimitPerIp');
    expect(rateRule.Statement).toEqual({
      RateBasedStatement: {
        Limit: 2000,
        AggregateKeyType: 'IP',
        EvaluationWindowSec: 300,
        ScopeDownStatement: { NotStatement: { Statement: { OrStatement: { Statements: ['/uploads/', '/_next/static/'].map(startsWith) } } } },
      },
    });
    expect(rateRule.Action).toEqual({ Block: { CustomResponse: { ResponseCode: 429 } } });
  });

  test('has no geo rule or allow list', () => {
    expect(rules.find((rule) => rule.Name === 'BlockedCountries')).toBeUndefined();
    expect(rules.find((rule) => rule.Name === 'BlockAddressesOutsideAllowList')).toBeUndefined();
    template.resourceCountIs('AWS::WAFv2::IPSet', 0);
  });

  test('exposes the web ACL ARN', () => {
    const [webAclId] = Object.keys(template.findResources('AWS::WAFv2::WebACL'));
    expect(stack.resolve(acl.webAclArn)).toEqual({ 'Fn::GetAtt': [webAclId, 'Arn'] });
  });

  test('logs to an aws-waf-logs- group with credentials redacted', () => {
    const logGroupArn = stack.resolve(stack.formatArn({
      service: 'logs',
      resource: 'log-group',
      resourceName: acl.logGroup.logGroupName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    }));
    template.hasResourceProperties('AWS::WAFv2::LoggingConfiguration', {
      ResourceArn: stack.resolve(acl.webAcl.attrArn),
      LogDestinationConfigs: [logGroupArn],
      RedactedFields: [
        { SingleHeader: { Name: 'authorization' } },
        { SingleHeader: { Name: 'auth' } },
        { SingleHeader: { Name: 'cookie' } },
      ],
    });
  });

  test('names the log group with the aws-waf-logs- prefix', () => {
    const [logGroup] = Object.values(template.findResources('AWS::Logs::LogGroup'));
    const [, parts] = logGroup.Properties.LogGroupName['Fn::Join'];
    expect(parts[0]).toMatch(/^aws-waf-logs-TestWebAcl[A-Za-z0-9]+-$/);
    expect(JSON.stringify(parts[1])).toContain('AWS::StackId');
  });

  test('encrypts the log group and keeps it one year', () => {
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: {
        KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^WebAclKey'), 'Arn'] },
        RetentionInDays: 365,
      },
      DeletionPolicy: 'Retain',
    });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  test('lets CloudWatch Logs in us-east-1 use the key', () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([Match.objectLike({
          Sid: 'AllowCloudWatchLogsOfThisAccount',
          Principal: { Service: { 'Fn::Join': ['', ['logs.us-east-1.', { Ref: 'AWS::URLSuffix' }]] } },
        })]),
      },
    });
  });

  test('lets log delivery write to the group', () => {
    const [policy] = Object.values(template.findResources('AWS::Logs::ResourcePolicy'));
    const [logGroupId] = Object.keys(template.findResources('AWS::Logs::LogGroup'));
    // The policy is a Fn::Join of JSON text and references; replace each reference by a
    // readable placeholder to parse it.
    const parts: unknown[] = policy.Properties.PolicyDocument['Fn::Join'][1];
    const text = parts.map((part) => (typeof part === 'string' ? part : `<${(part as { Ref: string }).Ref}>`)).join('');
    expect(JSON.parse(text).Statement).toEqual([{
      Sid: 'AWSLogDeliveryWrite',
      Effect: 'Allow',
      Principal: { Service: 'delivery.logs.amazonaws.com' },
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: `arn:<AWS::Partition>:logs:us-east-1:123456789012:log-group:<${logGroupId}>:log-stream:*`,
      Condition: {
        StringEquals: { 'aws:SourceAccount': '123456789012' },
        ArnLike: { 'aws:SourceArn': 'arn:<AWS::Partition>:logs:us-east-1:123456789012:*' },
      },
    }]);
  });

  test('logs after the delivery policy', () => {
    const [logging] = Object.values(template.findResources('AWS::WAFv2::LoggingConfiguration'));
    const [policyId] = Object.keys(template.findResources('AWS::Logs::ResourcePolicy'));
    expect(logging.DependsOn).toContain(policyId);
  });
});

describe('PostizWebAcl development profile', () => {
  const { template, rules } = synth({ profile: DeploymentProfile.DEVELOPMENT });

  test('keeps logs one month, then deletes', () => {
    template.hasResource('AWS::Logs::LogGroup', { Properties: { RetentionInDays: 30 }, DeletionPolicy: 'Delete' });
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Delete' });
  });

  test('uses the same rate limit as production', () => {
    expect(ruleNamed(rules, 'RateLimitPerIp').Statement.RateBasedStatement.Limit).toBe(2000);
  });
});

describe('PostizWebAcl options', () => {
  test('sets the rate limit', () => {
    const { rules } = synth({ rateLimitPerFiveMinutes: 500 });
    expect(ruleNamed(rules, 'RateLimitPerIp').Statement.RateBasedStatement.Limit).toBe(500);
  });

  test('blocks countries except for media', () => {
    const { rules } = synth({ blockedCountries: ['CN', 'RU', 'CN'] });
    const geoRule = ruleNamed(rules, 'BlockedCountries');
    expect(geoRule.Action).toEqual({ Block: {} });
    expect(geoRule.Statement).toEqual({
      AndStatement: {
        Statements: [
          { GeoMatchStatement: { CountryCodes: ['CN', 'RU'] } },
          { NotStatement: { Statement: startsWith('/uploads/') } },
        ],
      },
    });
    expect(geoRule.Priority).toBeLessThan(ruleNamed(rules, 'RateLimitPerIp').Priority);
  });

  test('treats an empty country list as none', () => {
    const { rules } = synth({ blockedCountries: [] });
    expect(rules.find((rule) => rule.Name === 'BlockedCountries')).toBeUndefined();
  });

  test('allow lists block others except media', () => {
    const { template, rules } = synth({
      allowedIpv4Cidrs: ['203.0.113.0/24', '198.51.100.7/32'],
      allowedIpv6Cidrs: ['2001:db8::/32'],
      blockedCountries: ['CN'],
    });
    template.hasResourceProperties('AWS::WAFv2::IPSet', {
      Scope: 'CLOUDFRONT',
      IPAddressVersion: 'IPV4',
      Addresses: ['203.0.113.0/24', '198.51.100.7/32'],
    });
    template.hasResourceProperties('AWS::WAFv2::IPSet', {
      Scope: 'CLOUDFRONT',
      IPAddressVersion: 'IPV6',
      Addresses: ['2001:db8::/32'],
    });
    const ipSetIds = Object.keys(template.findResources('AWS::WAFv2::IPSet'));
    const allowRule = ruleNamed(rules, 'BlockAddressesOutsideAllowList');
    expect(allowRule.Action).toEqual({ Block: {} });
    expect(allowRule.Statement).toEqual({
      AndStatement: {
        Statements: [
          {
            NotStatement: {
              Statement: {
                OrStatement: {
                  Statements: ipSetIds.map((id) => ({ IPSetReferenceStatement: { Arn: { 'Fn::GetAtt': [id, 'Arn'] } } })),
                },
              },
            },
          },
          { NotStatement: { Statement: startsWith('/uploads/') } },
        ],
      },
    });
    expect(rules[0]).toBe(allowRule);
    expect(rules[1].Name).toBe('BlockedCountries');
  });

  test('references a single IP set directly', () => {
    const { template, rules } = synth({ allowedIpv6Cidrs: ['2001:db8::/32'], allowedIpv4Cidrs: [] });
    template.resourceCountIs('AWS::WAFv2::IPSet', 1);
    const [ipSetId] = Object.keys(template.findResources('AWS::WAFv2::IPSet'));
    const allowRule = ruleNamed(rules, 'BlockAddressesOutsideAllowList');
    expect(allowRule.Statement.AndStatement.Statements[0]).toEqual({
      NotStatement: { Statement: { IPSetReferenceStatement: { Arn: { 'Fn::GetAtt': [ipSetId, 'Arn'] } } } },
    });
  });

  test('matches a single large body path without OR', () => {
    const { rules } = synth({ largeBodyPaths: ['/api/media/'] });
    const sizeRule = ruleNamed(rules, 'BlockLargeBodiesOutsideLargeBodyPaths');
    expect(sizeRule.Statement.AndStatement.Statements[1]).toEqual({ NotStatement: { Statement: startsWith('/api/media/') } });
  });

  test('blocks injection everywhere without rich text paths', () => {
    const { rules } = synth({ richTextPaths: [], uploadPaths: [] });
    const core = ruleNamed(rules, 'AWSManagedRulesCommonRuleSet').Statement.ManagedRuleGroupStatement;
    expect(core.RuleActionOverrides).toEqual([{ Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } }]);
    expect(rules.find((rule) => rule.Name === 'BlockFileRulesOutsideUploadPaths')).toBeUndefined();
    const sql = ruleNamed(rules, 'AWSManagedRulesSQLiRuleSet').Statement.ManagedRuleGroupStatement;
    expect(sql.RuleActionOverrides).toBeUndefined();
    expect(rules.find((rule) => rule.Name === 'BlockInjectionInBodiesOutsideRichTextPaths')).toBeUndefined();
  });

  test('uses a given key without changing its policy', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'OwnKey', { enableKeyRotation: true });
    new PostizWebAcl(stack, 'WebAcl', { encryptionKey: key, logRetention: logs.RetentionDays.TWO_YEARS });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^OwnKey'), 'Arn'] },
      RetentionInDays: 731,
    });
    const [ownKey] = Object.values(template.findResources('AWS::KMS::Key'));
    expect(JSON.stringify(ownKey.Properties.KeyPolicy)).not.toContain('logs.us-east-1');
  });
});

describe('PostizWebAcl region', () => {
  test('rejects a stack in eu-west-1', () => {
    const app = new App();
    const stack = new Stack(app, 'Ireland', { env: { account: '123456789012', region: 'eu-west-1' } });
    expect(() => new PostizWebAcl(stack, 'WebAcl')).toThrow(/stack in eu-west-1.*only be created in us-east-1.*env\.region 'us-east-1'/);
  });

  test('rejects a stack without a region', () => {
    const app = new App();
    const stack = new Stack(app, 'Agnostic');
    expect(() => new PostizWebAcl(stack, 'WebAcl')).toThrow(/stack without a region.*Set env\.region to 'us-east-1'/);
  });
});

describe('PostizWebAcl validation', () => {
  test.each(['us', 'USA', 'U1', '', 'G B'])('rejects country code %p', (code) => {
    expect(() => synth({ blockedCountries: ['DE', code] })).toThrow(/blockedCountries contains .*not an ISO 3166-1 alpha-2 code/);
  });

  test.each([
    ['10.0.0.0', 'no prefix length'],
    ['10.0.0.0/0', 'prefix /0'],
    ['10.0.0.0/33', 'prefix over 32'],
    ['300.0.0.0/8', 'octet over 255'],
    ['10.0.0.0/8/8', 'two prefixes'],
    ['10.0.0.0/ 8', 'space in the prefix'],
    ['example.com/32', 'a host name'],
  ])('rejects IPv4 range %p (%s)', (cidr) => {
    expect(() => synth({ allowedIpv4Cidrs: [cidr] })).toThrow(/allowedIpv4Cidrs contains .*not an IPv4 CIDR range/);
  });

  test.each(['2001:db8::', '2001:db8::/129', '2001:db8::/0', 'gggg::/16'])('rejects IPv6 range %p', (cidr) => {
    expect(() => synth({ allowedIpv6Cidrs: [cidr] })).toThrow(/allowedIpv6Cidrs contains .*not an IPv6 CIDR range/);
  });

  test('moves IPv6 range to IPv6 list', () => {
    expect(() => synth({ allowedIpv4Cidrs: ['2001:db8::/32'] })).toThrow(/IPv6 address, so move it to allowedIpv6Cidrs/);
  });

  test('moves IPv4 range to IPv4 list', () => {
    expect(() => synth({ allowedIpv6Cidrs: ['10.0.0.0/8'] })).toThrow(/IPv4 address, so move it to allowedIpv4Cidrs/);
  });

  test('rejects two empty allow lists', () => {
    expect(() => synth({ allowedIpv4Cidrs: [], allowedIpv6Cidrs: [] })).toThrow(/both empty, which would block every address/);
  });

  test.each([9, 0, -1, 2_000_000_001, 100.5])('rejects rate limit %p', (limit) => {
    expect(() => synth({ rateLimitPerFiveMinutes: limit })).toThrow(/rateLimitPerFiveMinutes .* is invalid.*from 10 to 2,000,000,000/);
  });

  test.each([10, 2_000_000_000])('accepts rate limit %p', (limit) => {
    expect(() => synth({ rateLimitPerFiveMinutes: limit })).not.toThrow();
  });

  test('rejects an empty large body path list', () => {
    expect(() => synth({ largeBodyPaths: [] })).toThrow(/largeBodyPaths is empty.*'\/api\/media\/'/);
  });

  test.each(['', 'api/media/', '/api media/', ' /api/media/'])('rejects large body path %p', (path) => {
    expect(() => synth({ largeBodyPaths: ['/api/posts', path] })).toThrow(/largeBodyPaths contains .*not a URI path prefix/);
  });

  test('rejects an empty rich text path', () => {
    expect(() => synth({ richTextPaths: [''] })).toThrow(/richTextPaths contains '', which is not a URI path prefix/);
  });
});

describe('PostizWebAcl cdk-nag AwsSolutions', () => {
  test.each([
    ['production defaults', {}],
    ['development with every option', {
      profile: DeploymentProfile.DEVELOPMENT,
      blockedCountries: ['CN'],
      allowedIpv4Cidrs: ['203.0.113.0/24'],
      allowedIpv6Cidrs: ['2001:db8::/32'],
    }],
  ] as [string, PostizWebAclProps][])('has no unacknowledged findings with %s', (_name, props) => {
    const app = new App();
    const stack = new Stack(app, 'Edge', { env: { account: '123456789012', region: 'us-east-1' } });
    new PostizWebAcl(stack, 'WebAcl', props);
    expect(nagFindings(app)).toEqual([]);
  });
});
