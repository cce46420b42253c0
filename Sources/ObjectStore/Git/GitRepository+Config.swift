import CGit2

extension GitRepository {
    /// An integer from the repository's own config file (`<gitdir>/config`), nil when it is not
    /// set there; values set in the user's or the system's files do not count.
    public func localConfigInteger(_ key: String) throws -> Int64? {
        try withLocalConfig { config in
            var value: Int64 = 0
            let code = git_config_get_int64(&value, config, key)
            if code == GIT_ENOTFOUND.rawValue { return nil }
            try gitCheck(code, "read \(key) from the config of \(path)")
            return value
        }
    }

    /// Sets an integer in the repository's own config file, as `git config <key> <value>` does.
    public func setLocalConfig(_ key: String, to value: Int64) throws {
        try withLocalConfig { config in
            try gitCheck(git_config_set_int64(config, key, value), "set \(key) in the config of \(path)")
        }
    }

    private func withLocalConfig<Result>(_ body: (OpaquePointer?) throws -> Result) throws -> Result {
        var all: OpaquePointer?
        try gitCheck(git_repository_config(&all, handle), "open the config of \(path)")
        defer { git_config_free(all) }
        var local: OpaquePointer?
        try gitCheck(git_config_open_level(&local, all, GIT_CONFIG_LEVEL_LOCAL), "open the config file of \(path)")
        defer { git_config_free(local) }
        return try body(local)
    }
}
