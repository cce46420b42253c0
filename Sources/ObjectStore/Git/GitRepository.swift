import CGit2

/// A git repository opened through libgit2: the only door from gaitstore to `git_*` functions.
///
/// **One thread at a time.** libgit2 objects must not be shared between threads, and its error
/// state is per thread. Use a `GitRepository` from one thread only; code that works on several
/// threads opens one instance per thread. Separate instances on the same directory are safe
/// together: refs change by compare-and-swap under git's lock files (see `updateReference`).
public final class GitRepository {
    /// The git directory (for a bare store, the store itself), absolute, without a trailing `/`.
    public let path: String

    private(set) var handle: OpaquePointer
    private var cachedODB: OpaquePointer?
    /// The pack indexes, parsed on first use and kept with this handle (see `GitPackIndexCache`).
    private(set) lazy var packIndexes = GitPackIndexCache(gitDirectory: path)
    private var cachedLooseWriter: GitLooseObjectWriter?

    private init(handle: OpaquePointer) {
        self.handle = handle
        var gitdir = String(cString: git_repository_path(handle))
        while gitdir.count > 1 && gitdir.hasSuffix("/") { gitdir.removeLast() }
        self.path = gitdir
    }

    deinit {
        if let cachedODB { git_odb_free(cachedODB) }
        git_repository_free(handle)
    }

    /// Creates a bare repository at `path`, or opens the one already there (as `git init` does).
    public static func initBare(at path: String) throws -> GitRepository {
        GitLibrary.ensureInitialized()
        var handle: OpaquePointer?
        try gitCheck(git_repository_init(&handle, path, 1), "create repository \(path)")
        return GitRepository(handle: handle!)
    }

    /// Opens the repository whose git directory (or work tree) is exactly `path`; parent
    /// directories are not searched, so a store never silently resolves to an enclosing repository.
    public static func open(at path: String) throws -> GitRepository {
        GitLibrary.ensureInitialized()
        var handle: OpaquePointer?
        let flags = GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue
        try gitCheck(git_repository_open_ext(&handle, path, flags, nil), "open repository \(path)")
        return GitRepository(handle: handle!)
    }

    /// Swaps in a freshly opened handle. libgit2 never forgets a pack once it has seen it, so
    /// after packs were deleted this is how the instance stops listing their objects.
    func reopen() throws {
        var fresh: OpaquePointer?
        let flags = GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue
        try gitCheck(git_repository_open_ext(&fresh, path, flags, nil), "reopen repository \(path)")
        if let cachedODB { git_odb_free(cachedODB) }
        cachedODB = nil
        git_repository_free(handle)
        handle = fresh!
    }

    /// Creates the loose objects' fan-out directories ahead of the first writes (see
    /// `GitLooseObjectWriter.createFanOut`).
    func createLooseFanOut() throws {
        try GitLooseObjectWriter.createFanOut(objectsDirectory: path + "/objects")
    }

    /// The writer of small loose objects, made on first use and kept with this handle.
    func looseWriter() throws -> GitLooseObjectWriter {
        if let cachedLooseWriter { return cachedLooseWriter }
        let writer = try GitLooseObjectWriter(objectsDirectory: path + "/objects")
        cachedLooseWriter = writer
        return writer
    }

    /// The object database, owned by this instance and freed with it.
    func odb() throws -> OpaquePointer {
        if let cachedODB { return cachedODB }
        var odb: OpaquePointer?
        try gitCheck(git_repository_odb(&odb, handle), "open object database of \(path)")
        cachedODB = odb
        return odb!
    }
}

/// libgit2's global state, set up once per process and never torn down.
enum GitLibrary {
    private static let initialized: Void = {
        _ = git_libgit2_init()
        // libgit2 caches no commit or tree above 4 KB. A catalog's fan-out trees (256 entries) and
        // an import's commit (it lists the imported ids) are larger, and every lookup by id walks
        // the same few of them, so they are worth keeping; the cache's total stays at libgit2's bound.
        for type in [GIT_OBJECT_COMMIT, GIT_OBJECT_TREE] {
            _ = gaitstore_git_libgit2_opts_cache_object_limit(type, 1 << 20)
        }
    }()

    static func ensureInitialized() { _ = initialized }
}

/// A repository handle belongs to one thread; open another on each thread instead of sharing.
@available(*, unavailable)
extension GitRepository: Sendable {}
