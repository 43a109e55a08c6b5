"""The part of WASI preview1 that the sightglass programs and wasmi-benchmarks' modules import, in
Python, for engines without WASI of their own (wasm3). Host files back the guest's: stdio is the
process's fds 0-2 and each preopen is a host folder at fd 3, 4, ...

Every function takes and returns plain integers (wasm3 passes i32 and i64 as Python ints); guest
memory is read and written through `memory()`, asked again on every call because a memory.grow
may move it."""

import errno
import os
import stat
import struct
import time

SUCCESS, BADF, INVAL, NOSYS, SPIPE, NOTCAPABLE, IO = 0, 8, 28, 52, 70, 76, 29
ERRNO = {  # host errno -> WASI errno
    errno.EACCES: 2, errno.EBADF: BADF, errno.EEXIST: 20, errno.EINVAL: INVAL, errno.EISDIR: 31,
    errno.ENOENT: 44, errno.ENOTDIR: 54, errno.ENOTEMPTY: 55, errno.EPERM: 63, errno.ESPIPE: SPIPE,
}
FILETYPE_UNKNOWN, FILETYPE_CHARACTER_DEVICE, FILETYPE_DIRECTORY, FILETYPE_REGULAR_FILE = 0, 2, 3, 4
ALL_RIGHTS = (1 << 29) - 1
RIGHT_FD_READ, RIGHT_FD_WRITE = 1 << 1, 1 << 6
OFLAG_CREAT, OFLAG_DIRECTORY, OFLAG_EXCL, OFLAG_TRUNC = 1, 2, 4, 8
FDFLAG_APPEND = 1
IMPLEMENTED = (
    "args_get", "args_sizes_get", "environ_get", "environ_sizes_get", "clock_res_get", "clock_time_get",
    "random_get", "sched_yield", "proc_exit", "fd_prestat_get", "fd_prestat_dir_name", "fd_write", "fd_read",
    "fd_seek", "fd_close", "fd_fdstat_get", "fd_fdstat_set_flags", "fd_filestat_get", "path_filestat_get",
    "path_open",
)
CLOCKS = {0: time.time_ns, 1: time.monotonic_ns, 2: time.process_time_ns, 3: time.thread_time_ns}


class ProcExit(Exception):
    """proc_exit: unwinds out of the guest to whoever called `_start`."""

    def __init__(self, code: int):
        super().__init__(f"proc_exit({code})")
        self.code = code


class Wasi:
    def __init__(self, memory, args: list[str], preopens: list[tuple[str, str]]):
        """memory() returns the guest memory as a writable memoryview; preopens are
        (guest path, host path) pairs."""
        self.memory = memory
        self.args = [a.encode() + b"\0" for a in args]
        self.fds = {0: 0, 1: 1, 2: 2}  # WASI fd -> host fd
        self.preopens = {}  # WASI fd -> (guest path, host path)
        for guest, host in preopens:
            fd = len(self.fds)
            self.fds[fd] = os.open(host, os.O_RDONLY | os.O_DIRECTORY)
            self.preopens[fd] = (guest, host)

    def functions(self) -> dict:
        """The implemented functions by import name."""
        return {name: getattr(self, name) for name in IMPLEMENTED}

    # Guest memory helpers.
    def read(self, ptr: int, length: int) -> bytes:
        return bytes(self.memory()[ptr:ptr + length])

    def write(self, ptr: int, data: bytes) -> None:
        self.memory()[ptr:ptr + len(data)] = data

    def pack(self, fmt: str, ptr: int, *values) -> None:
        struct.pack_into("<" + fmt, self.memory(), ptr, *values)

    def iovecs(self, ptr: int, count: int) -> list[tuple[int, int]]:
        return [struct.unpack_from("<II", self.memory(), ptr + 8 * i) for i in range(count)]

    def write_strings(self, strings: list[bytes], pointers: int, buffer: int) -> int:
        for i, s in enumerate(strings):
            self.pack("I", pointers + 4 * i, buffer)
            self.write(buffer, s)
            buffer += len(s)
        return SUCCESS

    # Arguments, environment, clocks, randomness, process.
    def args_sizes_get(self, argc_ptr, size_ptr):
        self.pack("I", argc_ptr, len(self.args))
        self.pack("I", size_ptr, sum(map(len, self.args)))
        return SUCCESS

    def args_get(self, argv_ptr, buffer_ptr):
        return self.write_strings(self.args, argv_ptr, buffer_ptr)

    def environ_sizes_get(self, count_ptr, size_ptr):
        self.pack("I", count_ptr, 0)
        self.pack("I", size_ptr, 0)
        return SUCCESS

    def environ_get(self, environ_ptr, buffer_ptr):
        return SUCCESS

    def clock_res_get(self, clock, result_ptr):
        if clock not in CLOCKS:
            return INVAL
        self.pack("Q", result_ptr, 1)
        return SUCCESS

    def clock_time_get(self, clock, precision, result_ptr):
        if clock not in CLOCKS:
            return INVAL
        self.pack("Q", result_ptr, CLOCKS[clock]())
        return SUCCESS

    def random_get(self, ptr, length):
        self.write(ptr, os.urandom(length))
        return SUCCESS

    def sched_yield(self):
        return SUCCESS

    def proc_exit(self, code):
        raise ProcExit(code)

    # File descriptors. Host errors become WASI errnos.
    def fd_prestat_get(self, fd, ptr):
        if fd not in self.preopens:
            return BADF
        self.pack("II", ptr, 0, len(self.preopens[fd][0].encode()))  # tag 0: a directory
        return SUCCESS

    def fd_prestat_dir_name(self, fd, ptr, length):
        if fd not in self.preopens:
            return BADF
        self.write(ptr, self.preopens[fd][0].encode()[:length])
        return SUCCESS

    def fd_write(self, fd, iovs, count, nwritten_ptr):
        return self.host_call(fd, lambda host: self.pack("I", nwritten_ptr, sum(
            write_all(host, self.read(base, length)) for base, length in self.iovecs(iovs, count))))

    def fd_read(self, fd, iovs, count, nread_ptr):
        def read(host):
            total = 0
            for base, length in self.iovecs(iovs, count):
                data = os.read(host, length)
                self.write(base, data)
                total += len(data)
                if len(data) < length:
                    break
            self.pack("I", nread_ptr, total)
        return self.host_call(fd, read)

    def fd_seek(self, fd, offset, whence, result_ptr):
        # WASI's whence values (set, cur, end) are POSIX's.
        return self.host_call(fd, lambda host: self.pack("Q", result_ptr, os.lseek(host, offset, whence)))

    def fd_close(self, fd):
        if fd not in self.fds:
            return BADF
        host = self.fds.pop(fd)
        self.preopens.pop(fd, None)
        if fd > 2:  # the process's stdio is borrowed, not closed
            os.close(host)
        return SUCCESS

    def fd_fdstat_get(self, fd, ptr):
        def fdstat(host):
            self.pack("BxHxxxxQQ", ptr, filetype(os.fstat(host).st_mode), 0, ALL_RIGHTS, ALL_RIGHTS)
        return self.host_call(fd, fdstat)

    def fd_fdstat_set_flags(self, fd, flags):
        return NOSYS

    def fd_filestat_get(self, fd, ptr):
        return self.host_call(fd, lambda host: self.pack_filestat(ptr, os.fstat(host)))

    def path_filestat_get(self, fd, flags, path, length, ptr):
        return self.path_call(fd, path, length, lambda host_path: self.pack_filestat(ptr, os.stat(host_path)))

    def path_open(self, fd, dirflags, path, length, oflags, rights, inheriting, fdflags, fd_ptr):
        def open_file(host_path):
            flags = os.O_RDONLY
            if oflags & OFLAG_DIRECTORY:
                flags |= os.O_DIRECTORY
            elif rights & RIGHT_FD_WRITE:
                flags = os.O_RDWR if rights & RIGHT_FD_READ else os.O_WRONLY
            flags |= (os.O_CREAT if oflags & OFLAG_CREAT else 0) | (os.O_EXCL if oflags & OFLAG_EXCL else 0)
            flags |= (os.O_TRUNC if oflags & OFLAG_TRUNC else 0) | (os.O_APPEND if fdflags & FDFLAG_APPEND else 0)
            new_fd = max(self.fds) + 1
            self.fds[new_fd] = os.open(host_path, flags, 0o644)
            self.pack("I", fd_ptr, new_fd)
        return self.path_call(fd, path, length, open_file)

    def pack_filestat(self, ptr, st) -> None:
        self.pack("QQBxxxxxxxQQQQQ", ptr, st.st_dev, st.st_ino, filetype(st.st_mode), st.st_nlink,
                  st.st_size, st.st_atime_ns, st.st_mtime_ns, st.st_ctime_ns)

    def host_call(self, fd, body) -> int:
        """Runs body(host fd); a host error becomes its WASI errno."""
        if fd not in self.fds:
            return BADF
        try:
            body(self.fds[fd])
        except OSError as e:
            return ERRNO.get(e.errno, IO)
        return SUCCESS

    def path_call(self, fd, path, length, body) -> int:
        """Runs body(host path) for a guest path under the preopen `fd`, which it may not leave."""
        if fd not in self.preopens:
            return BADF
        guest = os.path.normpath(self.read(path, length).decode())
        if os.path.isabs(guest) or guest == ".." or guest.startswith("../"):
            return NOTCAPABLE
        return self.host_call(fd, lambda _: body(os.path.join(self.preopens[fd][1], guest)))


def write_all(host: int, data: bytes) -> int:
    view = memoryview(data)
    while view:
        view = view[os.write(host, view):]
    return len(data)


def filetype(mode: int) -> int:
    if stat.S_ISCHR(mode):
        return FILETYPE_CHARACTER_DEVICE
    if stat.S_ISDIR(mode):
        return FILETYPE_DIRECTORY
    if stat.S_ISREG(mode):
        return FILETYPE_REGULAR_FILE
    return FILETYPE_UNKNOWN
