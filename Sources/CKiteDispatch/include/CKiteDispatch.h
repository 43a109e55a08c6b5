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
    KITE_TRAP_NULL_STRUCTURE,    // "null structure reference"
    KITE_TRAP_NULL_ARRAY,        // "null array reference"
    KITE_TRAP_NULL_I31,          // "null i31 reference"
    KITE_TRAP_OUT_OF_BOUNDS_ARRAY,
    KITE_TRAP_CAST_FAILURE,
} KiteTrap;

// ---- Garbage collection (Gc.c; ARCHITECTURE.md "GC objects") ----

/// How a struct field or array element is stored.
typedef enum KiteStorage {
    KITE_STORAGE_I8 = 0, KITE_STORAGE_I16, KITE_STORAGE_I32, KITE_STORAGE_I64,
    KITE_STORAGE_F32, KITE_STORAGE_F64, KITE_STORAGE_V128, KITE_STORAGE_REF,
} KiteStorage;

typedef enum KiteTypeKind { KITE_KIND_FUNC = 0, KITE_KIND_STRUCT = 1, KITE_KIND_ARRAY = 2 } KiteTypeKind;

/// A canonical type at run time (one per TypeRegistry id, never freed): what casts test and
/// what allocation and the collector need to know of a struct's or an array's layout.
typedef struct KiteRTT {
    uint32_t id;
    uint32_t depth;                // display[depth] == id
    const uint32_t *display;       // ids of the supertype chain, root first
    uint32_t kind;                 // KiteTypeKind
    uint32_t size;                 // struct: object bytes (header included); array: element bytes
    uint32_t fieldCount;           // struct fields (arrays: 1, the element)
    const uint32_t *fieldOffsets;  // struct: each field's byte offset in the object
    const uint8_t *fieldStorage;   // KiteStorage of each field (arrays: of the element)
} KiteRTT;

/// The header of every struct and array. Elements of an array start at KITE_ARRAY_DATA.
typedef struct KiteObject {
    const KiteRTT *rtt;
    struct KiteObject *next;       // the context's list of objects
    uint32_t length;               // arrays: the element count
    uint32_t mark;
} KiteObject;
#define KITE_OBJECT_HEADER 24u
#define KITE_ARRAY_DATA 24u

/// The runtime types by canonical id (TypeRegistry.capacity entries); filled in by Swift
/// before code using an id can run.
extern const KiteRTT *kite_rtt_table[];
void kite_rtt_register(uint32_t id, const KiteRTT *rtt);

/// Cast targets (ref.test, ref.cast, br_on_cast): the abstract heap type, or a concrete
/// type whose id travels beside it; bit 8: null passes; bit 9: the test's result is negated.
typedef enum KiteCastTarget {
    KITE_CAST_ANY = 0, KITE_CAST_EQ, KITE_CAST_I31, KITE_CAST_STRUCT, KITE_CAST_ARRAY,
    KITE_CAST_NONE, KITE_CAST_TOP, KITE_CAST_CONCRETE_OBJECT, KITE_CAST_CONCRETE_FUNC,
} KiteCastTarget;
#define KITE_CAST_NULLABLE 0x100u
#define KITE_CAST_NEGATE 0x200u

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

/// An exception's values (Swift does not import flexible array members).
static inline KiteSlot *kite_exception_values(KiteException *e) { return e->values; }

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
    KiteSlot *hostSp;               // the frame of the wasm function that made that call
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
/// Marks the roots the host side knows (globals, tables, element segments, exceptions) with
/// `kite_gc_mark_value` (Store.markRoots).
typedef void (*KiteMarkRootsCall)(KiteContext *ctx);
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
    KiteSlot *hostSp;            // and the calling function's frame (for the collector)
    KiteInvocation *invocation;  // the innermost kite_invoke in progress
    uint32_t translating;        // 1 while a function is translated on its first call
    // Exception handling:
    KiteUnwindCall unwind;
    KiteSlot *unwindSp;          // the catching frame, after unwind
    KiteException *exception;    // the uncaught exception of KITE_TRAP_EXCEPTION
    KiteException *exceptions;   // every exception made on this context (freed with it)
    // GC objects:
    KiteObject *objects;         // every live struct and array made on this context
    uint64_t objectBytes;        // their total size
    uint64_t gcThreshold;        // allocation in wasm code collects when objectBytes would pass it
    uint64_t gcLimit;            // no allocation may take objectBytes past this ("out of memory")
    struct KiteHeap *heap;       // the collector's object set and mark stack (Gc.c)
    KiteMarkRootsCall markRoots;
    uint64_t collections;        // how many collections ran
    // During a collection, where the wasm code that allocated stopped (NULL: the host asked
    // for it): the innermost frame of the stack walk (Store.markRoots).
    const uint64_t *gcPc;
    const KiteSlot *gcSp;
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

/// Where an allocation is made: the allocating instruction and its frame, when wasm code
/// allocates (the allocation may then collect first); {NULL, NULL} for the host's
/// allocations (constant expressions), which never collect.
typedef struct KiteSite { const uint64_t *pc; const KiteSlot *sp; } KiteSite;
/// A struct of canonical type `type`, its fields from `values` (one slot each, two for a
/// v128) or zero when `values` is NULL; NULL (ctx->trap set) when out of memory.
KiteObject *kite_struct_new(KiteContext *ctx, KiteSite site, uint32_t type, const KiteSlot *values);
/// An array of `count` elements: each `*value` (one value), the consecutive `values`
/// (array.new_fixed), or zero when both are NULL.
KiteObject *kite_array_new(KiteContext *ctx, KiteSite site, uint32_t type, uint32_t count, const KiteSlot *value,
                           const KiteSlot *values);
/// Writes a slot value into an object field of `storage` (or reads one out).
void kite_store_field(uint8_t *field, uint32_t storage, const KiteSlot *value);
void kite_load_field(KiteSlot *value, const uint8_t *field, uint32_t storage);
/// Whether `value` (a reference of any kind) passes a cast to `target` (KiteCastTarget and
/// flags) of concrete type `type`.
int kite_cast_test(uint64_t value, uint32_t target, uint32_t type);
/// Frees every object `ctx` made.
void kite_free_objects(KiteContext *ctx);
/// A full collection: marks from the roots (ctx->markRoots walks the wasm frames, starting
/// at `site`, with their stack maps, and adds the host's roots), then sweeps.
void kite_gc_collect(KiteContext *ctx, KiteSite site);
/// Marks the object `value` names, if it names one (anything else is ignored).
void kite_gc_mark_value(KiteContext *ctx, uint64_t value);
/// Whether `value` is the address of an object `ctx` holds.
int kite_gc_owns(KiteContext *ctx, uint64_t value);

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
