#!/usr/bin/env python3
"""Builds a realistic AGS memory pack from the spec's rules alone (test tooling, no Swift involved).

Usage: ags_fixture.py OUT_DIR [NOTE]  -> prints {"pack": DIR, "digest": HEX, "files": {...}} as JSON.
NOTE, when given, becomes one more repository file (MEMORY/notes/note.md), for a second, different pack.
"""
import hashlib, json, os, sys

out = sys.argv[1]
sha = lambda data: hashlib.sha256(data).hexdigest()
big = b"".join(b"line %07d of a large governance document\n" % i for i in range(75000))
sources = {
    "AGENTS.md": b"# Agents\n\nRead the canon first.\n",
    "README.md": b"# AGS\r\nWritten on Windows.\r\n",
    "LAW/CANON/VERSIONING.md": b"canon_version: 3.1.4\n",
    "CAPABILITY/SKILLS/demo/run.py": b"#!/usr/bin/env python3\nprint('demo')\n",
    "NAVIGATION/MAPS/cafe\u0301.md": b"decomposed name\n",
    "MEMORY/notes/r\u00e9sum\u00e9.txt": b"composed name\n",
    "MEMORY/empty.txt": b"",
    "THOUGHT/LAB/big.json": big,
    ".github/workflows/ci.yml": b"on: push\n",
}
if len(sys.argv) > 2:
    sources["MEMORY/notes/note.md"] = sys.argv[2].encode("utf-8")
entries = [{"path": p, "hash": sha(b), "size": len(b)} for p, b in sources.items()]
entries.sort(key=lambda e: (e["path"], e["hash"]))
preimage = "".join("%s %d %s\n" % (e["hash"], e["size"], e["path"]) for e in entries)
digest = hashlib.sha256(preimage.encode("utf-8")).hexdigest()
pack = os.path.join(out, "llm-pack-ags-" + digest[:12])

def write(rel, data):
    path = os.path.join(pack, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)

def write_json(rel, value):
    write(rel, (json.dumps(value, indent=2, sort_keys=True) + "\n").encode("utf-8"))

for e in entries:
    write("repo/" + e["path"], sources[e["path"]])
os.chmod(os.path.join(pack, "repo/CAPABILITY/SKILLS/demo/run.py"), 0o755)
write("repo/CATALYTIC/AGENTS.md", b"an anchor copied from outside the scope root\n")
write_json("meta/REPO_STATE.json",
           {"canon_version": "3.1.4", "grammar_version": "1.0", "scope": "ags", "files": entries})
write("meta/BUILD_TREE.txt", b"BUILD is excluded from packs by contract.\n")
write("meta/START_HERE.md", b"# START HERE\n\n1) `repo/AGENTS.md`\n")
write_json("meta/PACK_INFO.json",
           {"scope": "ags", "title": "Agent Governance System (AGS)", "stamp": digest[:12], "version": "3.1.4"})
write_json("meta/PROVENANCE.json", {"generator": "LLM_PACKER", "scope": "ags"})
write_json("meta/REPO_OMITTED_BINARIES.json", [{"bytes": 2048, "repoRelPath": "assets/logo.png", "scope": "repo"}])
write("SPLIT/AGS-00_INDEX.md", b"# AGS Pack Index\n")
lite = {"version": "P2.0", "scope": "ags", "buckets": {}, "repo_state": {},
        "entries": [{"path": e["path"], "ref": "sha256:" + e["hash"], "bytes": e["size"],
                     "ext": os.path.splitext(e["path"])[1], "kind": "FILE"} for e in entries]}
write("LITE/PACK_MANIFEST.json",
      (json.dumps(lite, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n").encode("utf-8"))

index = []
for directory, _, names in os.walk(pack):
    for name in names:
        path = os.path.join(directory, name)
        with open(path, "rb") as f:
            data = f.read()
        index.append({"path": os.path.relpath(path, pack).replace(os.sep, "/"), "bytes": len(data), "sha256": sha(data)})
index.sort(key=lambda e: (e["path"], e["sha256"]))
write("meta/FILE_TREE.txt", ("\n".join(e["path"] for e in index) + "\n").encode("utf-8"))
write("FULL/AGS-FULL-TREEMAP-" + digest[:12] + ".md", b"# AGS TREEMAP\n")
write_json("meta/FILE_INDEX.json", index)

listing = {}
for directory, _, names in os.walk(pack):
    for name in names:
        path = os.path.join(directory, name)
        with open(path, "rb") as f:
            data = f.read()
        listing[os.path.relpath(path, pack)] = [sha(data), len(data), os.access(path, os.X_OK)]
print(json.dumps({"digest": digest, "pack": pack, "files": listing}))
