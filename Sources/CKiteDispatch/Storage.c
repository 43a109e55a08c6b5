// Linear memories and tables.
//
// A memory reserves address space for its maximum size once (PROT_NONE) and commits pages
// as it grows, so its base never moves: handlers keep the base in a register and only the
// size has to be reloaded after a call or memory.grow.
#include "CKiteDispatch.h"
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <pthread.h>

#define KITE_PAGE 65536ull

bool kite_memory_init(KiteMemory *m, uint64_t minPages, uint64_t maxPages) {
    if (maxPages > 65536) maxPages = 65536;
    if (minPages > maxPages) return false;
    uint64_t reserve = maxPages * KITE_PAGE;
    if (reserve == 0) reserve = KITE_PAGE;  // keep a valid base for empty memories
    void *base = mmap(NULL, reserve, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (base == MAP_FAILED) return false;
    if (minPages > 0 && mprotect(base, minPages * KITE_PAGE, PROT_READ | PROT_WRITE) != 0) {
        munmap(base, reserve);
        return false;
    }
    m->base = base;
    m->size = minPages * KITE_PAGE;
    m->maxPages = maxPages;
    m->reservedBytes = reserve;
    return true;
}

void kite_memory_free(KiteMemory *m) {
    if (m->base) munmap(m->base, m->reservedBytes);
    m->base = NULL;
    m->size = 0;
}

uint32_t kite_memory_grow(KiteMemory *m, uint64_t delta) {
    uint64_t old = m->size / KITE_PAGE;
    if (delta == 0) return (uint32_t)old;
    if (delta > m->maxPages - old) return UINT32_MAX;
    if (mprotect(m->base + m->size, delta * KITE_PAGE, PROT_READ | PROT_WRITE) != 0) return UINT32_MAX;
    m->size += delta * KITE_PAGE;
    return (uint32_t)old;
}

// On failure the table is left empty (elements NULL), so kite_table_free stays safe: the
// Swift owner frees the handle exactly once, in its deinit, whatever happened here.
bool kite_table_init_storage(KiteTable *t, uint32_t size, uint32_t max, uint32_t limit, KiteSlot fill) {
    t->elements = NULL;
    t->size = 0;
    t->max = max;
    t->limit = limit;
    if (size > limit) return false;
    // calloc's zeroed pages are null references already; only a non-null fill touches them.
    KiteSlot *elements = calloc(size ? size : 1, sizeof(KiteSlot));
    if (!elements) return false;
    if (fill.u64 != 0)
        for (uint32_t i = 0; i < size; i++) elements[i] = fill;
    t->elements = elements;
    t->size = size;
    return true;
}

void kite_table_free(KiteTable *t) {
    free(t->elements);
    t->elements = NULL;
    t->size = 0;
}

uint32_t kite_table_grow(KiteTable *t, uint32_t delta, KiteSlot fill) {
    uint32_t old = t->size;
    if (delta == 0) return old;
    uint64_t wanted = (uint64_t)old + delta;
    // Guests choose table sizes: the store's limit keeps a grow from exhausting the host.
    if (wanted > t->max || wanted > t->limit) return UINT32_MAX;
    KiteSlot *grown = realloc(t->elements, (size_t)wanted * sizeof(KiteSlot));
    if (!grown) return UINT32_MAX;
    for (uint64_t i = old; i < wanted; i++) grown[i] = fill;
    t->elements = grown;
    t->size = (uint32_t)wanted;
    return old;
}

bool kite_table_fill(KiteTable *t, uint32_t start, KiteSlot value, uint32_t count) {
    if ((uint64_t)start + count > t->size) return false;
    for (uint32_t i = 0; i < count; i++) t->elements[start + i] = value;
    return true;
}

bool kite_table_copy(KiteTable *dst, uint32_t d, KiteTable *src, uint32_t s, uint32_t count) {
    if ((uint64_t)d + count > dst->size || (uint64_t)s + count > src->size) return false;
    if (count) memmove(dst->elements + d, src->elements + s, (size_t)count * sizeof(KiteSlot));
    return true;
}

bool kite_table_init(KiteTable *t, uint32_t d, const KiteElements *e, uint32_t s, uint32_t count) {
    if ((uint64_t)d + count > t->size || (uint64_t)s + count > e->count) return false;
    if (count) memcpy(t->elements + d, e->items + s, (size_t)count * sizeof(KiteSlot));
    return true;
}

struct KiteMutex { pthread_mutex_t mutex; };

KiteMutex *kite_mutex_create(void) {
    KiteMutex *m = malloc(sizeof *m);
    if (m) pthread_mutex_init(&m->mutex, NULL);
    return m;
}
void kite_mutex_lock(KiteMutex *m) { pthread_mutex_lock(&m->mutex); }
void kite_mutex_unlock(KiteMutex *m) { pthread_mutex_unlock(&m->mutex); }
void kite_mutex_destroy(KiteMutex *m) {
    if (!m) return;
    pthread_mutex_destroy(&m->mutex);
    free(m);
}

void kite_interrupt(KiteContext *ctx) { __atomic_store_n(&ctx->interrupt, 1, __ATOMIC_RELAXED); }
void kite_clear_interrupt(KiteContext *ctx) { __atomic_store_n(&ctx->interrupt, 0, __ATOMIC_RELAXED); }
