/* crashy.c — a test-only model (built only for tests/robust, loaded through
 * TUNDISH_PLUGIN_PATH) that misbehaves on purpose, in one trial.
 *
 * As a model it is tiny and deterministic: the score of a series is the
 * logistic of (mean of channel 0 - the midpoint of the two class means seen
 * in training), NaN samples skipped. It accepts sequences and feature
 * matrices.
 *
 *   mode: none | segv | abort | loop | memory | error | exit | nondeterministic
 *         | exit0 | print | flood | malloc_unchecked | error_escape
 *   when: the trial to misbehave in, as the end of its folder ("r0-f1"), or
 *         "all". The folder comes from td_context_work_dir.
 *   tag:  free text, for sweeps with hostile values (unused otherwise)
 *
 * segv writes through a null pointer; abort calls abort(); loop sleeps
 * forever; memory allocates and touches 64 MB blocks until allocation fails
 * (g_malloc aborts then) or 8 GB are held (then it fails with a message, so
 * a missing limit cannot take the machine); error fails with a message full
 * of HTML, quotes, commas and a line break; exit calls exit(7) (which a
 * plugin must never do); exit0 calls exit(0); print writes 4,096 bytes to
 * stdout without a line break and goes on (they must reach log.txt);
 * flood writes 20 MiB to stdout ending in "FLOOD-END" and goes on;
 * malloc_unchecked allocates 64 MB blocks with malloc and writes into the
 * NULL it finally returns (what an unchecked allocation does under a memory
 * limit); error_escape fails with a message full of terminal escape
 * sequences (set the window title, clear the screen, red, a bell);
 * nondeterministic adds the clock to its scores.
 * Everything happens in fit, except nondeterministic (predict).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tundish/tundish.h>

/* Built a second time as "extra_model", outside the plugin search path, for
 * the --allow-plugin-path test. */
#ifndef CRASHY_NAME
#define CRASHY_NAME "crashy"
#endif

struct TdModel {
  char *mode, *when;
  double mid;
};

static const char *const mode_choices[] = { "none", "segv", "abort", "loop", "memory", "error",
                                            "exit", "nondeterministic", "exit0", "print",
                                            "flood", "malloc_unchecked", "error_escape", NULL };

static const TdParamSpec crashy_params[] = {
  { "mode", TD_PARAM_ENUM, "none", 0, 0, mode_choices, "how to misbehave" },
  { "when", TD_PARAM_STRING, "all", 0, 0, NULL,
    "the trial to misbehave in: end of its folder name (r0-f1), or all" },
  { "tag", TD_PARAM_STRING, "", 0, 0, NULL, "free text (sweeps with odd values)" },
};

static TdModel *
crashy_create (const TdParams *params, TdContext *ctx, GError **error)
{
  (void) ctx;
  (void) error;
  TdModel *m = g_new0 (TdModel, 1);
  m->mode = g_strdup (td_params_get_string (params, "mode"));
  m->when = g_strdup (td_params_get_string (params, "when"));
  return m;
}

static double
series_mean (const TdDataset *d, size_t s)
{
  const float *x = td_dataset_series (d, s);
  size_t len = td_dataset_length (d, s);
  double sum = 0;
  size_t n = 0;
  for (size_t t = 0; t < len; t++)
    if (!isnan (x[t * d->n_channels]))
      {
        sum += x[t * d->n_channels];
        n++;
      }
  return n ? sum / (double) n : 0.0;
}

static gboolean
this_trial (const TdModel *m, TdContext *ctx)
{
  const char *dir = td_context_work_dir (ctx);
  return g_str_equal (m->when, "all") || (dir && g_str_has_suffix (dir, m->when));
}

static gboolean
misbehave (TdModel *m, GError **error)
{
  if (g_str_equal (m->mode, "segv"))
    {
      volatile int *volatile p = NULL;
      *p = 1;
    }
  else if (g_str_equal (m->mode, "abort"))
    abort ();
  else if (g_str_equal (m->mode, "loop"))
    for (;;)
      g_usleep (100 * 1000);
  else if (g_str_equal (m->mode, "exit"))
    exit (7);
  else if (g_str_equal (m->mode, "exit0"))
    exit (0);
  else if (g_str_equal (m->mode, "print"))
    {
      for (int k = 0; k < 4095; k++)
        putchar ('p');
      putchar ('!');
    }
  else if (g_str_equal (m->mode, "flood"))
    {
      static char line[1024];
      memset (line, 'f', sizeof line - 1);
      line[sizeof line - 1] = '\n';
      for (int k = 0; k < 20 * 1024; k++)
        fwrite (line, 1, sizeof line, stdout);
      printf ("FLOOD-END\n");
    }
  else if (g_str_equal (m->mode, "malloc_unchecked"))
    {
      for (int k = 0; k < 128; k++)
        {
          char *block = malloc (64u << 20);
          memset (block, k + 1, 64u << 20);   /* NULL at the limit: a SIGSEGV */
        }
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_FAILED,
                   "crashy: held 8 GB without hitting a memory limit");
      return FALSE;
    }
  else if (g_str_equal (m->mode, "memory"))
    {
      GPtrArray *held = g_ptr_array_new ();
      for (int k = 0; k < 128; k++)
        {
          char *block = g_malloc (64u << 20);   /* aborts when the limit is reached */
          memset (block, k + 1, 64u << 20);
          g_ptr_array_add (held, block);
        }
      g_ptr_array_set_free_func (held, g_free);
      g_ptr_array_unref (held);
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_FAILED,
                   "crashy: held 8 GB without hitting a memory limit");
      return FALSE;
    }
  else if (g_str_equal (m->mode, "error_escape"))
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_FAILED,
                   "crashy: \x1b]0;pwned\x07\x1b[2J\x1b[31mred\x9b" "1m\xc2\x9b" "2m\x7f");
      return FALSE;
    }
  else if (g_str_equal (m->mode, "error"))
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_FAILED,
                   "crashy: <b>boom</b> & \"quoted\", comma\nsecond line");
      return FALSE;
    }
  return TRUE;
}

static gboolean
crashy_fit (TdModel *m, const TdDataset *train, const TdDataset *valid, TdContext *ctx,
            GError **error)
{
  (void) valid;
  if (this_trial (m, ctx) && !misbehave (m, error))
    return FALSE;
  double sum[2] = { 0, 0 };
  size_t n[2] = { 0, 0 };
  for (size_t s = 0; s < train->n_series; s++)
    {
      int c = train->y[s] >= 0.5;
      sum[c] += series_mean (train, s);
      n[c]++;
    }
  if (!n[0] || !n[1])
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   "crashy: the training data needs both classes");
      return FALSE;
    }
  m->mid = (sum[0] / (double) n[0] + sum[1] / (double) n[1]) / 2;
  return TRUE;
}

static gboolean
crashy_predict (TdModel *m, const TdDataset *input, double *out, TdContext *ctx, GError **error)
{
  (void) error;
  gboolean noisy = g_str_equal (m->mode, "nondeterministic") && this_trial (m, ctx);
  for (size_t s = 0; s < input->n_series; s++)
    {
      double z = series_mean (input, s) - m->mid;
      if (noisy)
        z += (double) (g_get_real_time () % 1000) * 1e-6;
      out[s] = 1.0 / (1.0 + exp (-4.0 * z));
    }
  return TRUE;
}

static gboolean
crashy_save (TdModel *m, const char *path, GError **error)
{
  g_autofree char *text = g_strdup_printf ("%.17g\n", m->mid);
  return g_file_set_contents (path, text, -1, error);
}

static TdModel *
crashy_load (const TdParams *params, const char *path, TdContext *ctx, GError **error)
{
  g_autofree char *text = NULL;
  if (!g_file_get_contents (path, &text, NULL, error))
    return NULL;
  TdModel *m = crashy_create (params, ctx, error);
  m->mid = g_ascii_strtod (text, NULL);
  return m;
}

static void
crashy_destroy (TdModel *m)
{
  g_free (m->mode);
  g_free (m->when);
  g_free (m);
}

static const TdModelVTable crashy_vtable = {
  .accepts = TD_DATA_MATRIX | TD_DATA_SEQUENCE,
  .tasks = TD_TASK_BINARY,
  .train_on = TD_TRAIN_ON_ALL,
  .create = crashy_create,
  .fit = crashy_fit,
  .predict = crashy_predict,
  .save = crashy_save,
  .load = crashy_load,
  .destroy = crashy_destroy,
};

static const TdPluginDescriptor crashy_descriptor = {
  .abi_version = TD_PLUGIN_ABI_VERSION,
  .kind = TD_KIND_MODEL,
  .name = CRASHY_NAME,
  .version = "1.0.0",
  .summary = "a model that crashes, hangs or eats memory on purpose (tests only)",
  .params = crashy_params,
  .n_params = G_N_ELEMENTS (crashy_params),
  .vtable = &crashy_vtable,
};

G_MODULE_EXPORT const TdPluginDescriptor *
td_plugin_descriptor (size_t index)
{
  return index == 0 ? &crashy_descriptor : NULL;
}
