import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TemplateResource } from '../../src/cost/template-model';

/** Resources of the small known stack that the hand-computed estimate prices. */
export function smallStackResources(): Record<string, TemplateResource> {
  return {
    Nat: { Type: 'AWS::EC2::NatGateway', Properties: { SubnetId: 'subnet-1' } },
    Key: { Type: 'AWS::KMS::Key', Properties: {} },
    FirstSecret: { Type: 'AWS::SecretsManager::Secret', Properties: {} },
    SecondSecret: { Type: 'AWS::SecretsManager::Secret', Properties: {} },
    Cluster: { Type: 'AWS::ECS::Cluster', Properties: {} },
    Role: { Type: 'AWS::IAM::Role', Properties: {} },
    TaskDefinition: {
      Type: 'AWS::ECS::TaskDefinition',
      Properties: {
        Cpu: '1024',
        Memory: '2048',
        RequiresCompatibilities: ['FARGATE'],
        RuntimePlatform: { CpuArchitecture: 'ARM64', OperatingSystemFamily: 'LINUX' },
      },
    },
    Service: {
      Type: 'AWS::ECS::Service',
      Properties: {
        Cluster: { Ref: 'Cluster' },
        TaskDefinition: { Ref: 'TaskDefinition' },
        DesiredCount: 2,
        CapacityProviderStrategy: [{ CapacityProvider: 'FARGATE', Weight: 1 }],
      },
    },
  };
}

/** A stack of a fixture assembly. */
export interface FixtureStack {
  readonly name: string;
  /** Environment of the artifact, such as `aws://123456789012/us-east-1`. */
  readonly environment: string;
  readonly resources: Record<string, TemplateResource>;
}

/** Writes a cloud assembly with `stacks` into a new temporary directory and returns its path. */
export function writeAssembly(stacks: readonly FixtureStack[]): string {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-postiz-cost-'));
  const artifacts: Record<string, unknown> = {};
  for (const stack of stacks) {
    const templateFile = `${stack.name}.template.json`;
    fs.writeFileSync(path.join(directory, templateFile), JSON.stringify({ Resources: stack.resources }));
    artifacts[stack.name] = {
      type: 'aws:cloudformation:stack',
      environment: stack.environment,
      properties: { templateFile },
    };
  }
  artifacts.Tree = { type: 'cdk:tree', properties: { file: 'tree.json' } };
  fs.writeFileSync(path.join(directory, 'manifest.json'), JSON.stringify({ version: '53.0.0', artifacts }));
  return directory;
}

/** Writes the small known stack, changed by `change`, as a one-stack assembly in us-east-1. */
export function writeSmallAssembly(change: (resources: Record<string, TemplateResource>) => void = () => {}): string {
  const resources = smallStackResources();
  change(resources);
  return writeAssembly([{ name: 'Small', environment: 'aws://123456789012/us-east-1', resources }]);
}
