/* WASI has no setjmp/longjmp. sphinxbase longjmps only from an allocation failure, which aborts here instead. */
#ifndef RECOGNIZER_SETJMP_H
#define RECOGNIZER_SETJMP_H
#include <stdlib.h>
typedef int jmp_buf[1];
#define setjmp(env) 0
#define longjmp(env, val) abort()
#endif
