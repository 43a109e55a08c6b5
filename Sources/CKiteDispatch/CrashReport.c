// Crash reports: when the host dies of a fatal signal (a host function's bug, a bug in Kite),
// print the native backtrace (libunwind, from the signal's context) and the guest's call stack
// (the frame records of the wasm code running on this thread, named through a table the Swift
// side registers) to stderr, then die of the same signal. Only write(2), libunwind's local
// unwinding and reads of memory happen in the handler, and one thing that is not
// async-signal-safe: Swift's demangler (it allocates), under an alarm that ends the process
// with the original signal should it hang (a crash inside malloc holding its lock).
#define _GNU_SOURCE
#include "CKiteDispatch.h"
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#define UNW_LOCAL_ONLY
#include <libunwind.h>

/// The context of the wasm code running on this thread (kite_invoke sets it).
__thread KiteContext *kite_current_context;

/// Translated functions' code ranges and names, for naming guest frames in a crash report.
typedef struct { uint64_t start, end; char *name; } KiteCodeName;
static KiteCodeName *kite_code_names;
static volatile uint64_t kite_code_name_count;
static uint64_t kite_code_name_capacity;
static pthread_mutex_t kite_code_name_lock = PTHREAD_MUTEX_INITIALIZER;
static volatile int kite_crash_installed;

void kite_crash_register_code(uint64_t start, uint64_t end, const char *name) {
    if (!kite_crash_installed) return;
    pthread_mutex_lock(&kite_code_name_lock);
    if (kite_code_name_count == kite_code_name_capacity) {
        uint64_t capacity = kite_code_name_capacity ? 2 * kite_code_name_capacity : 256;
        KiteCodeName *grown = malloc(capacity * sizeof *grown);
        // The old table stays valid (leaked) for a handler that may be reading it.
        if (grown) {
            if (kite_code_name_count) memcpy(grown, kite_code_names, kite_code_name_count * sizeof *grown);
            kite_code_names = grown;
            kite_code_name_capacity = capacity;
        }
    }
    if (kite_code_name_count < kite_code_name_capacity) {
        kite_code_names[kite_code_name_count] = (KiteCodeName){ start, end, strdup(name) };
        kite_code_name_count = kite_code_name_count + 1;
    }
    pthread_mutex_unlock(&kite_code_name_lock);
}

bool kite_crash_reports_installed(void) { return kite_crash_installed; }

static void put(const char *text) { (void)!write(2, text, strlen(text)); }

/// libswiftCore's demangler; weak, so that a process without Swift still links.
extern char *swift_demangle(const char *mangled, size_t length, char *output, size_t *outputLength,
                            uint32_t flags) __attribute__((weak));

static volatile sig_atomic_t kite_crash_signal_number;

/// The demangler hung: die of the signal being reported (blocked while its handler runs).
static void kite_crash_timeout(int alarmSignal) {
    (void)alarmSignal;
    put("\n(the crash report timed out)\n");
    sigset_t unblock;
    sigemptyset(&unblock);
    sigaddset(&unblock, kite_crash_signal_number);
    sigprocmask(SIG_UNBLOCK, &unblock, NULL);
    raise(kite_crash_signal_number);
    _exit(128 + kite_crash_signal_number);
}

/// A symbol, demangled if it is a Swift one.
static void put_symbol(const char *name) {
    char demangled[1024];
    size_t length = sizeof demangled;
    if (swift_demangle && name[0] == '$' && (name[1] == 's' || name[1] == 'S')
        && swift_demangle(name, strlen(name), demangled, &length, 0)) {
        demangled[sizeof demangled - 1] = 0;
        put(demangled);
    } else {
        put(name);
    }
}

static void put_hex(uint64_t value) {
    char digits[19] = "0x";
    int n = 0;
    char reversed[16];
    do { reversed[n++] = "0123456789abcdef"[value & 15]; value >>= 4; } while (value && n < 16);
    for (int i = 0; i < n; i++) digits[2 + i] = reversed[n - 1 - i];
    digits[2 + n] = 0;
    put(digits);
}

static void put_decimal(uint64_t value) {
    char reversed[21];
    int n = 0;
    do { reversed[n++] = (char)('0' + value % 10); value /= 10; } while (value);
    char digits[21];
    for (int i = 0; i < n; i++) digits[i] = reversed[n - 1 - i];
    digits[n] = 0;
    put(digits);
}

static const char *guest_name(uint64_t pc) {
    uint64_t count = kite_code_name_count;
    KiteCodeName *names = kite_code_names;
    for (uint64_t i = 0; i < count; i++)
        if (pc >= names[i].start && pc <= names[i].end) return names[i].name;
    return NULL;
}

static void kite_crash_signal(int signal, siginfo_t *info, void *context) {
    (void)info;
    put("\nKite: fatal signal ");
    put_decimal((uint64_t)signal);
    put(" (");
    put(signal == SIGSEGV ? "SIGSEGV" : signal == SIGBUS ? "SIGBUS" : signal == SIGILL ? "SIGILL"
        : signal == SIGFPE ? "SIGFPE" : signal == SIGABRT ? "SIGABRT" : "signal");
    put(") in the host\nnative backtrace, innermost first:\n");
    kite_crash_signal_number = signal;
    struct sigaction timeout;
    memset(&timeout, 0, sizeof timeout);
    timeout.sa_handler = kite_crash_timeout;
    sigaction(SIGALRM, &timeout, NULL);
    alarm(3);
    unw_cursor_t cursor;
    if (unw_init_local2(&cursor, (unw_context_t *)context, UNW_INIT_SIGNAL_FRAME) == 0) {
        int depth = 0;
        do {
            unw_word_t ip = 0, offset = 0;
            if (unw_get_reg(&cursor, UNW_REG_IP, &ip) != 0 || ip == 0) break;
            char name[512];
            put("  #");
            put_decimal((uint64_t)depth);
            put(" ");
            put_hex((uint64_t)ip);
            if (unw_get_proc_name(&cursor, name, sizeof name, &offset) == 0) {
                put(" ");
                put_symbol(name);
                put(" + ");
                put_hex((uint64_t)offset);
            }
            put("\n");
        } while (++depth < 64 && unw_step(&cursor) > 0);
    }
    KiteContext *ctx = kite_current_context;
    put("guest call stack, innermost first:\n");
    if (!ctx || !ctx->frameBase || ctx->frameTop <= ctx->frameBase) {
        put("  (no wasm code running on this thread)\n");
    } else {
        if (ctx->inHost) {
            put("  in a host call from ");
            const char *caller = guest_name((uint64_t)(uintptr_t)ctx->hostReturnPc);
            put(caller ? caller : "(unknown)");
            put("\n");
        }
        const uint64_t *exit = kite_exit_pc();
        int shown = 0;
        KiteInvocation *invocation = ctx->invocation;
        for (KiteFrameRecord *record = ctx->frameTop - 1; record > ctx->frameBase && shown < 64; record--, shown++) {
            if (record->returnPc == exit) {
                // A host function called back into wasm: name the wasm function that called it.
                while (invocation && invocation->entry > record) invocation = invocation->outer;
                const char *caller = invocation && invocation->entry == record && invocation->inHost
                    ? guest_name((uint64_t)(uintptr_t)invocation->hostReturnPc) : NULL;
                put(caller ? "  (host), called from " : "  (host)\n");
                if (caller) { put(caller); put("\n"); }
                continue;
            }
            const char *name = guest_name((uint64_t)(uintptr_t)record->returnPc);
            put("  ");
            put(name ? name : "(unknown)");
            put("\n");
        }
    }
    alarm(0);
    // SA_RESETHAND restored the default action: die of the same signal.
    raise(signal);
}

void kite_crash_reports_install(void) {
    if (kite_crash_installed) return;
    static char alternate[1 << 16];
    stack_t stack = { .ss_sp = alternate, .ss_size = sizeof alternate, .ss_flags = 0 };
    sigaltstack(&stack, NULL);
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = kite_crash_signal;
    action.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESETHAND;
    sigemptyset(&action.sa_mask);
    int signals[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT };
    for (unsigned i = 0; i < sizeof signals / sizeof signals[0]; i++) sigaction(signals[i], &action, NULL);
    kite_crash_installed = 1;
}
