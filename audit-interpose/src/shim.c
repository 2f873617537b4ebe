/*
 * The C library entry points audit-interpose defines. Each one forwards to
 * the C library's own definition (found with dlsym(RTLD_NEXT, ...)) after
 * asking the Rust side (audit_interpose_check_*) whether a hook refuses the
 * call. Variadic `open` and friends are why this part is C: stable Rust
 * cannot define a variadic function.
 *
 * Everything lives in this one object file, so that the linker keeps all of
 * it or none of it: `enable()` references `audit_interpose_shim_enable`, and
 * with that reference every entry point below is linked in.
 *
 * Fork safety: in the child of fork(), between fork and exec, only
 * async-signal-safe work is allowed. The child handler registered with
 * pthread_atfork sets `forked` (one store), after which every entry point
 * forwards at once: no hook, no lock, no allocation; the exec family skips
 * the exec an audit point already judged (compared with the thread's record,
 * copied from the parent: no allocation, no lock) and asks the parent's
 * broker thread about any other (ask_broker: system calls only). A
 * vfork or clone child runs no atfork handler, so the exec family also
 * compares getpid() with the pid that enabled interposition. The real
 * functions are resolved before main and again by enable, so a child never
 * calls dlsym.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

/* The Rust side: 0 to go on, or the errno value of a refusal. */
extern int audit_interpose_check_open(int dirfd, const char *path, int flags, unsigned mode);
extern int audit_interpose_check_path(int op, int dirfd, const char *path, unsigned long long arg);
extern int audit_interpose_check_two(int op, int dirfd1, const char *p1, int dirfd2, const char *p2);
extern int audit_interpose_check_chown(int dirfd, const char *path, long long uid, long long gid, int follow);
extern int audit_interpose_check_sockaddr(int op, int fd, const struct sockaddr *addr, socklen_t len);
extern int audit_interpose_check_resolve(const char *node, const char *service);
extern int audit_interpose_check_exec(int spawn, const char *path, char *const argv[], char *const envp[]);
extern int audit_interpose_check_kill(long long pid, int sig);
extern int audit_interpose_check_fd(int op, int fd, long long a, long long b);
extern int audit_interpose_exec_wanted(void);
extern int audit_interpose_exec_audited(const char *path, char *const argv[]);
extern void audit_interpose_forked_parent(void);
extern void audit_interpose_dev_null_failed(void);

/* Operation codes shared with src/linux/mod.rs. */
enum {
    OP_UNLINK = 1, OP_RMDIR = 2, OP_MKDIR = 3, OP_CHMOD = 4, OP_TRUNCATE = 5, OP_READ_DIR = 6, OP_CHDIR = 7, OP_CHROOT = 8,
    OP_FCHMOD = 30, OP_FCHOWN = 31, OP_FTRUNCATE = 32,
    OP_RENAME = 10, OP_LINK = 11, OP_SYMLINK = 12,
    OP_CONNECT = 20, OP_BIND = 21, OP_SENDTO = 22,
};

static atomic_int on;
static atomic_int forked;
static atomic_int enabled_pid;

static void child_after_fork(void) { atomic_store_explicit(&forked, 1, memory_order_relaxed); }

/* In the parent, after any fork: the forking thread's "already audited"
 * record is the child's business now (the child holds a copy, and performs
 * the operation); left here it could pass for a later call of this thread. */
static void parent_after_fork(void) {
    if (atomic_load_explicit(&on, memory_order_relaxed)) audit_interpose_forked_parent();
}

static inline int active(void) {
    /* Relaxed: `on` is set once, before the calls it concerns matter;
     * `forked` is only ever set in the child itself. */
    return atomic_load_explicit(&on, memory_order_relaxed) &&
           !atomic_load_explicit(&forked, memory_order_relaxed);
}

/* The socket to the parent's exec broker (see ask_broker), or -1. */
static atomic_int broker_fd = -1;

void audit_interpose_shim_set_broker(int fd) {
    atomic_store_explicit(&broker_fd, fd, memory_order_release);
}

/* At most this many strings (program, arguments, environment) in one
 * request; more is refused. */
#define BROKER_IOVS 1024

/*
 * In the child of fork, before exec: no hook may run here, so the request
 * goes to the parent's broker thread, which raises `process.spawn` there
 * and answers with 0 or an errno value. Only system calls and memory reads:
 * async-signal-safe. The reply comes on a socket made for this request
 * (passed with SCM_RIGHTS), so concurrent children get their own answer;
 * if the parent is gone, the reply socket reads end-of-file and the exec is
 * refused (fail closed).
 */
static int ask_broker(int kind, const char *path, char *const argv[], char *const envp[]) {
    int fd = atomic_load_explicit(&broker_fd, memory_order_acquire);
    if (fd < 0 || !path) return EACCES;
    struct iovec iov[BROKER_IOVS];
    uint32_t header[3] = {(uint32_t)kind, 0, 0};
    unsigned n = 0;
    iov[n].iov_base = header; iov[n].iov_len = sizeof header; n++;
    iov[n].iov_base = (void *)path; iov[n].iov_len = strlen(path) + 1; n++;
    for (size_t i = 0; argv && argv[i]; i++) {
        if (n == BROKER_IOVS) return EACCES;
        iov[n].iov_base = argv[i]; iov[n].iov_len = strlen(argv[i]) + 1; n++;
        header[1]++;
    }
    for (size_t i = 0; envp && envp[i]; i++) {
        if (n == BROKER_IOVS) return EACCES;
        iov[n].iov_base = envp[i]; iov[n].iov_len = strlen(envp[i]) + 1; n++;
        header[2]++;
    }
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) return EACCES;
    union {
        struct cmsghdr align;
        char buf[CMSG_SPACE(sizeof(int))];
    } control;
    memset(&control, 0, sizeof control);
    struct msghdr msg;
    memset(&msg, 0, sizeof msg);
    msg.msg_iov = iov;
    msg.msg_iovlen = n;
    msg.msg_control = control.buf;
    msg.msg_controllen = sizeof control.buf;
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &sv[1], sizeof(int));
    ssize_t sent;
    do { sent = sendmsg(fd, &msg, MSG_NOSIGNAL); } while (sent < 0 && errno == EINTR);
    close(sv[1]);
    int verdict = EACCES;
    if (sent >= 0) {
        ssize_t got;
        do { got = recv(sv[0], &verdict, sizeof verdict, 0); } while (got < 0 && errno == EINTR);
        if (got != (ssize_t)sizeof verdict) verdict = EACCES;
    }
    close(sv[0]);
    return verdict;
}

/* 0 to go on, or the errno value of a refusal, for the exec family and
 * posix_spawn (`spawn`). */
static int check_exec(int spawn, const char *path, char *const argv[], char *const envp[]) {
    if (!atomic_load_explicit(&on, memory_order_relaxed)) return 0;
    if (atomic_load_explicit(&forked, memory_order_relaxed)) {
        /* A child of fork: one atomic load says whether any hook cares. */
        if (!audit_interpose_exec_wanted()) return 0;
        /* The exec of the command an audit point raised `process.spawn` for
         * on the thread that forked (this thread's copy of its record, same
         * program and arguments): already judged, nothing to ask. */
        if (audit_interpose_exec_audited(path, argv)) return 0;
        int saved = errno;
        int e = ask_broker(1, path, argv, envp);
        errno = saved;
        return e;
    }
    /* A vfork or clone child runs no atfork handler: not seen. */
    if (getpid() != atomic_load_explicit(&enabled_pid, memory_order_relaxed)) return 0;
    return audit_interpose_check_exec(spawn, path, argv, envp);
}

#define REAL(ret, name, params)                                                 \
    typedef ret(*name##_fn) params;                                             \
    static _Atomic(name##_fn) real_##name;                                      \
    static name##_fn get_##name(void) {                                         \
        name##_fn f = atomic_load_explicit(&real_##name, memory_order_acquire);   \
        if (!f) {                                                               \
            f = (name##_fn)dlsym(RTLD_NEXT, #name);                             \
            atomic_store_explicit(&real_##name, f, memory_order_release);         \
        }                                                                       \
        return f;                                                               \
    }

REAL(int, open, (const char *, int, ...))
REAL(int, open64, (const char *, int, ...))
REAL(int, openat, (int, const char *, int, ...))
REAL(int, openat64, (int, const char *, int, ...))
REAL(int, __open_2, (const char *, int))
REAL(int, __open64_2, (const char *, int))
REAL(int, __openat_2, (int, const char *, int))
REAL(int, __openat64_2, (int, const char *, int))
REAL(int, creat, (const char *, mode_t))
REAL(int, creat64, (const char *, mode_t))
REAL(int, unlink, (const char *))
REAL(int, unlinkat, (int, const char *, int))
REAL(int, rmdir, (const char *))
REAL(int, mkdir, (const char *, mode_t))
REAL(int, mkdirat, (int, const char *, mode_t))
REAL(int, rename, (const char *, const char *))
REAL(int, renameat, (int, const char *, int, const char *))
REAL(int, renameat2, (int, const char *, int, const char *, unsigned))
REAL(int, link, (const char *, const char *))
REAL(int, linkat, (int, const char *, int, const char *, int))
REAL(int, symlink, (const char *, const char *))
REAL(int, symlinkat, (const char *, int, const char *))
REAL(int, chmod, (const char *, mode_t))
REAL(int, fchmodat, (int, const char *, mode_t, int))
REAL(int, chown, (const char *, uid_t, gid_t))
REAL(int, lchown, (const char *, uid_t, gid_t))
REAL(int, fchownat, (int, const char *, uid_t, gid_t, int))
REAL(int, truncate, (const char *, off_t))
REAL(int, truncate64, (const char *, off64_t))
REAL(int, connect, (int, const struct sockaddr *, socklen_t))
REAL(int, bind, (int, const struct sockaddr *, socklen_t))
REAL(ssize_t, sendto, (int, const void *, size_t, int, const struct sockaddr *, socklen_t))
REAL(int, getaddrinfo, (const char *, const char *, const struct addrinfo *, struct addrinfo **))
REAL(int, execve, (const char *, char *const[], char *const[]))
REAL(int, execv, (const char *, char *const[]))
REAL(int, execvp, (const char *, char *const[]))
REAL(int, execvpe, (const char *, char *const[], char *const[]))
REAL(int, posix_spawn, (pid_t *, const char *, const posix_spawn_file_actions_t *,
                        const posix_spawnattr_t *, char *const[], char *const[]))
REAL(int, posix_spawnp, (pid_t *, const char *, const posix_spawn_file_actions_t *,
                         const posix_spawnattr_t *, char *const[], char *const[]))
REAL(int, kill, (pid_t, int))
REAL(DIR *, opendir, (const char *))
REAL(int, chdir, (const char *))
REAL(int, chroot, (const char *))
REAL(int, fchmod, (int, mode_t))
REAL(int, fchown, (int, uid_t, gid_t))
REAL(int, ftruncate, (int, off_t))
REAL(int, ftruncate64, (int, off64_t))

extern char **environ;

/* Resolves every real function now, so that no later call (in a forked
 * child, in a signal handler) needs dlsym. */
static void resolve_all(void) {
    (void)get_open(); (void)get_open64(); (void)get_openat(); (void)get_openat64();
    (void)get___open_2(); (void)get___open64_2(); (void)get___openat_2(); (void)get___openat64_2();
    (void)get_creat(); (void)get_creat64(); (void)get_unlink(); (void)get_unlinkat();
    (void)get_rmdir(); (void)get_mkdir(); (void)get_mkdirat(); (void)get_rename();
    (void)get_renameat(); (void)get_renameat2(); (void)get_link(); (void)get_linkat();
    (void)get_symlink(); (void)get_symlinkat(); (void)get_chmod(); (void)get_fchmodat();
    (void)get_chown(); (void)get_lchown(); (void)get_fchownat(); (void)get_truncate();
    (void)get_truncate64(); (void)get_connect(); (void)get_bind(); (void)get_sendto();
    (void)get_getaddrinfo(); (void)get_execve(); (void)get_execv(); (void)get_execvp();
    (void)get_execvpe(); (void)get_posix_spawn(); (void)get_posix_spawnp(); (void)get_kill();
    (void)get_opendir(); (void)get_chdir(); (void)get_chroot(); (void)get_fchmod();
    (void)get_fchown(); (void)get_ftruncate(); (void)get_ftruncate64();
}

/* Runs before main: calls made before `enable()` (from other constructors,
 * from the C library) find their real function without a lookup race. */
__attribute__((constructor)) static void audit_interpose_init(void) { resolve_all(); }

/* Called by `enable()`: returns 1 once interposition is on. */
int audit_interpose_shim_enable(void) {
    static atomic_int registered;
    resolve_all();
    if (!atomic_exchange(&registered, 1)) {
        if (pthread_atfork(NULL, parent_after_fork, child_after_fork) != 0) {
            atomic_store(&registered, 0);
            return 0;
        }
    }
    atomic_store_explicit(&enabled_pid, (int)getpid(), memory_order_relaxed);
    atomic_store_explicit(&on, 1, memory_order_release);
    return 1;
}

/* Whether `name` (an entry point this file defines) resolves, in the global
 * scope, to the definition below: for the "really linked" checks. */
void *audit_interpose_shim_address(int which) {
    switch (which) {
    case 0: return (void *)&open64;
    case 1: return (void *)&openat64;
    case 2: return (void *)&connect;
    case 3: return (void *)&posix_spawnp;
    default: return NULL;
    }
}

#define MISSING(ret) do { errno = ENOSYS; return ret; } while (0)
#define REFUSE(e, ret) do { errno = (e); return ret; } while (0)
#define CALL(name, ret_on_missing, ...)                 \
    do {                                                \
        name##_fn f = get_##name();                     \
        if (!f) MISSING(ret_on_missing);                \
        return f(__VA_ARGS__);                          \
    } while (0)

static inline int creates(int flags) {
    return (flags & O_CREAT) || ((flags & O_TMPFILE) == O_TMPFILE);
}

/* After a failed open: when it was std's open of /dev/null for a command's
 * null stdio, the command will not start, and the record of its
 * `process.spawn` (which that open leaves in place) must not wait for a
 * later spawn. Only on failure, and errno is kept. */
static int open_result(int fd, const char *path) {
    if (fd < 0 && path && strcmp(path, "/dev/null") == 0 && active()) {
        int saved = errno;
        audit_interpose_dev_null_failed();
        errno = saved;
    }
    return fd;
}

#define OPEN_BODY(name, dirfd, ...)                                          \
    unsigned mode = 0;                                                       \
    if (creates(flags)) {                                                    \
        va_list ap;                                                          \
        va_start(ap, flags);                                                 \
        mode = va_arg(ap, unsigned);                                         \
        va_end(ap);                                                          \
    }                                                                        \
    if (active()) {                                                          \
        int e = audit_interpose_check_open(dirfd, path, flags, mode);        \
        if (e) REFUSE(e, -1);                                                \
    }                                                                        \
    name##_fn f = get_##name();                                              \
    if (!f) MISSING(-1);                                                     \
    return open_result(f(__VA_ARGS__, mode), path);

int open(const char *path, int flags, ...) { OPEN_BODY(open, AT_FDCWD, path, flags) }
int open64(const char *path, int flags, ...) { OPEN_BODY(open64, AT_FDCWD, path, flags) }
int openat(int dirfd, const char *path, int flags, ...) { OPEN_BODY(openat, dirfd, dirfd, path, flags) }
int openat64(int dirfd, const char *path, int flags, ...) { OPEN_BODY(openat64, dirfd, dirfd, path, flags) }

#define OPEN2_BODY(name, dirfd, ...)                                         \
    if (active()) {                                                          \
        int e = audit_interpose_check_open(dirfd, path, flags, 0);           \
        if (e) REFUSE(e, -1);                                                \
    }                                                                        \
    CALL(name, -1, __VA_ARGS__);

int __open_2(const char *path, int flags) { OPEN2_BODY(__open_2, AT_FDCWD, path, flags) }
int __open64_2(const char *path, int flags) { OPEN2_BODY(__open64_2, AT_FDCWD, path, flags) }
int __openat_2(int dirfd, const char *path, int flags) { OPEN2_BODY(__openat_2, dirfd, dirfd, path, flags) }
int __openat64_2(int dirfd, const char *path, int flags) { OPEN2_BODY(__openat64_2, dirfd, dirfd, path, flags) }

int creat(const char *path, mode_t mode) {
    if (active()) {
        int e = audit_interpose_check_open(AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC, mode);
        if (e) REFUSE(e, -1);
    }
    CALL(creat, -1, path, mode);
}
int creat64(const char *path, mode_t mode) {
    if (active()) {
        int e = audit_interpose_check_open(AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC, mode);
        if (e) REFUSE(e, -1);
    }
    CALL(creat64, -1, path, mode);
}

#define CHECK_PATH(op, dirfd, path, arg)                                     \
    if (active()) {                                                          \
        int e = audit_interpose_check_path(op, dirfd, path, arg);            \
        if (e) REFUSE(e, -1);                                                \
    }

int unlink(const char *path) { CHECK_PATH(OP_UNLINK, AT_FDCWD, path, 0) CALL(unlink, -1, path); }
int unlinkat(int dirfd, const char *path, int flags) {
    CHECK_PATH((flags & AT_REMOVEDIR) ? OP_RMDIR : OP_UNLINK, dirfd, path, 0)
    CALL(unlinkat, -1, dirfd, path, flags);
}
DIR *opendir(const char *path) {
    if (active()) {
        int e = audit_interpose_check_path(OP_READ_DIR, AT_FDCWD, path, 0);
        if (e) REFUSE(e, NULL);
    }
    CALL(opendir, NULL, path);
}
int chdir(const char *path) { CHECK_PATH(OP_CHDIR, AT_FDCWD, path, 0) CALL(chdir, -1, path); }
int chroot(const char *path) { CHECK_PATH(OP_CHROOT, AT_FDCWD, path, 0) CALL(chroot, -1, path); }

#define CHECK_FD(op, fd, a, b)                                               \
    if (active()) {                                                          \
        int e = audit_interpose_check_fd(op, fd, a, b);                      \
        if (e) REFUSE(e, -1);                                                \
    }

int fchmod(int fd, mode_t mode) { CHECK_FD(OP_FCHMOD, fd, mode, 0) CALL(fchmod, -1, fd, mode); }
int fchown(int fd, uid_t uid, gid_t gid) {
    CHECK_FD(OP_FCHOWN, fd, uid == (uid_t)-1 ? -1 : (long long)uid, gid == (gid_t)-1 ? -1 : (long long)gid)
    CALL(fchown, -1, fd, uid, gid);
}
int ftruncate(int fd, off_t len) { CHECK_FD(OP_FTRUNCATE, fd, len, 0) CALL(ftruncate, -1, fd, len); }
int ftruncate64(int fd, off64_t len) { CHECK_FD(OP_FTRUNCATE, fd, len, 0) CALL(ftruncate64, -1, fd, len); }

int rmdir(const char *path) { CHECK_PATH(OP_RMDIR, AT_FDCWD, path, 0) CALL(rmdir, -1, path); }
int mkdir(const char *path, mode_t mode) { CHECK_PATH(OP_MKDIR, AT_FDCWD, path, mode) CALL(mkdir, -1, path, mode); }
int mkdirat(int dirfd, const char *path, mode_t mode) {
    CHECK_PATH(OP_MKDIR, dirfd, path, mode) CALL(mkdirat, -1, dirfd, path, mode);
}
int chmod(const char *path, mode_t mode) { CHECK_PATH(OP_CHMOD, AT_FDCWD, path, mode) CALL(chmod, -1, path, mode); }
int fchmodat(int dirfd, const char *path, mode_t mode, int flags) {
    CHECK_PATH(OP_CHMOD, dirfd, path, mode) CALL(fchmodat, -1, dirfd, path, mode, flags);
}
int truncate(const char *path, off_t len) {
    CHECK_PATH(OP_TRUNCATE, AT_FDCWD, path, (unsigned long long)len) CALL(truncate, -1, path, len);
}
int truncate64(const char *path, off64_t len) {
    CHECK_PATH(OP_TRUNCATE, AT_FDCWD, path, (unsigned long long)len) CALL(truncate64, -1, path, len);
}

#define CHECK_TWO(op, d1, p1, d2, p2)                                        \
    if (active()) {                                                          \
        int e = audit_interpose_check_two(op, d1, p1, d2, p2);               \
        if (e) REFUSE(e, -1);                                                \
    }

int rename(const char *from, const char *to) {
    CHECK_TWO(OP_RENAME, AT_FDCWD, from, AT_FDCWD, to) CALL(rename, -1, from, to);
}
int renameat(int fd1, const char *from, int fd2, const char *to) {
    CHECK_TWO(OP_RENAME, fd1, from, fd2, to) CALL(renameat, -1, fd1, from, fd2, to);
}
int renameat2(int fd1, const char *from, int fd2, const char *to, unsigned flags) {
    CHECK_TWO(OP_RENAME, fd1, from, fd2, to) CALL(renameat2, -1, fd1, from, fd2, to, flags);
}
int link(const char *original, const char *path) {
    CHECK_TWO(OP_LINK, AT_FDCWD, original, AT_FDCWD, path) CALL(link, -1, original, path);
}
int linkat(int fd1, const char *original, int fd2, const char *path, int flags) {
    CHECK_TWO(OP_LINK, fd1, original, fd2, path) CALL(linkat, -1, fd1, original, fd2, path, flags);
}
/* The target of a symbolic link is text, not resolved: -1 says so. */
int symlink(const char *target, const char *path) {
    CHECK_TWO(OP_SYMLINK, -1, target, AT_FDCWD, path) CALL(symlink, -1, target, path);
}
int symlinkat(const char *target, int dirfd, const char *path) {
    CHECK_TWO(OP_SYMLINK, -1, target, dirfd, path) CALL(symlinkat, -1, target, dirfd, path);
}

#define CHECK_CHOWN(dirfd, path, uid, gid, follow)                                        \
    if (active()) {                                                                       \
        int e = audit_interpose_check_chown(dirfd, path, (uid) == (uid_t)-1 ? -1 : (long long)(uid), \
                                            (gid) == (gid_t)-1 ? -1 : (long long)(gid), follow);      \
        if (e) REFUSE(e, -1);                                                             \
    }

int chown(const char *path, uid_t uid, gid_t gid) {
    CHECK_CHOWN(AT_FDCWD, path, uid, gid, 1) CALL(chown, -1, path, uid, gid);
}
int lchown(const char *path, uid_t uid, gid_t gid) {
    CHECK_CHOWN(AT_FDCWD, path, uid, gid, 0) CALL(lchown, -1, path, uid, gid);
}
int fchownat(int dirfd, const char *path, uid_t uid, gid_t gid, int flags) {
    CHECK_CHOWN(dirfd, path, uid, gid, !(flags & AT_SYMLINK_NOFOLLOW))
    CALL(fchownat, -1, dirfd, path, uid, gid, flags);
}

#define CHECK_ADDR(op, fd, addr, len)                                        \
    if (active() && (addr)) {                                                \
        int e = audit_interpose_check_sockaddr(op, fd, addr, len);           \
        if (e) REFUSE(e, -1);                                                \
    }

int connect(int fd, const struct sockaddr *addr, socklen_t len) {
    CHECK_ADDR(OP_CONNECT, fd, addr, len) CALL(connect, -1, fd, addr, len);
}
int bind(int fd, const struct sockaddr *addr, socklen_t len) {
    CHECK_ADDR(OP_BIND, fd, addr, len) CALL(bind, -1, fd, addr, len);
}
ssize_t sendto(int fd, const void *buf, size_t n, int flags, const struct sockaddr *addr, socklen_t len) {
    CHECK_ADDR(OP_SENDTO, fd, addr, len) CALL(sendto, -1, fd, buf, n, flags, addr, len);
}

int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
                struct addrinfo **res) {
    if (active() && node) {
        int e = audit_interpose_check_resolve(node, service);
        if (e) {
            errno = e;
            return EAI_SYSTEM;
        }
    }
    getaddrinfo_fn f = get_getaddrinfo();
    if (!f) { errno = ENOSYS; return EAI_SYSTEM; }
    return f(node, service, hints, res);
}

#define CHECK_EXEC(spawn, path, argv, envp)                                  \
    {                                                                        \
        int e = check_exec(spawn, path, argv, envp);                         \
        if (e) REFUSE(e, -1);                                                \
    }

int execve(const char *path, char *const argv[], char *const envp[]) {
    CHECK_EXEC(0, path, argv, envp) CALL(execve, -1, path, argv, envp);
}
int execv(const char *path, char *const argv[]) {
    CHECK_EXEC(0, path, argv, environ) CALL(execv, -1, path, argv);
}
int execvp(const char *file, char *const argv[]) {
    CHECK_EXEC(0, file, argv, environ) CALL(execvp, -1, file, argv);
}
int execvpe(const char *file, char *const argv[], char *const envp[]) {
    CHECK_EXEC(0, file, argv, envp) CALL(execvpe, -1, file, argv, envp);
}

/* posix_spawn reports errors as its return value, not in errno. */
int posix_spawn(pid_t *pid, const char *path, const posix_spawn_file_actions_t *fa,
                const posix_spawnattr_t *attr, char *const argv[], char *const envp[]) {
    int e = check_exec(1, path, argv, envp);
    if (e) return e;
    posix_spawn_fn f = get_posix_spawn();
    if (!f) return ENOSYS;
    return f(pid, path, fa, attr, argv, envp);
}
int posix_spawnp(pid_t *pid, const char *file, const posix_spawn_file_actions_t *fa,
                 const posix_spawnattr_t *attr, char *const argv[], char *const envp[]) {
    int e = check_exec(1, file, argv, envp);
    if (e) return e;
    posix_spawnp_fn f = get_posix_spawnp();
    if (!f) return ENOSYS;
    return f(pid, file, fa, attr, argv, envp);
}

int kill(pid_t pid, int sig) {
    /* Signal 0 only probes whether the process exists. */
    if (sig != 0 && active()) {
        int e = audit_interpose_check_kill((long long)pid, sig);
        if (e) REFUSE(e, -1);
    }
    CALL(kill, -1, pid, sig);
}
