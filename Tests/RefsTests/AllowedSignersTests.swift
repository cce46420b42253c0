import XCTest
import ObjectStore
@testable import Refs

final class AllowedSignersTests: XCTestCase {
    private var scratch: RefsScratchDirectory!

    override func setUpWithError() throws {
        scratch = try RefsScratchDirectory()
    }

    override func tearDown() {
        scratch.remove()
    }

    func testMissingFileIsEmpty() throws {
        let signers = try AllowedSigners.load(scratch.path("absent"))
        XCTAssertEqual(signers.entries, [])
        XCTAssertEqual(signers.principals(for: Ed25519PrivateKey.generate().publicKey, namespace: "git"), [])
    }

    func testAddRemoveAndRoundTrip() throws {
        let alice = Ed25519PrivateKey.generate().publicKey, bob = Ed25519PrivateKey.generate().publicKey
        let path = scratch.path("allowed_signers")
        var signers = try AllowedSigners.load(path)
        try signers.add(principal: "alice@example", key: alice)
        try signers.add(principal: "alice@example", key: alice)  // already there: no second line
        try signers.add(principal: "bob", key: bob)
        try signers.add(principal: "alice@example", key: bob)     // a second key for alice
        try signers.write(to: path)

        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), """
        alice@example namespaces="git" \(alice.openSSHLine)
        bob namespaces="git" \(bob.openSSHLine)
        alice@example namespaces="git" \(bob.openSSHLine)

        """)
        var reloaded = try AllowedSigners.load(path)
        XCTAssertEqual(reloaded.entries.map(\.principals), [["alice@example"], ["bob"], ["alice@example"]])
        XCTAssertEqual(reloaded.entries.map(\.namespaces), ["git", "git", "git"])
        XCTAssertEqual(reloaded.principals(for: bob, namespace: "git"), ["bob", "alice@example"])
        XCTAssertEqual(reloaded.principals(for: bob, namespace: "file"), [])

        XCTAssertTrue(reloaded.remove(principal: "alice@example"))
        XCTAssertFalse(reloaded.remove(principal: "alice@example"))
        XCTAssertEqual(reloaded.principals(for: alice, namespace: "git"), [])
        XCTAssertEqual(reloaded.principals(for: bob, namespace: "git"), ["bob"])
    }

    func testInvalidPrincipalsAreRefused() {
        var signers = AllowedSigners()
        let key = Ed25519PrivateKey.generate().publicKey
        for bad in ["", "two words", "a,b", "tab\there", "quo\"te", "*", "#comment", "line\nbreak"] {
            XCTAssertThrowsError(try signers.add(principal: bad, key: key), bad) {
                XCTAssertEqual($0 as? AllowedSignersError, .invalidPrincipal(bad))
            }
        }
        XCTAssertEqual(signers.entries, [])
    }

    /// A hand-written file keeps every byte of what gaitstore does not change.
    func testForeignLinesCommentsAndOptionsSurvive() throws {
        let rsaPath = try RefsTestKeys.sshKeygen(scratch.path("rsa"), type: "rsa")
        let rsaLine = try String(contentsOfFile: rsaPath + ".pub", encoding: .utf8).trimmingCharacters(in: .newlines)
        let carol = Ed25519PrivateKey.generate().publicKey, dave = Ed25519PrivateKey.generate().publicKey
        let original = """
        # team signing keys

        carol,dave \(carol.openSSHLine) carol's laptop
        ops \(rsaLine)
          dave   NameSpaces="git,file",valid-after="20200101" \(dave.openSSHLine)
        "erin" cert-authority \(dave.openSSHLine)
        \t
        """ + "\n"
        let path = scratch.path("allowed_signers")
        try original.write(toFile: path, atomically: false, encoding: .utf8)

        var signers = try AllowedSigners.load(path)
        XCTAssertEqual(signers.text, original)
        XCTAssertEqual(signers.entries.map(\.principals), [["carol", "dave"], ["dave"]], "rsa and cert-authority lines are not trusted")
        XCTAssertEqual(signers.entries.first?.comment, "carol's laptop")
        XCTAssertEqual(signers.entries.last?.namespaces, "git,file")
        XCTAssertEqual(signers.principals(for: dave, namespace: "git"), ["dave"])

        XCTAssertTrue(signers.remove(principal: "carol"))
        XCTAssertTrue(signers.remove(principal: "ops"))
        try signers.write(to: path)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), """
        # team signing keys

        dave \(carol.openSSHLine) carol's laptop
          dave   NameSpaces="git,file",valid-after="20200101" \(dave.openSSHLine)
        "erin" cert-authority \(dave.openSSHLine)
        \t
        """ + "\n")
    }

    func testMalformedLinesNameFileAndLine() throws {
        let key = Ed25519PrivateKey.generate().publicKey
        let cases: [(String, String)] = [
            ("alice", "no key after the principals"),
            ("alice bogus-option \(key.openSSHLine)", "unsupported option \"bogus-option\""),
            ("alice namespaces=git \(key.openSSHLine)", "option value must be in double quotes"),
            ("alice valid-after=\"2020\" \(key.openSSHLine)", "invalid time \"2020\""),
            ("alice ssh-ed25519 AAAAnotakey", "invalid ssh-ed25519 key"),
            ("\"alice \(key.openSSHLine)", "missing closing quote"),
        ]
        for (line, reason) in cases {
            let path = scratch.path("bad")
            try ("# fine\n" + line + "\n").write(toFile: path, atomically: false, encoding: .utf8)
            XCTAssertThrowsError(try AllowedSigners.load(path), line) {
                XCTAssertEqual("\($0)", "\(path):2: \(reason)")
            }
        }
    }

    /// Our trust decisions agree with `ssh-keygen -Y verify` on the same file, option by option.
    func testTrustDecisionsMatchSSHKeygen() throws {
        let key = Ed25519PrivateKey.generate()
        let message = Array("payload\n".utf8)
        let signature = SSHSignature.sign(message, namespace: "git", key: key)
        let sigPath = scratch.path("payload.sig")
        try signature.write(toFile: sigPath, atomically: false, encoding: .utf8)
        let k = key.publicKey.openSSHLine
        let other = Ed25519PrivateKey.generate().publicKey.openSSHLine
        let path = scratch.path("allowed_signers")
        try """
        plain \(k)
        gitonly namespaces="git" \(k)
        fileonly namespaces="file" \(k)
        glob namespaces="g*" \(k)
        negated namespaces="!git,*" \(k)
        expired valid-before="20200101Z" \(k)
        future valid-after="29990101" \(k)
        window valid-after="20200101",valid-before="29991231235959" \(k)
        multi,names \(k)
        stranger \(other)
        """.write(toFile: path, atomically: false, encoding: .utf8)

        let signers = try AllowedSigners.load(path)
        let trusted = Set(signers.principals(for: key.publicKey, namespace: "git"))
        XCTAssertEqual(trusted, ["plain", "gitonly", "glob", "window", "multi", "names"])
        for principal in ["plain", "gitonly", "fileonly", "glob", "negated", "expired", "future", "window", "multi", "names", "stranger"] {
            let result = try RefsTestShell.run(["ssh-keygen", "-Y", "verify", "-f", path, "-I", principal, "-n", "git", "-s", sigPath],
                                               stdin: message)
            XCTAssertEqual(result.status == 0, trusted.contains(principal), "\(principal): \(result.stdout)\(result.stderr)")
        }
        // At a time inside the expired entry's window, it is trusted again.
        let past = try XCTUnwrap(OpenSSHTime.parse("20190601Z"))
        XCTAssertTrue(signers.principals(for: key.publicKey, namespace: "git", at: past).contains("expired"))
        XCTAssertFalse(signers.principals(for: key.publicKey, namespace: "git", at: past).contains("window"))
    }

    func testOpenSSHTimes() {
        XCTAssertEqual(OpenSSHTime.parse("20200101Z"), Date(timeIntervalSince1970: 1_577_836_800))
        XCTAssertEqual(OpenSSHTime.parse("202001010130Z"), Date(timeIntervalSince1970: 1_577_836_800 + 5400))
        XCTAssertEqual(OpenSSHTime.parse("20200101013005Z"), Date(timeIntervalSince1970: 1_577_836_800 + 5405))
        for bad in ["2020", "20201301", "20200231", "2020010112", "20200101x", "Z"] {
            XCTAssertNil(OpenSSHTime.parse(bad), bad)
        }
    }
}
