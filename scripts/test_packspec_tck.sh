#!/usr/bin/env bash
# Runs every PackSpec TCK vector through gaitstore and checks exit codes and key result fields.
# Usage: scripts/test_packspec_tck.sh [VECTOR_DIR]   (GAITSTORE=path/to/binary to choose the binary)
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="${1:-$root/fixtures/packspec_tck/v1}"
bin="${GAITSTORE:-$root/.build/debug/gaitstore}"
keys="$root/fixtures/packspec_tck/v1/keys"
passed=0
failed=0
out="$(mktemp)"
trap 'rm -f "$out" "$out.2"' EXIT

# field EXPR: evaluates a Python expression over the JSON in $out (bound to j).
field() { python3 -c "import json,sys; j=json.load(open(sys.argv[1])); print($1)" "$out" 2>/dev/null; }

# expect NAME WANT_EXIT [CHECK_EXPR WANT_VALUE]... -- ARGS...
expect() {
  local name="$1" want="$2"; shift 2
  local checks=()
  while [ "$1" != "--" ]; do checks+=("$1"); shift; done
  shift
  "$bin" "$@" >"$out" 2>/dev/null
  local got=$?
  local problem=""
  [ "$got" = "$want" ] || problem="exit $got, want $want"
  local i=0
  while [ $i -lt ${#checks[@]} ] && [ -z "$problem" ]; do
    local value; value="$(field "${checks[$i]}")"
    [ "$value" = "${checks[$((i+1))]}" ] || problem="${checks[$i]} = '$value', want '${checks[$((i+1))]}'"
    i=$((i+2))
  done
  if [ -z "$problem" ]; then passed=$((passed+1)); echo "ok   $name"; else failed=$((failed+1)); echo "FAIL $name: $problem"; fi
}

v() { echo "$dir/$1"; }

expect "valid run pack" 0 "j['ok']" True "j['verify']['pack_type']" run "j['verify']['proof_records_verified']" 3 -- pack verify --json "$(v pack_run.zip)"
expect "valid job pack" 0 "j['ok']" True "j['verify']['pack_type']" job -- pack verify --json "$(v pack_job.zip)"
expect "valid call pack" 0 "j['ok']" True "j['verify']['pack_type']" call -- pack verify --json "$(v pack_call.zip)"
expect "signed pack, right key, signature required" 0 "j['verify']['signature_status']" verified \
  -- pack verify --json --require-signature --public-key "$keys/signer_public.key" "$(v pack_run_signed.zip)"
expect "signed pack, strict profile, private key" 0 "j['verify']['signatures_valid']" 1 \
  -- pack verify --json --profile strict --private-key "$keys/signer_private.key" "$(v pack_run_signed.zip)"
expect "signed pack, wrong key" 2 "j['ok']" False "j['verify']['signature_status']" failed \
  -- pack verify --json --public-key "$keys/other_public.key" "$(v pack_run_signed.zip)"
expect "signed pack, no key" 0 "j['verify']['signature_status']" skipped -- pack verify --json "$(v pack_run_signed.zip)"
expect "unsigned pack, signature required" 2 "j['verify']['signature_status']" failed \
  "'manifest has no signatures' in j['verify']['signature_errors']" True \
  -- pack verify --json --require-signature --public-key "$keys/signer_public.key" "$(v pack_run.zip)"
expect "strict profile without a key" 6 "j['error_code']" invalid_input -- pack verify --json --profile strict "$(v pack_run.zip)"
expect "tampered hash" 2 "j['verify']['hash_mismatches'][0]['path']" run_payload.json -- pack verify --json "$(v tampered_hash.zip)"
expect "undeclared file" 2 "j['verify']['undeclared_files']" "['extra.txt']" -- pack verify --json "$(v undeclared_file.zip)"
expect "missing file" 2 "j['verify']['missing_files']" "['run_payload.json']" -- pack verify --json "$(v missing_file.zip)"
expect "schema-invalid manifest" 2 "j['error_code']" verification_failed \
  "j['error']" "parse manifest: unsupported manifest schema_id: gait.pack.invalid" -- pack verify --json "$(v schema_invalid.zip)"
expect "unknown manifest field" 2 "j['error']" 'parse manifest: parse pack manifest: json: unknown field "extra_field"' \
  -- pack verify --json "$(v unknown_field.zip)"
expect "duplicate entry" 2 "'duplicate entries: run_payload.json' in j['error']" True -- pack verify --json "$(v duplicate_entry.zip)"
expect "traversal entry" 2 "'../evil.txt' in j['error']" True -- pack verify --json "$(v traversal_entry.zip)"
expect "legacy runpack" 0 "j['verify']['legacy_type']" runpack "j['pack_type']" run -- pack verify --json "$(v runpack_run_tck.zip)"
expect "legacy evidence pack" 0 "j['verify']['legacy_type']" guard "j['pack_type']" guard \
  -- pack verify --json "$(ls "$dir"/evidence_pack_*.zip | head -n 1)"
expect "legacy evidence pack inspect" 0 "j['inspect']['legacy_type']" guard "j['inspect']['manifest']['template_id']" soc2 \
  -- pack inspect --json "$(ls "$dir"/evidence_pack_*.zip | head -n 1)"
expect "legacy runpack inspect" 0 "j['inspect']['legacy_type']" runpack "j['inspect']['run_lineage']['receipt_count']" 1 \
  -- pack inspect --json "$(v runpack_run_tck.zip)"
expect "not a zip" 6 "j['error_code']" invalid_input -- pack verify --json "$root/fixtures/inputs/run_record_input.json"
expect "job lineage" 0 "j['inspect']['job_lineage']['event_count']" 4 -- pack inspect --json "$(v pack_job.zip)"
expect "run lineage" 0 "j['inspect']['run_lineage']['intent_results'][0]['status']" ok -- pack inspect --json "$(v pack_run.zip)"
expect "diff run vs job" 2 "j['diff']['Result']['summary']['changed']" True -- pack diff --json "$(v pack_run.zip)" "$(v pack_job.zip)"
cp "$out" "$out.2"
expect "diff run vs job, again" 2 -- pack diff --json "$(v pack_run.zip)" "$(v pack_job.zip)"
if cmp -s "$out" "$out.2"; then passed=$((passed+1)); echo "ok   diff output is byte-identical across runs"; else failed=$((failed+1)); echo "FAIL diff output differs across runs"; fi
expect "diff of retrieval time only" 2 "j['diff']['Result']['summary']['context_drift_classification']" runtime_only \
  -- pack diff --json "$(v pack_run.zip)" "$(v pack_run_retrieved_later.zip)"
expect "diff of a pack with itself" 0 "j['diff']['Result']['summary']['changed']" False -- pack diff --json "$(v pack_job.zip)" "$(v pack_job.zip)"

echo "packspec tck: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
