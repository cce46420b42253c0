#!/usr/bin/env python3
"""Validates JSON documents against the JSON Schemas in schemas/ (draft 2020-12).

Usage: scripts/json_schema_check.py --schema SCHEMA FILE... [--schema SCHEMA FILE...]...

Each FILE is one JSON document, or, when its name ends in .jsonl, one document per non-blank line.
Prints one JSON object per document: {"file", "line" (null for .json), "valid", "error"}.
Exit status: 0 every document is valid, 1 some are not, 2 usage or a schema is itself invalid,
3 the jsonschema package is missing.
"""
import json
import sys

try:
    import jsonschema
except ImportError:
    print("json_schema_check: the jsonschema package is missing: pip install jsonschema", file=sys.stderr)
    sys.exit(3)


def documents(path):
    """(line number or None, parsed value or the parse error) for each document in the file."""
    with open(path, "rb") as f:
        raw = f.read()
    if not path.endswith(".jsonl"):
        yield None, raw
        return
    for number, line in enumerate(raw.split(b"\n"), start=1):
        if line.strip():
            yield number, line


def check(validator, path):
    results = []
    for line, raw in documents(path):
        try:
            value = json.loads(raw)
        except ValueError as error:
            results.append({"file": path, "line": line, "valid": False, "error": "not JSON: %s" % error})
            continue
        error = jsonschema.exceptions.best_match(validator.iter_errors(value))
        where = "/".join(str(p) for p in error.absolute_path) if error else ""
        results.append({"file": path, "line": line, "valid": error is None,
                        "error": None if error is None else "at /%s: %s" % (where, error.message)})
    return results


def main(argv):
    validator = None
    any_invalid = False
    i = 0
    if not argv or argv[0] != "--schema":
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    while i < len(argv):
        if argv[i] == "--schema":
            if i + 1 >= len(argv):
                print("json_schema_check: --schema needs a path", file=sys.stderr)
                return 2
            with open(argv[i + 1]) as f:
                schema = json.load(f)
            try:
                jsonschema.Draft202012Validator.check_schema(schema)
            except jsonschema.exceptions.SchemaError as error:
                print("json_schema_check: %s is not a valid draft 2020-12 schema: %s" % (argv[i + 1], error.message),
                      file=sys.stderr)
                return 2
            validator = jsonschema.Draft202012Validator(schema)
            i += 2
            continue
        for result in check(validator, argv[i]):
            any_invalid = any_invalid or not result["valid"]
            print(json.dumps(result, sort_keys=True))
        i += 1
    return 1 if any_invalid else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
