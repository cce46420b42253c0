import CGit2

/// How far a fetch or push has come, in objects and bytes, for a progress bar.
///
/// For a fetch and for a push to a local repository the numbers are the receiving side's
/// indexer: objects received, objects indexed, bytes received. For a push over a network
/// transport libgit2 only knows what it has sent, so `receivedObjects` and `receivedBytes` count
/// what the remote was sent and `indexedObjects` stays 0. libgit2 reports at most every 0.5 s on
/// network pushes, plus once at the end.
public struct GitTransferProgress: Sendable, Equatable {
    public var receivedObjects: Int
    public var totalObjects: Int
    public var indexedObjects: Int
    public var receivedBytes: Int

    public init(receivedObjects: Int, totalObjects: Int, indexedObjects: Int, receivedBytes: Int) {
        self.receivedObjects = receivedObjects
        self.totalObjects = totalObjects
        self.indexedObjects = indexedObjects
        self.receivedBytes = receivedBytes
    }

    init(_ stats: git_indexer_progress) {
        self.init(receivedObjects: Int(stats.received_objects), totalObjects: Int(stats.total_objects),
                  indexedObjects: Int(stats.indexed_objects), receivedBytes: stats.received_bytes)
    }
}
