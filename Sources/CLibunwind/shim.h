// libunwind for local unwinding only (the sampling profiler's native frames).
#define UNW_LOCAL_ONLY
#include <libunwind.h>
