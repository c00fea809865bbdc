/* gz_pump.h — inflate a gzip stream on a thread of its own (source-private).
 *
 * Decompressing costs about as much CPU as parsing what comes out, so the
 * text reader hands a compressed file to a pump: one thread inflates ahead
 * into a few fixed chunks while the caller parses, and the caller copies the
 * bytes out in order. Memory is bounded (N_CHUNKS × CHUNK bytes); the bytes
 * are exactly gzread's.
 */
#pragma once

#include <glib.h>
#include <zlib.h>

G_BEGIN_DECLS

typedef struct GzPump GzPump;

/* Start inflating gz, opened from path (the pump owns gz from here). */
GzPump *gz_pump_start (gzFile gz, const char *path);
/* Up to cap decompressed bytes into dst: their count, 0 at the end of the
 * stream, -1 on an error (*msg: zlib's message, caller frees). */
gssize gz_pump_read (GzPump *p, char *dst, size_t cap, char **msg);
/* Stop the thread (also mid-stream), close the file, free everything. */
void gz_pump_stop (GzPump *p);

G_END_DECLS
