/** An invocation of the bridge after validation. */
export type BridgeRequest =
  | { readonly kind: 'recent' }
  | { readonly kind: 'backfill'; readonly from: string; readonly to: string }
  | { readonly kind: 'probe' }
  | ProbeResourceRequest;

/** A CloudFormation custom resource request for the probe, sent by the CDK provider framework. */
export interface ProbeResourceRequest {
  readonly kind: 'custom-resource';
  readonly requestType: 'Create' | 'Update' | 'Delete';
  /** Bucket named in `ResourceProperties.Bucket`. */
  readonly bucket: string;
  /** Whether an unfilled placeholder secret lets the probe succeed, from `ResourceProperties.AllowUnfilledKey`. */
  readonly allowUnfilledKey: boolean;
  /** Physical id of the existing resource, absent for Create. */
  readonly physicalResourceId?: string;
  readonly logicalResourceId?: string;
}

/** The event shapes that the handler accepts, for error messages. */
export const ACCEPTED_EVENTS = [
  '{"mode":"recent"}',
  '{"mode":"backfill","from":"YYYY-MM-DD","to":"YYYY-MM-DD"}',
  '{"mode":"probe"}',
  'a CloudFormation custom resource event with RequestType Create, Update or Delete and ResourceProperties.Bucket',
];

const REQUEST_TYPES = new Set(['Create', 'Update', 'Delete']);

/**
 * Validates an invocation event. Throws an error that lists the accepted event shapes for any
 * other value. Messages name the event's fields but never repeat its values, because a custom
 * resource event carries a presigned response URL.
 */
export function parseBridgeEvent(event: unknown): BridgeRequest {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    throw unsupportedEvent(`an event of type ${Array.isArray(event) ? 'array' : event === null ? 'null' : typeof event}`);
  }
  const fields = event as Record<string, unknown>;
  if ('RequestType' in fields) {
    return parseCustomResourceEvent(fields);
  }
  switch (fields.mode) {
    case 'recent':
      return { kind: 'recent' };
    case 'probe':
      return { kind: 'probe' };
    case 'backfill':
      if (typeof fields.from !== 'string' || typeof fields.to !== 'string') {
        throw unsupportedEvent('a backfill event without string fields "from" and "to"');
      }
      return { kind: 'backfill', from: fields.from, to: fields.to };
    default:
      if (typeof fields.mode === 'string') {
        throw unsupportedEvent(`an event with mode ${JSON.stringify(fields.mode.slice(0, 40))}`);
      }
      throw unsupportedEvent(`an event with the fields [${Object.keys(fields).slice(0, 20).join(', ')}]`);
  }
}

function parseCustomResourceEvent(fields: Record<string, unknown>): ProbeResourceRequest {
  const requestType = fields.RequestType;
  if (typeof requestType !== 'string' || !REQUEST_TYPES.has(requestType)) {
    throw unsupportedEvent('a custom resource event whose RequestType is not Create, Update or Delete');
  }
  const properties = fields.ResourceProperties;
  if (typeof properties !== 'object' || properties === null) {
    throw unsupportedEvent('a custom resource event without ResourceProperties');
  }
  const { Bucket: bucket, AllowUnfilledKey: allowUnfilledKey } = properties as Record<string, unknown>;
  if (typeof bucket !== 'string' || bucket === '') {
    throw new Error('Custom resource property Bucket is missing or empty: the construct must set it to the bucket name.');
  }
  if (allowUnfilledKey !== undefined && allowUnfilledKey !== 'true' && allowUnfilledKey !== 'false') {
    throw new Error(
      `Invalid custom resource property AllowUnfilledKey ${JSON.stringify(allowUnfilledKey)}: use the string "true" or "false".`,
    );
  }
  return {
    kind: 'custom-resource',
    requestType: requestType as ProbeResourceRequest['requestType'],
    bucket,
    allowUnfilledKey: allowUnfilledKey === 'true',
    physicalResourceId: typeof fields.PhysicalResourceId === 'string' ? fields.PhysicalResourceId : undefined,
    logicalResourceId: typeof fields.LogicalResourceId === 'string' ? fields.LogicalResourceId : undefined,
  };
}

function unsupportedEvent(description: string): Error {
  return new Error(`Unsupported event: the function received ${description}. It accepts ${ACCEPTED_EVENTS.join('; ')}.`);
}
