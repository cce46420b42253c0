/// The two key file formats gaitstore reads and writes.
public enum KeyFileFormat: String, Sendable {
    /// gait's own: one line of standard base64 (`gait keys init`, `--private-key`, `--public-key`).
    case gait
    /// OpenSSH's: the files `ssh-keygen -t ed25519` writes, usable with git and ssh-agent.
    case openssh
}
