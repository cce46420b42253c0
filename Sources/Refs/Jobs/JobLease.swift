import ObjectStore

/// A worker's lease on a job, with wrkr's record and expiry rule (job-runtime §5.3).
///
/// It is not part of `job_state.json`: that file must stay gait's `state.json` byte for byte so
/// job packs match gait's. A commit whose job holds a lease carries it beside the state as
/// `job_lease.json`; a job without one has no such file.
public struct JobLease: Equatable, Sendable {
    public static let fileName = "job_lease.json"
    public static let schemaID = "gaitstore.job.lease"
    public static let schemaVersion = "1.0.0"
    /// wrkr's default TTL (`runner.Options.LeaseTTL`), used when none or a non-positive one is given.
    public static let defaultTTLSeconds = 30
    /// The longest TTL wrkr can express: its TTL is a Go `time.Duration`, int64 nanoseconds.
    public static let maxTTLSeconds = Int(Int64.max / 1_000_000_000)

    public var leaseID: String
    public var workerID: String
    public var acquiredAt: GoTime
    public var heartbeatAt: GoTime
    public var expiresAt: GoTime
    /// Kept so a heartbeat extends by the TTL the lease was taken with (wrkr has one TTL per runner).
    public var ttlSeconds: Int

    public init(leaseID: String, workerID: String, acquiredAt: GoTime, heartbeatAt: GoTime, expiresAt: GoTime,
                ttlSeconds: Int) {
        self.leaseID = leaseID
        self.workerID = workerID
        self.acquiredAt = acquiredAt
        self.heartbeatAt = heartbeatAt
        self.expiresAt = expiresAt
        self.ttlSeconds = ttlSeconds
    }

    /// wrkr's `IsExpired` negated: live strictly before `expires_at`; at that instant it has expired.
    public func isLive(at now: GoTime) -> Bool {
        now < expiresAt
    }

    /// A lease id that is a pure function of the grant: job, revision of the acquiring event,
    /// worker and time. The revision makes it unique within the job, so it fences as well as a
    /// random one would; being derived, replay can check it instead of trusting it. It is no
    /// secret either way, since `job status` shows it to anyone who can read the store.
    public static func deriveID(jobID: String, revision: Int, workerID: String, at now: GoTime) -> String {
        let material = [schemaID, jobID, String(revision), workerID, now.utc.rfc3339Nano].joined(separator: "\n")
        return "lease_" + String(SHA256Digest.of(Array(material.utf8)).hex.prefix(32))
    }

    /// `expires_at` for a grant or heartbeat at `now`.
    static func expiry(from now: GoTime, ttlSeconds: Int) -> GoTime {
        GoTime(unixSeconds: now.unixSeconds + Int64(ttlSeconds), nanoseconds: now.nanoseconds)
    }

    /// The record's members, as written to `job_lease.json` and into lease event payloads.
    var recordMembers: [(String, JSONValue)] {
        [("worker_id", .string(workerID)), ("lease_id", .string(leaseID)),
         ("acquired_at", .string(acquiredAt.rfc3339Nano)), ("heartbeat_at", .string(heartbeatAt.rfc3339Nano)),
         ("expires_at", .string(expiresAt.rfc3339Nano)), ("ttl_seconds", .number(JSONNumber(ttlSeconds)))]
    }

    /// `job_lease.json`: the record with a schema id, members in a fixed order.
    public var json: JSONValue {
        .object(JSONObject([("schema_id", .string(Self.schemaID)), ("schema_version", .string(Self.schemaVersion))]
                           + recordMembers))
    }

    private static let fieldNames: Set<String> = ["schema_id", "schema_version", "worker_id", "lease_id", "acquired_at",
                                                  "heartbeat_at", "expires_at", "ttl_seconds"]

    /// Reads `job_lease.json` strictly: every field present with its type, no other field, no
    /// duplicate, and the schema this code writes.
    public static func decode(_ value: JSONValue) throws(JobLeaseError) -> JobLease {
        guard let object = value.objectValue else { throw .invalid("not a JSON object") }
        if let duplicate = object.duplicateKeys.first { throw .invalid("duplicate field \"\(duplicate)\"") }
        if let unknown = object.keys.first(where: { !fieldNames.contains($0) }) {
            throw .invalid("unknown field \"\(unknown)\"")
        }
        func string(_ key: String) throws(JobLeaseError) -> String {
            guard let text = object[key]?.stringValue else { throw .invalid("field \"\(key)\" must be a string") }
            return text
        }
        func time(_ key: String) throws(JobLeaseError) -> GoTime {
            guard let time = GoTime(rfc3339: try string(key)) else {
                throw .invalid("field \"\(key)\" must be an RFC 3339 time")
            }
            return time
        }
        guard try string("schema_id") == schemaID, try string("schema_version") == schemaVersion else {
            throw .invalid("schema must be \(schemaID) \(schemaVersion)")
        }
        guard let ttl = JobPayload.int(object, "ttl_seconds"), (1...maxTTLSeconds).contains(ttl) else {
            throw .invalid("field \"ttl_seconds\" must be a whole number of seconds in 1...\(maxTTLSeconds)")
        }
        let lease = JobLease(leaseID: try string("lease_id"), workerID: try string("worker_id"),
                             acquiredAt: try time("acquired_at"), heartbeatAt: try time("heartbeat_at"),
                             expiresAt: try time("expires_at"), ttlSeconds: ttl)
        if lease.leaseID.isEmpty || lease.workerID.isEmpty { throw .invalid("lease_id and worker_id must not be empty") }
        return lease
    }
}

/// A `job_lease.json` that cannot be read back.
public enum JobLeaseError: Error, Equatable, CustomStringConvertible {
    case invalid(String)

    public var description: String {
        switch self {
        case .invalid(let reason): return "invalid \(JobLease.fileName): \(reason)"
        }
    }
}
