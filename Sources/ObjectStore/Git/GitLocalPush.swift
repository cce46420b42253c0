import CGit2
import Foundation

/// A push to a repository on this machine (a path or a file:// URL), done here rather than by
/// libgit2's local transport, which writes remote refs with `force` and no comparison: a ref
/// moved by another writer during the push would be silently overwritten.
///
/// The objects the destination lacks travel as one pack, written through the destination's own
/// object database (`GitLocalObjectTransfer`: stored bytes are copied, no delta search), then
/// each ref moves by compare-and-swap against the value read at the start. Objects land before
/// any ref, so a ref never names a missing object.
struct GitLocalPush {
    private let source: GitRepository
    private let destination: GitRepository
    private let session: GitRemoteSession

    /// How long a ref update waits for another writer's lock (git's receive-pack waits 100 ms).
    private static let lockAttempts = 20
    private static let lockPause: useconds_t = 25_000

    init(source: GitRepository, destinationPath: String, session: GitRemoteSession) throws {
        let destination = try GitRepository.open(at: destinationPath)
        guard git_repository_is_bare(destination.handle) == 1 else {
            throw GitRemoteError.nonBareDestination(destinationPath)
        }
        self.source = source
        self.destination = destination
        self.session = session
    }

    func push(_ commands: [GitPushCommand]) throws -> [GitPushResult] {
        var current = [String: GitOID]()
        for command in commands {
            current[command.destination] = try destination.resolveReference(command.destination)
        }
        let verdicts = commands.map { $0.rejection(current: current[$0.destination], in: source) }
        let toSend = zip(commands, verdicts).filter { $0.1 == nil }.map(\.0)
        try GitLocalObjectTransfer(source: source, destination: destination, label: session.label, progress: session.progress)
            .send(reachableFrom: toSend.compactMap(\.new))
        return zip(commands, verdicts).map { command, verdict in
            if let verdict { return GitPushResult(ref: command.destination, rejection: verdict, previous: current[command.destination]) }
            return updateRemoteRef(command, expected: current[command.destination])
        }
    }

    /// Moves one destination ref, only if it still holds `expected`.
    private func updateRemoteRef(_ command: GitPushCommand, expected: GitOID?) -> GitPushResult {
        let ref = command.destination
        for _ in 0..<Self.lockAttempts {
            do {
                if let new = command.new {
                    if new != expected {
                        try destination.updateReference(ref, to: new, expected: expected, message: "gaitstore push")
                    }
                } else if let expected {
                    try destination.deleteReference(ref, expected: expected)
                }
                return GitPushResult(ref: ref, rejection: nil, previous: expected)
            } catch GitRefUpdateError.conflict {
                return GitPushResult(ref: ref, rejection: GitPushResult.fetchFirst, previous: expected)
            } catch GitRefUpdateError.locked {
                usleep(Self.lockPause)
            } catch {
                return GitPushResult(ref: ref, rejection: "failed to update ref: \(error)", previous: expected)
            }
        }
        return GitPushResult(ref: ref, rejection: GitPushResult.remoteRefLocked, previous: expected)
    }
}
