#ifndef HELPLINE_ALLOCATOR_H
#define HELPLINE_ALLOCATOR_H

/// jemalloc's settings for this binary (jemalloc's `malloc_conf`).
extern const char *malloc_conf;

#endif
