// A hostile guest: tries every way out of its preopen a C program has (wasi-libc turns each
// into the WASI call that reaches Kite's path resolution) and prints what each attempt got.
// Run with the preopen "." holding inside.txt, readonly.txt (mode 0444) and sub/; the
// preopen's parent holds outside.txt and outdir/, which must come out unchanged.
//   hostile escape     the escapes (SandboxTests.hostileGuest)
//   hostile readonly   opening readonly.txt for writing, as a user it is read-only to
//   hostile fill       writing 100,000 bytes at once into a file system smaller than that
// Built by build.sh (clang 14, wasm32-wasi); the .wasm is committed.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

static void report(const char *attempt, int result) {
    printf("%s: %s\n", attempt, result < 0 ? strerror(errno) : "succeeded");
}

static int opened(const char *path, int flags) {
    int fd = open(path, flags, 0644);
    if (fd >= 0) close(fd);
    return fd;
}

static int listed(const char *path) {
    DIR *dir = opendir(path);
    if (!dir) return -1;
    int entries = 0;
    while (readdir(dir)) entries++;
    closedir(dir);
    return 0;
}

static void escape(void) {
    report("read ../outside.txt", opened("../outside.txt", O_RDONLY));
    report("truncate ../outside.txt", opened("../outside.txt", O_WRONLY | O_TRUNC));
    report("create ../created.txt", opened("../created.txt", O_WRONLY | O_CREAT));
    report("read sub/../../outside.txt", opened("sub/../../outside.txt", O_RDONLY));
    report("read /etc/passwd", opened("/etc/passwd", O_RDONLY));
    report("list ..", listed(".."));
    report("list sub/../..", listed("sub/../.."));

    report("symlink link-out -> ../outside.txt", symlink("../outside.txt", "link-out"));
    report("read link-out", opened("link-out", O_RDONLY));
    report("truncate link-out", opened("link-out", O_WRONLY | O_TRUNC));
    report("symlink link-abs -> /etc/passwd", symlink("/etc/passwd", "link-abs"));
    report("read link-abs", opened("link-abs", O_RDONLY));
    report("symlink up -> ..", symlink("..", "up"));
    report("read up/outside.txt", opened("up/outside.txt", O_RDONLY));
    report("create up/created.txt", opened("up/created.txt", O_WRONLY | O_CREAT));
    report("symlink sub/deep -> ../../outdir", symlink("../../outdir", "sub/deep"));
    report("create sub/deep/created.txt", opened("sub/deep/created.txt", O_WRONLY | O_CREAT));
    char target[256] = {0};
    ssize_t length = readlink("link-out", target, sizeof target - 1);
    printf("readlink link-out: %s\n", length < 0 ? strerror(errno) : target);

    report("mkdir ../made", mkdir("../made", 0755));
    report("mkdir up/made", mkdir("up/made", 0755));
    report("rename inside.txt -> ../moved.txt", rename("inside.txt", "../moved.txt"));
    report("rename ../outside.txt -> taken.txt", rename("../outside.txt", "taken.txt"));
    report("rename inside.txt -> up/moved.txt", rename("inside.txt", "up/moved.txt"));
    report("link inside.txt -> ../linked.txt", link("inside.txt", "../linked.txt"));
    report("link ../outside.txt -> stolen.txt", link("../outside.txt", "stolen.txt"));
    report("link up/outside.txt -> stolen.txt", link("up/outside.txt", "stolen.txt"));
    report("unlink ../outside.txt", unlink("../outside.txt"));
    report("unlink up/outside.txt", unlink("up/outside.txt"));
    report("rmdir ../outdir", rmdir("../outdir"));
    report("rmdir up/outdir", rmdir("up/outdir"));
    struct timeval times[2] = {{0, 0}, {0, 0}};
    report("utimes ../outside.txt", utimes("../outside.txt", times));
    report("utimes up/outside.txt", utimes("up/outside.txt", times));
    struct stat info;
    report("stat ../outside.txt", stat("../outside.txt", &info));
    report("stat up/outside.txt", stat("up/outside.txt", &info));
    report("chdir ..", chdir(".."));
    report("read outside.txt after chdir", opened("outside.txt", O_RDONLY));

    // Inside the preopen everything works.
    report("read inside.txt", opened("inside.txt", O_RDONLY));
    report("create sub/new.txt", opened("sub/new.txt", O_WRONLY | O_CREAT));
    report("rename sub/new.txt -> renamed.txt", rename("sub/new.txt", "renamed.txt"));
    report("link renamed.txt -> linked.txt", link("renamed.txt", "linked.txt"));
    report("unlink linked.txt", unlink("linked.txt"));
}

// One write larger than the file system: the bytes that fit are written and counted (a short
// write, not an error), and the next write is ENOSPC.
static void fill(void) {
    static char block[100000];
    memset(block, 'k', sizeof block);
    int fd = open("big.bin", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) { report("create big.bin", fd); return; }
    ssize_t written = write(fd, block, sizeof block);
    if (written < 0) report("write 100000 bytes", -1); else printf("write 100000 bytes: %zd written\n", written);
    report("write 100000 more", write(fd, block, sizeof block) < 0 ? -1 : 0);
    struct stat info;
    if (fstat(fd, &info) == 0) printf("size: %lld\n", (long long)info.st_size);
    close(fd);
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "escape") == 0) {
        escape();
    } else if (argc > 1 && strcmp(argv[1], "readonly") == 0) {
        report("read readonly.txt", opened("readonly.txt", O_RDONLY));
        report("write readonly.txt", opened("readonly.txt", O_WRONLY));
        report("truncate readonly.txt", opened("readonly.txt", O_WRONLY | O_TRUNC));
    } else if (argc > 1 && strcmp(argv[1], "fill") == 0) {
        fill();
    } else {
        fprintf(stderr, "usage: hostile escape|readonly|fill\n");
        return 2;
    }
    return 0;
}
