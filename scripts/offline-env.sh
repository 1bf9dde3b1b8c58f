# Sourced by the check scripts: synthesis and snapshot checks must never reach AWS.
# Placeholder credentials stop the AWS SDK's credential chain before it probes the
# instance metadata service; nothing here makes an AWS call with them.
unset AWS_SESSION_TOKEN AWS_PROFILE AWS_DEFAULT_PROFILE AWS_CONTAINER_CREDENTIALS_RELATIVE_URI AWS_CONTAINER_CREDENTIALS_FULL_URI
export AWS_ACCESS_KEY_ID=offline
export AWS_SECRET_ACCESS_KEY=offline
export AWS_REGION=us-east-1
export AWS_DEFAULT_REGION=us-east-1
export AWS_EC2_METADATA_DISABLED=true
export CDK_DISABLE_CLI_TELEMETRY=true
export CDK_DISABLE_VERSION_CHECK=true
export TS_NODE_TRANSPILE_ONLY=true
export TS_NODE_PROJECT=tsconfig.dev.json
