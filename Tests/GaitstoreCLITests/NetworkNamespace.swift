import Foundation
import XCTest

/// A Linux network namespace joined to the host by a veth pair, as a second machine on a private
/// link would be: `hostAddress` on the host's end, `address` inside. Names and the /30 subnet
/// derive from the test process's PID, so parallel runs on one machine do not clash.
///
/// Needs root and iproute2; `create()` throws `XCTSkip` naming why when `ip netns add` fails.
/// Once a namespace can be made, failing to wire it is a test failure, not a skip.
final class NetworkNamespace {
    let name: String
    let hostInterface: String
    let innerInterface: String
    let hostAddress: String
    let address: String
    private var created = false

    static let ip = "/usr/sbin/ip"

    init(pid: Int32 = getpid()) {
        name = "gaitstore-\(pid)"
        // Interface names are at most 15 bytes.
        hostInterface = "gsh\(pid)"
        innerInterface = "gsn\(pid)"
        let slot = Int(pid) % 16_384
        let third = slot / 64, base = (slot % 64) * 4
        hostAddress = "10.201.\(third).\(base + 1)"
        address = "10.201.\(third).\(base + 2)"
    }

    func create() throws {
        guard FileManager.default.isExecutableFile(atPath: Self.ip) else {
            throw XCTSkip("\(Self.ip) is missing (iproute2; scripts/setup.sh installs it)")
        }
        removeLeftovers()
        let added = try ip(["netns", "add", name])
        guard added.status == 0 else {
            throw XCTSkip("cannot create a network namespace here (ip netns add: \(added.stderr.trimmingCharacters(in: .whitespacesAndNewlines)))")
        }
        created = true
        for step in [["link", "add", hostInterface, "type", "veth", "peer", "name", innerInterface],
                     ["link", "set", innerInterface, "netns", name],
                     ["addr", "add", hostAddress + "/30", "dev", hostInterface],
                     ["link", "set", hostInterface, "up"],
                     ["netns", "exec", name, Self.ip, "addr", "add", address + "/30", "dev", innerInterface],
                     ["netns", "exec", name, Self.ip, "link", "set", innerInterface, "up"],
                     ["netns", "exec", name, Self.ip, "link", "set", "lo", "up"]] {
            let result = try ip(step)
            guard result.status == 0 else { throw Failure(command: "ip " + step.joined(separator: " "), stderr: result.stderr) }
        }
    }

    /// The command that runs a program inside the namespace. `ip netns exec` execs it in place,
    /// so a process started this way has the program's own PID.
    var launcher: [String] { [Self.ip, "netns", "exec", name] }

    /// Deletes the namespace; the veth pair goes with it. Safe after a failed `create()`.
    func remove() {
        guard created else { return }
        removeLeftovers()
        created = false
    }

    /// A namespace of this name can only be left over from a killed run whose PID was the same.
    private func removeLeftovers() {
        _ = try? ip(["link", "del", hostInterface])
        _ = try? ip(["netns", "del", name])
    }

    private func ip(_ arguments: [String]) throws -> CLI.Result {
        try CLI.run(arguments, executable: URL(fileURLWithPath: Self.ip))
    }

    struct Failure: Error, CustomStringConvertible {
        let command: String
        let stderr: String
        var description: String { "\(command) failed: \(stderr.trimmingCharacters(in: .whitespacesAndNewlines))" }
    }
}
