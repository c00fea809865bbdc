/* Every shipped plugin accepts every value its parameter specs allow: each
 * numeric parameter is set to each end of its range (the other parameters at
 * their defaults) and the plugin is exercised the cheap way its kind allows:
 * features and models are created and destroyed, augmentations applied to a
 * small training set, evaluators run on a few predictions, generators asked
 * for a small dataset, reporters write into a temporary folder. An exclusive
 * bound must itself be refused by the spec, and the nearest value inside it
 * accepted by the plugin. So `tundish inspect` shows exactly what a run
 * accepts (issue 12: xgboost's subsample: 0 validated, then failed every
 * trial).
 *
 * Usage: test_param_bounds PLUGIN_DIR
 */
#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "plugin/registry.h"

/* Values a generator needs to stay small whatever is being probed; a probe of
 * one of these parameters (or a relation below) keeps its own value. */
static const char *const small_generator[] = {
  "num_casts=40", "cast_duration_minutes=20", "num_series=40", "duration_minutes=45", NULL,
};

/* Probes of a parameter whose allowed values depend on another one: the
 * probe sets the companions too ("k=v;k=v"), or is not run when companions is
 * NULL. The plugin states each relation in its message, naming both. */
static const struct {
  const char *plugin, *param;
  gboolean at_max;
  const char *companions;
  const char *why;
} relations[] = {
  { "steel_casting", "num_casts", TRUE, NULL, "ten million casts do not fit a test" },
  { "steel_casting", "cast_duration_minutes", TRUE, "num_casts=2", "a day per cast" },
  { "steel_casting", "defect_probability", FALSE, "label_noise=0",
    "label noise may not exceed the defect rate" },
  { "steel_casting", "defect_probability", TRUE, "label_noise=0;near_miss_probability=0",
    "label noise may not exceed 1 - the defect rate; near misses share the good casts" },
  { "steel_casting", "label_noise", TRUE, "defect_probability=0.5",
    "label noise may not exceed the defect rate" },
  { "steel_casting", "near_miss_probability", TRUE, "defect_probability=0;label_noise=0",
    "near misses and defect mechanisms share the casts" },
  { "steel_casting", "mold_temperature_noise", TRUE, NULL,
    "4 noise sd plus the drop must fit between mold_temperature_min and _max" },
  { "steel_casting", "level_band", TRUE, NULL,
    "the band must end inside mold_level_min and _max" },
  { "steel_casting", "temperature_drop", TRUE, NULL,
    "the drop must fit between mold_temperature_min and _max" },
  { "steel_casting", "sequence_temperature_drop", TRUE, NULL,
    "the sequence's drop must be below temperature_drop" },
  { "steel_casting", "level_min_seconds", TRUE, "cast_duration_minutes=180",
    "the events must fit in a cast" },
  { "steel_casting", "temperature_drop_window", TRUE, "cast_duration_minutes=60",
    "the events must fit in a cast" },
  { "steel_casting", "speed_superheat_min_seconds", TRUE, "cast_duration_minutes=120",
    "the events must fit in a cast" },
  { "steel_casting", "sequence_max_gap_seconds", TRUE, "cast_duration_minutes=120",
    "the events must fit in a cast" },
  { "steel_casting", "sequence_level_min_seconds", TRUE,
    "level_min_seconds=3600;cast_duration_minutes=180",
    "the sequence's level rule must be 15 s shorter than the level rule" },
  { "steel_casting", "level_min_seconds", FALSE, "sequence_level_min_seconds=1",
    "the sequence's level rule must be 15 s shorter than the level rule" },
  { "steel_casting", "temperature_drop", FALSE, NULL,
    "must exceed sequence_temperature_drop by 1.5 mold_temperature_noise" },
  { "steel_casting", "grade_major_factors", TRUE, "grade_reject_factors=[3.3, 1.58, 10, 1001]",
    "each grade_reject_factors value must be above its grade_major_factors value" },
  { "steel_casting", "grade_reject_factors", FALSE, NULL,
    "each grade_reject_factors value must be above its grade_major_factors value, itself "
    "above 1" },
  { "glass_line", "num_series", TRUE, NULL, "ten million lots do not fit a test" },
  { "glass_line", "duration_minutes", TRUE, "num_series=2", "a day per lot" },
  { "glass_line", "near_miss_probability", TRUE, "late_event_probability=0",
    "near misses and late events share the good lots" },
  { "glass_line", "late_event_probability", TRUE, "near_miss_probability=0",
    "near misses and late events share the good lots" },
  { "glass_line", "delay_forming_minutes", TRUE, "duration_minutes=300",
    "the delays must leave 22 min of furnace glass that reaches inspection" },
  { "glass_line", "delay_lehr_minutes", TRUE, "duration_minutes=300",
    "the delays must leave 22 min of furnace glass that reaches inspection" },
  { "glass_line", "delay_inspection_minutes", TRUE, "duration_minutes=300",
    "the delays must leave 22 min of furnace glass that reaches inspection" },
  { "duration", "sample_seconds", FALSE, "min_run_seconds=0",
    "min_run_seconds / sample_seconds steps must fit 32 bits" },
  { "duration", "min_run_seconds", TRUE, "sample_seconds=1000",
    "min_run_seconds / sample_seconds steps must fit 32 bits" },
  { "window", "last_minutes", FALSE, "window_minutes=5",
    "0 (the whole series) needs sliding windows to have any region" },
  { "attention_lstm", "hidden_size", FALSE, "num_heads=1",
    "the LSTM's outputs are split between the heads" },
  { "attention_lstm", "num_heads", TRUE, "hidden_size=1024",
    "the LSTM's outputs are split between the heads" },
};

static TdRegistry *reg;

static TdDataset *
small_train (void)
{
  TdDataset *ds = td_dataset_new (8, 16, 2, TD_TASK_BINARY, 2);
  td_dataset_set_channel_name (ds, 0, "a");
  td_dataset_set_channel_name (ds, 1, "b");
  for (size_t s = 0; s < ds->n_series; s++)
    {
      ds->y[s] = (double) (s % 2);
      float *x = ds->x + s * ds->n_steps * ds->n_channels;
      for (size_t k = 0; k < ds->n_steps * ds->n_channels; k++)
        x[k] = (float) (sin ((double) (k + 3 * s)) + (double) s * 0.1);
    }
  return ds;
}

/* Run the plugin with params the cheap way its kind allows. */
static gboolean
exercise (const TdPluginDescriptor *d, const TdParams *params, GError **error)
{
  g_autoptr (TdContext) ctx = td_context_new (3);
  switch (d->kind)
    {
    case TD_KIND_FEATURE:
      {
        const TdFeatureVTable *v = d->vtable;
        TdFeature *f = v->create (params, ctx, error);
        if (f)
          v->destroy (f);
        return f != NULL;
      }
    case TD_KIND_MODEL:
      {
        const TdModelVTable *v = d->vtable;
        TdModel *m = v->create (params, ctx, error);
        if (m)
          v->destroy (m);
        return m != NULL;
      }
    case TD_KIND_AUGMENT:
      {
        const TdAugmentVTable *v = d->vtable;
        g_autoptr (TdDataset) train = small_train ();
        g_autoptr (TdDataset) out = v->apply (params, train, ctx, error);
        return out != NULL;
      }
    case TD_KIND_EVALUATOR:
      {
        const TdEvaluatorVTable *v = d->vtable;
        if (!(v->tasks & TD_TASK_BINARY))
          return TRUE;
        double y[8], sc[8], vy[8], vs[8];
        for (int i = 0; i < 8; i++)
          {
            y[i] = vy[i] = i % 2;
            sc[i] = vs[i] = 0.1 + 0.1 * i;
          }
        TdEvalInput in = { .task = TD_TASK_BINARY, .n = 8, .n_outputs = 1, .n_classes = 2,
                           .y = y, .scores = sc, .n_valid = 8, .valid_y = vy,
                           .valid_scores = vs };
        size_t n = 0;
        while (v->metrics[n])
          n++;
        g_autofree double *values = g_new0 (double, n);
        return v->evaluate (params, &in, values, error);
      }
    case TD_KIND_GENERATOR:
      {
        const TdGeneratorVTable *v = d->vtable;
        g_autoptr (TdDataset) ds = v->generate (params, ctx, error);
        return ds != NULL;
      }
    case TD_KIND_REPORTER:
      {
        const TdReporterVTable *v = d->vtable;
        g_autofree char *dir = g_dir_make_tmp ("td-bounds-XXXXXX", error);
        if (!dir)
          return FALSE;
        TdRunReport r = { .experiment = "bounds", .run_dir = dir, .tundish_version = "0" };
        gboolean ok = v->write (params, &r, error);
        g_autoptr (GDir) gd = g_dir_open (dir, 0, NULL);
        const char *name;
        while (gd && (name = g_dir_read_name (gd)))
          {
            g_autofree char *p = g_build_filename (dir, name, NULL);
            g_unlink (p);
          }
        g_rmdir (dir);
        return ok;
      }
    case TD_N_KINDS:
      break;
    }
  return TRUE;
}

static TdParams *
base_params (const TdPluginDescriptor *d, const char *probe)
{
  g_autoptr (GError) e = NULL;
  TdParams *p = td_params_new_defaults (d->params, d->n_params, &e);
  g_assert_no_error (e);
  if (d->kind == TD_KIND_GENERATOR)
    for (size_t k = 0; small_generator[k]; k++)
      {
        g_auto (GStrv) kv = g_strsplit (small_generator[k], "=", 2);
        gboolean declared = FALSE;
        for (size_t j = 0; j < d->n_params; j++)
          declared |= strcmp (d->params[j].name, kv[0]) == 0;
        if (declared && strcmp (kv[0], probe) != 0)
          {
            g_assert_true (td_params_set_text (p, kv[0], kv[1], &e));
            g_assert_no_error (e);
          }
      }
  return p;
}

/* v as the parameter's text. A list keeps its default and gets v as its first
 * item (probing the min) or last item (the max), so a list of a fixed length
 * or in increasing order stays one; an empty default becomes [v]. */
static char *
number_text (const TdParams *p, const TdParamSpec *s, double v, gboolean at_max)
{
  gboolean integer = s->type == TD_PARAM_INT || s->type == TD_PARAM_INT_LIST;
  if (s->type != TD_PARAM_INT_LIST && s->type != TD_PARAM_DOUBLE_LIST)
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];
      return g_strdup (integer ? (g_snprintf (buf, sizeof buf, "%.0f", v), buf)
                               : g_ascii_formatd (buf, sizeof buf, "%.17g", v));
    }
  size_t n = 0;
  const gint64 *il = NULL;
  const double *dl = NULL;
  if (integer)
    il = td_params_get_int_list (p, s->name, &n);
  else
    dl = td_params_get_double_list (p, s->name, &n);
  size_t at = n == 0 ? 0 : at_max ? n - 1 : 0;
  GString *out = g_string_new ("[");
  for (size_t k = 0; k < MAX (n, 1); k++)
    {
      double x = k == at ? v : integer ? (double) il[k] : dl[k];
      char buf[G_ASCII_DTOSTR_BUF_SIZE];
      g_string_append_printf (out, "%s%s", k ? ", " : "",
                              integer ? (g_snprintf (buf, sizeof buf, "%.0f", x), buf)
                                      : g_ascii_formatd (buf, sizeof buf, "%.17g", x));
    }
  g_string_append_c (out, ']');
  return g_string_free (out, FALSE);
}

/* The nearest value inside an exclusive bound. */
static double
inside (const TdParamSpec *s, double bound, gboolean at_max)
{
  gboolean integer = s->type == TD_PARAM_INT || s->type == TD_PARAM_INT_LIST;
  if (integer)
    return at_max ? bound - 1 : bound + 1;
  return nextafter (bound, at_max ? -INFINITY : INFINITY);
}

static int
relation (const char *plugin, const char *param, gboolean at_max)
{
  for (size_t k = 0; k < G_N_ELEMENTS (relations); k++)
    if (strcmp (relations[k].plugin, plugin) == 0 && strcmp (relations[k].param, param) == 0
        && relations[k].at_max == at_max)
      return (int) k;
  return -1;
}

static void
set_companions (TdParams *p, const char *companions)
{
  g_auto (GStrv) items = g_strsplit (companions, ";", -1);
  for (size_t k = 0; items[k]; k++)
    {
      g_auto (GStrv) kv = g_strsplit (items[k], "=", 2);
      g_autoptr (GError) e = NULL;
      g_assert_true (td_params_set_text (p, kv[0], kv[1], &e));
      g_assert_no_error (e);
    }
}

static void
test_plugin (gconstpointer data)
{
  const TdPluginEntry *en = data;
  const TdPluginDescriptor *d = en->desc;
  g_autoptr (GError) e = NULL;
  {
    g_autoptr (TdParams) p = base_params (d, "");
    if (!td_params_check_complete (p, NULL))
      {
        g_test_skip ("a required parameter has no default (no example value to start from)");
        return;
      }
    if (!exercise (d, p, &e))
      g_error ("%s %s fails with its defaults: %s", td_kind_name (d->kind), d->name,
               e ? e->message : "(no message)");
  }
  guint probed = 0;
  GString *failures = g_string_new (NULL);
  for (size_t k = 0; k < d->n_params; k++)
    {
      const TdParamSpec *s = &d->params[k];
      gboolean numeric = s->type == TD_PARAM_INT || s->type == TD_PARAM_DOUBLE
                         || s->type == TD_PARAM_INT_LIST || s->type == TD_PARAM_DOUBLE_LIST;
      if (!numeric || !(s->min < s->max))
        continue;
      for (int end = 0; end < 2; end++)
        {
          gboolean at_max = end == 1;
          int rel = relation (d->name, s->name, at_max);
          if (rel >= 0 && !relations[rel].companions)
            {
              g_test_message ("%s.%s at its %s: not probed (%s)", d->name, s->name,
                              at_max ? "max" : "min", relations[rel].why);
              continue;
            }
          double bound = at_max ? s->max : s->min;
          gboolean exclusive = (s->flags & (at_max ? TD_PARAM_MAX_EXCLUSIVE
                                                   : TD_PARAM_MIN_EXCLUSIVE)) != 0;
          g_autoptr (TdParams) p = base_params (d, s->name);
          if (rel >= 0)
            set_companions (p, relations[rel].companions);
          if (exclusive)
            {
              g_autofree char *t = number_text (p, s, bound, at_max);
              g_autoptr (GError) refused = NULL;
              if (td_params_set_text (p, s->name, t, &refused))
                g_string_append_printf (failures, "\n  %s = %s: the exclusive bound was "
                                        "accepted", s->name, t);
              bound = inside (s, bound, at_max);
            }
          g_autofree char *text = number_text (p, s, bound, at_max);
          g_autoptr (GError) pe = NULL;
          if (!td_params_set_text (p, s->name, text, &pe))
            {
              g_string_append_printf (failures, "\n  %s = %s: refused by its own spec: %s",
                                      s->name, text, pe->message);
              continue;
            }
          g_autoptr (GError) xe = NULL;
          g_autofree char *range = td_param_range_text (s);
          if (!exercise (d, p, &xe))
            g_string_append_printf (failures, "\n  %s = %s (%s%s): %s", s->name, text,
                                    td_param_type_name (s->type), range,
                                    xe ? xe->message : "(no message)");
          probed++;
        }
    }
  g_test_message ("%s %s: %u boundary values probed", td_kind_name (d->kind), d->name, probed);
  if (failures->len)
    {
      /* Not g_error: every plugin's refusals are listed in one run. */
      g_test_message ("%s %s refuses values its specs allow:%s", td_kind_name (d->kind),
                      d->name, failures->str);
      g_test_fail ();
    }
  g_string_free (failures, TRUE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  if (argc < 2)
    g_error ("usage: test_param_bounds PLUGIN_DIR");
  reg = td_registry_new ();
  g_autoptr (GPtrArray) errors = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  td_registry_scan_dir (reg, argv[1], errors);
  for (guint k = 0; k < errors->len; k++)
    g_error ("%s", ((GError *) errors->pdata[k])->message);
  g_autoptr (GPtrArray) all = td_registry_list (reg, TD_N_KINDS);
  g_assert_cmpuint (all->len, >, 20);
  for (guint k = 0; k < all->len; k++)
    {
      const TdPluginEntry *en = all->pdata[k];
      g_autofree char *name = g_strdup_printf ("/param-bounds/%s/%s",
                                               td_kind_name (en->desc->kind), en->desc->name);
      g_test_add_data_func (name, en, test_plugin);
    }
  int rc = g_test_run ();
  td_registry_free (reg);
  return rc;
}
