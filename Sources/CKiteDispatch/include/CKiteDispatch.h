// Kite's dispatch core: the state the threaded handlers share with the Swift runtime.
//
// Swift cannot guarantee tail calls, so the handlers (generated from Tools/instructions.def)
// are C functions that end in `musttail` calls to the next handler: control goes straight
// from handler to handler, the native stack never grows, and the hot state (pc, sp, memory
// base and size, context) stays in argument registers. Everything that is not hot (linking,
// instantiation, host functions, WASI) is Swift.
#ifndef CKITE_DISPATCH_H
#define CKITE_DISPATCH_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

/// One 8-byte frame slot ("register"). A v128 takes two consecutive slots.
typedef union KiteSlot {
    uint64_t u64;
    uint32_t u32;
    int64_t i64;
    int32_t i32;
    float f32;
    double f64;
} KiteSlot;

typedef enum KiteTrap {
    KITE_TRAP_NONE = 0,
    KITE_TRAP_UNREACHABLE,
    KITE_TRAP_DIVIDE_BY_ZERO,
    KITE_TRAP_INTEGER_OVERFLOW,
    KITE_TRAP_INVALID_CONVERSION,
    KITE_TRAP_OUT_OF_BOUNDS_MEMORY,
    KITE_TRAP_OUT_OF_BOUNDS_TABLE,
    KITE_TRAP_UNDEFINED_ELEMENT,
    KITE_TRAP_UNINITIALIZED_ELEMENT,
    KITE_TRAP_INDIRECT_CALL_TYPE_MISMATCH,
    KITE_TRAP_CALL_STACK_EXHAUSTED,
    KITE_TRAP_NULL_FUNCTION_REFERENCE,
    KITE_TRAP_NULL_REFERENCE,
    /// A host function failed; the Swift side keeps the error.
    KITE_TRAP_HOST,
    /// Metered code (`meter`): the store's fuel ran out, or another thread interrupted it.
    KITE_TRAP_OUT_OF_FUEL,
    KITE_TRAP_INTERRUPTED,
    /// An exception no handler of this invocation caught (ctx->exception).
    KITE_TRAP_EXCEPTION,
    KITE_TRAP_OUT_OF_MEMORY,
} KiteTrap;

/// An exception tag: its identity is its address (a tag imported elsewhere is the same
/// record), `slotCount` the frame slots of its parameters.
typedef struct KiteTag {
    uint32_t slotCount;
    uint32_t typeIndex;          // in the defining module (for the host's view of its values)
    void *owner;                 // the Swift Tag
} KiteTag;

/// A thrown exception (what an `exnref` points at): the tag and a copy of its values.
/// Exceptions are owned by the context that made them (freed with the store).
typedef struct KiteException {
    struct KiteException *next;  // the context's list of exceptions
    KiteTag *tag;
    uint32_t slotCount;
    KiteSlot values[];
} KiteException;

typedef struct KiteMemory {
    uint8_t *base;          // reserved once for the maximum size, so it never moves
    uint64_t size;          // in bytes
    uint64_t maxPages;      // the declared maximum, or 65536
    uint64_t reservedBytes;
} KiteMemory;

typedef struct KiteTable {
    KiteSlot *elements;     // funcref: KiteFunction* (0 = null); externref: host value (0 = null)
    uint32_t size;
    uint32_t max;           // the declared maximum, or UINT32_MAX
    uint32_t limit;         // the store's cap on this table's elements (Store.Limits)
} KiteTable;

/// A passive data segment as the running code sees it; `data.drop` sets length to 0.
typedef struct KiteData {
    const uint8_t *bytes;
    uint64_t length;
} KiteData;

/// An element segment's references; `elem.drop` sets count to 0.
typedef struct KiteElements {
    const KiteSlot *items;
    uint32_t count;
} KiteElements;

struct KiteInstance;

typedef enum KiteFunctionKind { KITE_FUNCTION_WASM = 0, KITE_FUNCTION_HOST = 1 } KiteFunctionKind;

/// A callable function. For wasm functions, `code` is direct-threaded bytecode.
typedef struct KiteFunction {
    uint32_t typeId;             // store-wide canonical id of the function type
    uint32_t kind;               // KiteFunctionKind
    const uint64_t *code;
    struct KiteInstance *instance;
    uint32_t numParams;
    uint32_t numResults;
    uint32_t zeroStart;          // the locals zeroed on entry: slots zeroStart..<zeroStart+numZeroed
    uint32_t numZeroed;          // (only those some execution may read before writing them)
    uint32_t constsStart;        // constant slots, copied in on entry: constsStart..<constsStart+numConsts
    uint32_t numConsts;
    uint32_t frameSize;          // slots the frame needs, temporaries and call arguments included
    const KiteSlot *consts;
    void *host;                  // the Swift object behind the record (Function)
    /// The code of a wasm function not translated yet (`code` points here): one handler word,
    /// kite_translate_on_call, which has it translated on its first call (see kite_make_lazy).
    uint64_t lazyCode[1];
} KiteFunction;

typedef struct KiteInstance {
    KiteFunction **functions;    // by function index, imports first
    KiteSlot **globals;          // by global index: each points at the global's cell
    KiteTable **tables;
    KiteMemory **memories;
    const uint32_t *typeIds;     // canonical id per type index
    KiteData *data;
    KiteElements *elements;
    void *owner;                 // the Swift Instance (what a host function's Caller names)
    KiteTag **tags;              // by tag index, imports first
} KiteInstance;

typedef struct KiteFrameRecord {
    const uint64_t *returnPc;
    KiteSlot *callerSp;
    KiteInstance *callerInstance;
} KiteFrameRecord;

typedef struct KiteContext KiteContext;

/// One `kite_invoke` in progress on a context (on the C stack of that call): what the
/// invocation it interrupted was doing, so that a host function's call back into wasm still
/// shows, in a profile, the wasm function and the host function it was called from.
typedef struct KiteInvocation {
    struct KiteInvocation *outer;   // the invocation this one runs inside, or NULL
    KiteFrameRecord *entry;         // this invocation's bottom frame record
    KiteFunction *hostCallee;       // the outer invocation's host call, if inHost
    const uint64_t *hostReturnPc;
    uint32_t inHost;
} KiteInvocation;

/// Calls a host function: arguments in args[0..params), results written to args[0..results).
/// Returns KITE_TRAP_NONE or a trap code.
typedef uint32_t (*KiteHostCall)(KiteContext *ctx, KiteFunction *function, KiteSlot *args);

/// Translates a wasm function on its first call and fills in its record (code, frame size,
/// zeroed locals, constants). Returns KITE_TRAP_NONE or a trap code.
typedef uint32_t (*KiteTranslateCall)(KiteContext *ctx, KiteFunction *function);

/// Finds the handler of exception `e` thrown at `pc` (the throw, or inside the call that
/// unwound to this frame) in the frame at `sp`: pops frame records until a function's handler
/// table has a catch clause for it, writes the caught values into that frame, and returns the
/// catch's landing pad with ctx->unwindSp and ctx->instance set; NULL when no frame of this
/// invocation catches it.
typedef const uint64_t *(*KiteUnwindCall)(KiteContext *ctx, const uint64_t *pc, KiteSlot *sp, KiteException *e);

struct KiteContext {
    KiteInstance *instance;      // the instance of the running function
    KiteSlot *stackBase;
    KiteSlot *stackLimit;        // frames must end below this
    KiteFrameRecord *frameTop;   // the next free frame record
    KiteFrameRecord *frameLimit; // one past the last record: a call here is "call stack exhausted"
    uint32_t trap;               // set when execution stops on a trap
    uint64_t trapDetail;         // the element index, for element traps
    const uint64_t *trapPc;      // the instruction that trapped (to name the function)
    KiteHostCall hostCall;
    KiteTranslateCall translate;
    KiteFunction *hostCallee;    // the host function being called (see kite_call_host)
    KiteSlot *hostArgs;
    void *owner;                 // the Swift object that owns this context
    int64_t fuel;                // metered code: work left; below zero it traps (INT64_MAX: unlimited)
    uint32_t interrupt;          // metered code traps when another thread sets this (atomic)
    // What the sampling profiler reads (Sampler.c) to tell where the thread is:
    KiteFrameRecord *frameBase;  // the first frame record (frameTop - frameBase records are live)
    uint32_t inHost;             // 1 while wasm code's call of a host function runs
    const uint64_t *hostReturnPc;// that call's return address (in the calling wasm function)
    KiteInvocation *invocation;  // the innermost kite_invoke in progress
    uint32_t translating;        // 1 while a function is translated on its first call
    // Exception handling:
    KiteUnwindCall unwind;
    KiteSlot *unwindSp;          // the catching frame, after unwind
    KiteException *exception;    // the uncaught exception of KITE_TRAP_EXCEPTION
    KiteException *exceptions;   // every exception made on this context (freed with it)
};

/// Asks metered code running on `ctx` to stop at its next function entry or loop iteration
/// (any thread; the flag stays raised until `kite_clear_interrupt`).
void kite_interrupt(KiteContext *ctx);
void kite_clear_interrupt(KiteContext *ctx);

/// Handlers use clang's `preserve_none` convention where available: a handler never returns
/// to a caller that needs its registers (it tail-calls the next one), so saving callee-saved
/// registers would be pure overhead.
#if defined(__clang__) && defined(__x86_64__) && __has_attribute(preserve_none)
#define KITE_CC __attribute__((preserve_none))
#else
#define KITE_CC
#endif
typedef KITE_CC void (*kite_handler)(const uint64_t *pc, KiteSlot *sp, uint8_t *mem, uint64_t memsize, KiteContext *ctx,
                                     uint64_t acc, double facc);

extern const kite_handler kite_handler_table[];
extern const uint32_t kite_handler_count;

/// Address of handler `op`, for the translator to write into the code stream.
static inline uint64_t kite_handler_address(uint32_t op) { return (uint64_t)(uintptr_t)kite_handler_table[op]; }

/// Makes `function` (a wasm function) translate itself on its first call: its code becomes
/// the lazyCode stub, and its frame fields ask the call handlers for nothing (no zeroing, no
/// constants, a frame of its parameters and results) until the stub has filled them in.
void kite_make_lazy(KiteFunction *function);

/// A new exception of `tag` with the values at `values` (tag->slotCount slots), owned by
/// `ctx`; NULL when out of memory.
KiteException *kite_new_exception(KiteContext *ctx, KiteTag *tag, const KiteSlot *values);
/// Frees every exception `ctx` made.
void kite_free_exceptions(KiteContext *ctx);

/// Runs `function` with its arguments in sp[0..numParams); results land in sp[0..numResults).
/// Returns KITE_TRAP_NONE or the trap that stopped it.
uint32_t kite_invoke(KiteContext *ctx, KiteFunction *function, KiteSlot *sp);

/// The return address of every frame record kite_invoke pushes: where one invocation from the
/// host ends and (below it) the wasm code that called a host function resumes.
const uint64_t *kite_exit_pc(void);

/// The sampling profiler (Sampler.c): a timer interrupts the calling thread every
/// `intervalNanos` and the signal handler appends one record per sample to `buffer`:
///   word 0: frame count N (low 32 bits) | flags << 32 (1: in a host call)
///           | native frame count M << 40
///   word 1: the interpreted pc candidate (the handlers' pc register), 0 if unknown
///   word 2: the host function being called (KiteFunction *), when in a host call
///   word 3: that host call's return pc
///   words 4..4+N: the live frame records' return pcs, innermost first
///   words 4+N..4+N+M: in a host call, the native return addresses (libunwind), innermost first
/// Only one sampler runs at a time. Returns false (errno set) if the timer cannot be made.
bool kite_sampler_start(KiteContext *ctx, uint64_t *buffer, uint64_t capacityWords, uint64_t intervalNanos);
/// Stops sampling; returns the words written and the samples dropped for lack of space.
uint64_t kite_sampler_stop(uint64_t *dropped);
/// The name of the exported symbol containing native address `pc` (dladdr), or NULL.
const char *kite_symbol_name(uint64_t pc);
/// Where the executable is loaded (its symbol table's addresses are relative to this).
uint64_t kite_executable_base(void);

/// Crash reports (CrashReport.c): on SIGSEGV, SIGBUS, SIGILL, SIGFPE or SIGABRT, print the
/// native backtrace and the guest call stack of this thread to stderr, then die of the signal.
void kite_crash_reports_install(void);
bool kite_crash_reports_installed(void);
/// Names a translated function's code range for crash reports (a no-op until installed).
void kite_crash_register_code(uint64_t start, uint64_t end, const char *name);
/// The context of the wasm code running on the calling thread (set by kite_invoke).
extern __thread KiteContext *kite_current_context;

/// Exact profiling (Counting.c): `words` words of code in the counting arena, whose handler
/// and counter for the word at address A live at A + kite_counting_span() and
/// A + 2 * kite_counting_span(); NULL when the arena is exhausted.
uint64_t *kite_counting_alloc(uint64_t words);
uint64_t kite_counting_span(void);
/// The handler that counts an instruction and runs its saved handler.
uint64_t kite_count_step_address(void);
/// The saved handler of a counted function's entry stub: continue at the stub's second word.
uint64_t kite_count_enter_address(void);

// Linear memory: reserved once, committed page by page, freed with kite_memory_free.
bool kite_memory_init(KiteMemory *memory, uint64_t minPages, uint64_t maxPages);
void kite_memory_free(KiteMemory *memory);
/// Returns the old size in pages, or (uint32_t)-1 when the memory cannot grow.
uint32_t kite_memory_grow(KiteMemory *memory, uint64_t deltaPages);

bool kite_table_init_storage(KiteTable *table, uint32_t size, uint32_t max, uint32_t limit, KiteSlot fill);
void kite_table_free(KiteTable *table);
uint32_t kite_table_grow(KiteTable *table, uint32_t delta, KiteSlot fill);
bool kite_table_fill(KiteTable *table, uint32_t start, KiteSlot value, uint32_t count);
bool kite_table_copy(KiteTable *dst, uint32_t d, KiteTable *src, uint32_t s, uint32_t count);
bool kite_table_init(KiteTable *table, uint32_t d, const KiteElements *elements, uint32_t s, uint32_t count);

/// A mutex (a compiled module's lazily translated functions may be asked for from several threads).
typedef struct KiteMutex KiteMutex;
KiteMutex *kite_mutex_create(void);
void kite_mutex_lock(KiteMutex *mutex);
void kite_mutex_unlock(KiteMutex *mutex);
void kite_mutex_destroy(KiteMutex *mutex);

#endif
