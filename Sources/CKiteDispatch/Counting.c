// Exact profiling: every executed register instruction counted, with the code itself
// unchanged. A counted function's code lives in the counting arena, which has three regions
// KITE_COUNT_SPAN bytes apart: the code, then at +SPAN each instruction's real handler, then
// at +2*SPAN its counter. Word 0 of every instruction is kite_count_step, which bumps the
// counter at pc + 2*SPAN and tail-calls the handler saved at pc + SPAN. Branch offsets,
// operands and superinstructions are those of ordinary code; only the dispatch goes through
// one more indirect jump. Code that is not counted never meets any of this.
//
// A counted function is entered through a two-word stub in front of its code
// (kite_count_step, then the code's address; its saved handler is kite_count_enter), so the
// stub's counter is the number of calls. The arena is reserved once and never freed: exact
// profiling is for profiling runs, and its memory is committed only as code is counted.
#include "CKiteDispatch.h"
#include <pthread.h>
#include <sys/mman.h>

#define KITE_COUNT_SPAN (1ull << 30)

static uint8_t *kite_count_arena;
static uint64_t kite_count_used;  // bytes of the code region handed out
static pthread_mutex_t kite_count_lock = PTHREAD_MUTEX_INITIALIZER;

static KITE_CC void kite_count_step(const uint64_t *pc, KiteSlot *sp, uint8_t *mem, uint64_t memsize, KiteContext *ctx,
                                    uint64_t acc, double facc) {
    const char *at = (const char *)pc;
    (*(uint64_t *)(uintptr_t)(at + 2 * KITE_COUNT_SPAN))++;
    kite_handler handler = *(const kite_handler *)(const void *)(at + KITE_COUNT_SPAN);
    __attribute__((musttail)) return handler(pc, sp, mem, memsize, ctx, acc, facc);
}

/// The stub's real handler: continue at the function's code (the stub's second word).
static KITE_CC void kite_count_enter(const uint64_t *pc, KiteSlot *sp, uint8_t *mem, uint64_t memsize, KiteContext *ctx,
                                     uint64_t acc, double facc) {
    const uint64_t *code = (const uint64_t *)(uintptr_t)pc[1];
    __attribute__((musttail)) return ((kite_handler)(uintptr_t)code[0])(code, sp, mem, memsize, ctx, acc, facc);
}

uint64_t *kite_counting_alloc(uint64_t words) {
    pthread_mutex_lock(&kite_count_lock);
    uint64_t *result = NULL;
    if (!kite_count_arena) {
        void *arena = mmap(NULL, 3 * KITE_COUNT_SPAN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (arena != MAP_FAILED) kite_count_arena = arena;
    }
    uint64_t bytes = words * sizeof(uint64_t);
    if (kite_count_arena && bytes <= KITE_COUNT_SPAN - kite_count_used) {
        result = (uint64_t *)(void *)(kite_count_arena + kite_count_used);
        kite_count_used += bytes;
    }
    pthread_mutex_unlock(&kite_count_lock);
    return result;
}

uint64_t kite_counting_span(void) { return KITE_COUNT_SPAN; }
uint64_t kite_count_step_address(void) { return (uint64_t)(uintptr_t)&kite_count_step; }
uint64_t kite_count_enter_address(void) { return (uint64_t)(uintptr_t)&kite_count_enter; }
