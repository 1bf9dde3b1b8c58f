import { UsageAssumptions } from './assumptions';
import { Estimate, LineItem, ServiceTotal } from './estimate';

/** Output formats of the command. */
export type OutputFormat = 'text' | 'markdown' | 'json';

export const OUTPUT_FORMATS: readonly OutputFormat[] = ['text', 'markdown', 'json'];

/** Formats an estimate for printing. */
export function formatEstimate(estimate: Estimate, format: OutputFormat): string {
  switch (format) {
    case 'json':
      return JSON.stringify(estimate, null, 2) + '\n';
    case 'markdown':
      return formatMarkdown(estimate);
    default:
      return formatText(estimate);
  }
}

/** Formats US dollars with cents and thousands separators, such as `$1,234.50`. */
export function usd(amount: number): string {
  const sign = amount < 0 ? '-' : '';
  return `${sign}$${Math.abs(amount).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

function unitPrice(item: LineItem): string {
  let digits = 2;
  if (item.price.usd < 0.01) {
    digits = 6;
  } else if (item.price.usd < 1) {
    digits = 4;
  }
  return `$${Number(item.price.usd.toFixed(digits))}/${item.price.unit}`;
}

/** Labels of the assumptions, with the option that sets each. */
const ASSUMPTION_LABELS: ReadonlyArray<[keyof UsageAssumptions, string, string]> = [
  ['hoursPerMonth', 'hours per month', '--hours'],
  ['auroraAverageAcu', 'Aurora average ACU per instance', '--aurora-acu'],
  ['auroraActiveHours', 'Aurora hours running with auto-pause', '--aurora-active-hours'],
  ['requestsMillions', 'CloudFront requests, millions', '--requests-millions'],
  ['transferGb', 'CloudFront data transfer out, GB', '--transfer-gb'],
  ['natGb', 'NAT gateway traffic, GB', '--nat-gb'],
  ['storageGb', 'GB in each data store', '--storage-gb'],
  ['logGb', 'log ingestion, GB', '--log-gb'],
  ['lambdaSecondsPerInvocation', 'seconds per scheduled Lambda run', ''],
  ['cloudFrontOtherRegionsShare', 'CloudFront share outside North America and Europe', ''],
  ['efsInfrequentAccessShare', 'EFS share in Infrequent Access', ''],
  ['logCompressedShare', 'stored logs relative to ingested', ''],
];

function assumptionRows(assumptions: UsageAssumptions): Array<[string, string, string]> {
  return ASSUMPTION_LABELS.map(([key, label, option]) => {
    const value = assumptions[key];
    const text = value === undefined ? `every hour (${assumptions.hoursPerMonth})` : String(value);
    return [label, text, option];
  });
}

function unpricedText(estimate: Estimate): string {
  const entries = Object.entries(estimate.unpricedResourceTypes);
  return entries.length === 0 ? 'none' : entries.map(([type, count]) => `${type} × ${count}`).join(', ');
}

function savingText(savingUsd: number, alternative: string): string {
  if (savingUsd > 0) {
    return `saves ${usd(savingUsd)} a month against ${alternative}`;
  }
  if (savingUsd < 0) {
    return `costs ${usd(-savingUsd)} a month more than ${alternative}`;
  }
  return `costs the same as ${alternative}`;
}

function header(estimate: Estimate): string[] {
  const stackCount = estimate.stacks.length;
  return [
    `Monthly cost estimate of ${estimate.assembly}: ${usd(estimate.monthlyUsd)} a month for ${stackCount} stack${stackCount === 1 ? '' : 's'}`,
    `Prices: AWS list prices in USD as of ${estimate.pricesAsOf}, not re-read from the live pricing pages.`,
    `Profile: ${estimate.profile.profile} (from ${estimate.profile.detectedFrom.join('; ')})`,
  ];
}

function formatText(estimate: Estimate): string {
  const lines = header(estimate);
  lines.push('', 'Assumptions (usage the templates cannot show):');
  for (const [label, value, option] of assumptionRows(estimate.assumptions)) {
    lines.push(`  ${label.padEnd(52)} ${value.padEnd(18)} ${option}`.trimEnd());
  }

  for (const stack of estimate.stacks) {
    lines.push('', `Stack ${stack.stackName} (${stack.region}): ${usd(stack.monthlyUsd)} a month`);
    for (const service of stack.services) {
      lines.push(`  ${service.service.padEnd(24)} ${usd(service.monthlyUsd).padStart(11)}`);
      for (const item of stack.lineItems.filter((lineItem) => lineItem.service === service.service)) {
        const mark = item.basis === 'assumption' ? ' *' : '';
        lines.push(`      ${usd(item.monthlyUsd).padStart(10)}  ${item.description} at ${unitPrice(item)}${mark}`);
      }
    }
  }
  if (estimate.stacks.length > 1) {
    lines.push('', 'All stacks:');
    lines.push(...estimate.services.map((service) => `  ${service.service.padEnd(24)} ${usd(service.monthlyUsd).padStart(11)}`));
  }
  lines.push(`  ${'Total'.padEnd(24)} ${usd(estimate.monthlyUsd).padStart(11)}`);
  lines.push('  (* the quantity comes from a usage assumption)');

  if (estimate.savings.length > 0) {
    lines.push('', 'Cost settings of the templates, each priced against an alternative:');
    for (const saving of estimate.savings) {
      lines.push(`  - ${saving.setting}: ${savingText(saving.savingUsd, saving.alternative)}.`);
      lines.push(`      In the templates: ${saving.template}.`);
    }
  }
  lines.push('', 'Not estimated:');
  lines.push(...estimate.notEstimated.map((sentence) => `  - ${sentence}`));
  lines.push('', `Unpriced resource types: ${unpricedText(estimate)}`);
  lines.push(`Free resources: ${estimate.freeResources} (IAM, security groups, subnets, routes, SNS, EventBridge rules, custom resources and similar)`);
  lines.push('', 'Notes:');
  lines.push(...estimate.notes.map((note) => `  - ${note}`));
  return lines.join('\n') + '\n';
}

function markdownCell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

function serviceRows(services: readonly ServiceTotal[]): string[] {
  return services.map((service) => `| ${service.service} | ${usd(service.monthlyUsd)} |`);
}

function formatMarkdown(estimate: Estimate): string {
  const lines = header(estimate).map((line) => `${line}  `);
  lines.push('', '| Assumption | Value | Option |', '|---|---|---|');
  for (const [label, value, option] of assumptionRows(estimate.assumptions)) {
    lines.push(`| ${label} | ${value} | ${option ? `\`${option}\`` : ''} |`);
  }

  for (const stack of estimate.stacks) {
    lines.push('', `### Stack ${stack.stackName} (${stack.region}): ${usd(stack.monthlyUsd)} a month`, '');
    lines.push('| Service | Monthly USD | Item |', '|---|---:|---|');
    for (const service of stack.services) {
      lines.push(`| **${service.service}** | **${usd(service.monthlyUsd)}** | |`);
      for (const item of stack.lineItems.filter((lineItem) => lineItem.service === service.service)) {
        const mark = item.basis === 'assumption' ? ' (assumption)' : '';
        lines.push(`| | ${usd(item.monthlyUsd)} | ${markdownCell(item.description)} at ${markdownCell(unitPrice(item))}${mark} |`);
      }
    }
  }

  lines.push('', '### Total', '', '| Service | Monthly USD |', '|---|---:|');
  lines.push(...serviceRows(estimate.services));
  lines.push(`| **Total** | **${usd(estimate.monthlyUsd)}** |`);
  if (estimate.savings.length > 0) {
    lines.push('', '### Cost settings', '', '| Setting | In the templates | Alternative | Saving a month |', '|---|---|---|---:|');
    for (const saving of estimate.savings) {
      lines.push(`| ${saving.setting} | ${markdownCell(saving.template)} | ${markdownCell(saving.alternative)} | ${usd(saving.savingUsd)} |`);
    }
  }

  lines.push('', '### Not estimated', '');
  lines.push(...estimate.notEstimated.map((sentence) => `- ${markdownCell(sentence)}`));
  lines.push('', `Unpriced resource types: ${unpricedText(estimate)}`, '');
  lines.push(...estimate.notes.map((note) => `- ${note}`));
  return lines.join('\n') + '\n';
}
