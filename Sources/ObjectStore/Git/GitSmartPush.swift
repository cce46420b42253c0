import CGit2
import Foundation

/// A push over git:// or ssh:// that sends gaitstore's own pack (`GitPackWriter`: stored bytes
/// reused, no delta search) on a connection libgit2 opened (`GitSmartConnection`).
///
/// libgit2 1.5's push runs its pack builder, which searches deltas for every object again:
/// about a hundred CPU-seconds for a 370 MB store where git, reusing what gc found, needs a few.
/// The receive-pack protocol spoken here is git's own (`Documentation/gitprotocol-pack.txt`):
/// one command `<old> <new> <ref>` per ref, the first with the `report-status` capability, a
/// flush, the pack, then the remote's `unpack ok` and an `ok`/`ng` line per ref.
///
/// Every remote ref still moves by compare-and-swap: `<old>` is the value the remote advertised
/// on this connection, and receive-pack updates the ref only if it still holds it. The objects
/// and ids sent are the ones judged before anything is written, so a local ref moving meanwhile
/// changes nothing.
struct GitSmartPush {
    let repository: GitRepository
    let session: GitRemoteSession
    let transport: GitSmartConnection.Transport

    /// Least time between two progress reports, as libgit2's own push.
    private static let progressInterval = 0.5

    func push(_ commands: [GitPushCommand]) throws -> [GitPushResult] {
        // The session keeps the connection for as long as libgit2 may call into it.
        let connection = GitSmartConnection(transport: transport)
        session.smartConnection = connection
        var callbacks = session.makeCallbacks()
        try session.run("connect to \(session.label)") {
            git_remote_connect(session.remote, GIT_DIRECTION_PUSH, &callbacks, nil, nil)
        }
        defer { _ = git_remote_disconnect(session.remote) }

        let advertised = Dictionary(try session.advertisedReferences().map { ($0.name, $0.oid) },
                                    uniquingKeysWith: { first, _ in first })
        let verdicts = commands.map { $0.rejection(current: advertised[$0.destination], in: repository) }
        // A ref that already holds the pushed value needs no command (git sends none either).
        let updates = zip(commands, verdicts).filter { command, verdict in
            verdict == nil && !(command.new != nil && advertised[command.destination] == command.new)
        }.map(\.0)

        var reported = [String: String?]()
        if !updates.isEmpty {
            let stream = try connection.receivePackStream()
            connection.finished = true
            try send(updates, advertised: advertised, to: stream)
            reported = try readReport(from: stream)
        }
        return zip(commands, verdicts).map { command, verdict in
            let previous = advertised[command.destination]
            if let verdict { return GitPushResult(ref: command.destination, rejection: verdict, previous: previous) }
            if !updates.contains(where: { $0.destination == command.destination }) {
                return GitPushResult(ref: command.destination, rejection: nil, previous: previous)
            }
            guard let status = reported[command.destination] else {
                return GitPushResult(ref: command.destination, rejection: "the remote reported no status for this ref", previous: previous)
            }
            return GitPushResult(ref: command.destination, rejection: status, previous: previous)
        }
    }

    private func send(_ updates: [GitPushCommand], advertised: [String: GitOID],
                      to stream: UnsafeMutablePointer<git_smart_subtransport_stream>) throws {
        let zero = String(repeating: "0", count: 40)
        var request = [UInt8]()
        for (index, update) in updates.enumerated() {
            var line = "\(advertised[update.destination]?.hex ?? zero) \(update.new?.hex ?? zero) \(update.destination)"
            if index == 0 {
                line += "\0report-status" + (updates.contains { $0.new == nil } ? " delete-refs" : "")
            }
            request += GitPktLine.encode(Array(line.utf8))
        }
        request += GitPktLine.flush
        try request.withUnsafeBytes { try write($0, to: stream) }

        // receive-pack reads a pack unless every command deletes.
        let tips = updates.compactMap(\.new)
        guard !tips.isEmpty else { return }
        let objects = try repository.objectsToSend(tips: tips, haves: Array(advertised.values))
        var sentBytes = 0
        var lastReport: Date?
        try GitPackWriter(repository: repository).write(objects) { chunk, written in
            // Reported before each piece goes out: the first report precedes any pack data.
            if lastReport.map({ Date().timeIntervalSince($0) >= Self.progressInterval }) ?? true {
                lastReport = Date()
                report(objects: written, of: objects.count, bytes: sentBytes)
            }
            try write(chunk, to: stream)
            sentBytes += chunk.count
        }
        report(objects: objects.count, of: objects.count, bytes: sentBytes)
    }

    private func report(objects: Int, of total: Int, bytes: Int) {
        session.progress?(GitTransferProgress(receivedObjects: objects, totalObjects: total, indexedObjects: 0, receivedBytes: bytes))
    }

    private func write(_ bytes: UnsafeRawBufferPointer, to stream: UnsafeMutablePointer<git_smart_subtransport_stream>) throws {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        try gitCheck(stream.pointee.write(stream, base.assumingMemoryBound(to: CChar.self), bytes.count), "send to \(session.label)")
    }

    /// The remote's verdict per ref: nil for `ok`, the reason for `ng`.
    private func readReport(from stream: UnsafeMutablePointer<git_smart_subtransport_stream>) throws -> [String: String?] {
        var reader = GitPktLineReader(stream: stream, label: session.label)
        guard let first = try reader.next(), String(decoding: first, as: UTF8.self).hasPrefix("unpack ") else {
            throw GitRemoteError.protocolError(session.label, reason: "the remote sent no unpack status")
        }
        let unpack = String(decoding: first.dropFirst("unpack ".count), as: UTF8.self)
        guard unpack == "ok" else { throw GitRemoteError.remoteUnpackFailed(session.label, reason: unpack) }
        var statuses = [String: String?]()
        while let line = try reader.next() {
            let text = String(decoding: line, as: UTF8.self)
            if text.hasPrefix("ok ") {
                statuses[String(text.dropFirst(3))] = .some(nil)
            } else if text.hasPrefix("ng ") {
                let rest = text.dropFirst(3)
                let ref = rest.prefix { $0 != " " }
                let reason = String(rest.dropFirst(ref.count).drop { $0 == " " })
                statuses[String(ref)] = reason.isEmpty ? "rejected" : reason
            }
        }
        return statuses
    }
}
