import aws_cdk as cdk
from aws_cdk import aws_route53 as route53
from cdk_postiz import DeploymentProfile, PostizDataOptions, PostizDatabaseOptions, PostizPlatform

app = cdk.App()
# No account: the template deploys to any account, and synthesis needs no AWS lookup.
stack = cdk.Stack(app, "Postiz", env=cdk.Environment(region="us-east-1"))

zone = route53.HostedZone.from_hosted_zone_attributes(
    stack,
    "Zone",
    hosted_zone_id="Z0123456789EXAMPLE",
    zone_name="example.com",
)

PostizPlatform(
    stack,
    "Postiz",
    domain_name="social.example.com",
    hosted_zone=zone,
    profile=DeploymentProfile.DEVELOPMENT,
    data=PostizDataOptions(database=PostizDatabaseOptions(max_capacity=4)),
)

app.synth()
