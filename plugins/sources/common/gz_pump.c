/* gz_pump.c — see gz_pump.h. Chunks circulate between two queues: the
 * thread takes a free one, fills it with gzread, and queues it as full; the
 * reader copies a full one out and gives it back. A chunk with len 0 is the
 * end, with err set an error; either is the thread's last. */
#include "gz_pump.h"

#include <errno.h>
#include <string.h>

enum { CHUNK = 1 << 20, N_CHUNKS = 4 };

typedef struct {
  char *data;
  gssize len;           /* bytes in data; 0 at the end; -1 on error */
  char *msg;
} Chunk;

struct GzPump {
  gzFile gz;
  char *path;           /* zlib's messages start with it; ours give it apart */
  GThread *thread;
  GAsyncQueue *free_q, *full_q;
  gint stop;
  Chunk *cur;           /* the full chunk being copied out, or NULL */
  gssize off;
  gboolean done;        /* the end or an error was handed out */
  Chunk chunks[N_CHUNKS];
};

static gpointer
pump (gpointer data)
{
  GzPump *p = data;
  for (;;)
    {
      Chunk *c = g_async_queue_pop (p->free_q);
      if (g_atomic_int_get (&p->stop))
        return NULL;
      int got = gzread (p->gz, c->data, CHUNK);
      int code = 0;
      const char *m = gzerror (p->gz, &code);
      size_t skip = strlen (p->path);
      if (strncmp (m, p->path, skip) == 0 && m[skip] == ':' && m[skip + 1] == ' ')
        m += skip + 2;
      c->len = got;
      if (got < 0)
        c->msg = g_strdup_printf ("%s%s", code == Z_DATA_ERROR ? "damaged gzip data: " : "",
                                  code == Z_ERRNO ? g_strerror (errno) : m);
      else if (got == 0 && code == Z_BUF_ERROR)
        {
          /* gzread ends a stream cut short quietly, as if it were whole. */
          c->len = -1;
          c->msg = g_strdup_printf ("%s: the gzip stream is cut short (a truncated file?)", m);
        }
      g_async_queue_push (p->full_q, c);
      if (got <= 0)
        return NULL;
    }
}

GzPump *
gz_pump_start (gzFile gz, const char *path)
{
  GzPump *p = g_new0 (GzPump, 1);
  p->gz = gz;
  p->path = g_strdup (path);
  p->free_q = g_async_queue_new ();
  p->full_q = g_async_queue_new ();
  for (int k = 0; k < N_CHUNKS; k++)
    {
      p->chunks[k].data = g_malloc (CHUNK);
      g_async_queue_push (p->free_q, &p->chunks[k]);
    }
  p->thread = g_thread_new ("tundish-gunzip", pump, p);
  return p;
}

gssize
gz_pump_read (GzPump *p, char *dst, size_t cap, char **msg)
{
  size_t n = 0;
  while (n < cap && !p->done)
    {
      if (!p->cur)
        {
          p->cur = g_async_queue_pop (p->full_q);
          p->off = 0;
          if (p->cur->len <= 0)
            {
              p->done = TRUE;
              if (p->cur->len < 0)
                {
                  *msg = g_steal_pointer (&p->cur->msg);
                  return -1;
                }
              break;
            }
        }
      size_t take = MIN (cap - n, (size_t) (p->cur->len - p->off));
      memcpy (dst + n, p->cur->data + p->off, take);
      n += take;
      p->off += (gssize) take;
      if (p->off == p->cur->len)
        {
          g_async_queue_push (p->free_q, p->cur);
          p->cur = NULL;
          if (n > 0)
            break;   /* what is here now; do not wait for the next chunk */
        }
    }
  return (gssize) n;
}

void
gz_pump_stop (GzPump *p)
{
  if (!p)
    return;
  /* A thread waiting for a free chunk wakes up, sees stop and returns. */
  g_atomic_int_set (&p->stop, 1);
  Chunk wake = { 0 };
  g_async_queue_push (p->free_q, &wake);
  g_thread_join (p->thread);
  gzclose (p->gz);
  g_free (p->path);
  for (int k = 0; k < N_CHUNKS; k++)
    {
      g_free (p->chunks[k].data);
      g_free (p->chunks[k].msg);
    }
  g_async_queue_unref (p->free_q);
  g_async_queue_unref (p->full_q);
  g_free (p);
}
