import Foundation
@testable import ObjectStore
@testable import Refs

/// The filesystem work of one job append and nothing else, for the benchmark's floor: what git's
/// layout costs on this filesystem at the same durability, below which no append can go however
/// little CPU it spends. Per event: the event's loose objects (taken, already hashed, compressed
/// and signed, from a job built beforehand with the same commands), each written to a temporary
/// file and renamed into its fan-out directory; a syncfs; the ref's lock file taken with
/// O_EXCL, the ref read and compared, the new id written and the lock renamed over the ref (git's
/// and libgit2's protocol); a syncfs. No encoding, hashing, compression or signing.
final class JobLayoutFloor {
    struct LooseFile {
        let path: String  // under objects/
        let bytes: [UInt8]
    }

    struct Event {
        let commit: String
        let files: [LooseFile]
    }

    let store: String
    let ref: String
    /// Seconds spent in each of the four steps above, over every `append` after the first.
    private(set) var phases = (objects: 0.0, firstSync: 0.0, ref: 0.0, secondSync: 0.0)

    /// The loose files of every event of `jobID` in `template`, oldest first.
    static func events(ofJob jobID: String, in template: String) throws -> [Event] {
        let repository = try GitRepository.open(at: template)
        guard let tip = try repository.resolveReference(JobRefName.reference(for: jobID)) else { return [] }
        func loose(_ id: GitOID) throws -> LooseFile {
            let path = GitLooseObjectWriter.relativePath(of: id)
            return LooseFile(path: path, bytes: try FileBytes.read(template + "/objects/" + path))
        }
        return try repository.commitLog(from: tip, firstParentOnly: true).reversed().map { commit in
            let tree = try repository.commitTree(commit)
            let blobs = try repository.readTree(tree).map { try loose($0.oid) }
            return Event(commit: commit.hex, files: blobs + [try loose(tree), try loose(commit)])
        }
    }

    /// A new store's repository (as `gaitstore init` makes it, fan-out directories included),
    /// the first event written.
    init(creating store: String, jobID: String, first: Event) throws {
        self.store = try Store.create(at: store).path
        ref = JobRefName.reference(for: jobID)
        try FileManager.default.createDirectory(atPath: (self.store + "/" + ref as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try append(first, after: nil)
        phases = (0, 0, 0, 0)
    }

    func append(_ event: Event, after previous: String?) throws {
        phases.objects += try timed {
            for file in event.files {
                let target = store + "/objects/" + file.path
                let temporary = (target as NSString).deletingLastPathComponent + "/tmp_obj_" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
                try write(file.bytes, to: temporary, mode: 0o444)
                guard rename(temporary, target) == 0 else { throw BenchFailure.os("rename \(temporary)") }
            }
        }
        phases.firstSync += try timed { try Durability.syncFileSystem(containing: store) }
        phases.ref += try timed {
            let refPath = store + "/" + ref
            let lock = refPath + ".lock"
            try write(Array((event.commit + "\n").utf8), to: lock, mode: 0o644) {
                let current = (try? FileBytes.read(refPath)).map { String(decoding: $0, as: UTF8.self) }
                guard current == previous.map({ $0 + "\n" }) else { throw BenchFailure(description: "\(refPath) moved under the lock") }
            }
            guard rename(lock, refPath) == 0 else { throw BenchFailure.os("rename \(lock)") }
        }
        phases.secondSync += try timed { try Durability.syncFileSystem(containing: store) }
    }

    /// Creates `path` (O_EXCL, as a lock file is taken), runs `underLock` and writes `bytes`.
    private func write(_ bytes: [UInt8], to path: String, mode: mode_t, underLock: () throws -> Void = {}) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw BenchFailure.os("create \(path)") }
        defer { close(fd) }
        try underLock()
        if let code = bytes.withUnsafeBytes({ writeAll(fd, $0) }) {
            throw BenchFailure(description: "write \(path): \(String(cString: strerror(code)))")
        }
    }
}
