/// Text handling shared by every key format.
package enum KeyText {
    /// Trims what gait trims around key text (`strings.TrimSpace` on files written by `gait keys init`):
    /// spaces, tabs, CR and LF.
    package static func trimmed(_ text: some StringProtocol) -> String {
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }
        guard let first = text.firstIndex(where: { !isBlank($0) }),
              let last = text.lastIndex(where: { !isBlank($0) }) else { return "" }
        return String(text[first...last])
    }
}
