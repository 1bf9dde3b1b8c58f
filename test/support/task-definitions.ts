import { Template } from 'aws-cdk-lib/assertions';

/**
 * Returns the first container definition of the one task definition whose logical id
 * starts with the prefix, and fails the test when there is not exactly one.
 */
export function containerOf(template: Template, taskPrefix: string): Record<string, any> {
  const definitions = Object.entries(template.findResources('AWS::ECS::TaskDefinition'))
    .filter(([id]) => id.startsWith(taskPrefix));
  expect(definitions).toHaveLength(1);
  return definitions[0][1].Properties.ContainerDefinitions[0];
}

/** Returns a container's plain environment as a name-to-value map. */
export function environmentOf(definition: Record<string, any>): Record<string, unknown> {
  return Object.fromEntries((definition.Environment ?? []).map((entry: { Name: string; Value: unknown }) => [entry.Name, entry.Value]));
}

/** Returns a container's secrets as a map from name to the JSON of their `ValueFrom`. */
export function secretsOf(definition: Record<string, any>): Record<string, string> {
  return Object.fromEntries((definition.Secrets ?? []).map((entry: { Name: string; ValueFrom: unknown }) =>
    [entry.Name, JSON.stringify(entry.ValueFrom)]));
}
