/// A local reference that a fetch created or moved.
public struct GitFetchedRef: Sendable, Equatable {
    public let name: String
    /// What the reference held before the fetch; nil when the fetch created it.
    public let old: GitOID?
    public let new: GitOID

    public init(name: String, old: GitOID?, new: GitOID) {
        self.name = name
        self.old = old
        self.new = new
    }
}

/// The outcome of one push refspec.
public struct GitPushResult: Sendable, Equatable {
    /// The remote reference the refspec targets.
    public let ref: String
    /// nil when the remote reference now holds what was pushed; otherwise why it was refused,
    /// in the remote's own words when the remote refused it.
    public let rejection: String?

    public init(ref: String, rejection: String?) {
        self.ref = ref
        self.rejection = rejection
    }

    public var isAccepted: Bool { rejection == nil }
}
