import Glibc

// Linux constants the Glibc module does not import (they sit behind _GNU_SOURCE or are macros).
/// `O_PATH`: a descriptor usable only as a directory for `*at` calls.
let hostOPath: Int32 = 0o10000000
/// `UTIME_NOW` / `UTIME_OMIT` for `utimensat`/`futimens`.
let hostUTimeNow = (1 << 30) - 1
let hostUTimeOmit = (1 << 30) - 2
