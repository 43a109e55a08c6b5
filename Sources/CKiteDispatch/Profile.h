// The dynamic op profile: how often each register op and each adjacent pair of ops executes,
// so that superinstructions are chosen from data. Compiled in only with -DKITE_PROFILE
// (Tools/profile-ops builds such a kite-runner); otherwise KITE_COUNT is nothing at all.
//
// Output: at exit, to the file named by $KITE_PROFILE_OUT (default: stderr), lines
//   op<TAB>NAME<TAB>COUNT                      for every op that ran
//   pair<TAB>FIRST<TAB>SECOND<TAB>READ<TAB>COUNT for every pair that ran in fall-through order
// A pair is FIRST followed by the instruction just after it in the code, the pairs that a
// superinstruction can join (a taken branch, a call or a return starts no pair). READ names
// the operand of SECOND that read the register FIRST had just written (`-`: none did), the
// value a superinstruction can carry in a machine register.
#ifndef KITE_PROFILE_H
#define KITE_PROFILE_H
#ifdef KITE_PROFILE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t kite_profile_ops[KITE_PROFILED_OP_COUNT];
/// [first][second][0: nothing carried, k: the second's k-th read operand]
static uint64_t kite_profile_pairs[KITE_PROFILED_OP_COUNT][KITE_PROFILED_OP_COUNT][5];
static uint32_t kite_profile_previous = KITE_PROFILED_OP_COUNT;
static const uint64_t *kite_profile_previous_pc = NULL;
/// Where the previous instruction ends: the next one pairs with it only if it starts there.
static const uint64_t *kite_profile_fallthrough = NULL;

static void kite_profile_write(void) {
    const char *path = getenv("KITE_PROFILE_OUT");
    FILE *out = path ? fopen(path, "w") : stderr;
    if (!out) return;
    for (uint32_t a = 0; a < KITE_PROFILED_OP_COUNT; a++)
        if (kite_profile_ops[a]) fprintf(out, "op\t%s\t%llu\n", kite_op_names[a], (unsigned long long)kite_profile_ops[a]);
    for (uint32_t a = 0; a < KITE_PROFILED_OP_COUNT; a++)
        for (uint32_t b = 0; b < KITE_PROFILED_OP_COUNT; b++)
            for (uint32_t k = 0; k < 5; k++)
                if (kite_profile_pairs[a][b][k])
                    fprintf(out, "pair\t%s\t%s\t%s\t%llu\n", kite_op_names[a], kite_op_names[b],
                            k ? kite_op_read_names[b][k - 1] : "-", (unsigned long long)kite_profile_pairs[a][b][k]);
    if (out != stderr) fclose(out);
}

static inline uint16_t kite_profile_register(const uint64_t *pc, uint16_t at) {
    uint16_t r; memcpy(&r, (const char *)pc + at, 2); return r;
}

__attribute__((constructor)) static void kite_profile_start(void) { atexit(kite_profile_write); }

static inline void kite_profile_count(uint32_t op, const uint64_t *pc, uint32_t length) {
    kite_profile_ops[op]++;
    if (kite_profile_previous < KITE_PROFILED_OP_COUNT && pc == kite_profile_fallthrough) {
        uint32_t carried = 0;
        uint16_t written = kite_op_written[kite_profile_previous];
        if (written) {
            uint16_t slot = kite_profile_register(kite_profile_previous_pc, written);
            for (uint32_t k = 0; k < 4 && kite_op_reads[op][k]; k++)
                if (kite_profile_register(pc, kite_op_reads[op][k]) == slot) { carried = k + 1; break; }
        }
        kite_profile_pairs[kite_profile_previous][op][carried]++;
    }
    kite_profile_previous = op;
    kite_profile_previous_pc = pc;
    kite_profile_fallthrough = pc + length;
}
/// A return to the host ends a chain of dispatches: the next op pairs with nothing.
static inline void kite_profile_break(void) { kite_profile_previous = KITE_PROFILED_OP_COUNT; }
#define KITE_COUNT(op) kite_profile_count(op, pc, LEN)
#define KITE_COUNT_BREAK() kite_profile_break()
#else
#define KITE_COUNT(op) ((void)0)
#define KITE_COUNT_BREAK() ((void)0)
#endif
#endif
