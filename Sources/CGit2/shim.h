#include <git2.h>
#include <git2/sys/transport.h>

/* git_libgit2_opts() is variadic and Swift cannot call variadic C functions. This wrapper fixes
   the one shape gaitstore needs: an option that takes a single int, such as
   GIT_OPT_ENABLE_FSYNC_GITDIR. */
static inline int gaitstore_git_libgit2_opts_int(int option, int value) {
    return git_libgit2_opts(option, value);
}

/* A smart subtransport that forwards to one of libgit2's own (git:// or ssh://) and carries a
   pointer for gaitstore, so that a push can write its own pack to the connection libgit2 opened
   (see GitSmartPush.swift). `parent` comes first: libgit2 sees a plain git_smart_subtransport. */
typedef struct {
    git_smart_subtransport parent;
    git_smart_subtransport *inner;
    void *context;
} gaitstore_forwarding_subtransport;
