#!/usr/bin/env bash
# Deploys the shop: written for the cloc agreement test.
set -euo pipefail

name="shop"   # trailing comment
echo "deploying ${name}" \

echo done
  # indented comment
