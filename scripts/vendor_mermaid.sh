#!/usr/bin/env bash
# Refresh the vendored mermaid (the review site must work offline). Usage: scripts/vendor_mermaid.sh 11.17.2
set -euo pipefail
version="${1:?mermaid version, e.g. 11.17.2}"
target="$(cd "$(dirname "$0")/.." && pwd)/src/cmc_dossier/site/assets"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack "mermaid@${version}" --silent >/dev/null && tar xzf mermaid-*.tgz)
cp "$work/package/dist/mermaid.min.js" "$target/mermaid.min.js"
cp "$work/package/LICENSE" "$target/mermaid-LICENSE.txt"
echo "mermaid ${version}" > "$target/mermaid-VERSION.txt"
