/* table.c — the `table` data source: delimited text (CSV, TSV, whitespace,
 * optionally gzip-compressed) in the long layout (a row per time step) or
 * the wide one (a row per series). docs/data-sources.md has every parameter
 * and an example; parsing lives in table_long.c / table_wide.c and
 * ../common/. */
#include "table_reader.h"

#include <math.h>
#include <string.h>

#define SOURCE_NAME "table"

static const char *const layouts[] = { "long", "wide", NULL };
static const char *const delimiters[] = { "auto", "comma", "tab", "semicolon", "whitespace", NULL };
static const char *const decimals[] = { ".", ",", NULL };
static const char *const label_pers[] = { "series", "step", NULL };
static const char *const tasks[] = { "auto", "binary", "multiclass", "regression", NULL };
static const char *const roles[] = { "label", "id", "group", "partition", "skip", NULL };

static const TdParamSpec table_params[] = {
  { "path", TD_PARAM_PATH, NULL, 0, 0, NULL,
    "the data file (.gz read as gzip), relative to the experiment file" },
  { "test_path", TD_PARAM_PATH, "", 0, 0, NULL,
    "a second file of test series (metadata partition = 1, the first file's 0); \"\" for none" },
  { "channel_paths", TD_PARAM_PATH_LIST, "[]", 0, 0, NULL,
    "wide layout: the files of channels 2, 3, ... (path holds channel 1), same rows in each" },
  { "layout", TD_PARAM_ENUM, "long", 0, 0, layouts,
    "long: a row per time step; wide: a row per series (leading fields, then the values)" },
  { "delimiter", TD_PARAM_ENUM, "auto", 0, 0, delimiters,
    "auto: from the file name (.csv comma, .tsv tab, .txt whitespace), else comma" },
  { "decimal", TD_PARAM_ENUM, ".", 0, 0, decimals, "the decimal point" },
  { "header", TD_PARAM_BOOL, "true", 0, 0, NULL,
    "the first line names the columns (wide: skipped)" },
  { "columns", TD_PARAM_STRING_LIST, "[]", 0, 0, NULL,
    "long layout without a header: the column names, in order" },
  { "na", TD_PARAM_STRING_LIST, "[\"\", NA, NaN, nan, null, NULL]", 0, 0, NULL,
    "tokens that mean a missing value (handled by the data policy)" },
  { "comment", TD_PARAM_STRING, "", 0, 0, NULL,
    "lines starting with this character are skipped (\"\" for none)" },
  { "id", TD_PARAM_STRING, "id", 0, 0, NULL,
    "long: the series id column (\"\" for one series per file)" },
  { "time", TD_PARAM_STRING, "", 0, 0, NULL,
    "long: a time column (number or ISO 8601), checked never to go backwards (\"\" for none)" },
  { "label", TD_PARAM_STRING, "label", 0, 0, NULL, "long: the label column" },
  { "label_per", TD_PARAM_ENUM, "series", 0, 0, label_pers,
    "long: series (one label per series, checked) or step (y_step; y = the last step's)" },
  { "group", TD_PARAM_STRING, "", 0, 0, NULL,
    "long: a group column (unit, lot, engine) for grouped splits (\"\" for none)" },
  { "partition", TD_PARAM_STRING, "", 0, 0, NULL,
    "long: a column saying train or test (or 0/1), kept as metadata partition" },
  { "channels", TD_PARAM_STRING_LIST, "[]", 0, 0, NULL,
    "long: the channel columns ([] = every other column numeric in the first data row)" },
  { "leading", TD_PARAM_STRING_LIST, "[label]", 0, 0, roles,
    "wide: the roles of the fields before the values (label, id, group, partition, skip)" },
  { "channel_names", TD_PARAM_STRING_LIST, "[]", 0, 0, NULL,
    "names of the channels ([] = the column names (long), c0, c1, ... (wide))" },
  { "task", TD_PARAM_ENUM, "auto", 0, 0, tasks,
    "auto: 0/1 binary, other integers or names multiclass, other numbers regression" },
  { "classes", TD_PARAM_STRING_LIST, "[]", 0, 0, NULL,
    "the class names in index order; a label must then be one of them (or its index)" },
};

static gboolean
param_error (GError **error, const char *param, const char *msg)
{
  g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
               SOURCE_NAME ": parameter %s: %s", param, msg);
  return FALSE;
}

static gboolean
read_options (const TdParams *p, const char *path, TableOptions *o, GError **error)
{
  memset (o, 0, sizeof *o);
  const char *d = td_params_get_string (p, "delimiter");
  o->delim = strcmp (d, "comma") == 0 ? DELIM_COMMA
             : strcmp (d, "tab") == 0 ? DELIM_TAB
             : strcmp (d, "semicolon") == 0 ? DELIM_SEMICOLON
             : strcmp (d, "whitespace") == 0 ? DELIM_WHITESPACE : text_delim_for_path (path);
  o->decimal = *td_params_get_string (p, "decimal");
  if (o->decimal == o->delim)
    return param_error (error, "decimal", "the same character as the delimiter; expected "
                        "delimiter: semicolon (or tab) with decimal: \",\"");
  const char *c = td_params_get_string (p, "comment");
  if (strlen (c) > 1)
    return param_error (error, "comment", "expected one character or \"\"");
  o->comment = *c;
  o->header = td_params_get_bool (p, "header");
  o->columns = td_params_get_string_list (p, "columns", &o->n_columns);
  if (o->header && o->n_columns)
    return param_error (error, "columns", "given with header: true; expected columns: only "
                        "for a file without a header (header: false)");
  o->na = td_params_get_string_list (p, "na", NULL);
  o->id = td_params_get_string (p, "id");
  o->time = td_params_get_string (p, "time");
  o->label = td_params_get_string (p, "label");
  o->group = td_params_get_string (p, "group");
  o->partition = td_params_get_string (p, "partition");
  o->channels = td_params_get_string_list (p, "channels", &o->n_channels);
  o->label_per_step = strcmp (td_params_get_string (p, "label_per"), "step") == 0;
  o->leading = td_params_get_string_list (p, "leading", &o->n_leading);
  if (!*o->label)
    return param_error (error, "label", "empty; expected the label column's name");
  return TRUE;
}

static TdDataset *
finish (Table *t, const TdParams *p, GError **error)
{
  size_t n_names = 0;
  const char *const *given = td_params_get_string_list (p, "channel_names", &n_names);
  if (n_names && n_names != t->b.n_channels)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT, SOURCE_NAME
                   ": parameter channel_names: %zu names for %zu channels", n_names,
                   t->b.n_channels);
      return NULL;
    }
  if (n_names)
    g_ptr_array_set_size (t->channel_names, 0);
  for (size_t c = 0; c < n_names; c++)
    g_ptr_array_add (t->channel_names, g_strdup (given[c]));
  g_ptr_array_add (t->channel_names, NULL);
  return labels_build (&t->labels, &t->b, (char *const *) t->channel_names->pdata, error);
}

static TdDataset *
table_generate (const TdParams *p, TdContext *ctx, GError **error)
{
  (void) ctx;
  const char *path = td_params_get_string (p, "path");
  const char *test_path = td_params_get_string (p, "test_path");
  size_t n_more = 0;
  const char *const *more = td_params_get_string_list (p, "channel_paths", &n_more);
  gboolean wide = strcmp (td_params_get_string (p, "layout"), "wide") == 0;
  Table t = { 0 };
  if (!read_options (p, path, &t.o, error))
    return NULL;
  if (!wide && n_more)
    return param_error (error, "channel_paths", "given for the long layout; expected it only "
                        "with layout: wide"), NULL;
  if (n_more && *test_path)
    return param_error (error, "test_path", "with channel_paths; expected a partition column "
                        "(leading: [label, partition]) for multivariate wide data"), NULL;
  size_t n_classes = 0;
  const char *const *classes = td_params_get_string_list (p, "classes", &n_classes);
  labels_init (&t.labels, td_params_get_string (p, "task"), classes, n_classes, t.o.decimal, t.o.na);
  t.channel_names = g_ptr_array_new_with_free_func (g_free);
  double part = *test_path ? 0 : NAN;
  gboolean ok;
  if (wide)
    {
      ok = table_read_wide (&t, path, 0, n_more + 1, part, error);
      for (size_t c = 0; ok && c < n_more; c++)
        ok = table_read_wide (&t, more[c], c + 1, n_more + 1, part, error);
      if (ok && *test_path)
        ok = table_read_wide (&t, test_path, 0, 1, 1, error);
    }
  else
    ok = table_read_long (&t, path, part, error)
         && (!*test_path || table_read_long (&t, test_path, 1, error));
  TdDataset *ds = ok ? finish (&t, p, error) : NULL;
  if (ds)
    td_context_log (ctx, G_LOG_LEVEL_INFO, SOURCE_NAME ": %zu series × up to %zu steps × %zu "
                    "channels from %s", ds->n_series, ds->n_steps, ds->n_channels, path);
  labels_clear (&t.labels);
  if (t.started)
    builder_clear (&t.b);
  g_ptr_array_unref (t.channel_names);
  if (t.first_columns)
    g_ptr_array_unref (t.first_columns);
  g_free (t.first_path);
  return ds;
}

static const TdGeneratorVTable table_vtable = {
  .generate = table_generate,
};

/* What tundish-plugin-check reads (paths relative to TUNDISH_CHECK_DATA_DIR, the
 * source tree in meson test). */
static const char *const table_examples[] = {
  "path=docs/examples/plant-historian.csv",
  "id=unit",
  "time=timestamp",
  "label=defect",
  "group=line",
  "channels=[temperature_c, pressure_bar, flow_l_min]",
  NULL,
};

static const TdPluginDescriptor table_descriptor = {
  .abi_version = TD_PLUGIN_ABI_VERSION,
  .kind = TD_KIND_GENERATOR,
  .name = SOURCE_NAME,
  .version = "1.0.0",
  .summary = "data source: delimited text (CSV/TSV/whitespace, .gz), long or wide layout",
  .params = table_params,
  .n_params = G_N_ELEMENTS (table_params),
  .vtable = &table_vtable,
  .example_params = table_examples,
};

G_MODULE_EXPORT const TdPluginDescriptor *
td_plugin_descriptor (size_t index)
{
  return index == 0 ? &table_descriptor : NULL;
}
