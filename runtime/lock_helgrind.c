/*
 * What helgrind does not take from drd's client requests (lock.c uses
 * those): words it must not check. In a file of its own because the two
 * tools' headers define the same ANNOTATE_ macros differently.
 */
#include "lock.h"

#ifdef WEFT_HAVE_VALGRIND
#include <valgrind/helgrind.h>

void lock_helgrind_unchecked(const void *word, unsigned size)
{
    VALGRIND_HG_DISABLE_CHECKING(word, size);
}
#else
void lock_helgrind_unchecked(const void *word, unsigned size)
{
    (void)word;
    (void)size;
}
#endif
