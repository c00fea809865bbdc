/* cmapss.c — the `cmapss` data source: NASA's C-MAPSS turbofan files
 * (train_FD00x, test_FD00x, RUL_FD00x, .gz accepted), one series per engine
 * with a target at every cycle (y_step) and the engine's last cycle as y.
 *
 * Targets, as in the literature: rul — remaining useful life, capped at
 * rul_cap (the piecewise-linear target of Heimes 2008 used since); binary —
 * 1 when the engine fails within horizon cycles (RUL <= horizon, the
 * Azure / umbertogriffo template); anomaly — each training engine's early
 * cycles healthy and its last cycles before failure abnormal, as two series
 * (cmapss_health.c). Training engines run to failure (RUL at
 * a cycle = last cycle − cycle); a test engine's RUL after its last cycle is
 * its line in the RUL file, so y of a test engine is what the published
 * protocol scores: the target at the last cycle (the last window). */
#include <tundish/tundish.h>

#include <math.h>
#include <string.h>

#include "cmapss_health.h"
#include "series_builder.h"
#include "text_reader.h"

#define SOURCE_NAME "cmapss"
#define N_COLS 26          /* unit, cycle, 3 settings, 21 sensors */
#define N_CHANNELS 24

static const char *const targets[] = { "rul", "binary", "anomaly", NULL };
static const char *const parts[] = { "both", "train", "test", NULL };

static const TdParamSpec cmapss_params[] = {
  { "path", TD_PARAM_PATH, NULL, 0, 0, NULL,
    "the folder holding train_<subset>.txt, test_<subset>.txt and RUL_<subset>.txt" },
  { "subset", TD_PARAM_STRING, "FD001", 0, 0, NULL, "FD001, FD002, FD003 or FD004" },
  { "target", TD_PARAM_ENUM, "rul", 0, 0, targets,
    "rul: remaining useful life (regression), capped; binary: fails within horizon cycles; "
    "anomaly: each training engine's first healthy_cycles (0) and last abnormal_cycles (1) as "
    "two series, the cycles between left out (needs parts: train)" },
  { "rul_cap", TD_PARAM_DOUBLE, "125", 1, 1e6, NULL,
    "rul: the piecewise-linear cap (RUL above it counts as the cap)" },
  { "horizon", TD_PARAM_INT, "30", 1, 100000, NULL, "binary: 1 when RUL <= horizon" },
  { "healthy_cycles", TD_PARAM_INT, "50", 1, 100000, NULL,
    "anomaly: the first cycles of each training engine, a healthy series (label 0)" },
  { "abnormal_cycles", TD_PARAM_INT, "50", 1, 100000, NULL,
    "anomaly: the last cycles before each training engine's failure, an abnormal series "
    "(label 1); every engine needs at least healthy_cycles + abnormal_cycles" },
  { "channels", TD_PARAM_STRING_LIST, "[]", 0, 0, NULL,
    "channels to keep by name (setting1..3, s1..s21); [] keeps all 24" },
  { "parts", TD_PARAM_ENUM, "both", 0, 0, parts,
    "which engines: both (train as partition 0, test as partition 1), train or test" },
};

static const char *const column_names[N_CHANNELS] = {
  "setting1", "setting2", "setting3", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9",
  "s10", "s11", "s12", "s13", "s14", "s15", "s16", "s17", "s18", "s19", "s20", "s21",
};

typedef struct {
  SeriesBuilder b;
  int keep[N_CHANNELS];         /* output channel of each column's channel, or -1 */
  size_t n_keep;
  GArray *unit;                 /* double: the engine's number in its file */
} Cmapss;

static char *
data_file (const char *dir, const char *stem)
{
  g_autofree char *base = g_strconcat (stem, ".txt", NULL);
  char *path = g_build_filename (dir, base, NULL);
  if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return path;
  g_autofree char *gz = g_strconcat (path, ".gz", NULL);
  if (g_file_test (gz, G_FILE_TEST_IS_REGULAR))
    {
      g_free (path);
      return g_steal_pointer (&gz);
    }
  return path;
}

static gboolean
whole_number (const TextReader *r, size_t k, const char *what, gint64 *out, GError **error)
{
  double v;
  if (!parse_number (r->field[k], r->field_len[k], '.', &v) || v != floor (v) || v < 0
      || v > 1e9)
    return text_reader_fail (r, k, error, "%s \"%s\"; expected a whole number >= 0", what,
                             r->field[k]);
  *out = (gint64) v;
  return TRUE;
}

/* One train or test file: engines in order, cycles 1, 2, ... */
static gboolean
read_engines (Cmapss *c, const char *path, double partition, GError **error)
{
  TextReader r;
  if (!text_reader_open (&r, path, DELIM_WHITESPACE, '.', 0, error))
    return FALSE;
  gint64 unit = -1, cycle = 0;
  GHashTable *seen = g_hash_table_new (g_direct_hash, g_direct_equal);
  gboolean ok = TRUE;
  int got = 0;
  while (ok && (got = text_reader_next (&r, error)) > 0)
    {
      gint64 u = 0, cy = 0;
      if (r.n_fields != N_COLS)
        {
          ok = text_reader_fail (&r, MIN (r.n_fields, (size_t) N_COLS), error, "%zu fields; "
                                 "expected %d (unit, cycle, 3 settings, 21 sensors)", r.n_fields,
                                 N_COLS);
          break;
        }
      if (!(ok = whole_number (&r, 0, "unit", &u, error) && whole_number (&r, 1, "cycle", &cy,
                                                                          error)))
        break;
      if (u != unit)
        {
          if (g_hash_table_contains (seen, GSIZE_TO_POINTER ((gsize) u)))
            {
              ok = text_reader_fail (&r, 0, error, "unit %" G_GINT64_FORMAT " starts again after "
                                     "unit %" G_GINT64_FORMAT "; expected each engine's cycles "
                                     "together", u, unit);
              break;
            }
          g_hash_table_add (seen, GSIZE_TO_POINTER ((gsize) u));
          unit = u;
          cycle = 0;
          builder_begin (&c->b, NULL, 0, NULL, 0, partition);
          double du = (double) u;
          g_array_append_val (c->unit, du);
        }
      if (cy != cycle + 1)
        {
          ok = text_reader_fail (&r, 1, error, "cycle %" G_GINT64_FORMAT " of unit %"
                                 G_GINT64_FORMAT " after cycle %" G_GINT64_FORMAT "; expected %"
                                 G_GINT64_FORMAT " (cycles count up from 1, one row each)",
                                 cy, u, cycle, cycle + 1);
          break;
        }
      cycle = cy;
      float *row = builder_row (&c->b, error);
      if (!(ok = row != NULL))
        break;
      for (size_t k = 2; ok && k < N_COLS; k++)
        {
          double v;
          int ch = c->keep[k - 2];
          if (!parse_number (r.field[k], r.field_len[k], '.', &v))
            ok = text_reader_fail (&r, k, error, "\"%s\" in column %zu (%s); expected a number",
                                   r.field[k], k + 1, column_names[k - 2]);
          else if (ch >= 0)
            row[ch] = (float) v;
        }
    }
  ok = ok && got >= 0;
  g_hash_table_unref (seen);
  text_reader_close (&r);
  return ok;
}

/* RUL_<subset>: one whole number per test engine, in order. */
static gboolean
read_rul (const char *path, size_t n_engines, double *rul, GError **error)
{
  TextReader r;
  if (!text_reader_open (&r, path, DELIM_WHITESPACE, '.', 0, error))
    return FALSE;
  size_t n = 0;
  gboolean ok = TRUE;
  int got = 0;
  while (ok && (got = text_reader_next (&r, error)) > 0)
    {
      gint64 v = 0;
      if (r.n_fields != 1)
        ok = text_reader_fail (&r, MIN (r.n_fields, (size_t) 1), error, "%zu fields; expected "
                               "one RUL per line", r.n_fields);
      else if (n >= n_engines)
        ok = text_reader_fail (&r, 0, error, "more RUL lines than the %zu test engines",
                               n_engines);
      else if ((ok = whole_number (&r, 0, "RUL", &v, error)))
        rul[n++] = (double) v;
    }
  ok = ok && got >= 0;
  if (ok && n != n_engines)
    {
      g_set_error (error, SRC_ERROR, 0, "%s:%" G_GUINT64_FORMAT ":1: %zu RUL lines; expected one "
                   "per test engine (%zu)", path, r.line_no, n, n_engines);
      ok = FALSE;
    }
  text_reader_close (&r);
  return ok;
}

static gboolean
choose_channels (Cmapss *c, const TdParams *p, GError **error)
{
  size_t n = 0;
  const char *const *want = td_params_get_string_list (p, "channels", &n);
  for (size_t k = 0; k < N_CHANNELS; k++)
    c->keep[k] = n ? -1 : (int) k;
  c->n_keep = n ? n : N_CHANNELS;
  for (size_t j = 0; j < n; j++)
    {
      size_t k = 0;
      while (k < N_CHANNELS && strcmp (column_names[k], want[j]) != 0)
        k++;
      if (k == N_CHANNELS || c->keep[k] >= 0)
        {
          g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT, SOURCE_NAME
                       ": parameter channels: \"%s\" is %s; expected setting1..setting3, "
                       "s1..s21, each once", want[j], k == N_CHANNELS ? "unknown" : "repeated");
          return FALSE;
        }
      c->keep[k] = (int) j;
    }
  return TRUE;
}

static TdDataset *
cmapss_generate (const TdParams *p, TdContext *ctx, GError **error)
{
  const char *dir = td_params_get_string (p, "path");
  const char *subset = td_params_get_string (p, "subset");
  const char *which = td_params_get_string (p, "parts");
  const char *target = td_params_get_string (p, "target");
  gboolean binary = strcmp (target, "binary") == 0;
  gboolean anomaly = strcmp (target, "anomaly") == 0;
  double cap = td_params_get_double (p, "rul_cap");
  double horizon = (double) td_params_get_int (p, "horizon");
  Cmapss c = { 0 };
  if (anomaly && strcmp (which, "train") != 0)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT, SOURCE_NAME
                   ": parameter parts: %s with target anomaly, whose abnormal cycles are the "
                   "last before failure and only the training engines run to failure; expected "
                   "parts: train", which);
      return NULL;
    }
  if (!choose_channels (&c, p, error))
    return NULL;
  builder_init (&c.b, c.n_keep, TRUE);
  c.unit = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *train_stem = g_strconcat ("train_", subset, NULL);
  g_autofree char *test_stem = g_strconcat ("test_", subset, NULL);
  g_autofree char *rul_stem = g_strconcat ("RUL_", subset, NULL);
  g_autofree char *train = data_file (dir, train_stem);
  g_autofree char *test = data_file (dir, test_stem);
  g_autofree char *rul_path = data_file (dir, rul_stem);
  gboolean ok = TRUE;
  size_t n_train = 0;
  if (strcmp (which, "test") != 0)
    {
      ok = read_engines (&c, train, 0, error);
      n_train = c.b.series->len;
    }
  if (ok && strcmp (which, "train") != 0)
    ok = read_engines (&c, test, 1, error);
  size_t n = c.b.series->len;
  g_autofree double *rul_end = g_new0 (double, MAX (n, (size_t) 1));
  if (ok && strcmp (which, "train") != 0)
    ok = read_rul (rul_path, n - n_train, rul_end + n_train, error);
  TdDataset *ds = NULL;
  if (ok)
    {
      /* The target at every cycle: RUL after it, capped, or the failure flag. */
      for (size_t s = 0; s < n; s++)
        {
          const BuiltSeries *bs = &g_array_index (c.b.series, BuiltSeries, s);
          for (size_t t = 0; t < bs->len; t++)
            {
              double rul = rul_end[s] + (double) (bs->len - 1 - t);
              c.b.y_step[bs->start + t] = binary ? (rul <= horizon) : MIN (rul, cap);
            }
        }
      char *names[N_CHANNELS + 1] = { 0 };
      for (size_t k = 0; k < N_CHANNELS; k++)
        if (c.keep[k] >= 0)
          names[c.keep[k]] = (char *) column_names[k];
      char **classes = NULL;
      if (binary)
        {
          classes = g_new0 (char *, 3);
          classes[0] = g_strdup ("survives");
          g_autofree char *fails = g_strdup_printf ("fails within %g cycles", horizon);
          classes[1] = g_strdup (fails);
        }
      ds = builder_finish (&c.b, binary ? TD_TASK_BINARY : TD_TASK_REGRESSION, binary ? 2 : 0,
                           classes, names, error);
      if (ds && anomaly)
        {
          TdDataset *engines = ds;
          ds = cmapss_health_series (engines, (const double *) c.unit->data,
                                     (size_t) td_params_get_int (p, "healthy_cycles"),
                                     (size_t) td_params_get_int (p, "abnormal_cycles"), train,
                                     error);
          td_dataset_unref (engines);
          if (ds)
            td_context_log (ctx, G_LOG_LEVEL_INFO, SOURCE_NAME ": %s: %zu training engines, "
                            "each a healthy and an abnormal series", subset, n_train);
        }
      else if (ds)
        {
          /* The engine's number may be read by a model; its true final RUL is a label. */
          td_dataset_add_meta_num (ds, "unit", (const double *) c.unit->data);
          td_dataset_set_meta_role (ds, "unit", TD_META_INPUT);
          td_dataset_add_meta_num (ds, "rul_end", rul_end);
          td_context_log (ctx, G_LOG_LEVEL_INFO, SOURCE_NAME ": %s: %zu train and %zu test "
                          "engines, up to %zu cycles", subset, n_train, n - n_train, ds->n_steps);
        }
    }
  builder_clear (&c.b);
  g_array_unref (c.unit);
  return ds;
}

static const TdGeneratorVTable cmapss_vtable = {
  .generate = cmapss_generate,
};

/* What tundish-plugin-check reads (paths relative to TUNDISH_CHECK_DATA_DIR, the
 * source tree in meson test). */
static const char *const cmapss_examples[] = {
  "path=experiments/data/cmapss",
  NULL,
};

static const TdPluginDescriptor cmapss_descriptor = {
  .abi_version = TD_PLUGIN_ABI_VERSION,
  .kind = TD_KIND_GENERATOR,
  .name = SOURCE_NAME,
  .version = "1.1.0",
  .summary = "data source: NASA C-MAPSS turbofan engines (RUL, fails-within-w or "
             "healthy/abnormal targets)",
  .params = cmapss_params,
  .n_params = G_N_ELEMENTS (cmapss_params),
  .vtable = &cmapss_vtable,
  .example_params = cmapss_examples,
};

G_MODULE_EXPORT const TdPluginDescriptor *
td_plugin_descriptor (size_t index)
{
  return index == 0 ? &cmapss_descriptor : NULL;
}
