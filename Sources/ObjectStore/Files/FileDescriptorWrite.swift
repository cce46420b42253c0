#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `write(2)` until every byte is written, EINTR retried: the errno of a failure, or nil. Callers
/// name the file in their own error type.
func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int32? {
    var done = 0
    while done < bytes.count {
        let n = write(fd, bytes.baseAddress! + done, bytes.count - done)
        if n >= 0 {
            done += n
        } else if errno != EINTR {
            return errno
        }
    }
    return nil
}
