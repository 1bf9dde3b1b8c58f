import { App } from 'aws-cdk-lib';
import { NagPack } from 'cdk-nag';

/** Runs a cdk-nag pack over the app and returns every unacknowledged finding as "rule at construct path". */
export function unacknowledgedFindings(pack: NagPack, app: App): string[] {
  const report = pack.validateScope(app);
  return report.violations.flatMap((violation) =>
    violation.violatingResources.map((resource) =>
      `${violation.ruleName} at ${(resource as { constructPath?: string }).constructPath}`));
}
