import Foundation
import ObjectStore

/// A job's history as a chain of signed commits on `refs/gaitstore/jobs/<id>` (job-runtime §12).
///
/// Each commit's tree holds the state after the event (`job_state.json`, gait's JobState), the event
/// itself (`job_event.json`), and the live lease if there is one (`job_lease.json`, a gaitstore
/// addition kept out of gait's state so job packs stay byte-compatible). Commit depth is the revision.
public enum JobBranch {
    public static let stateFile = "job_state.json"
    public static let eventFile = "job_event.json"
    public static let leaseFile = "job_lease.json"
    /// wrkr bounds its compare-and-swap retries at 64; so do we.
    public static let maxAttempts = 64

    public struct Snapshot: Sendable {
        public var commit: GitOID
        public var state: Job.State
        public var event: Job.Event
        /// The lease record as stored, or nil when no lease is held.
        public var lease: JSONValue?
    }

    /// The tip as an append reads it: the state and lease of the snapshot (an append does not
    /// need the event), except that the checkpoints gait's state already holds stay encoded in
    /// `storedCheckpoints` (they precede `state.checkpoints`). An append adds one checkpoint at
    /// most, so what it costs need not grow with the job's.
    public struct Tip: Sendable {
        public var commit: GitOID
        public var state: Job.State
        public var storedCheckpoints: Job.StoredCheckpoints
        public var lease: JSONValue?

        /// The state with every checkpoint decoded, for a reader that needs them all.
        public func decodedState() throws -> Job.State { try state.prepending(storedCheckpoints) }
    }

    /// What one append writes on the tip it was made on: the new state (its checkpoints follow
    /// the tip's stored ones), the event and the lease.
    public struct Change {
        public var state: Job.State
        public var event: Job.Event
        public var lease: JSONValue?

        public init(state: Job.State, event: Job.Event, lease: JSONValue?) {
            self.state = state
            self.event = event
            self.lease = lease
        }
    }

    public static func tip(_ jobID: String, in store: Store) throws -> Snapshot? {
        guard let commit = try store.repository.resolveReference(JobRefName.reference(for: jobID)) else { return nil }
        return try snapshot(commit, in: store.repository)
    }

    public static func snapshot(_ commit: GitOID, in repository: GitRepository) throws -> Snapshot {
        let files = try EventFiles(commit, in: repository)
        return Snapshot(commit: commit, state: try Job.State.decode(JSONParser.parse(files.state), strict: true),
                        event: try files.decodedEvent(in: repository), lease: try files.decodedLease())
    }

    /// The commit as an append needs it (see `Tip`).
    static func appendTip(_ commit: GitOID, in repository: GitRepository) throws -> Tip {
        let files = try EventFiles(commit, in: repository)
        let state = try Job.State.decodeForAppend(files.state)
        return Tip(commit: commit, state: state.state, storedCheckpoints: state.stored, lease: try files.decodedLease())
    }

    /// The stored bytes of one event commit's state and lease, its tree read once; the event is
    /// read only when asked for (an append does not need it).
    private struct EventFiles {
        let state: [UInt8]
        let event: GitOID
        let lease: [UInt8]?

        init(_ commit: GitOID, in repository: GitRepository) throws {
            let entries = try repository.readTree(try repository.commitTree(commit))
            func entry(_ name: String) -> GitOID? { entries.first { $0.name == name }?.oid }
            guard let state = entry(stateFile), let event = entry(eventFile) else {
                throw FormatError.verification("commit \(commit.hex) is not a job event (missing \(stateFile) or \(eventFile))")
            }
            self.state = try repository.readBlob(state)
            self.event = event
            lease = try entry(leaseFile).map { try repository.readBlob($0) }
        }

        func decodedEvent(in repository: GitRepository) throws -> Job.Event {
            try Job.Event.decode(JSONParser.parse(try repository.readBlob(event)), strict: true)
        }

        func decodedLease() throws -> JSONValue? { try lease.map { try JSONParser.parse($0) } }
    }

    private static func jsonFile(_ name: String, in tree: GitOID, _ repository: GitRepository) throws -> JSONValue? {
        guard let entry = try repository.treeEntry(tree, path: name) else { return nil }
        return try JSONParser.parse(try repository.readBlob(entry.oid))
    }

    /// One event of a job's history and the commit that records it.
    public struct Entry: Sendable {
        public var commit: GitOID
        public var event: Job.Event
    }

    /// Every event, oldest first, reading only each commit's event file: gait's state holds every
    /// checkpoint, so decoding every snapshot's state would make a long job's timeline quadratic.
    public static func timeline(_ jobID: String, in store: Store) throws -> [Entry] {
        try eventCommits(from: try store.repository.resolveReference(JobRefName.reference(for: jobID)), in: store.repository).map { commit in
            guard let event = try jsonFile(eventFile, in: try store.repository.commitTree(commit), store.repository) else {
                throw FormatError.verification("commit \(commit.hex) is not a job event (missing \(eventFile))")
            }
            return Entry(commit: commit, event: try Job.Event.decode(event, strict: true))
        }
    }

    /// Every event commit, oldest first (first-parent chain).
    public static func history(_ jobID: String, in store: Store) throws -> [Snapshot] {
        try history(from: try store.repository.resolveReference(JobRefName.reference(for: jobID)), in: store.repository)
    }

    /// The snapshots of the first-parent chain ending at `tip` (a fetched one, say), oldest first.
    public static func history(from tip: GitOID?, in repository: GitRepository) throws -> [Snapshot] {
        try eventCommits(from: tip, in: repository).map { try snapshot($0, in: repository) }
    }

    /// The first-parent chain ending at `tip`, oldest first.
    private static func eventCommits(from tip: GitOID?, in repository: GitRepository) throws -> [GitOID] {
        guard let tip else { return [] }
        return try repository.commitLog(from: tip, firstParentOnly: true).reversed()
    }

    /// Ids of every job in the store, sorted.
    public static func jobIDs(in store: Store) throws -> [String] {
        try store.repository.references(withPrefix: JobRefName.prefix).compactMap { JobRefName.jobID(fromReference: $0.name) }.sorted()
    }

    /// Appends one event. `mutate` sees the current tip (nil: the job does not exist) and returns the
    /// change, nil for "nothing to write", or throws to refuse it. When another writer moves the ref
    /// first, the tip is re-read and `mutate` runs again on it, so a command is always validated
    /// against the state it lands on. Returns the new tip, or the unchanged one (nil if none).
    @discardableResult
    public static func append(_ jobID: String, in store: Store, identity: StoreIdentity,
                              mutate: (Tip?) throws -> Change?) throws -> Tip? {
        let repository = store.repository
        let ref = JobRefName.reference(for: jobID)
        // Writers of one job on this machine take turns instead of racing: a lost compare-and-swap
        // costs a signed commit and a filesystem sync for nothing. The CAS below still guards against
        // writers that do not take this lock (other machines' pushes, older binaries).
        let lock = JobWriterLock(store: store.path, ref: ref)
        defer { lock.release() }
        for attempt in 0..<maxAttempts {
            let current = try repository.resolveReference(ref).map { try JobTipCache.shared.tip($0) ?? appendTip($0, in: repository) }
            guard let change = try mutate(current) else { return current }
            let stored = current?.storedCheckpoints ?? .empty
            let state = try change.state.encodedForAppend(after: stored)
            let event = try CanonicalJSON.encode(change.event.json)
            let lease = try change.lease.map(CanonicalJSON.encode)
            var files = [TreeEntry(name: stateFile, oid: try repository.writeLooseBlob(state.bytes), mode: .blob),
                         TreeEntry(name: eventFile, oid: try repository.writeLooseBlob(event), mode: .blob)]
            if let lease { files.append(TreeEntry(name: leaseFile, oid: try repository.writeLooseBlob(lease), mode: .blob)) }
            let treeID = try repository.writeLooseTree(files)
            let message = "\(change.event.type) \(jobID) revision \(change.event.revision)\n"
            let commit = try repository.createCommit(tree: treeID, parents: current.map { [$0.commit] } ?? [], message: message,
                                                     author: identity.signature(), sign: identity.signCommit)
            // Durable like the catalog: the objects reach the disk before the ref names them, and the
            // ref before the command reports success.
            try Durability.syncFileSystem(containing: store.path)
            do {
                try repository.updateReference(ref, to: commit, expected: current?.commit, message: message)
                try Durability.syncFileSystem(containing: store.path)
                // What `appendTip` would read back from the files just written (the event has landed:
                // a failure here only leaves the next append to read them).
                if let written = try? Tip(commit: commit, state: state.readBack.state, storedCheckpoints: state.readBack.stored,
                                          lease: lease.map { try JSONParser.parse($0) }) {
                    JobTipCache.shared.remember(written, replacing: current?.commit)
                }
                return Tip(commit: commit, state: change.state, storedCheckpoints: stored, lease: change.lease)
            } catch let error as GitRefUpdateError {
                switch error {
                case .conflict, .locked:
                    usleep(UInt32.random(in: 500...2_000) * UInt32(min(attempt + 1, 8)))
                    continue
                case .invalidName:
                    throw FormatError.invalid("job id \(jobID) cannot be stored as a ref: \(error)")
                }
            }
        }
        throw FormatError(.internalFailure, "job \(jobID): lost the race to other writers \(maxAttempts) times; nothing was written")
    }
}
