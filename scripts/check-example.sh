#!/usr/bin/env bash
# Builds and runs Examples/XORConsumer against this repository's HEAD the way an app would get
# Backprop: by URL and version. The real repository is never tagged or changed:
#
#  0. the version is the one Sources/Backprop/PackageVersion.swift declares; the example must
#     ask for it (`from: "<version>"`), and when the repository carries the release tag (named
#     <version> or v<version>) it must be an annotated tag of a commit that declares that version;
#  1. the repository is cloned (git clone --bare file://…) into a temporary Backprop.git, so
#     the check reads what a user's clone gets. If the clone's release tag is on HEAD, it is the
#     tag that resolves. A fresh CI clone of main has no tags, and HEAD may be past the tag:
#     then the temporary clone (never the real repository) gets an annotated tag <version> on
#     HEAD, and the script says so. Uncommitted changes are not part of HEAD, so they are not
#     tested: commit first;
#  2. BACKPROP_PACKAGE_URL=file://<that clone> makes the example's `from: "<version>"`
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

version="$(sed -n 's/.*static let current = "\(.*\)".*/\1/p' Sources/Backprop/PackageVersion.swift)"
if ! [[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
    echo "check-example: FAILED: Sources/Backprop/PackageVersion.swift declares no major.minor.patch version ('$version')"
    exit 1
fi
if ! grep -q "from: \"$version\"" Examples/XORConsumer/Package.swift; then
    echo "check-example: FAILED: Examples/XORConsumer/Package.swift does not ask for from: \"$version\", the declared version"
    exit 1
fi
tag=""
for candidate in "$version" "v$version"; do
    if git rev-parse --quiet --verify "refs/tags/$candidate" >/dev/null; then tag="$candidate"; break; fi
done
if [ -n "$tag" ]; then
    if [ "$(git cat-file -t "refs/tags/$tag")" != tag ]; then
        echo "check-example: FAILED: the tag $tag is a lightweight tag; a release tag is annotated (git tag -a)"
        exit 1
    fi
    if ! git show "$tag:Sources/Backprop/PackageVersion.swift" | grep -q "static let current = \"$version\""; then
        echo "check-example: FAILED: the commit of tag $tag does not declare version $version"
        exit 1
    fi
    echo "check-example: the repository's annotated tag $tag is on $(git rev-parse --short "$tag^{commit}")"
else
    echo "check-example: note: this clone has no tag $version or v$version (a fresh clone of main carries none)"
fi

repository="$temporary/Backprop.git"
head="$(git rev-parse HEAD)"
echo "check-example: git clone --bare file://$root $repository; push HEAD (${head:0:7}) to its branch check-head"
git clone --quiet --bare "file://$root" "$repository"
# HEAD may be a detached commit (CI) that no branch of the clone holds.
git push --quiet --force "$repository" "$head:refs/heads/check-head"
git -C "$repository" symbolic-ref HEAD refs/heads/check-head
if [ -n "$tag" ] && [ "$(git -C "$repository" rev-parse "$tag^{commit}")" = "$head" ]; then
    echo "check-example: the clone's tag $tag is HEAD: resolving the repository's own tag"
else
    # Any other version tags of the clone would compete with `from:`; only HEAD's counts here.
    git -C "$repository" tag | xargs -r git -C "$repository" tag -d >/dev/null
    if [ -n "$tag" ]; then
        echo "check-example: HEAD is past the tag $tag; the build below checks HEAD, not the tagged commit"
    fi
    echo "check-example: tagging HEAD $version (annotated) in the temporary clone only"
    git -C "$repository" -c user.name=check-example -c user.email=check-example@localhost \
        tag -a "$version" -m "Backprop $version (temporary, scripts/check-example.sh)" "$head"
fi

export BACKPROP_PACKAGE_URL="file://$repository"
example="$temporary/XORConsumer"
cp -R Examples/XORConsumer "$example"
rm -rf "$example/.build" "$example/Package.resolved"

echo "check-example: BACKPROP_PACKAGE_URL=$BACKPROP_PACKAGE_URL"
echo "check-example: swift build --package-path $example --scratch-path $temporary/build"
swift build --package-path "$example" --scratch-path "$temporary/build"
resolved="$(grep -A4 "\"location\" : \"$repository\"" "$example/Package.resolved" | sed -n 's/.*"version" : "\(.*\)".*/\1/p')"
if [ "$resolved" != "$version" ]; then
    echo "check-example: FAILED: Backprop resolved to '${resolved:-no version}', expected the tag $version"
    exit 1
fi
echo "check-example: Backprop resolved by version: $resolved"

echo "check-example: swift run --skip-build --package-path $example --scratch-path $temporary/build XORConsumer"
swift run --skip-build --package-path "$example" --scratch-path "$temporary/build" XORConsumer
echo "check-example: OK"
