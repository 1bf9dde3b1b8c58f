/**
 * Synthesizes the example platform into cdk.out and prints a summary: the stacks, their
 * resources by type and the cdk-nag AwsSolutions result. Exits with 1 when cdk-nag
 * reports an unacknowledged finding.
 *
 * Usage: ts-node scripts/example.ts [--quiet]
 */
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildExampleStack } from '../integ/example';

const quiet = process.argv.includes('--quiet');
const outdir = path.resolve(__dirname, '..', 'cdk.out');
fs.rmSync(outdir, { recursive: true, force: true });

const app = new App({ outdir });
buildExampleStack(app);
const assembly = app.synth();

const report = new AwsSolutionsChecks().validateScope(app);
const findings = report.violations.flatMap((violation) =>
  violation.violatingResources.map((resource) => `${violation.ruleName} at ${(resource as { constructPath?: string }).constructPath ?? resource.resourceLogicalId}: ${violation.description}`));

if (!quiet) {
  console.log(`Synthesized into ${path.relative(process.cwd(), outdir)}/`);
  for (const stack of assembly.stacks) {
    const resources = Object.values(stack.template.Resources ?? {}) as { Type: string }[];
    const byType = new Map<string, number>();
    for (const resource of resources) {
      byType.set(resource.Type, (byType.get(resource.Type) ?? 0) + 1);
    }
    console.log(`\nStack ${stack.stackName} (${stack.environment.region}): ${resources.length} resources`);
    for (const [type, count] of [...byType.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))) {
      console.log(`  ${String(count).padStart(4)}  ${type}`);
    }
  }
  console.log('');
}

if (findings.length > 0) {
  console.log(`cdk-nag AwsSolutions: ${findings.length} unacknowledged findings`);
  for (const finding of findings) {
    console.log(`  ${finding}`);
  }
  process.exit(1);
}
if (!quiet) {
  console.log('cdk-nag AwsSolutions: 0 unacknowledged findings');
}
