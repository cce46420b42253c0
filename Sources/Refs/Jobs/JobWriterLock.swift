import Foundation
import ObjectStore

/// Lets the writers of one job on this machine take turns instead of racing: a lost
/// compare-and-swap costs a signed commit and a filesystem sync for nothing.
///
/// Only an optimisation: the ref's compare-and-swap stays the guarantee (other machines and
/// older binaries never take this lock). So the wait is bounded, and a lock that cannot be
/// had (a read-only store, a writer stuck on an ssh-agent prompt) is given up on, not fatal.
/// An `flock` is released when its descriptor closes, also when the process dies, so no stale
/// lock outlives a crashed writer (unlike gait's O_EXCL lock files).
struct JobWriterLock {
    static let maximumWait: TimeInterval = 5
    private let descriptor: Int32?

    /// A lock per job ref, in `<store>/gaitstore-locks/`.
    init(store: String, ref: String) {
        let directory = (store as NSString).appendingPathComponent("gaitstore-locks")
        let path = (directory as NSString).appendingPathComponent(SHA256Digest.of(Array(ref.utf8)).hex + ".lock")
        _ = mkdir(directory, 0o755)
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { descriptor = nil; return }
        let deadline = Date().addingTimeInterval(Self.maximumWait)
        var pause: useconds_t = 200
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR, Date() < deadline else {
                close(fd)
                descriptor = nil
                return
            }
            usleep(pause)
            pause = min(pause * 2, 5_000)
        }
        descriptor = fd
    }

    func release() {
        if let descriptor { close(descriptor) }
    }
}
