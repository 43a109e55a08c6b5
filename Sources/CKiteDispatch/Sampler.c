// The sampling profiler's signal side: a POSIX timer sends SIGPROF to the thread that runs
// the guest, and the handler copies what says where that thread is (the frame records'
// return pcs, the interpreted pc, the host call in progress) into a buffer the Swift side
// allocated and symbolizes after `kite_sampler_stop`. The handler only reads memory and
// writes the buffer: no allocation, no locks, nothing that is not async-signal-safe.
//
// The interpreted pc is not stored anywhere (handlers carry it in a register), so the
// handler reads the register the handlers keep it in: r12 on x86-64 with clang's
// preserve_none convention (Dispatch.c, KITE_CC), the first argument register. A value that
// is not inside any function's code (the thread is in a host call, or between handlers) is
// discarded by the symbolizer; elsewhere the frame records still give every caller.
#define _GNU_SOURCE
#include "CKiteDispatch.h"
#include <dlfcn.h>
#include <link.h>
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>
#include <sys/syscall.h>
#define UNW_LOCAL_ONLY
#include <libunwind.h>

/// At most this many frames per sample (the innermost ones): a runaway recursion must not
/// fill the buffer with one sample.
#define KITE_SAMPLE_MAX_FRAMES 512
/// Native frames kept per sample of a host call (innermost first).
#define KITE_SAMPLE_MAX_NATIVE 48
/// Host calls that called back into wasm, kept per sample (innermost first).
#define KITE_SAMPLE_MAX_NESTED 16

static struct {
    KiteContext *volatile ctx;
    uint64_t *buffer;
    uint64_t capacity;
    volatile uint64_t used;
    volatile uint64_t dropped;
    timer_t timer;
    struct sigaction previous;
} kite_sampler;

static void kite_sampler_signal(int signal, siginfo_t *info, void *context) {
    (void)signal; (void)info;
    KiteContext *ctx = kite_sampler.ctx;
    if (!ctx) return;
    int savedErrno = errno;
    uint64_t pc = 0;
#if defined(__x86_64__) && defined(__clang__)
    pc = (uint64_t)((ucontext_t *)context)->uc_mcontext.gregs[REG_R12];
#else
    (void)context;
#endif
    KiteFrameRecord *base = ctx->frameBase, *top = ctx->frameTop;
    uint64_t frames = (base && top > base && top <= ctx->frameLimit) ? (uint64_t)(top - base) : 0;
    if (frames > KITE_SAMPLE_MAX_FRAMES) frames = KITE_SAMPLE_MAX_FRAMES;
    uint32_t inHost = ctx->inHost;
    // In a host call, the native stack from the interrupted instruction outwards (libunwind,
    // starting from the signal's context). The symbolizer keeps the part above the call.
    uint64_t native[KITE_SAMPLE_MAX_NATIVE];
    uint64_t nativeCount = 0;
    if (inHost) {
        unw_cursor_t cursor;
        if (unw_init_local2(&cursor, (unw_context_t *)context, UNW_INIT_SIGNAL_FRAME) == 0) {
            do {
                unw_word_t ip = 0;
                if (unw_get_reg(&cursor, UNW_REG_IP, &ip) != 0 || ip == 0) break;
                native[nativeCount++] = (uint64_t)ip;
            } while (nativeCount < KITE_SAMPLE_MAX_NATIVE && unw_step(&cursor) > 0);
        }
    }
    // Host functions that called back into wasm: for each, the position (innermost first)
    // of the frame record its call pushed, and the outer invocation's host call.
    uint64_t nested[3 * KITE_SAMPLE_MAX_NESTED];
    uint64_t nestedCount = 0;
    for (KiteInvocation *i = ctx->invocation; i && nestedCount < KITE_SAMPLE_MAX_NESTED; i = i->outer) {
        if (!i->inHost || i->entry < top - frames || i->entry >= top) continue;
        nested[3 * nestedCount] = (uint64_t)(top - 1 - i->entry);
        nested[3 * nestedCount + 1] = (uint64_t)(uintptr_t)i->hostCallee;
        nested[3 * nestedCount + 2] = (uint64_t)(uintptr_t)i->hostReturnPc;
        nestedCount++;
    }
    uint64_t need = 4 + frames + nativeCount + 3 * nestedCount, used = kite_sampler.used;
    if (used + need > kite_sampler.capacity) {
        kite_sampler.dropped++;
        errno = savedErrno;
        return;
    }
    uint64_t *out = kite_sampler.buffer + used;
    out[0] = frames | ((uint64_t)(inHost ? 1 : 0) << 32) | ((uint64_t)(ctx->translating ? 1 : 0) << 33)
        | (nativeCount << 40) | (nestedCount << 48);
    out[1] = pc;
    out[2] = inHost ? (uint64_t)(uintptr_t)ctx->hostCallee : 0;
    out[3] = inHost ? (uint64_t)(uintptr_t)ctx->hostReturnPc : 0;
    for (uint64_t i = 0; i < frames; i++) out[4 + i] = (uint64_t)(uintptr_t)top[-1 - (int64_t)i].returnPc;
    for (uint64_t i = 0; i < nativeCount; i++) out[4 + frames + i] = native[i];
    for (uint64_t i = 0; i < 3 * nestedCount; i++) out[4 + frames + nativeCount + i] = nested[i];
    kite_sampler.used = used + need;
    errno = savedErrno;
}

bool kite_sampler_start(KiteContext *ctx, uint64_t *buffer, uint64_t capacityWords, uint64_t intervalNanos) {
    if (kite_sampler.ctx) { errno = EBUSY; return false; }
    kite_sampler.buffer = buffer;
    kite_sampler.capacity = capacityWords;
    kite_sampler.used = 0;
    kite_sampler.dropped = 0;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = kite_sampler_signal;
    // SA_RESTART: a sample landing in a host call's read or write must not make it fail.
    action.sa_flags = SA_SIGINFO | SA_RESTART;
    sigemptyset(&action.sa_mask);
    if (sigaction(SIGPROF, &action, &kite_sampler.previous) != 0) return false;
    struct sigevent event;
    memset(&event, 0, sizeof event);
    event.sigev_notify = SIGEV_THREAD_ID;
    event.sigev_signo = SIGPROF;
    event._sigev_un._tid = (pid_t)syscall(SYS_gettid);
    if (timer_create(CLOCK_MONOTONIC, &event, &kite_sampler.timer) != 0) {
        sigaction(SIGPROF, &kite_sampler.previous, NULL);
        return false;
    }
    kite_sampler.ctx = ctx;
    struct itimerspec spec;
    memset(&spec, 0, sizeof spec);
    spec.it_interval.tv_sec = (time_t)(intervalNanos / 1000000000u);
    spec.it_interval.tv_nsec = (long)(intervalNanos % 1000000000u);
    spec.it_value = spec.it_interval;
    if (timer_settime(kite_sampler.timer, 0, &spec, NULL) != 0) {
        int saved = errno;
        kite_sampler.ctx = NULL;
        timer_delete(kite_sampler.timer);
        sigaction(SIGPROF, &kite_sampler.previous, NULL);
        errno = saved;
        return false;
    }
    return true;
}

uint64_t kite_sampler_stop(uint64_t *dropped) {
    if (!kite_sampler.ctx) { if (dropped) *dropped = 0; return 0; }
    timer_delete(kite_sampler.timer);  // no signal is sent after this returns
    kite_sampler.ctx = NULL;
    sigaction(SIGPROF, &kite_sampler.previous, NULL);
    if (dropped) *dropped = kite_sampler.dropped;
    return kite_sampler.used;
}

const char *kite_symbol_name(uint64_t pc) {
    Dl_info info;
    if (dladdr((const void *)(uintptr_t)pc, &info) == 0) return NULL;
    return info.dli_sname;
}

static int kite_first_object(struct dl_phdr_info *info, size_t size, void *data) {
    (void)size;
    *(uint64_t *)data = (uint64_t)info->dlpi_addr;
    return 1;  // the first object is the executable
}

uint64_t kite_executable_base(void) {
    uint64_t base = 0;
    dl_iterate_phdr(kite_first_object, &base);
    return base;
}
