#!/usr/bin/env python3
"""Writes a legacy gait guard evidence pack (packspec §12) for a runpack, deterministically.

gaitstore verifies these but never builds them (gait's `guard pack` does), so the TCK makes one
with this test tool, following gait's minimal layout: runpack_summary.json,
referenced_runpacks.json, control_index.json, evidence_pointers.json, pack_manifest.json.
"""
import hashlib
import json
import sys
import zipfile

FIXED = (1980, 1, 1, 0, 0, 0)


def canonical(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def main():
    runpack, out = sys.argv[1], sys.argv[2]
    with zipfile.ZipFile(runpack) as z:
        manifest = json.loads(z.read("manifest.json"))
        run = json.loads(z.read("run.json"))
        refs = json.loads(z.read("refs.json"))
        intents = [l for l in z.read("intents.jsonl").split(b"\n") if l.strip()]
        results = [l for l in z.read("results.jsonl").split(b"\n") if l.strip()]
    receipts = refs.get("receipts") or []
    summary = canonical({"run_id": run["run_id"], "manifest_digest": manifest["manifest_digest"],
                         "capture_mode": manifest["capture_mode"], "intent_count": len(intents),
                         "result_count": len(results), "receipt_count": len(receipts)})
    referenced = canonical({"run_id": run["run_id"], "references": len(receipts), "receipts": sorted(
        [{k: r[k] for k in ("ref_id", "source_type", "source_locator", "content_digest", "retrieved_at")} for r in receipts],
        key=lambda r: r["ref_id"])})
    early = {"referenced_runpacks.json": (referenced, "evidence"), "runpack_summary.json": (summary, "runpack")}
    early_entries = sorted([{"path": p, "sha256": hashlib.sha256(d).hexdigest(), "type": t} for p, (d, t) in early.items()],
                           key=lambda e: e["path"])
    control_index = [
        {"control_id": "CC6.6", "title": "Change Management Evidence", "evidence_paths": ["referenced_runpacks.json"]},
        {"control_id": "CC7.2", "title": "Operational Monitoring", "evidence_paths": []},
        {"control_id": "CC8.1", "title": "Incident Evidence Integrity",
         "evidence_paths": ["referenced_runpacks.json", "runpack_summary.json"]},
    ]
    pointers = [{"pointer_id": "ev_%03d" % (i + 1), "path": e["path"], "type": e["type"], "sha256": e["sha256"]}
                for i, e in enumerate(early_entries)]
    files = {p: d for p, (d, _) in early.items()}
    files["control_index.json"] = canonical(control_index)
    files["evidence_pointers.json"] = canonical(pointers)
    contents = sorted([{"path": p, "sha256": hashlib.sha256(d).hexdigest(),
                        "type": early[p][1] if p in early else "report"} for p, d in files.items()],
                      key=lambda e: e["path"])
    pack_id = "pack_" + hashlib.sha256(canonical({"run_id": run["run_id"], "contents": contents})).hexdigest()[:16]
    created = run["created_at"]
    files["pack_manifest.json"] = canonical({
        "schema_id": "gait.guard.pack_manifest", "schema_version": "1.0.0", "created_at": created,
        "generated_at": created, "producer_version": run.get("producer_version", "0.0.0-dev"), "pack_id": pack_id,
        "run_id": run["run_id"], "template_id": "soc2", "control_index": control_index,
        "evidence_pointers": pointers, "contents": contents})
    target = out.replace("{pack_id}", pack_id)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=5) as z:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=FIXED)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o100644 << 16
            z.writestr(info, files[name])
    print(target)


if __name__ == "__main__":
    main()
