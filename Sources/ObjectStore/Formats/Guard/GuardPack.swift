/// Legacy guard evidence packs (`evidence_pack_<id>.zip`, packspec §12): verified, never built.
public enum GuardPack {
    public static let schemaID = "gait.guard.pack_manifest"

    struct Manifest {
        var fields: GoFields
        var packID: String
        var runID: String
        var contents: [PackEntry]
        var signatures: [ManifestSignature]

        /// The guard manifest struct re-marshalled without signatures: what its signature covers.
        func signable() throws -> JSONValue {
            let f = fields
            var o = GoObject()
            o.put("schema_id", try f.string("schema_id"))
            o.put("schema_version", try f.string("schema_version"))
            o.put("created_at", try f.time("created_at"))
            o.put("producer_version", try f.string("producer_version"))
            o.put("pack_id", packID)
            o.put("run_id", runID)
            o.putOmitEmpty("case_id", try f.string("case_id"))
            o.putOmitEmpty("template_id", try f.string("template_id"))
            o.put("generated_at", try f.time("generated_at"))
            o.putOmitEmpty("control_index", try (f.array("control_index") ?? []).map { item -> JSONValue in
                let c = try GoFields(item, type: "Control", known: ["control_id", "title", "evidence_paths"], strict: false)
                let paths = try c.array("evidence_paths")
                return ["control_id": .string(try c.string("control_id")), "title": .string(try c.string("title")),
                        "evidence_paths": paths.map(JSONValue.array) ?? .null]
            })
            o.putOmitEmpty("evidence_pointers", try (f.array("evidence_pointers") ?? []).map { item -> JSONValue in
                let e = try GoFields(item, type: "Evidence", known: ["pointer_id", "path", "type", "sha256"], strict: false)
                return ["pointer_id": .string(try e.string("pointer_id")), "path": .string(try e.string("path")),
                        "type": .string(try e.string("type")), "sha256": .string(try e.string("sha256"))]
            })
            if let window = f.raw("incident_window") {
                let w = try GoFields(window, type: "Window", known: ["from", "to", "window_seconds", "selection_anchor"], strict: false)
                var wo = GoObject()
                wo.put("from", try w.time("from"))
                wo.put("to", try w.time("to"))
                wo.put("window_seconds", try w.int("window_seconds"))
                wo.putOmitEmpty("selection_anchor", try w.string("selection_anchor"))
                o.put("incident_window", wo.value)
            }
            o.putOmitEmpty("rendered_artifacts", try (f.array("rendered_artifacts") ?? []).map { item -> JSONValue in
                let r = try GoFields(item, type: "Rendered", known: ["format", "path", "sha256"], strict: false)
                return ["format": .string(try r.string("format")), "path": .string(try r.string("path")),
                        "sha256": .string(try r.string("sha256"))]
            })
            o.put("contents", .array(contents.map(\.json)))
            return o.value
        }
    }

    static let fieldNames = ["schema_id", "schema_version", "created_at", "producer_version", "pack_id", "run_id",
                             "case_id", "template_id", "generated_at", "control_index", "evidence_pointers",
                             "incident_window", "rendered_artifacts", "contents", "signatures"]

    /// Lenient decode; nil when the bytes are not a guard manifest.
    static func parse(_ raw: [UInt8]) -> Manifest? {
        guard let value = try? JSONParser.parse(raw),
              let f = try? GoFields(value, type: "PackManifest", known: fieldNames, strict: false),
              (try? f.string("schema_id")) == schemaID else { return nil }
        do {
            let contents = try (f.array("contents") ?? []).map { item -> PackEntry in
                let e = try GoFields(item, type: "PackEntry", known: ["path", "sha256", "type"], strict: false)
                return PackEntry(path: try e.string("path"), sha256: try e.string("sha256"), type: try e.string("type"))
            }
            let signatures = try (f.array("signatures") ?? []).map {
                try ManifestSignature.decode($0, type: "Signature", strict: false)
            }
            return Manifest(fields: f, packID: try f.string("pack_id"), runID: try f.string("run_id"),
                            contents: contents, signatures: signatures)
        } catch {
            return nil
        }
    }

    /// gait's `VerifyPackWithOptions`: declared files and signatures only (no id recomputation,
    /// no undeclared-file check).
    static func verify<A: PackArchive>(_ zip: A, manifest: Manifest, options: VerifyOptions) throws -> VerifyResult {
        var result = VerifyResult()
        result.packID = manifest.packID
        result.packType = "guard"
        result.sourceRef = manifest.runID
        result.legacyType = "guard"
        result.filesChecked = manifest.contents.count
        let hashes = try PackVerifier.hashDeclared(zip, manifest.contents.map(\.path))
        result.digests = hashes
        for entry in manifest.contents {
            guard let actual = hashes[entry.path] else {
                result.missingFiles.append(entry.path)
                continue
            }
            if actual != entry.sha256.lowercased() {
                result.hashMismatches.append(HashMismatch(path: entry.path, expected: entry.sha256, actual: actual))
            }
        }
        let verdict = SignatureVerdict.check(manifest.signatures, signable: try manifest.signable(), key: options.key,
                                             requireSignature: options.requireSignature,
                                             missingText: "pack manifest has no signatures", failureTextAfterError: false)
        result.apply(verdict)
        result.sortLists()
        return result
    }
}
