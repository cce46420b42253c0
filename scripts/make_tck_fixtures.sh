#!/usr/bin/env bash
# Regenerates the PackSpec TCK vectors in fixtures/packspec_tck/v1 (or $1) byte-identically:
# valid packs with our own commands, broken variants with scripts/tck_mutate.py.
# Keys are committed once (keys/); Ed25519 signatures are deterministic, so signed packs repeat too.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/fixtures/packspec_tck/v1}"
bin="${GAITSTORE:-$root/.build/debug/gaitstore}"
keys="$root/fixtures/packspec_tck/v1/keys"
inputs="$root/fixtures/inputs"
mkdir -p "$out" "$keys"
if [ ! -f "$keys/signer_private.key" ]; then
  "$bin" key generate --format gait --out "$keys/signer_private.key" >/dev/null
  "$bin" key generate --format gait --out "$keys/other_private.key" >/dev/null
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Legacy runpacks (gait `run record`), then run packs built from them.
"$bin" run record --input "$inputs/run_record_input.json" --out-dir "$work/a" >/dev/null
"$bin" run record --input "$inputs/run_record_input_retrieved_later.json" --out-dir "$work/b" >/dev/null
cp "$work/a/runpack_run_tck.zip" "$out/runpack_run_tck.zip"
"$bin" pack build --type run --from "$out/runpack_run_tck.zip" --out "$out/pack_run.zip" >/dev/null
"$bin" pack build --type run --from "$work/b/runpack_run_tck.zip" --out "$out/pack_run_retrieved_later.zip" >/dev/null
"$bin" pack build --type run --from "$out/runpack_run_tck.zip" --key "$keys/signer_private.key" \
  --out "$out/pack_run_signed.zip" >/dev/null

# A job pack from a gait job directory, and a call pack from a call record. The call record names
# its runpack relative to itself, so that runpack is recorded into fixtures/inputs first.
"$bin" pack build --type job --from "$root/fixtures/gait-jobs/job_tck" --out "$out/pack_job.zip" >/dev/null
"$bin" run record --input "$inputs/call_run_record_input.json" --out-dir "$inputs" >/dev/null
"$bin" pack build --type call --from "$inputs/call_record.json" --out "$out/pack_call.zip" >/dev/null

# Broken variants of the valid run pack.
for kind in tampered-hash undeclared-file missing-file schema-invalid unknown-field duplicate-entry traversal-entry; do
  python3 "$root/scripts/tck_mutate.py" "$kind" "$out/pack_run.zip" "$out/${kind//-/_}.zip"
done

# A legacy guard evidence pack for the runpack.
rm -f "$out"/evidence_pack_*.zip
python3 "$root/scripts/tck_guard_pack.py" "$out/runpack_run_tck.zip" "$out/evidence_pack_{pack_id}.zip" >/dev/null
