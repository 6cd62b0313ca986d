#!/usr/bin/env bash
# Builds and runs Examples/XORConsumer against this repository's HEAD the way an app would get
# Backprop: by URL and version. The real repository is never tagged or changed:
#
#  1. HEAD is pushed into a temporary bare repository named Backprop.git, which is tagged 0.1.0
#     (uncommitted changes are not part of HEAD, so they are not tested: commit first);
#  2. BACKPROP_PACKAGE_URL=file://<that repository> makes the example's `from: "0.1.0"`
#     dependency resolve to it;
#  3. the example is copied next to it, so its Package.resolved (which pins the temporary URL)
#     stays out of the work tree, and built and run with its own scratch path;
#  4. the temporary directory is removed on exit, whatever happened.
#
# The example exits non-zero unless the network it trains classifies XOR perfectly.
#
#   scripts/check-example.sh
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d /opt/swift/usr/bin ] && export PATH="/opt/swift/usr/bin:$PATH"

root="$(pwd)"
temporary="$(mktemp -d "${TMPDIR:-/tmp}/backprop-example.XXXXXX")"
# SwiftPM also leaves lock files named after the scratch path in the temporary directory.
locks="${TMPDIR:-/tmp}/$(printf '%s' "$temporary" | tr / _)_"
trap 'echo "check-example: removing $temporary"; rm -rf "$temporary" "$locks"*.lock' EXIT

if [ -n "$(git status --porcelain --untracked-files=no)" ]; then
    echo "check-example: note: the work tree has uncommitted changes; testing HEAD without them"
fi

repository="$temporary/Backprop.git"
echo "check-example: git init --bare $repository; push HEAD ($(git rev-parse --short HEAD)) as main, tag 0.1.0 there"
git init --quiet --bare "$repository"
git push --quiet "$repository" HEAD:refs/heads/main
git -C "$repository" symbolic-ref HEAD refs/heads/main
git -C "$repository" tag 0.1.0 main

export BACKPROP_PACKAGE_URL="file://$repository"
example="$temporary/XORConsumer"
cp -R Examples/XORConsumer "$example"
rm -rf "$example/.build" "$example/Package.resolved"

echo "check-example: BACKPROP_PACKAGE_URL=$BACKPROP_PACKAGE_URL"
echo "check-example: swift build --package-path $example --scratch-path $temporary/build"
swift build --package-path "$example" --scratch-path "$temporary/build"
resolved="$(grep -A4 "\"location\" : \"$repository\"" "$example/Package.resolved" | sed -n 's/.*"version" : "\(.*\)".*/\1/p')"
if [ "$resolved" != "0.1.0" ]; then
    echo "check-example: FAILED: Backprop resolved to '${resolved:-no version}', expected the tag 0.1.0"
    exit 1
fi
echo "check-example: Backprop resolved by version: $resolved"

echo "check-example: swift run --skip-build --package-path $example --scratch-path $temporary/build XORConsumer"
swift run --skip-build --package-path "$example" --scratch-path "$temporary/build" XORConsumer
echo "check-example: OK"
