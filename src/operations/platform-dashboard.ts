import { Duration, Fn } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct } from 'constructs';
import { PostizCompute } from '../compute/postiz-compute';
import { PostizCache } from '../data/postiz-cache';
import { PostizData } from '../data/postiz-data';
import { PostizDatabase } from '../data/postiz-database';
import { PostizEdge } from '../edge/postiz-edge';
import { PostizGcsBridge } from '../gcs/postiz-gcs-bridge';

/** Properties of `PlatformDashboard`. */
export interface PlatformDashboardProps {
  readonly dashboardName?: string;
  readonly data: PostizData;
  readonly compute: PostizCompute;
  readonly edge: PostizEdge;
  readonly gcsBridge?: PostizGcsBridge;
  readonly databaseConnectionErrors: cloudwatch.IMetric;
}

const PERIOD = Duration.minutes(5);
const WIDTH = 8;
const HEIGHT = 6;

/**
 * The CloudWatch dashboard of a platform, one row per tier: edge, load balancer, ECS tiers,
 * database, cache and media bridge. CloudFront and its web ACL publish metrics in us-east-1,
 * so their graphs read that region whatever the stack's region.
 */
export class PlatformDashboard extends Construct {
  public readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: PlatformDashboardProps) {
    super(scope, id);
    this.dashboard = new cloudwatch.Dashboard(this, 'Resource', {
      dashboardName: props.dashboardName,
      defaultInterval: Duration.hours(6),
    });
    this.dashboard.addWidgets(...this.edgeRow(props.edge));
    this.dashboard.addWidgets(...this.loadBalancerRow(props.edge.loadBalancer.loadBalancer));
    this.dashboard.addWidgets(...this.servicesRow(props.compute));
    this.dashboard.addWidgets(...this.dataRow(props.data, props.databaseConnectionErrors));
    if (props.gcsBridge) {
      this.dashboard.addWidgets(...this.bridgeRow(props.gcsBridge));
    }
  }

  private edgeRow(edge: PostizEdge): cloudwatch.IWidget[] {
    const distributionId = edge.distribution.distribution.distributionId;
    const cloudFront = (metricName: string, statistic: string, label: string) => new cloudwatch.Metric({
      namespace: 'AWS/CloudFront',
      metricName,
      dimensionsMap: { DistributionId: distributionId, Region: 'Global' },
      region: 'us-east-1',
      period: PERIOD,
      statistic,
      label,
    });
    const widgets: cloudwatch.IWidget[] = [
      graph('CloudFront requests', [cloudFront('Requests', 'Sum', 'requests')]),
      graph('CloudFront error rates (%)', [
        cloudFront('5xxErrorRate', 'Average', '5xx'),
        cloudFront('4xxErrorRate', 'Average', '4xx'),
      ]),
    ];
    if (edge.webAcl) {
      // The web ACL's Ref is `name|id|scope`; its metrics are named by the web ACL's name.
      const webAclName = Fn.select(0, Fn.split('|', edge.webAcl.webAcl.ref));
      widgets.push(graph('WAF blocked requests', [new cloudwatch.Metric({
        namespace: 'AWS/WAFV2',
        metricName: 'BlockedRequests',
        dimensionsMap: { WebACL: webAclName, Rule: 'ALL' },
        region: 'us-east-1',
        period: PERIOD,
        statistic: 'Sum',
        label: 'blocked',
      })]));
    }
    return widgets;
  }

  private loadBalancerRow(loadBalancer: elbv2.IApplicationLoadBalancer): cloudwatch.IWidget[] {
    const requests = loadBalancer.metrics.requestCount({ period: PERIOD, statistic: 'Sum', label: 'requests' });
    const errors = loadBalancer.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { period: PERIOD, statistic: 'Sum' });
    return [
      graph('Load balancer requests', [requests]),
      graph('Load balancer 5xx rate (%)', [new cloudwatch.MathExpression({
        expression: 'IF(requests > 0, 100 * errors / requests, 0)',
        usingMetrics: { requests, errors },
        period: PERIOD,
        label: '5xx rate',
      })]),
      graph('Response time (s)', [
        loadBalancer.metrics.targetResponseTime({ period: PERIOD, statistic: 'p95', label: 'p95' }),
        loadBalancer.metrics.targetResponseTime({ period: PERIOD, statistic: 'p99', label: 'p99' }),
      ]),
    ];
  }

  private servicesRow(compute: PostizCompute): cloudwatch.IWidget[] {
    const services: Array<[string, ecs.FargateService]> = [['web', compute.web.service], ['worker', compute.worker.service]];
    if (compute.temporalServer) {
      services.push(['Temporal', compute.temporalServer.service]);
    }
    return [
      graph('CPU by tier (%)', services.map(([label, service]) =>
        service.metricCpuUtilization({ period: PERIOD, statistic: 'Average', label }))),
      graph('Memory by tier (%)', services.map(([label, service]) =>
        service.metricMemoryUtilization({ period: PERIOD, statistic: 'Average', label }))),
      graph('Running tasks', services.map(([label, service]) => new cloudwatch.Metric({
        namespace: 'ECS/ContainerInsights',
        metricName: 'RunningTaskCount',
        dimensionsMap: { ClusterName: compute.cluster.clusterName, ServiceName: service.serviceName },
        period: PERIOD,
        statistic: 'Minimum',
        label,
      }))),
    ];
  }

  private dataRow(data: PostizData, connectionErrors: cloudwatch.IMetric): cloudwatch.IWidget[] {
    const widgets: cloudwatch.IWidget[] = [];
    if (data.database instanceof PostizDatabase) {
      const clusterIdentifier = data.database.cluster.clusterIdentifier;
      const rds = (metricName: string, label: string) => new cloudwatch.Metric({
        namespace: 'AWS/RDS',
        metricName,
        dimensionsMap: { DBClusterIdentifier: clusterIdentifier },
        period: PERIOD,
        statistic: 'Average',
        label,
      });
      widgets.push(graph('Aurora capacity (ACU)', [rds('ServerlessDatabaseCapacity', 'capacity')]));
      widgets.push(graph('Aurora connections', [rds('DatabaseConnections', 'connections'), connectionErrors]));
    } else {
      widgets.push(graph('Database connection errors', [connectionErrors]));
    }
    if (data.cache instanceof PostizCache) {
      const nodes = data.cache.memberClusterIds();
      const cache = (metricName: string, statistic: string) => nodes.map((clusterId, index) => new cloudwatch.Metric({
        namespace: 'AWS/ElastiCache',
        metricName,
        dimensionsMap: { CacheClusterId: clusterId },
        period: PERIOD,
        statistic,
        label: `node ${index + 1}`,
      }));
      widgets.push(graph('Valkey engine CPU (%)', cache('EngineCPUUtilization', 'Average')));
      widgets.push(graph('Valkey memory (%)', cache('DatabaseMemoryUsagePercentage', 'Average')));
      widgets.push(graph('Valkey evictions', cache('Evictions', 'Sum')));
    }
    return widgets;
  }

  private bridgeRow(bridge: PostizGcsBridge): cloudwatch.IWidget[] {
    return [
      graph('GCS bridge lag (s)', [bridge.metricReplicationLag({ label: 'lag' })]),
      graph('GCS bridge files', [
        bridge.metricFilesCopied({ label: 'copied' }),
        bridge.metricFilesFailed({ label: 'failed' }),
      ]),
      graph('GCS bridge bytes copied', [bridge.metricBytesCopied({ label: 'bytes' })]),
    ];
  }
}

function graph(title: string, metrics: cloudwatch.IMetric[]): cloudwatch.GraphWidget {
  return new cloudwatch.GraphWidget({ title, left: metrics, width: WIDTH, height: HEIGHT });
}
