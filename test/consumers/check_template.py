"""Check the platform stack of a synthesized cloud assembly for the key Postiz resources.

Usage: check_template.py ASSEMBLY_DIR --domain social.example.com [--stack Postiz]

Exits with 1 and lists every failed check when a resource is missing, appears too often,
or the CloudFront distribution does not serve the domain.
"""

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

# Resource type, minimum count and maximum count (None: no maximum) in the platform stack.
EXPECTED_RESOURCES = [
    ("AWS::RDS::DBCluster", 1, 1),
    ("AWS::ElastiCache::ReplicationGroup", 1, 1),
    ("AWS::EFS::FileSystem", 1, 1),
    ("AWS::CloudFront::Distribution", 1, 1),
    ("AWS::WAFv2::WebACL", 1, 1),
    # The web tier, the worker tier and Temporal.
    ("AWS::ECS::Service", 3, None),
    ("AWS::Backup::BackupPlan", 1, 1),
    ("AWS::CloudWatch::Dashboard", 1, 1),
]


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assembly", type=Path, help="cloud assembly directory (the app's CDK_OUTDIR)")
    parser.add_argument("--domain", required=True, help="domain name the CloudFront distribution must serve")
    parser.add_argument(
        "--stack",
        help="artifact id of the platform stack (default: the only stack in the assembly)",
    )
    return parser.parse_args()


def find_template(assembly: Path, stack: str | None) -> Path:
    """Return the template file of the stack, or exit when the assembly does not contain it."""
    manifest_file = assembly / "manifest.json"
    if not manifest_file.is_file():
        sys.exit(f"{manifest_file} not found: {assembly} is not a cloud assembly directory.")

    artifacts = json.loads(manifest_file.read_text())["artifacts"]
    stacks = {
        artifact_id: artifact["properties"]["templateFile"]
        for artifact_id, artifact in artifacts.items()
        if artifact["type"] == "aws:cloudformation:stack"
    }
    if stack is None:
        if len(stacks) != 1:
            sys.exit(f"{assembly} contains {len(stacks)} stacks ({', '.join(sorted(stacks))}). Pass one with --stack.")
        stack = next(iter(stacks))
    if stack not in stacks:
        sys.exit(f"Stack {stack} not found in {assembly}. Its stacks: {', '.join(sorted(stacks)) or 'none'}.")
    return assembly / stacks[stack]


def check_resources(resources: dict) -> list[str]:
    counts = Counter(resource["Type"] for resource in resources.values())
    failures = []
    for resource_type, minimum, maximum in EXPECTED_RESOURCES:
        count = counts[resource_type]
        if minimum <= count and (maximum is None or count <= maximum):
            continue
        if maximum is None:
            expected = f"at least {minimum}"
        elif minimum == maximum:
            expected = f"exactly {minimum}"
        else:
            expected = f"{minimum} to {maximum}"
        failures.append(f"expected {expected} {resource_type}, found {count}")
    return failures


def check_aliases(resources: dict, domain: str) -> list[str]:
    failures = []
    for logical_id, resource in resources.items():
        if resource["Type"] != "AWS::CloudFront::Distribution":
            continue
        aliases = resource.get("Properties", {}).get("DistributionConfig", {}).get("Aliases", [])
        if domain not in aliases:
            failures.append(f"distribution {logical_id} has Aliases {aliases}, expected them to contain {domain}")
    return failures


def main() -> None:
    arguments = parse_arguments()
    template_file = find_template(arguments.assembly, arguments.stack)
    resources = json.loads(template_file.read_text()).get("Resources", {})

    failures = check_resources(resources) + check_aliases(resources, arguments.domain)
    if failures:
        print(f"{template_file}: {len(failures)} check(s) failed:", file=sys.stderr)
        for failure in failures:
            print(f"  - {failure}", file=sys.stderr)
        sys.exit(1)
    print(f"{template_file}: all {len(EXPECTED_RESOURCES) + 1} checks passed ({len(resources)} resources)")


if __name__ == "__main__":
    main()
