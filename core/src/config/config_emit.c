/* config_emit.c — the resolved experiment as canonical YAML.
 *
 * The text goes into the run manifest and its SHA-256 names the
 * configuration, so it must depend only on what the experiment means: keys
 * in a fixed order, every parameter present (defaults filled in) in
 * td_params_to_text's sorted form, sweeps expanded into one entry per
 * variant, and no trace of how the file was laid out (includes, overrides,
 * comments, inline vs params:).
 */
#include "config/config_internal.h"

#include <string.h>

static void
put_string (GString *out, const char *s)
{
  static const char *const reserved[] = { "true", "false", "yes", "no", "on", "off", "null",
                                          "True", "False", "Yes", "No", "On", "Off", "Null",
                                          "TRUE", "FALSE", "NULL", "YES", "NO", "ON", "OFF",
                                          "~", NULL };
  gboolean plain = *s && !g_ascii_isdigit (s[0]) && s[0] != '-' && s[0] != '.'
                   && !g_strv_contains (reserved, s);
  for (const char *c = s; *c && plain; c++)
    plain = g_ascii_isalnum (*c) || *c == '_' || *c == '-' || *c == '.' || *c == '/';
  if (plain)
    {
      g_string_append (out, s);
      return;
    }
  g_string_append_c (out, '"');
  for (const unsigned char *c = (const unsigned char *) s; *c; c++)
    {
      if (*c == '"' || *c == '\\')
        g_string_append_printf (out, "\\%c", *c);
      else if (*c == '\n')
        g_string_append (out, "\\n");
      else if (*c < 0x20 || *c == 0x7f)
        g_string_append_printf (out, "\\x%02x", *c);
      else if (*c == 0xc2 && c[1] >= 0x80 && c[1] <= 0x9f)
        {
          g_string_append_printf (out, "\\u%04x", c[1]);   /* C1: refused raw by YAML */
          c++;
        }
      else
        g_string_append_c (out, (char) *c);
    }
  g_string_append_c (out, '"');
}

/* Shortest text that reads back as the same double. */
static void
put_double (GString *out, double d)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  for (int prec = 1; prec <= 17; prec++)
    {
      g_snprintf (buf, sizeof buf, "%.*g", prec, d);
      if (g_ascii_strtod (buf, NULL) == d)
        break;
    }
  /* %g honours the C locale only; tundish never calls setlocale, but be sure. */
  for (char *c = buf; *c; c++)
    if (*c == ',')
      *c = '.';
  g_string_append (out, buf);
  if (!strpbrk (buf, ".eEn"))
    g_string_append (out, ".0");
}

static void
put_stage (GString *out, const TdStage *s, const char *plugin_key)
{
  g_autofree char *params = td_params_to_text (s->params);
  g_string_append_printf (out, "{%s: ", plugin_key);
  put_string (out, s->entry->desc->name);
  g_string_append_printf (out, ", params: %s}", params);
}

static void
put_stage_list (GString *out, const char *indent, const char *key, GPtrArray *stages)
{
  g_string_append_printf (out, "%s%s:", indent, key);
  if (stages->len == 0)
    {
      g_string_append (out, " []\n");
      return;
    }
  g_string_append_c (out, '\n');
  for (guint k = 0; k < stages->len; k++)
    {
      g_string_append_printf (out, "%s  - ", indent);
      put_stage (out, stages->pdata[k], "plugin");
      g_string_append_c (out, '\n');
    }
}

/* ", group_by: NAME" (null: the dataset's group ids). */
static void
put_group_by (GString *out, const TdSplitSpec *sp)
{
  g_string_append (out, ", group_by: ");
  if (sp->group_by)
    put_string (out, sp->group_by);
  else
    g_string_append (out, "null");
}

static void
put_split (GString *out, const TdSplitSpec *sp)
{
  gboolean kfold = sp->method == TD_SPLIT_STRATIFIED_KFOLD || sp->method == TD_SPLIT_GROUP_KFOLD;
  gboolean grouped = sp->method == TD_SPLIT_GROUP_HOLDOUT || sp->method == TD_SPLIT_GROUP_KFOLD;
  g_string_append_printf (out, "split: {method: %s", td_split_method_name (sp->method));
  if (sp->method == TD_SPLIT_PREDEFINED)
    {
      g_string_append (out, ", valid_size: ");
      put_double (out, sp->valid_size);
      g_string_append_printf (out, ", grouped: %s", sp->grouped ? "true" : "false");
      put_group_by (out, sp);
      g_string_append_printf (out, ", resample_test: %s}\n",
                              sp->resample_test ? "true" : "false");
      return;
    }
  if (sp->method == TD_SPLIT_TIME_HOLDOUT)
    {
      g_string_append (out, ", test_size: ");
      put_double (out, sp->test_size);
      g_string_append (out, ", valid_size: ");
      put_double (out, sp->valid_size);
      g_string_append_printf (out, ", gap: %d, order_by: ", sp->gap);
      put_string (out, sp->order_by);
      put_group_by (out, sp);
      g_string_append (out, "}\n");
      return;
    }
  if (kfold)
    g_string_append_printf (out, ", folds: %d", sp->folds);
  else
    {
      g_string_append (out, ", test_size: ");
      put_double (out, sp->test_size);
    }
  g_string_append (out, ", valid_size: ");
  put_double (out, sp->valid_size);
  if (grouped)
    put_group_by (out, sp);
  g_string_append (out, "}\n");
}

static void
put_window (GString *out, const TdWindowSpec *w)
{
  g_string_append_printf (out, ", window: {length: %d, stride: %d, label: %s", w->length,
                          w->stride, td_window_label_name (w->label));
  if (w->label == TD_WINDOW_LABEL_AHEAD)
    g_string_append_printf (out, ", horizon: %d", w->horizon);
  g_string_append_printf (out, ", short: %s, test_windows: %s}", w->drop_short ? "drop" : "pad",
                          w->last_test_only ? "last" : "all");
}

static void
put_names (GString *out, GPtrArray *names)
{
  g_string_append_c (out, '[');
  for (guint k = 0; k < names->len; k++)
    {
      if (k)
        g_string_append (out, ", ");
      put_string (out, names->pdata[k]);
    }
  g_string_append_c (out, ']');
}

char *
td_config_emit (const TdExperiment *exp)
{
  GString *out = g_string_new ("experiment: ");
  put_string (out, exp->name);
  g_string_append_printf (out, "\nseed: %" G_GUINT64_FORMAT "\nrepeats: %d\n",
                          exp->seed, exp->repeats);
  if (exp->task)   /* only when set: older experiments keep their hash */
    g_string_append_printf (out, "task: %s\n", td_task_name (exp->task));
  g_string_append (out, "data: ");
  put_stage (out, exp->data, exp->data_key);
  if (exp->window.enabled)
    {
      g_string_truncate (out, out->len - 1);   /* window: goes inside data's mapping */
      put_window (out, &exp->window);
      g_string_append_c (out, '}');
    }
  g_string_append_c (out, '\n');
  put_split (out, &exp->split);
  put_stage_list (out, "", "augment", exp->augment);

  g_string_append (out, "pipelines:\n");
  for (guint k = 0; k < exp->pipelines->len; k++)
    {
      const TdPipeline *p = exp->pipelines->pdata[k];
      g_string_append (out, "  - name: ");
      put_string (out, p->name);
      g_string_append (out, "\n    variant: ");
      put_string (out, p->variant);
      g_string_append (out, "\n    label: ");
      put_string (out, p->label);
      g_string_append_c (out, '\n');
      if (p->augment && p->augment->len)
        {
          put_stage_list (out, "    ", "augment", p->augment);
          if (p->augment_on_features)
            g_string_append (out, "    augment_space: features\n");
        }
      put_stage_list (out, "    ", "features", p->features);
      g_string_append (out, "    model: ");
      put_stage (out, p->model, "plugin");
      g_string_append_c (out, '\n');
      /* Only when not the defaults, so configurations written before
       * interpret: existed keep their hash. */
      if (p->interpret.max_series != TD_INTERPRET_MAX_SERIES_DEFAULT
          || p->interpret.time_bins != TD_INTERPRET_TIME_BINS_DEFAULT)
        g_string_append_printf (out, "    interpret: {max_series: %d, time_bins: %d}\n",
                                p->interpret.max_series, p->interpret.time_bins);
    }

  g_string_append (out, "evaluate:\n  metrics: ");
  put_names (out, exp->metrics);
  g_string_append_c (out, '\n');
  put_stage_list (out, "  ", "evaluators", exp->evaluators);

  g_string_append (out, "compare: {baseline: ");
  if (exp->baseline)
    put_string (out, exp->baseline);
  else
    g_string_append (out, "null");
  g_string_append (out, ", tests: ");
  put_names (out, exp->compare_tests);
  /* Resamples change comparisons.csv: a report rebuilt with another count
   * must not pass for the same run. The default is left out, as interpret's
   * are, so runs made before the key entered the text keep their hash. */
  if (exp->bootstrap_samples != TD_BOOTSTRAP_SAMPLES_DEFAULT)
    g_string_append_printf (out, ", bootstrap_samples: %d", exp->bootstrap_samples);
  g_string_append (out, "}\n");
  g_string_append_printf (out, "summary: {bootstrap_samples: %d}\n", exp->summary_bootstrap);
  put_stage_list (out, "", "report", exp->reporters);
  td_config_emit_drift (out, &exp->drift);
  return g_string_free (out, FALSE);
}
