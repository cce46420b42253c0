#include <git2.h>

/* git_libgit2_opts() is variadic and Swift cannot call variadic C functions. This wrapper fixes
   the one shape gaitstore needs: an option that takes a single int, such as
   GIT_OPT_ENABLE_FSYNC_GITDIR. */
static inline int gaitstore_git_libgit2_opts_int(int option, int value) {
    return git_libgit2_opts(option, value);
}
