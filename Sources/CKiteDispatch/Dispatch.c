// The threaded interpreter: handler conventions, calls and returns, and the entry point.
// Handlers themselves are generated (Handlers.generated.inc) from Tools/instructions.def.
#include "CKiteDispatch.h"
#include "Numeric.h"
#include "SIMD.h"
#include <string.h>
#include <stdlib.h>

/// Operand fields are read at their byte offset within the instruction (little-endian).
static inline uint32_t kite_operand_u16(const uint64_t *pc, size_t at) {
    uint16_t v; memcpy(&v, (const char *)pc + at, 2); return v;
}
static inline uint32_t kite_operand_u32(const uint64_t *pc, size_t at) {
    uint32_t v; memcpy(&v, (const char *)pc + at, 4); return v;
}

#define KITE_HANDLER(name) \
    static KITE_CC void name(const uint64_t *pc, KiteSlot *sp, uint8_t *mem, uint64_t memsize, KiteContext *ctx, uint64_t acc, \
        double facc)

/// Tail-call the handler of the instruction at pc; never grows the native stack.
/// `acc` is the accumulator: the integer an instruction last wrote to a register, passed on
/// in a machine register so that the next instruction can read it without a reload (an
/// accumulator form, `NAME@OPERAND`, chosen by the translator where that is the value);
/// `facc` is the same for f64 values, in a vector register.
#define DISPATCH() __attribute__((musttail)) return ((kite_handler)(uintptr_t)pc[0])(pc, sp, mem, memsize, ctx, acc, facc)
/// Continue with the next instruction (LEN is the current instruction's length in words).
#define NEXT() do { pc += LEN; DISPATCH(); } while (0)
/// Branch by `off` words relative to the start of the current instruction.
#define JUMP(off) do { pc += (off); DISPATCH(); } while (0)
/// Stop execution; kite_invoke reports the trap.
#define TRAP(code) do { ctx->trap = (code); ctx->trapPc = pc; return; } while (0)
/// Allocation in wasm code happens here (the allocation may collect, and the collector's
/// stack walk starts at this instruction's frame).
#define GC_SITE ((KiteSite){ pc, sp })
/// Field `offset` of the struct whose address is `ref` (traps on null).
#define STRUCT_FIELD(ref, offset) ({ uint8_t *o_ = (uint8_t *)(uintptr_t)(ref); \
    if (!o_) TRAP(KITE_TRAP_NULL_STRUCTURE); o_ + (offset); })
/// Element `index` (of `size` bytes) of the array whose address is `ref` (traps on null and
/// out of bounds).
#define ARRAY_ELEMENT(ref, index, size) ({ const KiteObject *a_ = (const KiteObject *)(uintptr_t)(ref); \
    if (!a_) TRAP(KITE_TRAP_NULL_ARRAY); uint32_t i_ = (index); \
    if (i_ >= a_->length) TRAP(KITE_TRAP_OUT_OF_BOUNDS_ARRAY); (uint8_t *)a_ + KITE_ARRAY_DATA + (size_t)i_ * (size); })
/// Memory 0 of the running instance, after anything that may have grown it or switched instance.
#define RELOAD_MEMORY() do { KiteMemory *m0_ = ctx->instance->memories[0]; mem = m0_->base; memsize = m0_->size; } while (0)

/// Sets up a callee frame at `nsp`: parameters are in place; zero the locals that may be read
/// before they are written (the translator tells which), copy the constants.
/// Counts are read once (stores into the frame could otherwise alias the record), and the
/// empty asm keeps the loops as loops: turned into memset/memcpy calls they would force
/// every call handler to save registers. Frames are small; a short loop is cheaper.
static inline void kite_enter_frame(const KiteFunction *f, KiteSlot *nsp) {
    const uint32_t numZeroed = f->numZeroed, numConsts = f->numConsts;
    const KiteSlot *source = f->consts;
    KiteSlot *zeroed = nsp + f->zeroStart;
    for (uint32_t i = 0; i < numZeroed; i++) { zeroed[i].u64 = 0; __asm__("" : "+r"(i)); }
    KiteSlot *consts = nsp + f->constsStart;
    for (uint32_t i = 0; i < numConsts; i++) { consts[i] = source[i]; __asm__("" : "+r"(i)); }
}

/// Raises exception `e` at pc: continues at the landing pad of the catch clause that takes
/// it, in whichever frame that is (ctx->unwind pops the frames in between), or leaves the
/// interpreter with KITE_TRAP_EXCEPTION when this invocation does not catch it.
#define THROW(e) do { \
    KiteException *exn_ = (e); \
    const uint64_t *pad_ = ctx->unwind(ctx, pc, sp, exn_); \
    if (!pad_) { ctx->exception = exn_; TRAP(KITE_TRAP_EXCEPTION); } \
    sp = ctx->unwindSp; \
    pc = pad_; \
    RELOAD_MEMORY(); \
    DISPATCH(); \
} while (0)

KiteException *kite_new_exception(KiteContext *ctx, KiteTag *tag, const KiteSlot *values) {
    KiteException *e = malloc(sizeof(KiteException) + tag->slotCount * sizeof(KiteSlot));
    if (!e) return NULL;
    e->tag = tag;
    e->slotCount = tag->slotCount;
    if (tag->slotCount) memcpy(e->values, values, tag->slotCount * sizeof(KiteSlot));
    e->next = ctx->exceptions;
    ctx->exceptions = e;
    return e;
}

void kite_free_exceptions(KiteContext *ctx) {
    for (KiteException *e = ctx->exceptions, *next; e; e = next) {
        next = e->next;
        free(e);
    }
    ctx->exceptions = NULL;
}

/// The slow half of a call to a host function, kept out of the call handlers so that their
/// fast path needs no saved registers. It has a handler's signature (so it can be tail-called);
/// the callee and its arguments come in ctx->hostCallee / ctx->hostArgs. Continues at `next`.
__attribute__((noinline)) static KITE_CC void kite_call_host(const uint64_t *next, KiteSlot *sp, uint8_t *mem,
                                                     uint64_t memsize, KiteContext *ctx, uint64_t acc, double facc) {
    (void)mem; (void)memsize;
    // For the sampling profiler: which host function runs, and the wasm code that called it.
    ctx->inHost = 1;
    ctx->hostReturnPc = next;
    ctx->hostSp = sp;
    uint32_t t = ctx->hostCall(ctx, ctx->hostCallee, ctx->hostArgs);
    ctx->inHost = 0;
    if (t == KITE_TRAP_EXCEPTION) {
        // The host function threw a wasm exception: it leaves the call instruction.
        KiteException *e = ctx->exception;
        ctx->exception = NULL;
        const uint64_t *pc = next - 1;
        THROW(e);
    }
    if (t) { ctx->trap = t; ctx->trapPc = next; return; }
    KiteMemory *m0 = ctx->instance->memories[0];
    __attribute__((musttail)) return ((kite_handler)(uintptr_t)next[0])(next, sp, m0->base, m0->size, ctx, acc, facc);
}

/// The function at `index` of `table`, checked against type `type`; NULL with ctx->trap set
/// ("undefined element", "uninitialized element", "indirect call type mismatch") otherwise.
static inline KiteFunction *kite_indirect_callee(KiteContext *ctx, uint32_t table, uint32_t index, uint32_t type) {
    KiteTable *t = ctx->instance->tables[table];
    ctx->trapDetail = index;
    if (index >= t->size) { ctx->trap = KITE_TRAP_UNDEFINED_ELEMENT; return NULL; }
    KiteFunction *f = (KiteFunction *)(uintptr_t)t->elements[index].u64;
    if (f == NULL) { ctx->trap = KITE_TRAP_UNINITIALIZED_ELEMENT; return NULL; }
    uint32_t expected = ctx->instance->typeIds[type];
    // A declared subtype of the expected type is a match too (GC): one display lookup.
    if (f->typeId != expected && !kite_cast_test((uint64_t)(uintptr_t)f, KITE_CAST_CONCRETE_FUNC, expected)) {
        ctx->trap = KITE_TRAP_INDIRECT_CALL_TYPE_MISMATCH;
        return NULL;
    }
    return f;
}

/// mem and memsize travel with the handler chain, so after a call, tail call or return they
/// are current unless the code now running belongs to another instance.
#define SWITCH_INSTANCE(target) do { \
    if (__builtin_expect((target) != ctx->instance, 0)) { \
        ctx->instance = (target); \
        RELOAD_MEMORY(); \
    } \
} while (0)

/// Pushes a frame record (returning after the current instruction) and moves pc and sp into
/// the wasm function `callee`, whose frame starts at `nsp`; traps when the frame records or
/// the value stack would overflow.
#define ENTER_CALLEE(callee, nsp) do { \
    KiteFrameRecord *rec_ = ctx->frameTop; \
    if (rec_ == ctx->frameLimit || (nsp) + (callee)->frameSize > ctx->stackLimit) \
        TRAP(KITE_TRAP_CALL_STACK_EXHAUSTED); \
    ctx->frameTop = rec_ + 1; \
    rec_->returnPc = pc + LEN; \
    rec_->callerSp = sp; \
    rec_->callerInstance = ctx->instance; \
    kite_enter_frame((callee), (nsp)); \
    pc = (callee)->code; \
    sp = (nsp); \
} while (0)

/// Calls `callee` with its frame starting at sp[base] (where the arguments already are).
/// Host functions run through the Swift callback; wasm functions push a frame record and
/// continue in the callee's code without growing the native stack.
#define CALL_FUNCTION(fexpr, base) do { \
    KiteFunction *callee_ = (fexpr); \
    KiteSlot *nsp_ = sp + (base); \
    if (__builtin_expect(callee_->kind == KITE_FUNCTION_HOST, 0)) { \
        ctx->hostCallee = callee_; \
        ctx->hostArgs = nsp_; \
        __attribute__((musttail)) return kite_call_host(pc + LEN, sp, mem, memsize, ctx, acc, facc); \
    } \
    ENTER_CALLEE(callee_, nsp_); \
    SWITCH_INSTANCE(callee_->instance); \
    DISPATCH(); \
} while (0)

/// Replaces the running function by `callee`: its arguments move from sp[base] down to
/// sp[0], and the callee runs in this frame, returning to this function's caller. A host
/// callee runs in place and its results are returned at once.
#define TAIL_CALL_FUNCTION(fexpr, base) do { \
    KiteFunction *callee_ = (fexpr); \
    memmove(sp, sp + (base), (size_t)callee_->numParams * sizeof(KiteSlot)); \
    if (__builtin_expect(callee_->kind == KITE_FUNCTION_HOST, 0)) { \
        uint32_t t_ = ctx->hostCall(ctx, callee_, sp); \
        if (t_) TRAP(t_); \
        RELOAD_MEMORY(); \
        RETURN_FROM_FUNCTION(); \
    } \
    if (sp + callee_->frameSize > ctx->stackLimit) TRAP(KITE_TRAP_CALL_STACK_EXHAUSTED); \
    kite_enter_frame(callee_, sp); \
    pc = callee_->code; \
    SWITCH_INSTANCE(callee_->instance); \
    DISPATCH(); \
} while (0)

/// CALL_FUNCTION for a callee defined by the running instance's own module (a wasm function
/// of this very instance).
#define CALL_LOCAL_FUNCTION(fexpr, base) do { \
    KiteFunction *callee_ = (fexpr); \
    KiteSlot *nsp_ = sp + (base); \
    ENTER_CALLEE(callee_, nsp_); \
    DISPATCH(); \
} while (0)

/// Results are already in sp[0..numResults): resume the caller. A function entered from
/// kite_invoke returns to the exit sentinel, which leaves the interpreter.
#define RETURN_FROM_FUNCTION() do { \
    KiteFrameRecord *rec_ = --ctx->frameTop; \
    pc = rec_->returnPc; \
    sp = rec_->callerSp; \
    SWITCH_INSTANCE(rec_->callerInstance); \
    DISPATCH(); \
} while (0)

#include "Handlers.generated.inc"

/// The exit sentinel: the return address of every function entered from kite_invoke.
static KITE_CC void kite_exit(const uint64_t *pc, KiteSlot *sp, uint8_t *mem, uint64_t memsize, KiteContext *ctx,
                              uint64_t acc, double facc) {
    (void)pc; (void)sp; (void)mem; (void)memsize; (void)ctx; (void)acc; (void)facc;
}
static const uint64_t kite_exit_code[1] = { (uint64_t)(uintptr_t)&kite_exit };

/// The lazyCode stub of a function not translated yet, entered like its code would be (the
/// frame record is pushed and sp is the callee's frame, but nothing was zeroed or copied in):
/// has the Swift side translate it and fill in the record, then enters it for real.
static KITE_CC void kite_translate_on_call(const uint64_t *pc, KiteSlot *sp, uint8_t *mem, uint64_t memsize,
                                           KiteContext *ctx, uint64_t acc, double facc) {
    KiteFunction *f = (KiteFunction *)(uintptr_t)((const char *)pc - offsetof(KiteFunction, lazyCode));
    ctx->translating = 1;
    uint32_t t = ctx->translate(ctx, f);
    ctx->translating = 0;
    if (t) TRAP(t);
    if (sp + f->frameSize > ctx->stackLimit) TRAP(KITE_TRAP_CALL_STACK_EXHAUSTED);
    kite_enter_frame(f, sp);
    pc = f->code;
    DISPATCH();
}

void kite_make_lazy(KiteFunction *f) {
    f->lazyCode[0] = (uint64_t)(uintptr_t)&kite_translate_on_call;
    f->code = f->lazyCode;
    f->numZeroed = 0;
    f->numConsts = 0;
    f->frameSize = (f->numParams > f->numResults ? f->numParams : f->numResults) + 1;
}

const uint64_t *kite_exit_pc(void) { return kite_exit_code; }

static inline __attribute__((always_inline)) uint32_t kite_invoke_here(KiteContext *ctx, KiteFunction *f, KiteSlot *sp);

uint32_t kite_invoke(KiteContext *ctx, KiteFunction *f, KiteSlot *sp) {
    KiteContext *savedCurrent = kite_current_context;
    kite_current_context = ctx;
    uint32_t trap;
    if (!ctx->inHost) {
        // Not inside a host call: there is no host-call state to keep (ctx->inHost is 0 again
        // when the invocation returns, trap or not).
        trap = kite_invoke_here(ctx, f, sp);
    } else {
        // A host function calling back into wasm: its host-call state comes back afterwards,
        // and stays readable meanwhile (the sampler and crash reports walk ctx->invocation).
        KiteInvocation here = { ctx->invocation, ctx->frameTop, ctx->hostCallee, ctx->hostReturnPc, ctx->hostSp, 1 };
        ctx->invocation = &here;
        __atomic_signal_fence(__ATOMIC_SEQ_CST);  // linked before anything a sample might see
        trap = kite_invoke_here(ctx, f, sp);
        ctx->invocation = here.outer;
        ctx->inHost = 1;
        ctx->hostCallee = here.hostCallee;
        ctx->hostReturnPc = here.hostReturnPc;
        ctx->hostSp = here.hostSp;
    }
    kite_current_context = savedCurrent;
    return trap;
}

static inline __attribute__((always_inline)) uint32_t kite_invoke_here(KiteContext *ctx, KiteFunction *f, KiteSlot *sp) {
    ctx->inHost = 0;
    if (f->kind == KITE_FUNCTION_HOST) {
        // Called by the host, not by wasm: the host function's Caller has no instance.
        KiteInstance *caller = ctx->instance;
        ctx->instance = NULL;
        uint32_t t = ctx->hostCall(ctx, f, sp);
        ctx->instance = caller;
        return t;
    }
    KiteFrameRecord *entry = ctx->frameTop;
    if (entry == ctx->frameLimit || sp + f->frameSize > ctx->stackLimit) return KITE_TRAP_CALL_STACK_EXHAUSTED;
    KiteInstance *savedInstance = ctx->instance;
    entry->returnPc = kite_exit_code;
    entry->callerSp = sp;
    entry->callerInstance = f->instance;
    ctx->frameTop = entry + 1;
    ctx->trap = KITE_TRAP_NONE;
    kite_enter_frame(f, sp);
    ctx->instance = f->instance;
    KiteMemory *m0 = ctx->instance->memories[0];
    ((kite_handler)(uintptr_t)f->code[0])(f->code, sp, m0->base, m0->size, ctx, 0, 0.0);
    KITE_COUNT_BREAK();
    uint32_t trap = ctx->trap;
    ctx->trap = KITE_TRAP_NONE;
    ctx->frameTop = entry;  // also unwinds the frames of a trap
    ctx->instance = savedInstance;
    return trap;
}
