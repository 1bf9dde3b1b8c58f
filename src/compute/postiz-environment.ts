import { Duration } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';

/**
 * The environment contract of the Postiz image: which variables each tier gets and the
 * checks on user-supplied ones. Facts are from gitroomhq/postiz-app v2.23.0.
 */

/** Tiers that run the Postiz image. */
export type PostizTier = 'web' | 'worker' | 'schema';

/**
 * Flags that Postiz tests for any non-empty value, so "false" turns them on. They must be
 * left unset to be off.
 */
export const TRUTHY_FLAGS = ['IS_GENERAL', 'POSTIZ_GENERIC_OAUTH', 'NOT_SECURED', 'RUN_CRON', 'DISABLE_IMAGE_COMPRESSION'];

/** Variables that hold URLs Postiz compares with the browser's, without a trailing slash. */
const URL_VARIABLES = ['MAIN_URL', 'FRONTEND_URL', 'NEXT_PUBLIC_BACKEND_URL', 'BACKEND_INTERNAL_URL'];

/** Variable names that carry credentials and so must come from Secrets Manager. */
const SECRET_NAME = /(SECRET|PASSWORD|PASS$|PWD$|TOKEN|API_KEY|ACCESS_KEY|PRIVATE_KEY|SIGNING_KEY|CREDENTIALS|(^|_)AUTH$|^DATABASE_URL$|^REDIS_URL$)/;

/** A URL with a user name and password in it. */
const URL_WITH_CREDENTIALS = /^[a-z][a-z0-9+.-]*:\/\/[^/@\s]+:[^/@\s]+@/i;

/** The Postiz release this library is tested against. */
export const POSTIZ_IMAGE = 'ghcr.io/gitroomhq/postiz-app:v2.23.0';

/** Port of the Postiz backend inside the image; its nginx proxies /api/ to it. */
export const BACKEND_PORT = 3000;

/** Port of the image's nginx, which serves the frontend, /api/ and /uploads/. */
export const WEB_PORT = 5000;

/** Port of the orchestrator's health endpoint (ORCHESTRATOR_PORT's default). */
export const ORCHESTRATOR_PORT = 3002;

/** Directory of uploaded media inside the containers, mounted from EFS. */
export const UPLOAD_DIRECTORY = '/uploads';

/**
 * Inputs of the environment that the platform decides.
 */
export interface PostizEnvironmentInputs {
  readonly domainName: string;
  readonly temporalAddress?: string;
  readonly temporalNamespace?: string;
  readonly temporalTls: boolean;
  readonly disableRegistration: boolean;
  readonly runCron: boolean;
  readonly workerConcurrencyDivider: number;
}

/**
 * Returns the plain environment of one tier. Secrets (DATABASE_URL, REDIS_URL, JWT_SECRET,
 * TEMPORAL_API_KEY) are not part of it: they reach containers as ECS secrets.
 */
export function postizEnvironment(tier: PostizTier, inputs: PostizEnvironmentInputs): Record<string, string> {
  const origin = `https://${inputs.domainName}`;
  const environment: Record<string, string> = {
    // One host serves the frontend, /api and /uploads, so every public URL shares it.
    MAIN_URL: origin,
    FRONTEND_URL: origin,
    NEXT_PUBLIC_BACKEND_URL: `${origin}/api`,
    BACKEND_INTERNAL_URL: `http://localhost:${BACKEND_PORT}`,
    IS_GENERAL: 'true',
    STORAGE_PROVIDER: 'local',
    UPLOAD_DIRECTORY,
    NEXT_PUBLIC_UPLOAD_DIRECTORY: UPLOAD_DIRECTORY,
  };
  if (inputs.temporalAddress) {
    environment.TEMPORAL_ADDRESS = inputs.temporalAddress;
  }
  if (inputs.temporalNamespace) {
    environment.TEMPORAL_NAMESPACE = inputs.temporalNamespace;
  }
  if (inputs.temporalTls) {
    environment.TEMPORAL_TLS = 'true';
  }
  // Postiz compares DISABLE_REGISTRATION with 'true'; the first account can always register.
  environment.DISABLE_REGISTRATION = inputs.disableRegistration ? 'true' : 'false';

  if (tier === 'web' && inputs.runCron) {
    // The backend starts the missing-post workflow under a fixed id, so every replica may.
    environment.RUN_CRON = 'true';
  }
  if (tier === 'worker') {
    // Provider concurrency limits are divided by this number on each worker, so the sum
    // over the largest possible fleet stays within each social network's limit.
    environment.WORKER_CONCURRENCY_DIVIDER = String(inputs.workerConcurrencyDivider);
    environment.ORCHESTRATOR_PORT = String(ORCHESTRATOR_PORT);
  }
  return environment;
}

/**
 * Rejects user-supplied variables that would break Postiz or leak a secret: credentials
 * as plain values, "false" for a flag tested for any value, and URLs with a trailing slash.
 */
export function validateUserEnvironment(propName: string, environment: Record<string, string> = {}): void {
  for (const [name, value] of Object.entries(environment)) {
    // Names such as POSTIZ_OAUTH_TOKEN_URL hold public endpoints, unless the URL carries a password.
    const publicUrl = name.endsWith('_URL') && !['DATABASE_URL', 'REDIS_URL'].includes(name) && !URL_WITH_CREDENTIALS.test(value);
    if ((SECRET_NAME.test(name) && !publicUrl) || URL_WITH_CREDENTIALS.test(value)) {
      throw new Error(
        `${propName}.${name} looks like a credential, and plain environment variables are visible in the task ` +
        'definition. Pass it in the matching secrets prop as ecs.Secret.fromSecretsManager(secret, \'field\').',
      );
    }
    if (TRUTHY_FLAGS.includes(name) && /^(false|0|no|off|)$/i.test(value.trim())) {
      throw new Error(
        `${propName}.${name} is '${value}', but Postiz turns ${name} on for any non-empty value. ` +
        `Remove ${name} to turn it off.`,
      );
    }
    if (URL_VARIABLES.includes(name) && value.endsWith('/')) {
      throw new Error(
        `${propName}.${name} '${value}' ends with a slash, which breaks Postiz's URL comparisons. ` +
        'Remove the trailing slash.',
      );
    }
    if (name === 'PORT') {
      throw new Error(
        `${propName}.PORT is set, but the image's nginx expects the backend on port ${BACKEND_PORT}. Remove PORT.`,
      );
    }
  }
}

/**
 * Waits until TEMPORAL_ADDRESS accepts TCP connections (for up to 10 minutes), so the
 * backend does not boot without Temporal and crash on its search attribute registration.
 */
const WAIT_FOR_TEMPORAL = 'node -e "'
  + 'const [h,p]=(process.env.TEMPORAL_ADDRESS||\'localhost:7233\').split(\':\');'
  + 'const end=Date.now()+600000;'
  + '(function t(){const s=require(\'net\').connect(+p,h,()=>{s.end();process.exit(0)});'
  + 's.on(\'error\',()=>{if(Date.now()>end){console.error(\'Temporal at \'+h+\':\'+p+\' did not accept connections in 10 minutes\');process.exit(1)}'
  + 'console.log(\'Waiting for Temporal at \'+h+\':\'+p);setTimeout(t,5000)})})()"';

/**
 * Default commands of the tiers. The image's own command would also run `prisma db push`
 * in every replica, which the one-off schema update task does once per rollout instead.
 */
export const DEFAULT_COMMANDS = {
  web: ['sh', '-c', `${WAIT_FOR_TEMPORAL} && nginx && pnpm --filter ./apps/backend --filter ./apps/frontend run --parallel pm2 && pm2 logs`],
  worker: ['sh', '-c', `${WAIT_FOR_TEMPORAL} && exec pnpm run start:prod:orchestrator`],
  schema: ['sh', '-c', 'pnpm run prisma-db-push'],
};


/**
 * Returns a container health check that fetches a local URL with Node.js, which the
 * Postiz image has (it has no curl or wget).
 */
export function httpHealthCheck(url: string, startPeriod: Duration, timeout = Duration.seconds(10)): ecs.HealthCheck {
  const script = `require('http').get('${url}',r=>process.exit(r.statusCode===200?0:1)).on('error',()=>process.exit(1))`;
  return {
    command: ['CMD', 'node', '-e', script],
    interval: Duration.seconds(30),
    timeout,
    retries: 3,
    startPeriod,
  };
}
