/* test_glass_line.c — the glass line generator: same seed same bytes, any
 * thread count; the planned mix of defect types; every defective lot's cause
 * (stage, channels, window) visible in its signal; material flow (a furnace
 * disturbance reaches the thickness gauge after the transport delay);
 * sampling rates; the three targets and their true class probabilities
 * (the oracle's); the parameter checks. */
#include <math.h>
#include <string.h>

#include <tundish/tundish.h>

#include "glass_process.h"

const TdPluginDescriptor *td_plugin_descriptor (size_t index);

static TdDataset *
generate (const char *const *kv, guint64 seed, int threads, GError **error)
{
  const TdPluginDescriptor *d = td_plugin_descriptor (0);
  g_autoptr (TdParams) p = td_params_new_defaults (d->params, d->n_params, NULL);
  for (size_t i = 0; kv && kv[i]; i += 2)
    g_assert_true (td_params_set_text (p, kv[i], kv[i + 1], NULL));
  g_autoptr (TdContext) ctx = td_context_new (seed);
  td_context_set_threads (ctx, threads);
  return ((const TdGeneratorVTable *) d->vtable)->generate (p, ctx, error);
}

static const char *const small[] = { "num_series", "300", NULL };

static const char *
meta_str (const TdDataset *ds, const char *name, size_t s)
{
  const TdMetaColumn *m = td_dataset_find_meta (ds, name);
  g_assert_nonnull (m);
  g_assert_nonnull (m->str);
  return m->str[s];
}

static double
meta_num (const TdDataset *ds, const char *name, size_t s)
{
  const TdMetaColumn *m = td_dataset_find_meta (ds, name);
  g_assert_nonnull (m);
  g_assert_nonnull (m->num);
  return m->num[s];
}

static int
name_index (char *const *names, size_t n, const char *name)
{
  for (size_t i = 0; i < n; i++)
    if (g_str_equal (names[i], name))
      return (int) i;
  g_assert_not_reached ();
}

static int
channel (const TdDataset *ds, const char *name)
{
  return name_index (ds->channel_names, ds->n_channels, name);
}

static void
test_determinism_and_threads (void)
{
  g_autoptr (TdDataset) a = generate (small, 5, 1, NULL);
  g_autoptr (TdDataset) b = generate (small, 5, 3, NULL);
  g_autoptr (TdDataset) c = generate (small, 6, 1, NULL);
  size_t bytes = a->n_series * a->n_steps * a->n_channels * sizeof (float);
  g_assert_cmpmem (a->x, bytes, b->x, bytes);
  g_assert_cmpmem (a->y, a->n_series * sizeof (double), b->y, b->n_series * sizeof (double));
  g_assert_true (memcmp (a->x, c->x, bytes) != 0);
  for (size_t s = 0; s < a->n_series; s++)
    g_assert_cmpstr (meta_str (a, "event", s), ==, meta_str (b, "event", s));
}

/* The defect mix follows the plan, every class appears, good is the
 * majority, and the label noise rate is near its parameter. */
static void
test_classes (void)
{
  const char *const kv[] = { "num_series", "1500", NULL };
  g_autoptr (TdDataset) ds = generate (kv, 11, 2, NULL);
  g_assert_cmpint (ds->task, ==, TD_TASK_MULTICLASS);
  g_assert_cmpuint (ds->n_classes, ==, 6);
  g_assert_cmpstr (ds->class_names[0], ==, "good");
  size_t count[6] = { 0 }, noisy = 0;
  for (size_t s = 0; s < ds->n_series; s++)
    {
      count[(int) ds->y[s]]++;
      noisy += !g_str_equal (meta_str (ds, "defect_type", s), ds->class_names[(int) ds->y[s]]);
    }
  g_assert_cmpuint (count[0], >, ds->n_series / 2);
  for (int k = 1; k < 6; k++)
    g_assert_cmpuint (count[k], >, 50);   /* ~90 each at 0.3 / 5 */
  double defect_rate = 1 - (double) count[0] / ds->n_series;
  g_assert_cmpfloat (fabs (defect_rate - 0.3), <, 0.05);
  g_assert_cmpfloat ((double) noisy / ds->n_series, >, 0.005);
  g_assert_cmpfloat ((double) noisy / ds->n_series, <, 0.04);
  /* true probabilities: 1 - noise on the rule's class */
  for (size_t s = 0; s < 20; s++)
    {
      g_autofree char *name = g_strdup_printf ("true_probability.%s",
                                               meta_str (ds, "defect_type", s));
      g_assert_cmpfloat (fabs (meta_num (ds, name, s) - 0.98), <, 1e-12);
    }
  /* hidden from models: everything that follows from the outcome */
  g_assert_cmpint (td_dataset_find_meta (ds, "cause_channels")->role, ==, TD_META_TARGET);
  g_assert_cmpint (td_dataset_find_meta (ds, "true_probability.good")->role, ==,
                   TD_META_TARGET);
  g_assert_cmpint (td_dataset_find_meta (ds, "sample_period_s.crown_temperature")->role, ==,
                   TD_META_INPUT);
}

/* Each defective lot's cause channel moves inside the recorded window and
 * not outside it; the window's glass reaches inspection. */
static void
test_causes_visible (void)
{
  const char *const kv[] = { "num_series", "600", "label_noise", "0", NULL };
  g_autoptr (TdDataset) ds = generate (kv, 3, 2, NULL);
  size_t checked[6] = { 0 };
  for (size_t s = 0; s < ds->n_series; s++)
    {
      const char *type = meta_str (ds, "defect_type", s);
      if (g_str_equal (type, "good"))
        {
          g_assert_cmpfloat (meta_num (ds, "cause_start", s), ==, -1);
          g_assert_cmpstr (meta_str (ds, "cause_stage", s), ==, "none");
          continue;
        }
      int start = (int) meta_num (ds, "cause_start", s), end = (int) meta_num (ds, "cause_end", s);
      g_assert_cmpint (start, >=, 0);
      g_assert_cmpint (end, >, start);
      g_auto (GStrv) causes = g_strsplit (meta_str (ds, "cause_channels", s), ";", -1);
      int c = channel (ds, causes[0]);
      const float *x = td_dataset_series (ds, s);
      /* mean deviation from nominal inside the middle of the window vs before it */
      double in = 0, out = 0, base = glass_sensors[c].base;
      int mid0 = start + 60, mid1 = end - 60, n_in = 0, n_out = 0;
      for (int t = mid0; t < mid1; t++, n_in++)
        in += fabs (x[(size_t) t * ds->n_channels + c] - base);
      for (int t = 0; t < MIN (start, 600); t++, n_out++)
        out += fabs (x[(size_t) t * ds->n_channels + c] - base);
      if (n_in > 0 && n_out > 30)
        {
          g_assert_cmpfloat (in / n_in, >, 4 * out / n_out);
          checked[(int) ds->y[s]]++;
        }
      const char *stage = meta_str (ds, "cause_stage", s);
      g_assert_true (g_str_equal (stage, "furnace") || g_str_equal (stage, "forming")
                     || g_str_equal (stage, "annealing"));
    }
  for (int k = 1; k < 6; k++)
    g_assert_cmpuint (checked[k], >, 10);
}

/* A furnace disturbance reaches the thickness gauge delay_forming later:
 * the lag of the largest covariance between the crown temperature's drop and
 * the thickness is the transport delay. */
static void
test_material_flow (void)
{
  const char *const kv[] = { "num_series", "400", "delay_forming_minutes", "12", NULL };
  g_autoptr (TdDataset) ds = generate (kv, 21, 2, NULL);
  int crown = channel (ds, "crown_temperature"), thick = channel (ds, "thickness");
  size_t nc = ds->n_channels, T = ds->n_steps;
  int found = 0;
  for (size_t s = 0; s < ds->n_series && found < 6; s++)
    {
      const char *ev = meta_str (ds, "event", s);
      if (!g_str_equal (ev, "crown_drop"))
        continue;
      const float *x = td_dataset_series (ds, s);
      double mc = 0, mt = 0;
      for (size_t t = 0; t < T; t++)
        {
          mc += x[t * nc + crown];
          mt += x[t * nc + thick];
        }
      mc /= (double) T;
      mt /= (double) T;
      int best = -1;
      double best_cov = -INFINITY;
      for (int lag = 0; lag <= 1500; lag += 10)
        {
          double cov = 0;
          for (size_t t = 0; t + (size_t) lag < T; t++)
            cov += -(x[t * nc + crown] - mc) * (x[(t + lag) * nc + thick] - mt);
          cov /= (double) (T - lag);
          if (cov > best_cov)
            {
              best_cov = cov;
              best = lag;
            }
        }
      found++;
      /* 12 min = 720 s, within the furnace's 10 s sampling */
      g_assert_cmpint (best, >=, 700);
      g_assert_cmpint (best, <=, 740);
    }
  g_assert_cmpint (found, >=, 3);
}

/* Furnace sensors are held over their 10 s samples, lehr ones over 5 s,
 * forming sensors vary every second; linear resampling interpolates. */
static void
test_sampling (void)
{
  g_autoptr (TdDataset) ds = generate (small, 1, 1, NULL);
  const float *x = td_dataset_series (ds, 0);
  size_t nc = ds->n_channels;
  int crown = channel (ds, "crown_temperature"), lehr = channel (ds, "lehr_zone1_temperature"),
      tin = channel (ds, "tin_bath_temperature");
  size_t tin_changes = 0;
  for (size_t t = 1; t < 600; t++)
    {
      if (t % 10)
        g_assert_cmpfloat (x[t * nc + crown], ==, x[(t - 1) * nc + crown]);
      if (t % 5)
        g_assert_cmpfloat (x[t * nc + lehr], ==, x[(t - 1) * nc + lehr]);
      tin_changes += x[t * nc + tin] != x[(t - 1) * nc + tin];
    }
  g_assert_cmpuint (tin_changes, >, 550);
  g_assert_cmpfloat (meta_num (ds, "sample_period_s.crown_temperature", 0), ==, 10);
  g_assert_cmpstr (meta_str (ds, "resampling.crown_temperature", 0), ==, "hold");
  g_assert_cmpstr (meta_str (ds, "stage.crown_temperature", 0), ==, "furnace");
  g_assert_cmpstr (meta_str (ds, "stage.thickness", 0), ==, "forming");
  g_assert_cmpstr (meta_str (ds, "stage.cooling_rate", 0), ==, "annealing");
  g_assert_cmpint (td_dataset_find_meta (ds, "stage.thickness")->role, ==, TD_META_INPUT);
  const char *const lin[] = { "num_series", "20", "slow_sensor_resampling", "linear", NULL };
  g_autoptr (TdDataset) li = generate (lin, 1, 1, NULL);
  const float *y = td_dataset_series (li, 0);
  size_t held = 0;
  for (size_t t = 1; t < 600; t++)
    held += t % 10 && y[t * nc + crown] == y[(t - 1) * nc + crown];
  g_assert_cmpuint (held, <, 20);
  g_assert_cmpstr (meta_str (li, "resampling.crown_temperature", 0), ==, "linear");
}

static void
test_targets (void)
{
  const char *const bin[] = { "num_series", "300", "target", "binary", NULL };
  g_autoptr (TdDataset) b = generate (bin, 2, 1, NULL);
  g_assert_cmpint (b->task, ==, TD_TASK_BINARY);
  g_assert_nonnull (td_dataset_find_meta (b, "true_defect_probability"));
  const char *const gr[] = { "num_series", "800", "target", "grade", "label_noise", "0", NULL };
  g_autoptr (TdDataset) g = generate (gr, 2, 1, NULL);
  g_assert_cmpuint (g->n_classes, ==, 4);
  g_assert_cmpstr (g->class_names[3], ==, "reject");
  size_t count[4] = { 0 };
  for (size_t s = 0; s < g->n_series; s++)
    {
      count[(int) g->y[s]]++;
      /* ordinal: the grade rises with the severity */
      double sev = meta_num (g, "severity", s);
      int want = sev == 0 ? 0 : sev < 1.8 ? 1 : sev < 2.2 ? 2 : 3;
      g_assert_cmpint ((int) g->y[s], ==, want);
    }
  g_test_message ("grades %zu %zu %zu %zu", count[0], count[1], count[2], count[3]);
  for (int k = 0; k < 4; k++)
    g_assert_cmpuint (count[k], >, 10);

  /* the task validate reads (TD_EXT_DATA_TASK) is the task generate makes */
  const TdPluginDescriptor *d = td_plugin_descriptor (0);
  const TdDataTaskExt *ext = ((const TdGeneratorVTable *) d->vtable)->extension (TD_EXT_DATA_TASK);
  g_assert_nonnull (ext);
  const char *targets[] = { "type", "binary", "grade" };
  const TdTask made[] = { TD_TASK_MULTICLASS, b->task, g->task };
  for (size_t k = 0; k < G_N_ELEMENTS (targets); k++)
    {
      g_autoptr (TdParams) p = td_params_new_defaults (d->params, d->n_params, NULL);
      g_assert_true (td_params_set_text (p, "target", targets[k], NULL));
      g_assert_cmpint (ext->task (p), ==, made[k]);
    }
}

/* What the loader reads before generating (TD_EXT_DATA_LAYOUT) is what
 * generate makes: the steps of duration_minutes at 1 Hz, every lot its own
 * group, no partition, no per-step labels. */
static void
test_layout (void)
{
  const char *const kv[] = { "num_series", "40", "duration_minutes", "75", NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (TdDataset) ds = generate (kv, 3, 1, &error);
  g_assert_no_error (error);
  const TdPluginDescriptor *d = td_plugin_descriptor (0);
  const TdDataLayoutExt *ext = ((const TdGeneratorVTable *) d->vtable)->extension (TD_EXT_DATA_LAYOUT);
  g_assert_nonnull (ext);
  g_autoptr (TdParams) p = td_params_new_defaults (d->params, d->n_params, NULL);
  for (size_t i = 0; kv[i]; i += 2)
    g_assert_true (td_params_set_text (p, kv[i], kv[i + 1], NULL));
  TdDataLayout layout;
  ext->layout (p, &layout);
  g_assert_cmpuint (ds->n_steps, ==, 75 * 60);
  g_assert_cmpuint (layout.max_steps, ==, ds->n_steps);
  g_assert_null (ds->lengths);
  g_autoptr (GHashTable) groups = g_hash_table_new (g_int64_hash, g_int64_equal);
  for (size_t s = 0; s < ds->n_series; s++)
    g_assert_true (g_hash_table_add (groups, &ds->group[s]));
  g_assert_false (layout.shared_groups);
  g_assert_cmpint (layout.partition, ==, td_dataset_find_meta (ds, TD_META_PARTITION) != NULL);
  g_assert_cmpint (layout.step_labels, ==, ds->y_step != NULL);
}

/* The rule's class of lot s under the target (0 type, 1 binary, 2 grade),
 * read back from the hidden metadata: the label before noise. */
static int
rule_class (const TdDataset *ds, int target, size_t s)
{
  const char *type = meta_str (ds, "defect_type", s);
  if (target == 1)
    return !g_str_equal (type, "good");
  if (target == 2)
    {
      double sev = meta_num (ds, "severity", s);
      return g_str_equal (type, "good") ? 0 : sev < 1.8 ? 1 : sev < 2.2 ? 2 : 3;
    }
  return name_index (ds->class_names, ds->n_classes, type);
}

/* P(label | signal), what the oracle evaluator scores: for type and grade
 * one hidden column true_probability.<class> per class and no other, 1 −
 * noise on the rule's class and noise / (K − 1) on each other, summing to 1;
 * for binary true_defect_probability. The rules are deterministic, so the
 * arg-max is the noiseless label: every lot's label at label_noise 0, and
 * at noise it differs from the label on exactly the lots whose label was
 * replaced (some, so the comparison is not vacuous). */
static void
test_true_probability (void)
{
  const char *targets[] = { "type", "binary", "grade" };
  const char *noises[] = { "0", "0.02", "0.3" };
  for (int t = 0; t < 3; t++)
    for (int n = 0; n < 3; n++)
      {
        const char *const kv[] = { "num_series", "600", "target", targets[t],
                                   "label_noise", noises[n], NULL };
        g_autoptr (GError) error = NULL;
        g_autoptr (TdDataset) ds = generate (kv, 7, 2, &error);
        g_assert_no_error (error);
        double noise = g_ascii_strtod (noises[n], NULL);
        size_t K = ds->n_classes, flipped = 0, disagree = 0;
        size_t prob_columns = 0;
        for (guint m = 0; m < ds->meta->len; m++)
          {
            const TdMetaColumn *col = g_ptr_array_index (ds->meta, m);
            prob_columns += g_str_has_prefix (col->name, "true_probability.");
          }
        g_assert_cmpuint (prob_columns, ==, t == 1 ? 0 : K);
        g_assert_cmpint (td_dataset_find_meta (ds, "true_defect_probability") != NULL, ==, t == 1);
        const TdMetaColumn *cols[8] = { NULL };
        for (size_t c = 0; c < K && t != 1; c++)
          {
            g_autofree char *name = g_strdup_printf ("true_probability.%s", ds->class_names[c]);
            cols[c] = td_dataset_find_meta (ds, name);
            g_assert_nonnull (cols[c]);
            g_assert_nonnull (cols[c]->num);
            g_assert_cmpint (cols[c]->role, ==, TD_META_TARGET);
          }
        if (t == 1)
          g_assert_cmpint (td_dataset_find_meta (ds, "true_defect_probability")->role, ==,
                           TD_META_TARGET);
        for (size_t s = 0; s < ds->n_series; s++)
          {
            int rule = rule_class (ds, t, s), label = (int) ds->y[s];
            flipped += label != rule;
            if (t == 1)
              {
                double p = meta_num (ds, "true_defect_probability", s);
                g_assert_cmpfloat_with_epsilon (p, rule ? 1 - noise : noise, 1e-12);
                disagree += (p > 0.5) != label;
                continue;
              }
            double total = 0, best = -1;
            int argmax = -1;
            for (size_t c = 0; c < K; c++)
              {
                double p = cols[c]->num[s];
                double want = (int) c == rule ? 1 - noise : noise / (double) (K - 1);
                g_assert_cmpfloat_with_epsilon (p, want, 1e-12);
                total += p;
                if (p > best)
                  {
                    best = p;
                    argmax = (int) c;
                  }
              }
            g_assert_cmpfloat_with_epsilon (total, 1.0, 1e-12);
            g_assert_cmpint (argmax, ==, rule);
            disagree += argmax != label;
          }
        g_test_message ("target %s, label_noise %s: %zu of %zu labels replaced", targets[t],
                        noises[n], flipped, ds->n_series);
        g_assert_cmpuint (disagree, ==, flipped);
        if (noise == 0)
          g_assert_cmpuint (flipped, ==, 0);
        else
          g_assert_cmpuint (flipped, >, noise * ds->n_series / 3);
      }
}

static void
test_checks (void)
{
  const char *const short_lot[] = { "duration_minutes", "42", "delay_forming_minutes", "20", NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (TdDataset) ds = generate (short_lot, 1, 1, &error);
  g_assert_null (ds);
  g_assert_nonnull (strstr (error->message, "duration_minutes 42"));
  const TdGeneratorVTable *vt = td_plugin_descriptor (0)->vtable;
  const TdCheckParamsExt *check = vt->extension (TD_EXT_CHECK_PARAMS);
  g_assert_nonnull (check);
  const TdPluginDescriptor *d = td_plugin_descriptor (0);
  g_autoptr (TdParams) p = td_params_new_defaults (d->params, d->n_params, NULL);
  g_assert_true (check->check (p, NULL));
  g_assert_true (td_params_set_text (p, "defect_weights", "[1, 1]", NULL));
  g_clear_error (&error);
  g_assert_false (check->check (p, &error));
  g_assert_nonnull (strstr (error->message, "defect_weights needs 5"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/glass_line/determinism-and-threads", test_determinism_and_threads);
  g_test_add_func ("/glass_line/classes", test_classes);
  g_test_add_func ("/glass_line/causes-visible", test_causes_visible);
  g_test_add_func ("/glass_line/material-flow", test_material_flow);
  g_test_add_func ("/glass_line/sampling", test_sampling);
  g_test_add_func ("/glass_line/layout", test_layout);
  g_test_add_func ("/glass_line/targets", test_targets);
  g_test_add_func ("/glass_line/true-probability", test_true_probability);
  g_test_add_func ("/glass_line/checks", test_checks);
  return g_test_run ();
}
