package io.github.cdkpostiz.consumer;

import io.github.cdkpostiz.DeploymentProfile;
import io.github.cdkpostiz.PostizDataOptions;
import io.github.cdkpostiz.PostizDatabaseOptions;
import io.github.cdkpostiz.PostizPlatform;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.route53.HostedZone;
import software.amazon.awscdk.services.route53.HostedZoneAttributes;
import software.amazon.awscdk.services.route53.IHostedZone;

/**
 * Synthesizes the platform of test/consumers/python/app.py from Java, into the directory
 * that the CDK_OUTDIR environment variable names.
 */
public final class App {
    private App() {
    }

    public static void main(final String[] args) {
        software.amazon.awscdk.App app = new software.amazon.awscdk.App();
        // No account: the template deploys to any account, and synthesis needs no AWS lookup.
        Stack stack = new Stack(app, "Postiz", StackProps.builder()
                .env(Environment.builder().region("us-east-1").build())
                .build());

        IHostedZone zone = HostedZone.fromHostedZoneAttributes(stack, "Zone", HostedZoneAttributes.builder()
                .hostedZoneId("Z0123456789EXAMPLE")
                .zoneName("example.com")
                .build());

        PostizPlatform.Builder.create(stack, "Postiz")
                .domainName("social.example.com")
                .hostedZone(zone)
                .profile(DeploymentProfile.DEVELOPMENT)
                .data(PostizDataOptions.builder()
                        .database(PostizDatabaseOptions.builder().maxCapacity(4).build())
                        .build())
                .build();

        app.synth();
    }
}
