#include <git2.h>

/* git_libgit2_opts() is variadic and Swift cannot call variadic C functions. These wrappers fix
   the shapes gaitstore needs. First, an option that takes a single int, such as
   GIT_OPT_ENABLE_FSYNC_GITDIR. */
static inline int gaitstore_git_libgit2_opts_int(int option, int value) {
    return git_libgit2_opts(option, value);
}

/* GIT_OPT_SET_SSL_CERT_LOCATIONS, which takes a CA file and a CA directory (either
   may be NULL, not both). */
static inline int gaitstore_git_libgit2_opts_ssl_cert_locations(const char *file, const char *path) {
    return git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, file, path);
}
