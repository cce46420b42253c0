import Dispatch
import Foundation

/// SHA-256 of an entry, with inflating and hashing overlapped on two threads for large entries:
/// inflate is the slower half, so hashing on the side hides most of SHA-256's cost.
enum ZipEntryHashing {
    /// Below this the hand-off costs more than it saves.
    static let overlapThreshold: UInt64 = 2 << 20
    /// Pieces in flight between the two threads (each at most 128 KiB).
    static let handoffDepth = 8

    static func sha256(of entry: ZipEntry, in reader: ZipReader) throws -> (digest: SHA256Digest, size: Int) {
        guard entry.uncompressedSize >= overlapThreshold else {
            var hasher = SHA256Hasher()
            var size = 0
            try reader.stream(entry) { piece in
                hasher.update(piece)
                size += piece.count
            }
            return (hasher.finalize(), size)
        }
        let handoff = BoundedHandoff(depth: handoffDepth)
        let hashing = HashingThread(handoff: handoff)
        hashing.start()
        var size = 0
        do {
            try reader.stream(entry) { piece in
                size += piece.count
                handoff.put(Array(piece))
            }
        } catch {
            handoff.close()
            hashing.join()
            throw error
        }
        handoff.close()
        return (hashing.join(), size)
    }
}

/// Hashes pieces taken from a handoff until it is closed and drained.
private final class HashingThread: @unchecked Sendable {
    private let handoff: BoundedHandoff
    private let finished = DispatchSemaphore(value: 0)
    private var digest: SHA256Digest?

    init(handoff: BoundedHandoff) {
        self.handoff = handoff
    }

    func start() {
        let thread = Thread { [self] in
            var hasher = SHA256Hasher()
            while let piece = handoff.take() {
                hasher.update(piece)
            }
            digest = hasher.finalize()
            finished.signal()
        }
        thread.name = "gaitstore.zip.sha256"
        thread.start()
    }

    @discardableResult
    func join() -> SHA256Digest {
        finished.wait()
        return digest!
    }
}

/// A blocking FIFO of at most `depth` byte buffers between one producer and one consumer.
final class BoundedHandoff: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [[UInt8]] = []
    private var closed = false
    private let depth: Int

    init(depth: Int) {
        self.depth = depth
    }

    func put(_ item: [UInt8]) {
        condition.lock()
        while items.count >= depth {
            condition.wait()
        }
        items.append(item)
        condition.broadcast()
        condition.unlock()
    }

    /// The next item, or nil once closed and empty.
    func take() -> [UInt8]? {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty && !closed {
            condition.wait()
        }
        guard !items.isEmpty else { return nil }
        condition.broadcast()
        return items.removeFirst()
    }

    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }
}
