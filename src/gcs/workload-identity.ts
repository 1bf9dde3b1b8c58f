import type { WorkloadIdentityFederationProps } from './gcs-credentials';

/** Subject token type of AWS workloads: a signed `GetCallerIdentity` request. */
export const AWS_SUBJECT_TOKEN_TYPE = 'urn:ietf:params:aws:token-type:aws4_request';

/**
 * Builds the `external_account` credential configuration that Google auth libraries read
 * to exchange AWS credentials for Google access tokens.
 *
 * The configuration names no metadata endpoint (`url`, `region_url`), so the client reads AWS
 * credentials and region only from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
 * `AWS_SESSION_TOKEN` and `AWS_REGION`. Lambda sets these variables. Fargate tasks do not, and
 * have no instance metadata service either, so this configuration does not work in ECS tasks.
 */
export function workloadIdentityCredentialConfiguration(props: WorkloadIdentityFederationProps): Record<string, unknown> {
  const audience = `//iam.googleapis.com/projects/${props.projectNumber}/locations/global/`
    + `workloadIdentityPools/${props.poolId}/providers/${props.providerId}`;
  return {
    universe_domain: 'googleapis.com',
    type: 'external_account',
    audience,
    subject_token_type: AWS_SUBJECT_TOKEN_TYPE,
    token_url: 'https://sts.googleapis.com/v1/token',
    service_account_impersonation_url: 'https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/'
      + `${props.serviceAccountEmail}:generateAccessToken`,
    credential_source: {
      environment_id: 'aws1',
      regional_cred_verification_url: 'https://sts.{region}.amazonaws.com?Action=GetCallerIdentity&Version=2011-06-15',
    },
  };
}
