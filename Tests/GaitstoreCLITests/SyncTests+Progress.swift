import Foundation
import XCTest

/// Progress on stderr only when stderr is a terminal (DESIGN.md §4), checked under a real pty made
/// by util-linux `script`.
extension SyncTests {
    /// One drawn state of the progress line: `push: objects 19/19, 3.3 MiB, 4.6 MiB/s`.
    static let progressPattern = #"^(push|pull): objects (\d+)/(\d+), ([0-9.]+) (bytes|KiB|MiB|GiB)(, [0-9.]+ (bytes|KiB|MiB|GiB)/s)?$"#

    func testPushAndPullDrawProgressOnATerminal() throws {
        try makeStores()
        try importLargePack(into: "a")
        XCTAssertEqual(try git(["init", "-q", "--bare", path("remote.git")]).status, 0)

        for (store, command) in [("a", "push"), ("b", "pull")] {
            let started = Date()
            let run = try underTerminal("'\(CLI.binary.path)' --store '\(path(store))' \(command) '\(path("remote.git"))' > '\(path("stdout"))'")
            let seconds = Date().timeIntervalSince(started)
            XCTAssertEqual(run.status, 0, run.stdout)
            let summary = try String(contentsOfFile: path("stdout"), encoding: .utf8)
            XCTAssertTrue(summary.hasPrefix(command == "push" ? "pushed " : "catalog="), summary)
            XCTAssertFalse(summary.contains("objects"), "progress leaked onto stdout: \(summary)")

            // The terminal shows only the progress line, redrawn in place, and ends it (the pty turns "\n" into "\r\n").
            XCTAssertTrue(run.stdout.hasSuffix("\r\n"), "the progress line is not ended: \(run.stdout.debugDescription)")
            let states = run.stdout.split(whereSeparator: \.isNewline)  // "\r", and "\r\n" (one Character)
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            for state in states {
                XCTAssertNotNil(state.range(of: Self.progressPattern, options: .regularExpression), "not a progress line: \(state)")
            }
            let last = try XCTUnwrap(states.last, "no progress on the terminal")
            XCTAssertTrue(last.hasPrefix(command + ": objects "), last)
            let figures = last.dropFirst(command.count + ": objects ".count).split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            XCTAssertEqual(figures.count, 3, "objects, bytes and a rate: \(last)")
            let objects = figures[0].split(separator: "/")
            XCTAssertEqual(objects.first, objects.last, "the last line shows the transfer complete: \(last)")
            XCTAssertGreaterThan(Int(objects.first ?? "") ?? 0, 0, last)
            XCTAssertTrue(figures[1].hasSuffix(" MiB"), "the pack is megabytes: \(last)")
            XCTAssertTrue(figures.last?.hasSuffix("/s") == true, "\(figures.last.debugDescription) in \(last.debugDescription)")
            // Redrawn at most ten times a second, plus the final figures.
            XCTAssertLessThanOrEqual(Double(states.count), seconds * 10 + 2, "redrawn too often: \(states.count) lines in \(seconds) s")
        }
        XCTAssertEqual(try gs("b", ["ls"]).stdout, try gs("a", ["ls"]).stdout)
    }

    func testNoProgressTextWhenStderrIsNotATerminal() throws {
        try makeStores()
        try importLargePack(into: "a")
        XCTAssertEqual(try git(["init", "-q", "--bare", path("remote.git")]).status, 0)

        // stdout on the terminal, stderr into a file.
        let pushed = try underTerminal("'\(CLI.binary.path)' --store '\(path("a"))' push '\(path("remote.git"))' 2> '\(path("stderr"))'")
        XCTAssertEqual(pushed.status, 0, pushed.stdout)
        XCTAssertTrue(pushed.stdout.contains("pushed=1"), pushed.stdout)
        XCTAssertFalse(pushed.stdout.contains("objects"), pushed.stdout)
        XCTAssertEqual(try String(contentsOfFile: path("stderr"), encoding: .utf8), "")

        // Both into pipes.
        let pulled = try gs("b", ["pull", path("remote.git")])
        XCTAssertEqual(pulled.status, 0, pulled.stderr)
        XCTAssertEqual(pulled.stderr, "")
        XCTAssertFalse(pulled.stdout.contains("objects"), pulled.stdout)
        XCTAssertEqual(try gs("b", ["ls"]).stdout, try gs("a", ["ls"]).stdout)
    }

    /// Runs a shell command line on a fresh pseudo-terminal; `stdout` is everything the terminal showed.
    func underTerminal(_ commandLine: String) throws -> CLI.Result {
        try CLI.shell(#"script -qec "$COMMAND_LINE" /dev/null < /dev/null"#, environment: ["COMMAND_LINE": commandLine])
    }

    /// Imports a run pack carrying a few megabytes of incompressible payload, so a transfer lasts
    /// long enough to be reported more than once.
    func importLargePack(into store: String) throws {
        let runpack = try makeRunpacks(1, runIDPrefix: "run_large_", payload: .random(bytes: 3_000_000))[0]
        let imported = try gs(store, ["import", runpack])
        XCTAssertEqual(imported.status, 0, imported.stderr)
    }
}
