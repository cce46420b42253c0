import Foundation

/// A real `git daemon` serving every repository under `basePath`, pushes enabled, listening on
/// `listenAddress` (127.0.0.1 unless the test puts it elsewhere). Started on a free port, tried
/// again on another when a different program takes the port first, and stopped by its PID.
public final class GitDaemon {
    public let listenAddress: String
    public let port: Int
    public let log: String
    private let process: Process

    /// `launcher` is a command that runs the daemon somewhere else and execs it in place (such as
    /// `ip netns exec <namespace>`), so the started process's PID is still the daemon's own.
    public init(basePath: String, listenAddress: String = "127.0.0.1", launcher: [String] = []) throws {
        self.listenAddress = listenAddress
        log = basePath + "/.daemon.log"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let daemon = try Self.gitExecPath() + "/git-daemon"
        let command = launcher + [daemon]
        for _ in 0..<5 {
            let port = try Loopback.freePort()
            let process = Process()
            process.executableURL = URL(fileURLWithPath: command[0])
            process.arguments = command.dropFirst() + [
                "--export-all", "--enable=receive-pack", "--base-path=\(basePath)", "--reuseaddr",
                "--listen=\(listenAddress)", "--port=\(port)"]
            var environment = ProcessInfo.processInfo.environment
            environment["GIT_CONFIG_NOSYSTEM"] = "1"
            environment["GIT_CONFIG_GLOBAL"] = "/dev/null"
            process.environment = environment
            process.standardInput = FileHandle.nullDevice
            process.standardOutput = FileHandle(forWritingAtPath: log)
            process.standardError = FileHandle(forWritingAtPath: log)
            try process.run()
            if Self.waitUntilAccepting(listenAddress, port: port, while: process) {
                self.port = port
                self.process = process
                return
            }
            // Another program took the port first; try a fresh one.
            process.terminate()
            process.waitUntilExit()
        }
        throw DaemonError(message: "git daemon did not start: " + String(decoding: FileManager.default.contents(atPath: log) ?? Data(), as: UTF8.self))
    }

    public struct DaemonError: Error, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    public func url(_ repositoryName: String) -> String { "git://\(listenAddress):\(port)/\(repositoryName)" }

    public func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
    }

    /// Where this git keeps its helper programs; git-daemon is not on PATH.
    private static func gitExecPath() throws -> String {
        let result = try ToolShell.run(["git", "--exec-path"])
        let path = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        guard result.status == 0, !path.isEmpty else {
            throw DaemonError(message: "git --exec-path failed: \(result.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        return path
    }

    private static func waitUntilAccepting(_ host: String, port: Int, while process: Process) -> Bool {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline && process.isRunning {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = Loopback.address(port: port)
            address.sin_addr.s_addr = inet_addr(host)
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            close(fd)
            if connected == 0 { return true }
            usleep(20_000)
        }
        return false
    }
}
