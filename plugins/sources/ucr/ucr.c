/* ucr.c — the `ucr` data source: one dataset folder of the UCR/UEA archive,
 * <Name>_TRAIN and <Name>_TEST in the 2018 .tsv format (label, then the
 * values; read by the table source's wide reader) or the .ts format
 * (ucr_ts.c). TRAIN series get metadata partition 0, TEST 1, for the
 * predefined split. */
#include <tundish/tundish.h>

#include <math.h>
#include <string.h>

#include "table_reader.h"
#include "ucr.h"

#define SOURCE_NAME "ucr"

static const char *const formats[] = { "auto", "tsv", "ts", NULL };
static const char *const parts[] = { "both", "train", "test", NULL };

static const TdParamSpec ucr_params[] = {
  { "path", TD_PARAM_PATH, NULL, 0, 0, NULL,
    "the dataset's folder (holding <name>_TRAIN and <name>_TEST), relative to the experiment" },
  { "name", TD_PARAM_STRING, "", 0, 0, NULL, "the dataset's name (\"\": the folder's name)" },
  { "format", TD_PARAM_ENUM, "auto", 0, 0, formats,
    "auto: .ts when <name>_TRAIN.ts exists, else .tsv" },
  { "parts", TD_PARAM_ENUM, "both", 0, 0, parts,
    "which files to read (both: TRAIN as partition 0, TEST as partition 1)" },
  { "positive_class", TD_PARAM_STRING, "", 0, 0, NULL,
    "a binary task: this class is 1, every other 0 (e.g. \"-1\", Wafer's abnormal wafers)" },
};

/* <folder>/<name>_<PART>.<ext>, with .gz accepted. */
static char *
part_file (const char *dir, const char *name, const char *part, const char *ext)
{
  g_autofree char *base = g_strdup_printf ("%s_%s.%s", name, part, ext);
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

/* positive_class: the binary target, class names [other, positive]. */
static gboolean
make_binary (TdDataset *ds, const char *positive, GError **error)
{
  ssize_t k = -1;
  for (size_t c = 0; ds->class_names && c < ds->n_classes; c++)
    if (strcmp (ds->class_names[c], positive) == 0)
      k = (ssize_t) c;
  if (k < 0)
    {
      g_autofree char *have = ds->class_names ? g_strjoinv (", ", ds->class_names) : g_strdup ("");
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT, SOURCE_NAME
                   ": parameter positive_class: \"%s\" is not a class of this dataset (%s)",
                   positive, have);
      return FALSE;
    }
  for (size_t s = 0; s < ds->n_series; s++)
    ds->y[s] = ds->y[s] == (double) k;
  g_autofree char *other = g_strdup_printf ("not %s", positive);
  g_strfreev (ds->class_names);
  ds->class_names = g_new0 (char *, 3);
  ds->class_names[0] = g_strdup (other);
  ds->class_names[1] = g_strdup (positive);
  ds->task = TD_TASK_BINARY;
  ds->n_classes = 2;
  return TRUE;
}

static TdDataset *
read_tsv (const char *const *files, const double *partition, size_t n_files, GError **error)
{
  Table t = { 0 };
  t.o = (TableOptions) { .delim = DELIM_TAB, .decimal = '.', .header = FALSE,
                         .na = (const char *const[]) { "NaN", "nan", "", NULL },
                         .leading = (const char *const[]) { "label" }, .n_leading = 1 };
  labels_init (&t.labels, "auto", NULL, 0, '.', t.o.na);
  gboolean ok = TRUE;
  for (size_t k = 0; ok && k < n_files; k++)
    ok = table_read_wide (&t, files[k], 0, 1, partition[k], error);
  /* The archive's labels are class names even when they read as 0/1. */
  t.labels.want = TD_TASK_MULTICLASS;
  TdDataset *ds = ok ? labels_build (&t.labels, &t.b, NULL, error) : NULL;
  labels_clear (&t.labels);
  if (t.started)
    builder_clear (&t.b);
  g_free (t.first_path);
  return ds;
}

static TdDataset *
read_ts (const char *const *files, const double *partition, size_t n_files, GError **error)
{
  UcrTs u = { 0 };
  gboolean ok = TRUE;
  for (size_t k = 0; ok && k < n_files; k++)
    ok = ucr_read_ts (&u, files[k], partition[k], error);
  if (ok)
    u.labels.want = TD_TASK_MULTICLASS;
  TdDataset *ds = ok ? labels_build (&u.labels, &u.b, NULL, error) : NULL;
  if (u.labels_ready)
    labels_clear (&u.labels);
  if (u.started)
    builder_clear (&u.b);
  g_free (u.first_path);
  return ds;
}

static TdDataset *
ucr_generate (const TdParams *p, TdContext *ctx, GError **error)
{
  const char *dir = td_params_get_string (p, "path");
  g_autofree char *name = *td_params_get_string (p, "name")
                          ? g_strdup (td_params_get_string (p, "name")) : g_path_get_basename (dir);
  const char *format = td_params_get_string (p, "format");
  const char *which = td_params_get_string (p, "parts");
  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT, SOURCE_NAME
                   ": parameter path: %s is not a folder; expected the dataset's folder (e.g. "
                   "data/ucr/Trace)", dir);
      return NULL;
    }
  g_autofree char *probe = part_file (dir, name, "TRAIN", "ts");
  gboolean ts = strcmp (format, "ts") == 0
                || (strcmp (format, "auto") == 0 && g_file_test (probe, G_FILE_TEST_IS_REGULAR));
  g_autofree char *train = part_file (dir, name, "TRAIN", ts ? "ts" : "tsv");
  g_autofree char *test = part_file (dir, name, "TEST", ts ? "ts" : "tsv");
  const char *files[2];
  double partition[2];
  size_t n = 0;
  if (strcmp (which, "test") != 0)
    files[n] = train, partition[n++] = 0;
  if (strcmp (which, "train") != 0)
    files[n] = test, partition[n++] = 1;
  for (size_t k = 0; k < n; k++)
    if (!g_file_test (files[k], G_FILE_TEST_IS_REGULAR))
      {
        g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT, SOURCE_NAME
                     ": %s: no such file; expected <name>_TRAIN and <name>_TEST (.%s) in %s%s",
                     files[k], ts ? "ts" : "tsv", dir,
                     partition[k] == 1 ? " (parts: train reads TRAIN alone)" : "");
        return NULL;
      }
  TdDataset *ds = ts ? read_ts (files, partition, n, error) : read_tsv (files, partition, n, error);
  const char *positive = td_params_get_string (p, "positive_class");
  if (ds && *positive && !make_binary (ds, positive, error))
    g_clear_pointer (&ds, td_dataset_unref);
  if (ds)
    td_context_log (ctx, G_LOG_LEVEL_INFO, SOURCE_NAME ": %s: %zu series × %zu steps × %zu "
                    "channels, %zu classes", name, ds->n_series, ds->n_steps, ds->n_channels,
                    ds->n_classes);
  return ds;
}

static const TdGeneratorVTable ucr_vtable = {
  .generate = ucr_generate,
};

/* What tundish-plugin-check reads (paths relative to TUNDISH_CHECK_DATA_DIR, the
 * source tree in meson test). */
static const char *const ucr_examples[] = {
  "path=experiments/data/ucr/Trace",
  NULL,
};

static const TdPluginDescriptor ucr_descriptor = {
  .abi_version = TD_PLUGIN_ABI_VERSION,
  .kind = TD_KIND_GENERATOR,
  .name = SOURCE_NAME,
  .version = "1.0.0",
  .summary = "data source: a UCR/UEA archive folder (.tsv or .ts, TRAIN and TEST)",
  .params = ucr_params,
  .n_params = G_N_ELEMENTS (ucr_params),
  .vtable = &ucr_vtable,
  .example_params = ucr_examples,
};

G_MODULE_EXPORT const TdPluginDescriptor *
td_plugin_descriptor (size_t index)
{
  return index == 0 ? &ucr_descriptor : NULL;
}
