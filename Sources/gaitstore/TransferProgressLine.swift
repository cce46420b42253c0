import Foundation
import ObjectStore

/// The progress line `push` and `pull` keep redrawing on a terminal's stderr (DESIGN.md §4):
///
///     push: objects 12/40, 1.4 MiB, 2.8 MiB/s
///
/// libgit2 reports after every chunk a local transfer writes, thousands of times a second, so
/// the line is redrawn at most ten times a second; `finish()` draws the last figures and ends the
/// line, so whatever is printed next starts on a fresh one.
final class TransferProgressLine {
    private let verb: String
    private var started: TimeInterval?
    private var lastDrawn: TimeInterval = -.infinity
    private var latest: GitTransferProgress?
    private var latestTime: TimeInterval = 0
    private var drawnWidth = 0
    private var drawnLatest = false

    static let redrawInterval: TimeInterval = 0.1

    private init(verb: String) { self.verb = verb }

    /// A line on stderr when stderr is a terminal; nil otherwise, so pipes and logs get no progress text.
    static func onTerminal(_ verb: String) -> TransferProgressLine? {
        guard isatty(STDERR_FILENO) != 0 else { return nil }
        return TransferProgressLine(verb: verb)
    }

    /// The closure the library calls back with each report.
    var callback: (GitTransferProgress) -> Void { { [self] in update($0) } }

    func update(_ progress: GitTransferProgress) {
        let time = ProcessInfo.processInfo.systemUptime
        if started == nil { started = time }
        latest = progress
        latestTime = time
        drawnLatest = false
        // The first report is drawn at once; `finish` draws the last.
        if time - lastDrawn >= Self.redrawInterval { draw(at: time) }
    }

    /// Draws the final figures, if not on screen yet, and ends the line. Nothing when no report came.
    func finish() {
        guard latest != nil else { return }
        if !drawnLatest { draw(at: latestTime) }
        write("\n")
        latest = nil
    }

    private func write(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }

    private func draw(at time: TimeInterval) {
        guard let latest else { return }
        let text = Self.format(verb: verb, latest, seconds: time - (started ?? time))
        // Spaces cover what a longer previous line left behind.
        let padding = String(repeating: " ", count: max(0, drawnWidth - text.count))
        write("\r" + text + padding)
        drawnWidth = text.count
        lastDrawn = time
        drawnLatest = true
    }

    /// `push: objects 12/40, 1.4 MiB, 2.8 MiB/s`. The rate is over the time from the first report
    /// to this one, so connecting and negotiating do not dilute it; it is left out until some
    /// time has passed.
    static func format(verb: String, _ progress: GitTransferProgress, seconds: TimeInterval) -> String {
        let objects = progress.totalObjects > 0 ? "\(progress.receivedObjects)/\(progress.totalObjects)" : "\(progress.receivedObjects)"
        var text = "\(verb): objects \(objects), \(byteCount(Double(progress.receivedBytes)))"
        if seconds >= 0.001 { text += ", \(byteCount(Double(progress.receivedBytes) / seconds))/s" }
        return text
    }

    /// Binary units as git prints them: `512 bytes`, `3.0 KiB`, `1.4 MiB`, `2.1 GiB`.
    static func byteCount(_ bytes: Double) -> String {
        let units = ["KiB", "MiB", "GiB", "TiB"]
        guard bytes >= 1024 else { return "\(Int(bytes)) bytes" }
        var value = bytes / 1024
        var unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return String(format: "%.1f ", value) + units[unit]
    }
}
