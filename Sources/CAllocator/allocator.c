#include "allocator.h"

/*
 * jemalloc's settings, read by jemalloc when it starts, where the binary is linked with it (see
 * Package.swift); unused otherwise. Two arenas: the daemon's event loops and its database writer
 * allocate from them through per-thread caches, and fewer arenas hold fewer partly used pages
 * than jemalloc's default of four per core.
 */
const char *malloc_conf = "narenas:2";
