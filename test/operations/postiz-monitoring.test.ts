import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import { DeploymentProfile, GcsCredentials, PostizMonitoringOptions, PostizPlatform } from '../../src';
import { exampleZone, newStack } from '../support/stack';

function build(monitoring: PostizMonitoringOptions = {}, options: { region?: string; profile?: DeploymentProfile } = {}): Template {
  const stack = options.region
    ? new Stack(new App(), 'Test', { env: { account: '123456789012', region: options.region } })
    : newStack();
  new PostizPlatform(stack, 'Postiz', {
    domainName: 'social.example.com',
    hostedZone: exampleZone(stack),
    profile: options.profile,
    monitoring,
    // Outside us-east-1, CloudFront's web ACL and certificate come from us-east-1.
    edge: options.region ? {
      webAclArn: 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/postiz/0123abcd-0000-0000-0000-000000000000',
      cloudFrontCertificate: acm.Certificate.fromCertificateArn(stack, 'Certificate',
        'arn:aws:acm:us-east-1:123456789012:certificate/0123abcd-0000-0000-0000-000000000000'),
    } : undefined,
    gcs: {
      bucketName: 'postiz-media-example',
      projectId: 'media-project',
      credentials: GcsCredentials.fromWorkloadIdentityFederation({
        projectNumber: '123456789012',
        poolId: 'aws-postiz',
        providerId: 'aws-account',
        serviceAccountEmail: 'postiz-media@media-project.iam.gserviceaccount.com',
      }),
    },
  });
  return Template.fromStack(stack);
}

function alarmsByMetric(template: Template, metricName: string): any[] {
  return Object.values(template.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: metricName } }));
}

describe('PostizMonitoring alarm topic', () => {
  const template = build({ alarmEmails: ['ops@example.com', 'oncall@example.com'] });

  test('is encrypted with its own key', () => {
    template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^PostizMonitoringTopicKey'), 'Arn'] },
    });
  });

  test('key lets CloudWatch and Budgets publish', () => {
    const [key] = Object.values(template.findResources('AWS::KMS::Key', {
      Properties: { Description: 'cdk-postiz: encrypts the alarm topic' },
    }));
    const services = key.Properties.KeyPolicy.Statement
      .map((statement: any) => statement.Principal?.Service)
      .filter(Boolean);
    expect(services).toEqual(expect.arrayContaining(['cloudwatch.amazonaws.com', 'budgets.amazonaws.com']));
  });

  test('subscribes each email', () => {
    template.resourceCountIs('AWS::SNS::Subscription', 2);
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });

  test('every alarm notifies the topic', () => {
    const alarms = Object.entries(template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms.length).toBeGreaterThan(15);
    for (const [id, alarm] of alarms) {
      expect({ id, actions: alarm.Properties.AlarmActions }).toEqual({
        id,
        actions: [{ Ref: expect.stringMatching(/^PostizMonitoringAlarmTopic/) }],
      });
    }
  });

  test('every alarm says what to check', () => {
    for (const [id, alarm] of Object.entries(template.findResources('AWS::CloudWatch::Alarm'))) {
      expect({ id, described: (alarm.Properties.AlarmDescription ?? '').length > 60 }).toEqual({ id, described: true });
    }
  });
});

describe('PostizMonitoring alarms', () => {
  const template = build();

  test('web unavailable for over a minute', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'HealthyHostCount',
      Statistic: 'Minimum',
      Period: 60,
      EvaluationPeriods: 2,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
  });

  test('worker and Temporal not running', () => {
    const alarms = alarmsByMetric(template, 'RunningTaskCount');
    expect(alarms).toHaveLength(2);
    for (const alarm of alarms) {
      expect(alarm.Properties.Namespace).toBe('ECS/ContainerInsights');
      expect(alarm.Properties.Threshold).toBe(1);
    }
  });

  test('5xx rate above 5 percent', () => {
    const alarm = Object.values(template.findResources('AWS::CloudWatch::Alarm', {
      Properties: { AlarmDescription: Match.stringLikeRegexp('More than 5% of requests to the load balancer') },
    }))[0];
    expect(alarm.Properties.Threshold).toBe(5);
    const expression = alarm.Properties.Metrics.find((metric: any) => metric.Expression);
    expect(expression.Expression).toBe('IF(requests >= 20, 100 * errors / requests, 0)');
  });

  test('latency above 2 seconds', () => {
    const [alarm] = alarmsByMetric(template, 'TargetResponseTime');
    expect(alarm.Properties.ExtendedStatistic).toBe('p95');
    expect(alarm.Properties.Threshold).toBe(2);
  });

  test('CPU above 80 percent per tier', () => {
    const services = alarmsByMetric(template, 'CPUUtilization').filter((alarm) => alarm.Properties.Namespace === 'AWS/ECS');
    expect(services).toHaveLength(3);
    const database = alarmsByMetric(template, 'CPUUtilization').filter((alarm) => alarm.Properties.Namespace === 'AWS/RDS');
    expect(database).toHaveLength(1);
    const cache = alarmsByMetric(template, 'EngineCPUUtilization');
    expect(cache).toHaveLength(2);
    for (const alarm of [...services, ...database, ...cache]) {
      expect(alarm.Properties.Threshold).toBe(80);
    }
  });

  test('memory above 85 percent per tier', () => {
    const alarms = [...alarmsByMetric(template, 'MemoryUtilization'), ...alarmsByMetric(template, 'DatabaseMemoryUsagePercentage')];
    expect(alarms).toHaveLength(5);
    for (const alarm of alarms) {
      expect(alarm.Properties.Threshold).toBe(85);
    }
  });

  test('cache nodes by member id', () => {
    const [first] = alarmsByMetric(template, 'EngineCPUUtilization');
    expect(first.Properties.Dimensions[0].Value).toEqual({
      'Fn::Join': ['-', [{ Ref: expect.stringMatching(/^PostizDataCacheReplicationGroup/) }, '001']],
    });
  });

  test('database connection errors from logs', () => {
    const filters = Object.values(template.findResources('AWS::Logs::MetricFilter'));
    const names = filters.map((filter: any) => filter.Properties.MetricTransformations[0].MetricName);
    expect(names.filter((name) => name === 'DatabaseConnectionErrors')).toHaveLength(3);
    const patterns = filters.map((filter: any) => filter.Properties.FilterPattern).join('\n');
    expect(patterns).toContain('password authentication failed');
    expect(patterns).toContain('P1001');
    const [alarm] = alarmsByMetric(template, 'DatabaseConnectionErrors');
    expect(alarm.Properties.Namespace).toBe('CdkPostiz');
  });

  test('GCS bridge failures', () => {
    const [alarm] = alarmsByMetric(template, 'FilesFailed');
    expect(alarm.Properties.Namespace).toBe('CdkPostiz/GcsBridge');
    expect(alarm.Properties.Threshold).toBe(1);
  });

  test('CloudFront error rate in us-east-1', () => {
    expect(alarmsByMetric(template, '5xxErrorRate')).toHaveLength(1);
  });

  test('no CloudFront alarm in another region', () => {
    const other = build({}, { region: 'eu-west-1' });
    expect(alarmsByMetric(other, '5xxErrorRate')).toHaveLength(0);
    expect(alarmsByMetric(other, 'TargetResponseTime')).toHaveLength(1);
  });
});

describe('PostizMonitoring budget', () => {
  test('production default with 80 percent alert', () => {
    const template = build();
    template.hasResourceProperties('AWS::Budgets::Budget', {
      Budget: { BudgetType: 'COST', TimeUnit: 'MONTHLY', BudgetLimit: { Amount: 1000, Unit: 'USD' } },
      NotificationsWithSubscribers: Match.arrayWith([{
        Notification: { NotificationType: 'ACTUAL', ComparisonOperator: 'GREATER_THAN', Threshold: 80, ThresholdType: 'PERCENTAGE' },
        Subscribers: [{ SubscriptionType: 'SNS', Address: { Ref: Match.stringLikeRegexp('^PostizMonitoringAlarmTopic') } }],
      }]),
    });
  });

  test('development default', () => {
    const template = build({}, { profile: DeploymentProfile.DEVELOPMENT });
    template.hasResourceProperties('AWS::Budgets::Budget', { Budget: Match.objectLike({ BudgetLimit: { Amount: 150, Unit: 'USD' } }) });
  });

  test('cost tag filter', () => {
    const template = build({ monthlyBudgetUsd: 400, budgetCostTag: 'postiz=production' });
    template.hasResourceProperties('AWS::Budgets::Budget', {
      Budget: Match.objectLike({ CostFilters: { TagKeyValue: ['user:postiz$production'] } }),
    });
  });

  test('zero turns it off', () => {
    build({ monthlyBudgetUsd: 0 }).resourceCountIs('AWS::Budgets::Budget', 0);
  });

  test.each([
    [{ alarmEmails: ['ops'] }, /alarmEmails contains 'ops'/],
    [{ monthlyBudgetUsd: -5 }, /monthlyBudgetUsd -5 is invalid/],
    [{ budgetCostTag: 'postiz' }, /budgetCostTag 'postiz' is invalid/],
  ])('rejects %j', (options, message) => {
    expect(() => build(options)).toThrow(message);
  });
});

describe('PostizMonitoring dashboard', () => {
  const template = build();
  const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
  const body = JSON.stringify(dashboard.Properties.DashboardBody);

  test.each([
    ['CloudFront requests', '\\"AWS/CloudFront\\",\\"Requests\\"'],
    ['WAF blocked requests', '\\"AWS/WAFV2\\",\\"BlockedRequests\\"'],
    ['load balancer p99', '\\"stat\\":\\"p99\\"'],
    ['Aurora capacity', 'ServerlessDatabaseCapacity'],
    ['Aurora connections', 'DatabaseConnections'],
    ['cache evictions', 'Evictions'],
    ['bridge lag', 'ReplicationLagSeconds'],
  ])('shows %s', (_name, fragment) => {
    expect(body).toContain(fragment);
  });

  test('reads CloudFront metrics in us-east-1', () => {
    const other = build({}, { region: 'eu-west-1' });
    const [otherDashboard] = Object.values(other.findResources('AWS::CloudWatch::Dashboard'));
    expect(JSON.stringify(otherDashboard.Properties.DashboardBody)).toMatch(/AWS\/CloudFront.*us-east-1/);
  });
});
