// The threaded interpreter: handler conventions, calls and returns, and the entry point.
// Handlers themselves are generated (Handlers.generated.inc) from Tools/instructions.def.
#include "CKiteDispatch.h"
#include "Numeric.h"
#include <string.h>

/// Operand fields are read at their byte offset within the instruction (little-endian).
static inline uint32_t kite_operand_u16(const uint64_t *pc, size_t at) {
    uint16_t v; memcpy(&v, (const char *)pc + at, 2); return v;
}
static inline uint32_t kite_operand_u32(const uint64_t *pc, size_t at) {
    uint32_t v; memcpy(&v, (const char *)pc + at, 4); return v;
}

#define KITE_HANDLER(name) \
    static void name(const uint64_t *pc, KiteSlot *sp, uint8_t *mem, uint64_t memsize, KiteContext *ctx)

/// Tail-call the handler of the instruction at pc; never grows the native stack.
#define DISPATCH() __attribute__((musttail)) return ((kite_handler)(uintptr_t)pc[0])(pc, sp, mem, memsize, ctx)
/// Continue with the next instruction (LEN is the current instruction's length in words).
#define NEXT() do { pc += LEN; DISPATCH(); } while (0)
/// Branch by `off` words relative to the start of the current instruction.
#define JUMP(off) do { pc += (off); DISPATCH(); } while (0)
/// Stop execution; kite_invoke reports the trap.
#define TRAP(code) do { ctx->trap = (code); ctx->trapPc = pc; return; } while (0)
/// Memory 0 of the running instance, after anything that may have grown it or switched instance.
#define RELOAD_MEMORY() do { KiteMemory *m0_ = ctx->instance->memories[0]; mem = m0_->base; memsize = m0_->size; } while (0)

/// Sets up a callee frame at `nsp`: parameters are in place; zero the locals, copy the constants.
static inline void kite_enter_frame(const KiteFunction *f, KiteSlot *nsp) {
    KiteSlot *locals = nsp + f->localsStart;
    for (uint32_t i = 0; i < f->numLocals; i++) locals[i].u64 = 0;
    KiteSlot *consts = locals + f->numLocals;
    for (uint32_t i = 0; i < f->numConsts; i++) consts[i] = f->consts[i];
}

/// Calls `callee` with its frame starting at sp[base] (where the arguments already are).
/// Host functions run through the Swift callback; wasm functions push a frame record and
/// continue in the callee's code without growing the native stack.
#define CALL_FUNCTION(fexpr, base) do { \
    KiteFunction *callee_ = (fexpr); \
    KiteSlot *nsp_ = sp + (base); \
    if (__builtin_expect(callee_->kind == KITE_FUNCTION_HOST, 0)) { \
        uint32_t t_ = ctx->hostCall(ctx, callee_, nsp_); \
        if (t_) TRAP(t_); \
        RELOAD_MEMORY(); \
        NEXT(); \
    } \
    if (ctx->depth >= ctx->maxDepth || nsp_ + callee_->frameSize > ctx->stackLimit) \
        TRAP(KITE_TRAP_CALL_STACK_EXHAUSTED); \
    KiteFrameRecord *rec_ = &ctx->frames[ctx->depth++]; \
    rec_->returnPc = pc + LEN; \
    rec_->callerSp = sp; \
    rec_->callerInstance = ctx->instance; \
    kite_enter_frame(callee_, nsp_); \
    pc = callee_->code; \
    sp = nsp_; \
    /* mem and memsize travel with the handler chain, so they are current unless the */ \
    /* callee belongs to another instance. */ \
    if (__builtin_expect(callee_->instance != ctx->instance, 0)) { \
        ctx->instance = callee_->instance; \
        RELOAD_MEMORY(); \
    } \
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
    if (__builtin_expect(callee_->instance != ctx->instance, 0)) { \
        ctx->instance = callee_->instance; \
        RELOAD_MEMORY(); \
    } \
    DISPATCH(); \
} while (0)

/// Results are already in sp[0..numResults). Leave the interpreter if this frame was entered
/// from kite_invoke, otherwise resume the caller.
#define RETURN_FROM_FUNCTION() do { \
    if (ctx->depth == ctx->entryDepth) return; \
    KiteFrameRecord *rec_ = &ctx->frames[--ctx->depth]; \
    pc = rec_->returnPc; \
    sp = rec_->callerSp; \
    if (__builtin_expect(rec_->callerInstance != ctx->instance, 0)) { \
        ctx->instance = rec_->callerInstance; \
        RELOAD_MEMORY(); \
    } \
    DISPATCH(); \
} while (0)

#include "Handlers.generated.inc"

uint32_t kite_invoke(KiteContext *ctx, KiteFunction *f, KiteSlot *sp) {
    if (f->kind == KITE_FUNCTION_HOST) return ctx->hostCall(ctx, f, sp);
    if (ctx->depth >= ctx->maxDepth || sp + f->frameSize > ctx->stackLimit) return KITE_TRAP_CALL_STACK_EXHAUSTED;
    KiteInstance *savedInstance = ctx->instance;
    uint32_t savedDepth = ctx->depth, savedEntry = ctx->entryDepth;
    ctx->entryDepth = ctx->depth;
    ctx->trap = KITE_TRAP_NONE;
    kite_enter_frame(f, sp);
    ctx->instance = f->instance;
    KiteMemory *m0 = ctx->instance->memories[0];
    ((kite_handler)(uintptr_t)f->code[0])(f->code, sp, m0->base, m0->size, ctx);
    uint32_t trap = ctx->trap;
    ctx->trap = KITE_TRAP_NONE;
    ctx->depth = savedDepth;
    ctx->entryDepth = savedEntry;
    ctx->instance = savedInstance;
    return trap;
}
