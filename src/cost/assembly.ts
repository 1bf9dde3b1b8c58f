import * as fs from 'fs';
import * as path from 'path';
import { CloudFormationTemplate } from './template-model';

/** An error of the estimate that a user can fix, such as a missing assembly or region. */
export class CostEstimateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CostEstimateError';
  }
}

/** One CloudFormation stack of a cloud assembly. */
export interface AssemblyStack {
  readonly stackName: string;
  /** Region from the artifact's environment, or undefined for an environment-agnostic stack. */
  readonly region?: string;
  readonly templateFile: string;
  readonly template: CloudFormationTemplate;
}

interface ManifestArtifact {
  readonly type?: string;
  readonly environment?: string;
  readonly displayName?: string;
  readonly properties?: {
    readonly templateFile?: string;
    readonly stackName?: string;
    readonly directoryName?: string;
  };
}

/**
 * Reads the stacks of the cloud assembly in `directory`: the artifacts of type
 * `aws:cloudformation:stack` in its `manifest.json`, and those of nested assemblies (CDK stages).
 *
 * @throws CostEstimateError when the directory has no manifest or a template is missing
 */
export function readAssemblyStacks(directory: string): AssemblyStack[] {
  const manifestFile = path.join(directory, 'manifest.json');
  if (!fs.existsSync(manifestFile)) {
    throw new CostEstimateError(
      `No cloud assembly found at ${directory}: ${manifestFile} does not exist. ` +
      'Synthesize the app first (cdk synth, or ./scripts/example in this repository), or pass --assembly DIR.');
  }
  const manifest: { artifacts?: Record<string, ManifestArtifact> } = readJson(manifestFile);

  const stacks: AssemblyStack[] = [];
  for (const [artifactId, artifact] of Object.entries(manifest.artifacts ?? {})) {
    if (artifact.type === 'cdk:cloud-assembly' && artifact.properties?.directoryName) {
      stacks.push(...readAssemblyStacks(path.join(directory, artifact.properties.directoryName)));
      continue;
    }
    if (artifact.type !== 'aws:cloudformation:stack') {
      continue;
    }
    const templateFile = path.join(directory, artifact.properties?.templateFile ?? `${artifactId}.template.json`);
    if (!fs.existsSync(templateFile)) {
      throw new CostEstimateError(`The template ${templateFile} of stack ${artifactId} does not exist. Synthesize the app again.`);
    }
    stacks.push({
      stackName: artifact.properties?.stackName ?? artifact.displayName ?? artifactId,
      region: regionOf(artifact.environment),
      templateFile,
      template: readJson(templateFile),
    });
  }
  return stacks;
}

/** Reads a JSON file of the assembly. */
function readJson(file: string): any {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new CostEstimateError(`Failed to read ${file}: ${(error as Error).message}. Synthesize the app again.`);
  }
}

/** Returns the region of an environment such as `aws://123456789012/us-east-1`. */
function regionOf(environment: string | undefined): string | undefined {
  const match = /^aws:\/\/[^/]*\/(.+)$/.exec(environment ?? '');
  return match && match[1] !== 'unknown-region' ? match[1] : undefined;
}
