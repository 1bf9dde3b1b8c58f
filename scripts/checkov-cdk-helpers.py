"""Copies CloudFormation templates and adds checkov skips to aws-cdk-lib's cross-region reference functions.

Usage: checkov-cdk-helpers.py OUTPUT_DIR TEMPLATE...

Each template is written to OUTPUT_DIR under its own relative path. The functions of
cross-region references (logical ids starting with CustomCrossRegionExport) run only
during deployments, like the library's own custom resource handlers, and get the same skips.
"""
import json
import os
import sys

HELPER_PREFIX = "CustomCrossRegionExport"
SKIPS = [
    ("CKV_AWS_115", "Runs only during deployments; reserved concurrency would only take account capacity."),
    ("CKV_AWS_116", "Invoked synchronously by CloudFormation, which reports failures; a dead-letter queue would stay empty."),
    ("CKV_AWS_117", "Calls only public AWS APIs (SSM Parameter Store in other regions) and needs no VPC."),
]


def add_skips(template: dict) -> int:
    """Adds the skips to every cross-region reference function and returns how many it changed."""
    changed = 0
    for logical_id, resource in template.get("Resources", {}).items():
        if not logical_id.startswith(HELPER_PREFIX) or resource.get("Type") != "AWS::Lambda::Function":
            continue
        checkov = resource.setdefault("Metadata", {}).setdefault("checkov", {"skip": []})
        known = {entry["id"] for entry in checkov["skip"]}
        checkov["skip"].extend({"id": check, "comment": reason} for check, reason in SKIPS if check not in known)
        changed += 1
    return changed


def main() -> None:
    output_dir, templates = sys.argv[1], sys.argv[2:]
    for path in templates:
        with open(path, encoding="utf-8") as source:
            template = json.load(source)
        add_skips(template)
        target = os.path.join(output_dir, path)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "w", encoding="utf-8") as copy:
            json.dump(template, copy)


if __name__ == "__main__":
    main()
