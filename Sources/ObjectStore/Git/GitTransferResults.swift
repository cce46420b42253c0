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
    /// What the remote reference held when the push judged it, before anything moved; nil when
    /// it did not exist. An accepted ref whose `previous` is the pushed value was already up to date.
    public let previous: GitOID?

    public init(ref: String, rejection: String?, previous: GitOID?) {
        self.ref = ref
        self.rejection = rejection
        self.previous = previous
    }

    public var isAccepted: Bool { rejection == nil }
}

/// The reasons gaitstore itself gives when it refuses a ref (the remote's own reasons, such as
/// receive-pack's "failed to update ref" or "hook declined", are passed on verbatim).
extension GitPushResult {
    /// Someone else pushed: the remote ref holds a commit this repository does not have, or it
    /// moved while this push was under way.
    public static let fetchFirst = "remote ref moved; fetch first"
    /// The remote ref holds a commit that the pushed commit does not descend from.
    public static let nonFastForward = "non-fast-forward; fetch and merge first"
    /// A deletion of a ref the remote does not have.
    public static let remoteRefMissing = "remote ref does not exist"
    /// Another writer held the remote ref's lock for longer than a push waits.
    public static let remoteRefLocked = "remote ref is locked by another writer; retry"
}
