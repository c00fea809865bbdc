/* context.c — the per-call environment the core lends a plugin. */
#include <tundish/context.h>

#include <gsl/gsl_errno.h>
#include <stdio.h>

struct TdContext {
  guint64 seed;
  gsl_rng *rng;                 /* created on first use */
  int threads;
  gint *cancel;                 /* shared with children */
  gboolean owns_cancel;
  char *work_dir;
  TdCurveFunc curve;
  gpointer curve_data;
  TdProgressFunc progress;
  gpointer progress_data;
};

TdContext *
td_context_new (guint64 seed)
{
  /* GSL's default error handler aborts the process; every GSL call a plugin
   * makes already returns a status it must check, so turn the handler off
   * before any plugin runs. Every plugin call is made with a context. */
  static gsize gsl_quiet = 0;
  if (g_once_init_enter (&gsl_quiet))
    {
      gsl_set_error_handler_off ();
      g_once_init_leave (&gsl_quiet, 1);
    }
  TdContext *ctx = g_new0 (TdContext, 1);
  ctx->seed = seed;
  ctx->threads = 1;
  ctx->cancel = g_new0 (gint, 1);
  ctx->owns_cancel = TRUE;
  return ctx;
}

TdContext *
td_context_child (TdContext *parent, guint64 seed)
{
  TdContext *ctx = g_new0 (TdContext, 1);
  ctx->seed = seed;
  ctx->threads = parent->threads;
  ctx->cancel = parent->cancel;
  ctx->work_dir = g_strdup (parent->work_dir);
  ctx->curve = parent->curve;
  ctx->curve_data = parent->curve_data;
  ctx->progress = parent->progress;
  ctx->progress_data = parent->progress_data;
  return ctx;
}

void
td_context_free (TdContext *ctx)
{
  if (!ctx)
    return;
  if (ctx->rng)
    gsl_rng_free (ctx->rng);
  if (ctx->owns_cancel)
    g_free (ctx->cancel);
  g_free (ctx->work_dir);
  g_free (ctx);
}

guint64
td_context_seed (TdContext *ctx)
{
  return ctx->seed;
}

gsl_rng *
td_context_rng (TdContext *ctx)
{
  if (!ctx->rng)
    {
      ctx->rng = gsl_rng_alloc (gsl_rng_mt19937);
      /* mt19937 takes an unsigned long; fold the 64 bits so both halves count. */
      gsl_rng_set (ctx->rng, (unsigned long) (ctx->seed ^ (ctx->seed >> 32)));
    }
  return ctx->rng;
}

guint64
td_context_derive_seed (TdContext *ctx, const char *purpose)
{
  return td_seed_derive (ctx->seed, 0, 0, "purpose", purpose);
}

int
td_context_threads (TdContext *ctx)
{
  return ctx->threads > 0 ? ctx->threads : 1;
}

gboolean
td_context_cancelled (TdContext *ctx)
{
  return g_atomic_int_get (ctx->cancel) != 0;
}

void
td_context_cancel (TdContext *ctx)
{
  g_atomic_int_set (ctx->cancel, 1);
}

const char *
td_context_work_dir (TdContext *ctx)
{
  return ctx->work_dir;
}

void
td_context_set_threads (TdContext *ctx, int n)
{
  ctx->threads = n > 0 ? n : 1;
}

void
td_context_set_work_dir (TdContext *ctx, const char *dir)
{
  g_free (ctx->work_dir);
  ctx->work_dir = g_strdup (dir);
}

void
td_context_log (TdContext *ctx, GLogLevelFlags level, const char *fmt, ...)
{
  (void) ctx;
  /* G_LOG_LEVEL_ERROR would abort the process; a plugin must never do that. */
  if (level & G_LOG_LEVEL_ERROR)
    level = G_LOG_LEVEL_CRITICAL;
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_log ("tundish", level, "%s", msg);
}

void
td_context_progress (TdContext *ctx, double fraction)
{
  if (ctx->progress)
    ctx->progress (CLAMP (fraction, 0.0, 1.0), ctx->progress_data);
}

void
td_context_curve (TdContext *ctx, const char *name, int step, double value)
{
  if (ctx->curve)
    ctx->curve (name, step, value, ctx->curve_data);
}

void
td_context_set_curve_sink (TdContext *ctx, TdCurveFunc func, gpointer user_data)
{
  ctx->curve = func;
  ctx->curve_data = user_data;
}

void
td_context_set_progress_sink (TdContext *ctx, TdProgressFunc func, gpointer user_data)
{
  ctx->progress = func;
  ctx->progress_data = user_data;
}
