#include <git2.h>
#include <git2/sys/transport.h>

/* git_libgit2_opts() is variadic and Swift cannot call variadic C functions. This wrapper fixes
   the shape gaitstore needs: GIT_OPT_SET_CACHE_OBJECT_LIMIT, an object type and a size in bytes. */
static inline int gaitstore_git_libgit2_opts_cache_object_limit(git_object_t type, size_t size) {
    return git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, type, size);
}

/* GIT_OPT_SET_SSL_CERT_LOCATIONS, which takes a CA file and a CA directory (either
   may be NULL, not both). */
static inline int gaitstore_git_libgit2_opts_ssl_cert_locations(const char *file, const char *path) {
    return git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, file, path);
}

/* A smart subtransport that forwards to one of libgit2's own (git:// or ssh://) and carries a
   pointer for gaitstore, so that a push can write its own pack to the connection libgit2 opened
   (see GitSmartPush.swift). `parent` comes first: libgit2 sees a plain git_smart_subtransport. */
typedef struct {
    git_smart_subtransport parent;
    git_smart_subtransport *inner;
    void *context;
} gaitstore_forwarding_subtransport;
