#!/usr/bin/env bash
# `npm test`: everything — lint, typecheck, unit, integration, end-to-end in Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1 CHECKPOINT_DISABLE=1 PRISMA_HIDE_UPDATE_MESSAGE=1 AUTH_TRUST_HOST=true
bash scripts/install-system-deps.sh
# Each step says when it started, so a slow CI run shows where its minutes went.
step() { printf '\n\033[1m== %s\033[0m (at %ss)\n' "$*" "$SECONDS"; }
step "lint";        npx eslint --max-warnings=0 .
step "typecheck";   npx tsc --noEmit
step "unit + integration"; npx vitest run
step "build";       npx next build
step "end-to-end (Chromium)"; npx playwright test
step "done"
