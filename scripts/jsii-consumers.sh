#!/usr/bin/env bash
# Checks the Python and Java packages in dist/ (written by `npx projen build`) as a consumer
# uses them. For each language, installs the package into a fresh project in a temporary
# directory, synthesizes the platform of test/consumers and checks the template with
# test/consumers/check_template.py. Downloads aws-cdk-lib and the Maven plugins from PyPI
# and Maven Central unless the pip cache or the Maven local repository has them. The Maven
# local repository is MAVEN_LOCAL_REPOSITORY (default ~/.m2/repository), which overrides
# localRepository in settings.xml.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/offline-env.sh

repository_root=$PWD
domain_name=social.example.com
aws_cdk_lib_version=$(node -p "require('./package.json').devDependencies['aws-cdk-lib']")
constructs_version=$(node -p "require('./package.json').devDependencies['constructs']")
maven_local_repository=${MAVEN_LOCAL_REPOSITORY:-$HOME/.m2/repository}

work_dir=$(mktemp -d -t jsii-consumers.XXXXXX)
trap 'rm -rf "$work_dir"' EXIT

shopt -s nullglob
wheels=(dist/python/*.whl)
java_versions=(dist/java/io/github/cdkpostiz/cdk-postiz/*/)
shopt -u nullglob
if [[ ${#wheels[@]} -ne 1 || ${#java_versions[@]} -ne 1 ]]; then
  echo "Expected one wheel in dist/python and one version in dist/java/io/github/cdkpostiz/cdk-postiz," \
    "found ${#wheels[@]} and ${#java_versions[@]}. Run 'npx projen build' first." >&2
  exit 1
fi
cdk_postiz_version=$(basename "${java_versions[0]}")

run_python_consumer() {
  local venv="$work_dir/python-venv"
  local outdir="$work_dir/python-cdk.out"
  python3 -m venv "$venv"
  # The constraints keep pip on the versions the library is built and tested against
  # instead of the newest release that the wheel's ranges allow.
  printf 'aws-cdk-lib==%s\nconstructs==%s\n' "$aws_cdk_lib_version" "$constructs_version" > "$work_dir/constraints.txt"
  "$venv/bin/pip" install --quiet --constraint "$work_dir/constraints.txt" "${wheels[0]}"
  CDK_OUTDIR="$outdir" "$venv/bin/python" test/consumers/python/app.py
  python3 test/consumers/check_template.py "$outdir" --domain "$domain_name"
}

run_java_consumer() {
  local project="$work_dir/java-project"
  local outdir="$work_dir/java-cdk.out"
  cp -R test/consumers/java "$project"
  # Unreleased builds all have version 0.0.0, and Maven never re-fetches a release version that
  # is already in the local repository, so delete the copy from an earlier build first.
  rm -rf "$maven_local_repository/io/github/cdkpostiz/cdk-postiz/$cdk_postiz_version"
  # exec:java runs the app inside Maven's JVM. The jsii runtime starts node, which reads CDK_OUTDIR.
  (
    cd "$project"
    CDK_OUTDIR="$outdir" mvn -B -q -Dstyle.color=never \
      -Dmaven.repo.local="$maven_local_repository" \
      -Dcdk-postiz.repository="file://$repository_root/dist/java" \
      -Dcdk-postiz.version="$cdk_postiz_version" \
      -Daws-cdk-lib.version="$aws_cdk_lib_version" \
      -Dconstructs.version="$constructs_version" \
      compile exec:java
  )
  python3 test/consumers/check_template.py "$outdir" --domain "$domain_name"
}

for language in python java; do
  echo "== $language consumer: cdk-postiz $cdk_postiz_version, aws-cdk-lib $aws_cdk_lib_version"
  started=$SECONDS
  "run_${language}_consumer"
  echo "== $language consumer passed in $((SECONDS - started)) s"
done
