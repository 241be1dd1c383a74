/*
 * Work weft does for itself on the thread that runs goroutines, with calls
 * into libraries that allocate through the global malloc (libdw while
 * symbolizing, capstone): the detector's interceptors let those calls
 * through unchecked while own_work_depth is non-zero. Nests.
 */
#ifndef WEFT_SUPPORT_OWN_WORK_H
#define WEFT_SUPPORT_OWN_WORK_H

extern __thread unsigned own_work_depth
    __attribute__((tls_model("initial-exec")));

static inline void own_work_begin(void)
{
    own_work_depth++;
}

static inline void own_work_end(void)
{
    own_work_depth--;
}

#endif
