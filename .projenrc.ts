import { awscdk, javascript } from 'projen';

// The peer floor is the oldest aws-cdk-lib that cdk-nag 3 accepts as a peer, because the
// library's cdk-nag acknowledgements use the core `Validations` API that cdk-nag 3 reads.
// The build pins the development copy to the same version: it is also the newest release
// whose cloud assembly (schema 53) the newest integ-runner (2.197.x) can read, and it
// proves that the floor really works.
const CDK_PEER_FLOOR = '2.257.0';

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-postiz',
  description:
    'AWS CDK constructs that deploy Postiz, the open-source social media scheduler, as a production platform on AWS.',
  author: 'cdk-postiz developers',
  authorAddress: 'maintainers@cdk-postiz.dev',
  repositoryUrl: 'https://github.com/cdk-postiz/cdk-postiz.git',
  license: 'Apache-2.0',
  keywords: ['cdk', 'awscdk', 'postiz', 'ecs', 'aurora', 'cloudfront', 'social-media'],
  stability: 'experimental',

  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  minNodeVersion: '20.0.0',

  cdkVersion: CDK_PEER_FLOOR,
  constructsVersion: '10.5.1',
  jsiiVersion: '~6.0.0',
  tsconfigDevFile: 'tsconfig.dev.json',

  publishToPypi: {
    distName: 'cdk-postiz',
    module: 'cdk_postiz',
  },
  publishToMaven: {
    javaPackage: 'io.github.cdkpostiz',
    mavenGroupId: 'io.github.cdkpostiz',
    mavenArtifactId: 'cdk-postiz',
  },

  devDeps: [
    'cdk-nag@3.0.2',
    '@aws-cdk/integ-tests-alpha@2.245.0-alpha.0',
    '@aws-cdk/integ-runner@2.197.10',
    '@aws-sdk/client-rds-data@^3',
    '@aws-sdk/client-secrets-manager@^3',
    '@aws-sdk/client-ecs@^3',
    '@aws-sdk/client-cloudwatch-logs@^3',
    '@aws-sdk/client-cloudformation@^3',
    '@aws-sdk/client-ec2@^3',
    '@aws-sdk/client-sqs@^3',
    // Bundled into the GCS bridge's Lambda code by esbuild, never shipped as a dependency.
    '@google-cloud/storage@^7',
    '@types/aws-lambda@^8',
    'pg@^8',
    '@types/pg@^8',
  ],

  // Every function is registered below, so each can have its own runtime.
  lambdaAutoDiscover: false,
  integrationTestAutoDiscover: false,

  jestOptions: {
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    passWithNoTests: false,
    jestConfig: {
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      // Synthesizing whole platforms is CPU bound; two workers match a small CI machine.
      maxWorkers: 2,
    },
  },

  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'integ', 'scripts', 'projenrc', '.projenrc.ts'],
    // Test, integration and script files belong to tsconfig.dev.json, which the
    // project service would not find by name.
    projectService: false,
    tsconfigPath: './tsconfig.dev.json',
    // The test task reports lint errors instead of rewriting files.
    commandOptions: { fix: false },
  },

  github: false,
  gitignore: [
    '/cdk.out/',
    '/integ/cdk-integ.out.*/',
    '/integ/**/cdk-integ.out.*/',
    '/.venv/',
    '/.tools/',
  ],
  npmIgnoreOptions: {
    ignorePatterns: ['/integ/', '/scripts/', '/.ci/', '/.venv/', '/cdk.out/', 'requirements-dev.txt'],
  },
});

// Lambda handlers. Node.js 22 and 24 runtimes ship AWS SDK for JavaScript v3, so the bundles
// leave it out. The GCS bridge runs on Node.js 22 and bundles @google-cloud/storage.
const awsSdkExternal: javascript.BundlingOptions = { externals: ['@aws-sdk/*'], sourcemap: false };
const lambdaEntrypoints: Array<[string, awscdk.LambdaRuntime]> = [
  ['src/compute/one-off-task.lambda.ts', awscdk.LambdaRuntime.NODEJS_24_X],
  ['src/data/connection-url.lambda.ts', awscdk.LambdaRuntime.NODEJS_24_X],
  ['src/data/database-provisioner.lambda.ts', awscdk.LambdaRuntime.NODEJS_24_X],
  ['src/edge/vpc-origin-security-group.lambda.ts', awscdk.LambdaRuntime.NODEJS_24_X],
  ['src/gcs/gcs-bridge.lambda.ts', awscdk.LambdaRuntime.NODEJS_22_X],
  ['src/sso/random-secret-rotation.lambda.ts', awscdk.LambdaRuntime.NODEJS_24_X],
  ['src/sso/secret-redeploy.lambda.ts', awscdk.LambdaRuntime.NODEJS_24_X],
];
for (const [entrypoint, runtime] of lambdaEntrypoints) {
  new awscdk.LambdaFunction(project, {
    entrypoint,
    runtime,
    cdkDeps: project.cdkDeps,
    bundlingOptions: awsSdkExternal,
  });
}

// The cost estimate command, run as `npx cdk-postiz-cost` in an app that depends on this package.
project.addBins({ 'cdk-postiz-cost': 'lib/cost/cli.js' });

project.tsconfigDev.addInclude('.projenrc.ts');
for (const generated of ['lib', 'dist', 'cdk.out', 'assets', '.venv', 'integ/**/*.snapshot', 'integ/**/cdk-integ.out.*']) {
  project.tsconfigDev.addExclude(generated);
}

// Run every check the README promises in one place: unit tests, eslint, the integ-runner
// snapshot check and the template linters over the synthesized example app.
const integSnapshot = project.addTask('integ:snapshot', {
  description: 'Synthesize every integration test and compare it with its committed snapshot',
  exec: 'bash scripts/integ-snapshot.sh',
});
project.addTask('integ:update', {
  description: 'Rewrite the integration snapshots after an intended change (no deployment)',
  exec: 'bash scripts/integ-snapshot.sh --update',
});
const lintTemplates = project.addTask('lint:templates', {
  description: 'Run cfn-lint and checkov over the synthesized example templates',
  exec: 'bash scripts/lint-templates.sh',
});
project.addTask('example', {
  description: 'Synthesize the example platform into cdk.out and print a summary',
  exec: 'ts-node --project tsconfig.dev.json --transpile-only scripts/example.ts',
});
// Benchmarks print figures and are not spawned by the test task, so their timings cannot fail a build.
project.addTask('benchmark:gcs', {
  description: 'Measure the GCS bridge: bundle size, cold import, copy throughput, peak memory and monthly cost',
  exec: 'ts-node --project tsconfig.dev.json --transpile-only scripts/benchmark-gcs-bridge.ts',
});
project.testTask.spawn(integSnapshot);
project.testTask.spawn(lintTemplates);

// Package npm, PyPI and Maven artifacts on every build, including in CI, so a broken
// Python or Java binding fails the build instead of the release.
project.packageTask.reset();
project.packageTask.spawn(project.tasks.tryFind('package-all')!);

project.synth();
