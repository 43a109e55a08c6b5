// GC objects: allocation, field access by storage kind, and the cast test.
// See ARCHITECTURE.md "GC objects" for the layout and the representation of references.

#include "CKiteDispatch.h"
#include <stdlib.h>
#include <string.h>

/// The collector's bookkeeping (see "The collector" below).
typedef struct KitePage KitePage;
typedef struct KiteHeap {
    KitePage **pages;       // open addressing by page number; NULL = empty
    size_t capacity;        // a power of two (0 before the first object)
    size_t count;
    KitePage *last;         // the page of the last lookup (allocations come in runs)
    KiteObject **marks;     // the mark stack
    size_t markCapacity, markTop;
    int failed;             // the mark stack could not grow: this collection frees nothing
} KiteHeap;

/// TypeRegistry.capacity entries; a zero page costs nothing until an id is registered.
const KiteRTT *kite_rtt_table[1 << 20];

void kite_rtt_register(uint32_t id, const KiteRTT *rtt) {
    __atomic_store_n(&kite_rtt_table[id], rtt, __ATOMIC_RELEASE);
}

/// Objects above this many bytes are refused with "out of memory" (a trap, not an abort of
/// the process, and no lazily zeroed giant the guest could then fill).
#define KITE_OBJECT_MAX ((uint64_t)1 << 30)
/// Wasm code collects once this many bytes are allocated (then twice what survived).
#define KITE_GC_MIN_THRESHOLD ((uint64_t)8 << 20)

int kite_gc_track(KiteContext *ctx, KiteObject *o);

static KiteObject *allocate(KiteContext *ctx, KiteSite site, const KiteRTT *rtt, uint64_t bytes) {
    if (bytes > KITE_OBJECT_MAX) { ctx->trap = KITE_TRAP_OUT_OF_MEMORY; return NULL; }
    // Wasm code's allocations collect when the heap has grown enough, or before one would
    // pass the store's limit (the host's never do: what they build is not rooted yet).
    if (site.pc && __builtin_expect(ctx->objectBytes + bytes > ctx->gcThreshold, 0)) kite_gc_collect(ctx, site);
    if (ctx->objectBytes + bytes > ctx->gcLimit) { ctx->trap = KITE_TRAP_OUT_OF_MEMORY; return NULL; }
    KiteObject *o = calloc(1, (size_t)bytes);
    if (!o) { ctx->trap = KITE_TRAP_OUT_OF_MEMORY; return NULL; }
    if (!kite_gc_track(ctx, o)) { free(o); ctx->trap = KITE_TRAP_OUT_OF_MEMORY; return NULL; }
    o->rtt = rtt;
    o->next = ctx->objects;
    ctx->objects = o;
    ctx->objectBytes += bytes;
    return o;
}

static inline uint32_t slots_of(uint32_t storage) { return storage == KITE_STORAGE_V128 ? 2 : 1; }
static inline uint32_t bytes_of(uint32_t storage) {
    switch (storage) {
    case KITE_STORAGE_I8: return 1;
    case KITE_STORAGE_I16: return 2;
    case KITE_STORAGE_I32: case KITE_STORAGE_F32: return 4;
    case KITE_STORAGE_V128: return 16;
    default: return 8;
    }
}

void kite_store_field(uint8_t *field, uint32_t storage, const KiteSlot *value) {
    // Slots are little-endian unions: the low bytes of a slot are its narrower value.
    memcpy(field, value, bytes_of(storage));
}

void kite_load_field(KiteSlot *value, const uint8_t *field, uint32_t storage) {
    value->u64 = 0;
    memcpy(value, field, bytes_of(storage));
}

KiteObject *kite_struct_new(KiteContext *ctx, KiteSite site, uint32_t type, const KiteSlot *values) {
    const KiteRTT *rtt = kite_rtt_table[type];
    KiteObject *o = allocate(ctx, site, rtt, rtt->size);
    if (!o || !values) return o;
    for (uint32_t i = 0; i < rtt->fieldCount; i++) {
        kite_store_field((uint8_t *)o + rtt->fieldOffsets[i], rtt->fieldStorage[i], values);
        values += slots_of(rtt->fieldStorage[i]);
    }
    return o;
}

KiteObject *kite_array_new(KiteContext *ctx, KiteSite site, uint32_t type, uint32_t count, const KiteSlot *value,
                           const KiteSlot *values) {
    const KiteRTT *rtt = kite_rtt_table[type];
    uint32_t storage = rtt->fieldStorage[0], size = rtt->size;
    KiteObject *o = allocate(ctx, site, rtt, KITE_ARRAY_DATA + (uint64_t)count * size);
    if (!o) return NULL;
    o->length = count;
    uint8_t *data = (uint8_t *)o + KITE_ARRAY_DATA;
    if (value) {
        for (uint32_t i = 0; i < count; i++) kite_store_field(data + (size_t)i * size, storage, value);
    } else if (values) {
        for (uint32_t i = 0; i < count; i++, values += slots_of(storage)) kite_store_field(data + (size_t)i * size, storage, values);
    }
    return o;
}

static inline int is_subtype(const KiteRTT *rtt, uint32_t type) {
    const KiteRTT *target = kite_rtt_table[type];
    return rtt->depth >= target->depth && rtt->display[target->depth] == type;
}

int kite_cast_test(uint64_t value, uint32_t target, uint32_t type) {
    int ok;
    if (value == 0) {
        ok = (target & KITE_CAST_NULLABLE) != 0;
    } else {
        const KiteObject *o = (const KiteObject *)(uintptr_t)value;
        int object = (value & 3) == 0;
        switch (target & 0xFF) {
        case KITE_CAST_ANY: case KITE_CAST_TOP: ok = 1; break;
        case KITE_CAST_EQ: ok = (value & 3) != 2; break;
        case KITE_CAST_I31: ok = (value & 1) != 0; break;
        case KITE_CAST_STRUCT: ok = object && o->rtt->kind == KITE_KIND_STRUCT; break;
        case KITE_CAST_ARRAY: ok = object && o->rtt->kind == KITE_KIND_ARRAY; break;
        case KITE_CAST_CONCRETE_OBJECT: ok = object && (o->rtt->id == type || is_subtype(o->rtt, type)); break;
        case KITE_CAST_CONCRETE_FUNC: {
            uint32_t id = ((const KiteFunction *)(uintptr_t)value)->typeId;
            ok = id == type || is_subtype(kite_rtt_table[id], type);
            break;
        }
        default: ok = 0; break;  // none, nofunc, noextern, noexn: only null
        }
    }
    return (target & KITE_CAST_NEGATE) ? !ok : ok;
}

void kite_free_objects(KiteContext *ctx) {
    for (KiteObject *o = ctx->objects, *next; o; o = next) {
        next = o->next;
        free(o);
    }
    ctx->objects = NULL;
    ctx->objectBytes = 0;
    if (ctx->heap) {
        for (size_t i = 0; i < ctx->heap->capacity; i++) free(ctx->heap->pages[i]);
        free(ctx->heap->pages);
        free(ctx->heap->marks);
        free(ctx->heap);
        ctx->heap = NULL;
    }
}

// ---- The collector: mark and sweep, non-moving ----
//
// Objects never move, so a reference is its address for as long as the object lives. Roots
// are exact: the frame slots the stack maps name (Store.markRoots walks the frames), the
// globals, tables, segments and exceptions, and what the host rooted. The heap also keeps a
// bitmap of every object's address, and a value is treated as a reference only if it is in
// it: a guard (a wrong stack map could at worst keep an object alive, never make the
// collector touch memory that is not an object), and how fields and elements of reference
// type skip i31s, host values and function and exception references.
// (Object addresses are calloc's, 16-byte aligned.)


// Which addresses are objects: one bit per 16 bytes (calloc's alignment) in a bitmap per
// 1 MiB page of address space, the pages found by number in a small hash table. Setting and
// testing a bit touches memory next to the last object's, unlike a hash set of addresses
// (a cache miss per allocation); a page is freed when its last object is.
#define KITE_PAGE_SHIFT 20
struct KitePage {
    uint64_t number;
    uint64_t objects;       // bits set
    uint64_t bits[(1u << (KITE_PAGE_SHIFT - 4)) / 64];
};

static inline size_t page_slot(uint64_t number, size_t capacity) {
    number *= 0x9E3779B97F4A7C15ULL;
    return (size_t)(number >> 32) & (capacity - 1);
}

static KitePage *page_find(KiteHeap *h, uint64_t number) {
    if (h->last && h->last->number == number) return h->last;
    if (!h->capacity) return NULL;
    for (size_t i = page_slot(number, h->capacity); h->pages[i]; i = (i + 1) & (h->capacity - 1)) {
        if (h->pages[i]->number == number) return h->last = h->pages[i];
    }
    return NULL;
}

static void page_place(KiteHeap *h, KitePage *page) {
    size_t i = page_slot(page->number, h->capacity);
    while (h->pages[i]) i = (i + 1) & (h->capacity - 1);
    h->pages[i] = page;
}

/// Rebuilds the page table at `capacity`, leaving out empty pages (which are freed).
static int pages_rebuild(KiteHeap *h, size_t capacity) {
    KitePage **pages = calloc(capacity, sizeof(KitePage *));
    if (!pages) return 0;
    KitePage **old = h->pages;
    size_t oldCapacity = h->capacity;
    h->pages = pages; h->capacity = capacity; h->count = 0; h->last = NULL;
    for (size_t i = 0; i < oldCapacity; i++) {
        if (!old[i]) continue;
        if (old[i]->objects) { page_place(h, old[i]); h->count++; } else free(old[i]);
    }
    free(old);
    return 1;
}

static int bitmap_set(KiteHeap *h, uint64_t address) {
    uint64_t number = address >> KITE_PAGE_SHIFT;
    KitePage *page = page_find(h, number);
    if (!page) {
        if ((h->count + 1) * 2 > h->capacity && !pages_rebuild(h, h->capacity ? h->capacity * 2 : 64)) return 0;
        page = calloc(1, sizeof(KitePage));
        if (!page) return 0;
        page->number = number;
        page_place(h, page);
        h->count++;
        h->last = page;
    }
    uint64_t bit = (address >> 4) & ((1u << (KITE_PAGE_SHIFT - 4)) - 1);
    page->bits[bit / 64] |= 1ULL << (bit % 64);
    page->objects++;
    return 1;
}

static void bitmap_clear(KiteHeap *h, uint64_t address) {
    KitePage *page = page_find(h, address >> KITE_PAGE_SHIFT);
    if (!page) return;
    uint64_t bit = (address >> 4) & ((1u << (KITE_PAGE_SHIFT - 4)) - 1);
    page->bits[bit / 64] &= ~(1ULL << (bit % 64));
    page->objects--;
}

static int bitmap_contains(KiteHeap *h, uint64_t address) {
    if (!h || !address || (address & 15)) return 0;
    KitePage *page = page_find(h, address >> KITE_PAGE_SHIFT);
    if (!page) return 0;
    uint64_t bit = (address >> 4) & ((1u << (KITE_PAGE_SHIFT - 4)) - 1);
    return (page->bits[bit / 64] >> (bit % 64)) & 1;
}

static KiteHeap *heap_of(KiteContext *ctx) {
    if (!ctx->heap) ctx->heap = calloc(1, sizeof(KiteHeap));
    return ctx->heap;
}

/// Records a new object in the set; 0 when out of memory.
int kite_gc_track(KiteContext *ctx, KiteObject *o) {
    KiteHeap *h = heap_of(ctx);
    return h && bitmap_set(h, (uint64_t)(uintptr_t)o);
}

int kite_gc_owns(KiteContext *ctx, uint64_t value) { return bitmap_contains(ctx->heap, value); }

void kite_gc_mark_value(KiteContext *ctx, uint64_t value) {
    KiteHeap *h = ctx->heap;
    if (!bitmap_contains(h, value)) return;
    KiteObject *o = (KiteObject *)(uintptr_t)value;
    if (o->mark) return;
    o->mark = 1;
    if (h->markTop == h->markCapacity) {
        size_t capacity = h->markCapacity ? h->markCapacity * 2 : 1024;
        KiteObject **marks = realloc(h->marks, capacity * sizeof(KiteObject *));
        if (!marks) { h->failed = 1; return; }  // cannot trace further: nothing may be freed
        h->marks = marks; h->markCapacity = capacity;
    }
    h->marks[h->markTop++] = o;
}

/// Marks what the objects on the mark stack refer to, until it is empty.
static void trace(KiteContext *ctx) {
    KiteHeap *h = ctx->heap;
    while (h->markTop) {
        KiteObject *o = h->marks[--h->markTop];
        const KiteRTT *rtt = o->rtt;
        if (rtt->kind == KITE_KIND_STRUCT) {
            for (uint32_t i = 0; i < rtt->fieldCount; i++) {
                if (rtt->fieldStorage[i] != KITE_STORAGE_REF) continue;
                uint64_t v; memcpy(&v, (uint8_t *)o + rtt->fieldOffsets[i], 8);
                kite_gc_mark_value(ctx, v);
            }
        } else if (rtt->fieldStorage[0] == KITE_STORAGE_REF) {
            const uint8_t *data = (const uint8_t *)o + KITE_ARRAY_DATA;
            for (uint32_t i = 0; i < o->length; i++) {
                uint64_t v; memcpy(&v, data + (size_t)i * 8, 8);
                kite_gc_mark_value(ctx, v);
            }
        }
    }
}

void kite_gc_collect(KiteContext *ctx, KiteSite site) {
    KiteHeap *h = heap_of(ctx);
    if (!h) return;
    ctx->collections++;
    ctx->gcPc = site.pc;
    ctx->gcSp = site.sp;
    if (ctx->markRoots) ctx->markRoots(ctx);
    ctx->gcPc = NULL;
    ctx->gcSp = NULL;
    trace(ctx);
    if (h->failed) {
        for (KiteObject *o = ctx->objects; o; o = o->next) o->mark = 0;
        h->failed = 0;
        h->markTop = 0;
        return;
    }
    // Sweep: free what is unmarked (and its bit), then the pages left empty.
    uint64_t live = 0;
    KiteObject **link = &ctx->objects;
    while (*link) {
        KiteObject *o = *link;
        if (o->mark) {
            o->mark = 0;
            live += o->rtt->kind == KITE_KIND_STRUCT ? o->rtt->size : KITE_ARRAY_DATA + (uint64_t)o->length * o->rtt->size;
            link = &o->next;
        } else {
            *link = o->next;
            bitmap_clear(h, (uint64_t)(uintptr_t)o);
            free(o);
        }
    }
    pages_rebuild(h, h->capacity);
    ctx->objectBytes = live;
    uint64_t next = live * 2;
    ctx->gcThreshold = next > KITE_GC_MIN_THRESHOLD ? next : KITE_GC_MIN_THRESHOLD;
    // Near the limit, collect before every allocation that would pass it.
    if (ctx->gcThreshold > ctx->gcLimit) ctx->gcThreshold = ctx->gcLimit;
}
