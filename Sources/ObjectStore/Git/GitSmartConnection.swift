import CGit2

/// A git:// or ssh:// connection that libgit2 opens (address, ssh authentication, host key
/// check, the remote's ref advertisement) and whose byte stream gaitstore may then use itself.
///
/// libgit2 1.5 has no API to reach the stream of a connected remote, so the remote is handed a
/// smart transport (`git_transport_smart`) whose subtransport is libgit2's own git or ssh one
/// behind a thin forwarding layer (`gaitstore_forwarding_subtransport` in CGit2's shim) that
/// remembers the inner subtransport and the URL it served.
final class GitSmartConnection {
    enum Transport {
        case git, ssh
    }

    let transport: Transport
    /// Set once gaitstore wrote to the stream itself: libgit2 must then not write its goodbye
    /// flush to a connection the server is closing.
    var finished = false
    fileprivate var inner: UnsafeMutablePointer<git_smart_subtransport>?
    fileprivate var url: String?
    let definition: UnsafeMutablePointer<git_smart_subtransport_definition>

    init(transport: Transport) {
        self.transport = transport
        definition = .allocate(capacity: 1)
        definition.initialize(to: git_smart_subtransport_definition(callback: { out, owner, param in
            GitSmartConnection.makeSubtransport(out, owner: owner, param: param)
        }, rpc: 0, param: nil))
        definition.pointee.param = Unmanaged.passUnretained(self).toOpaque()
    }

    deinit { definition.deallocate() }

    /// The protocol libgit2 would use for `url`, by libgit2's own rule (`transport_find_fn`):
    /// the git and ssh schemes, and scp-like `host:path`; nil for http(s), paths and file://.
    static func transport(forURL url: String) -> Transport? {
        let lower = url.lowercased()
        if lower.hasPrefix("git://") { return .git }
        if ["ssh://", "ssh+git://", "git+ssh://"].contains(where: lower.hasPrefix) { return .ssh }
        if !lower.contains("://"), url.contains(":") { return .ssh }
        return nil
    }

    /// The receive-pack stream of the connection the remote opened; libgit2's git and ssh
    /// subtransports hand back the stream that carried the advertisement.
    func receivePackStream() throws -> UnsafeMutablePointer<git_smart_subtransport_stream> {
        guard let inner, let url else { throw GitRemoteError.notConnected }
        var stream: UnsafeMutablePointer<git_smart_subtransport_stream>?
        try gitCheck(inner.pointee.action(&stream, inner, url, GIT_SERVICE_RECEIVEPACK), "open push stream to \(url)")
        guard let stream else { throw GitRemoteError.notConnected }
        return stream
    }

    private static func from(_ param: UnsafeMutableRawPointer?) -> GitSmartConnection {
        Unmanaged<GitSmartConnection>.fromOpaque(param!).takeUnretainedValue()
    }

    private static func makeSubtransport(_ out: UnsafeMutablePointer<UnsafeMutablePointer<git_smart_subtransport>?>?,
                                         owner: UnsafeMutablePointer<git_transport>?, param: UnsafeMutableRawPointer?) -> Int32 {
        let connection = from(param)
        var inner: UnsafeMutablePointer<git_smart_subtransport>?
        let code = connection.transport == .git ? git_smart_subtransport_git(&inner, owner, nil)
                                                   : git_smart_subtransport_ssh(&inner, owner, nil)
        guard code == 0, let inner else { return code < 0 ? code : -1 }
        let wrapper = UnsafeMutablePointer<gaitstore_forwarding_subtransport>.allocate(capacity: 1)
        wrapper.initialize(to: gaitstore_forwarding_subtransport(
            parent: git_smart_subtransport(action: forwardAction, close: forwardClose, free: forwardFree),
            inner: inner, context: param))
        connection.inner = inner
        out?.pointee = UnsafeMutableRawPointer(wrapper).assumingMemoryBound(to: git_smart_subtransport.self)
        return 0
    }
}

private func forwarding(_ transport: UnsafeMutablePointer<git_smart_subtransport>?) -> UnsafeMutablePointer<gaitstore_forwarding_subtransport> {
    UnsafeMutableRawPointer(transport!).assumingMemoryBound(to: gaitstore_forwarding_subtransport.self)
}

private let forwardAction: @convention(c) (UnsafeMutablePointer<UnsafeMutablePointer<git_smart_subtransport_stream>?>?,
                                            UnsafeMutablePointer<git_smart_subtransport>?, UnsafePointer<CChar>?,
                                            git_smart_service_t) -> Int32 = { out, transport, url, action in
    let wrapper = forwarding(transport)
    let connection = Unmanaged<GitSmartConnection>.fromOpaque(wrapper.pointee.context).takeUnretainedValue()
    guard !connection.finished else {
        _ = git_error_set_str(Int32(GIT_ERROR_NET.rawValue), "the connection was used for gaitstore's own push")
        return -1
    }
    if let url { connection.url = String(cString: url) }
    let inner = wrapper.pointee.inner!
    return inner.pointee.action(out, inner, url, action)
}

private let forwardClose: @convention(c) (UnsafeMutablePointer<git_smart_subtransport>?) -> Int32 = { transport in
    let inner = forwarding(transport).pointee.inner!
    return inner.pointee.close(inner)
}

private let forwardFree: @convention(c) (UnsafeMutablePointer<git_smart_subtransport>?) -> Void = { transport in
    let wrapper = forwarding(transport)
    let inner = wrapper.pointee.inner!
    Unmanaged<GitSmartConnection>.fromOpaque(wrapper.pointee.context).takeUnretainedValue().inner = nil
    inner.pointee.free(inner)
    wrapper.deinitialize(count: 1)
    wrapper.deallocate()
}
