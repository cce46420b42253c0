import CGit2

extension GitRepository {
    /// Pushes explicit refspecs (`[+]<local ref>:<refs/...>`, or `:<refs/...>` to delete) and
    /// returns one result per refspec, in order: accepted, or rejected with a reason. A rejected
    /// ref never makes this throw; a transport failure does, and then no result is known.
    ///
    /// The local side must be a reference (`refs/...` or `HEAD`): libgit2 1.5 pushes from
    /// references only, not from commit ids. Globs are refused (libgit2 1.5 cannot expand them
    /// for push); list the refs instead. Each refspec's local ref is resolved once, at the start,
    /// and that id is what is sent; over https (libgit2's own push, which resolves it again),
    /// should the local ref move while the push is negotiated, nothing is sent and
    /// `GitRemoteError.pushSourceMoved` is thrown.
    ///
    /// **Every remote ref moves by compare-and-swap.** Each refspec is judged against the value
    /// the remote advertised: without `+` it must be a fast-forward, else it is rejected with
    /// `GitPushResult.fetchFirst` or `.nonFastForward` and nothing is sent for it. The remote then
    /// updates each ref only if it still holds the advertised value, so a writer that got in
    /// between wins and this push reports the remote's refusal (git's receive-pack says "failed
    /// to update ref"). That holds with `+` too: a forced push replaces the value it saw, never
    /// one it did not see. Server hooks may refuse refs as well; their reason is passed on.
    ///
    /// Paths and file:// URLs are pushed by gaitstore itself, because libgit2's local transport
    /// overwrites remote refs without comparing: objects go over as one pack, then each ref
    /// moves with the same compare-and-swap as `updateReference`. Such a destination must be a
    /// bare repository; its hooks do not run (as with libgit2).
    ///
    /// git:// and ssh:// pushes send gaitstore's own pack on the connection libgit2 opened
    /// (`GitSmartPush`), and paths copy objects the same way (`GitLocalObjectTransfer`): objects
    /// already packed go over as stored, with the deltas gc found, instead of through libgit2's
    /// pack builder, which searches deltas for every object again on every push.
    ///
    /// Each result carries what the remote ref held when it was judged (`previous`), so a caller
    /// can tell a ref that was already up to date from one it pushed without a second connection.
    ///
    /// `progress` receives object and byte counts while the pack is sent. ssh:// remotes
    /// authenticate with ssh-agent (`SSH_AUTH_SOCK`) first, then the key file named by
    /// `GAITSTORE_SSH_KEY`; https goes through libgit2's own stack.
    public func push(_ remoteOrURL: String, refspecs: [String], progress: ((GitTransferProgress) -> Void)?) throws -> [GitPushResult] {
        let commands = try refspecs.map { try GitPushCommand(parsing: $0, in: self) }
        var destinations = Set<String>()
        for command in commands where !destinations.insert(command.destination).inserted {
            throw GitRemoteError.duplicatePushDestination(command.destination)
        }
        guard !commands.isEmpty else { return [] }
        let session = try GitRemoteSession.open(remoteOrURL, in: self)
        session.progress = progress
        if let path = try GitRemoteSession.localRepositoryPath(forURL: session.pushURL) {
            return try GitLocalPush(source: self, destinationPath: path, session: session).push(commands)
        } else if let transport = GitSmartConnection.transport(forURL: session.pushURL) {
            return try GitSmartPush(repository: self, session: session, transport: transport).push(commands)
        } else {
            return try pushOverTransport(commands, session: session)
        }
    }

    /// A push through libgit2's own push (https://), on one connection: the refs it advertised
    /// are the ones judged and the ones the remote compares. libgit2 builds the pack itself,
    /// searching deltas afresh.
    private func pushOverTransport(_ commands: [GitPushCommand], session: GitRemoteSession) throws -> [GitPushResult] {
        var options = git_push_options()
        try gitCheck(git_push_options_init(&options, UInt32(GIT_PUSH_OPTIONS_VERSION)), "prepare push")
        options.callbacks = session.makeCallbacks()
        options.pb_parallelism = 0  // delta search dominates push time; use every core
        try session.run("connect to \(session.label)") {
            git_remote_connect(session.remote, GIT_DIRECTION_PUSH, &options.callbacks, nil, nil)
        }
        defer { _ = git_remote_disconnect(session.remote) }

        let advertised = Dictionary(try session.advertisedReferences().map { ($0.name, $0.oid) },
                                    uniquingKeysWith: { first, _ in first })
        let verdicts = commands.map { $0.rejection(current: advertised[$0.destination], in: self) }
        let toSend = zip(commands, verdicts).filter { $0.1 == nil }.map(\.0)
        for command in toSend {
            if let new = command.new { session.expectedPushes[command.destination] = new }
        }
        if !toSend.isEmpty {
            try withStringArray(toSend.map(\.canonicalRefspec)) { array in
                try session.run("push to \(session.label)") { git_remote_upload(session.remote, array, &options) }
            }
        }

        return zip(commands, verdicts).map { command, ownVerdict in
            let previous = advertised[command.destination]
            if let ownVerdict { return GitPushResult(ref: command.destination, rejection: ownVerdict, previous: previous) }
            if let reported = session.pushStatuses.last(where: { $0.ref == command.destination }) {
                return GitPushResult(ref: command.destination, rejection: reported.rejection, previous: previous)
            }
            // libgit2 sends no command for a ref that already holds the pushed value.
            if command.new != nil && previous == command.new {
                return GitPushResult(ref: command.destination, rejection: nil, previous: previous)
            }
            return GitPushResult(ref: command.destination, rejection: "the remote reported no status for this ref", previous: previous)
        }
    }
}
