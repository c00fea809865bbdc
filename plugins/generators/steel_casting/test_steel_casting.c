/* test_steel_casting.c — the steel casting generator against its own spec.
 *
 * The mechanism checks here are written independently of steel_rules.c
 * (plain O(n * window) loops) so that a shared bug cannot hide. Most tests
 * use 20-minute casts, the shortest the parameters allow, to stay fast.
 */
#include <tundish/tundish.h>

#include <math.h>
#include <string.h>

#include "plugin/registry.h"
#include "steel_events.h"
#include "gen_rng.h"
#include "steel_grade.h"
#include "steel_rules.h"

static const char *const channels[] = {
  "casting_speed", "mold_temperature", "mold_level", "cooling_water_flow", "superheat",
};
enum { SPEED, TEMP, LEVEL, WATER, SUPERHEAT, NCH };

/* Default thresholds (see the parameter table). */
#define BAND 15.0
#define LEVEL_BASE 150.0
#define LEVEL_MIN 30
#define DROP 50.0
#define WINDOW 60
#define SPEED_HIGH 1.5
#define SUPERHEAT_LOW 18.0
#define BOTH_MIN 20
#define SEQ_DROP 30.0
#define SEQ_LEVEL_MIN 10
#define SEQ_GAP 120

static const TdPluginDescriptor *
descriptor (void)
{
  const TdPluginDescriptor *d = td_plugin_descriptor (0);
  g_assert_nonnull (d);
  g_assert_null (td_plugin_descriptor (1));
  return d;
}

/* Generate with defaults overridden by NULL-terminated name, value pairs. */
static TdDataset *
generate_full (guint64 seed, int threads, GError **error, ...)
{
  const TdPluginDescriptor *d = descriptor ();
  va_list ap;
  va_start (ap, error);
  g_autoptr (TdParams) params = td_testing_params_valist (d, error, ap);
  va_end (ap);
  if (!params)
    return NULL;
  g_autoptr (TdContext) ctx = td_context_new (seed);
  td_context_set_threads (ctx, threads);
  const TdGeneratorVTable *vt = d->vtable;
  return vt->generate (params, ctx, error);
}

/* The standard test dataset: 1200 casts of 20 minutes, generated once. */
static TdDataset *shared_ds;

static TdDataset *
standard (void)
{
  if (!shared_ds)
    {
      g_autoptr (GError) err = NULL;
      shared_ds = generate_full (42, 2, &err, "cast_duration_minutes", "20", NULL);
      g_assert_no_error (err);
      g_assert_nonnull (shared_ds);
    }
  return shared_ds;
}

static const char *
meta_str (const TdDataset *ds, const char *col, size_t i)
{
  const TdMetaColumn *c = td_dataset_find_meta (ds, col);
  g_assert_nonnull (c);
  g_assert_nonnull (c->str);
  return c->str[i];
}

static double
meta_num (const TdDataset *ds, const char *col, size_t i)
{
  const TdMetaColumn *c = td_dataset_find_meta (ds, col);
  g_assert_nonnull (c);
  g_assert_nonnull (c->num);
  return c->num[i];
}

static double
at (const TdDataset *ds, size_t s, size_t t, int c)
{
  return (double) td_dataset_series (ds, s)[t * ds->n_channels + (size_t) c];
}

/* ----------------------------------------------- independent rule checks */

static gboolean
outside_band (const TdDataset *ds, size_t s, size_t t)
{
  return fabs (at (ds, s, t, LEVEL) - LEVEL_BASE) > BAND;
}

static gboolean
rule_level (const TdDataset *ds, size_t s)
{
  int run = 0;
  for (size_t t = 0; t < ds->n_steps; t++)
    {
      run = outside_band (ds, s, t) ? run + 1 : 0;
      if (run >= LEVEL_MIN)
        return TRUE;
    }
  return FALSE;
}

static double
drop_at (const TdDataset *ds, size_t s, size_t t)
{
  double m = -INFINITY;
  for (size_t k = t >= WINDOW ? t - WINDOW : 0; k <= t; k++)
    m = MAX (m, at (ds, s, k, TEMP));
  return m - at (ds, s, t, TEMP);
}

static gboolean
rule_drop (const TdDataset *ds, size_t s)
{
  for (size_t t = 0; t < ds->n_steps; t++)
    if (drop_at (ds, s, t) >= DROP)
      return TRUE;
  return FALSE;
}

static gboolean
rule_speed (const TdDataset *ds, size_t s)
{
  int n = 0;
  for (size_t t = 0; t < ds->n_steps; t++)
    n += at (ds, s, t, SPEED) > SPEED_HIGH && at (ds, s, t, SUPERHEAT) < SUPERHEAT_LOW;
  return n >= BOTH_MIN;
}

/* Timing rule, written the other way round: the runs outside the band
 * that start at most SEQ_GAP s after a sample whose drop reaches SEQ_DROP
 * (looking back from each run's first sample). The next such run from *t on:
 * its length, and in *gap the distance back to the latest such sample; 0
 * when none is left. *t moves past the run. */
static size_t
next_run_after_drop (const TdDataset *ds, size_t s, size_t *t, long *gap)
{
  while (*t < ds->n_steps)
    {
      if (!outside_band (ds, s, *t))
        {
          (*t)++;
          continue;
        }
      size_t start = *t;
      while (*t < ds->n_steps && outside_band (ds, s, *t))
        (*t)++;
      for (size_t k = start + 1; k-- > 0 && start - k <= SEQ_GAP;)
        if (drop_at (ds, s, k) >= SEQ_DROP)
          {
            *gap = (long) (start - k);
            return *t - start;
          }
    }
  return 0;
}

/* ... fires when one of those runs lasts >= SEQ_LEVEL_MIN samples. */
static gboolean
rule_sequence (const TdDataset *ds, size_t s, long *gap_out)
{
  size_t t = 0, len;
  long gap = 0;
  while ((len = next_run_after_drop (ds, s, &t, &gap)) > 0)
    if (len >= SEQ_LEVEL_MIN)
      {
        if (gap_out)
          *gap_out = gap;
        return TRUE;
      }
  return FALSE;
}

/* --------------------------------------------------------------- tests */

static void
test_descriptor (void)
{
  const TdPluginDescriptor *d = descriptor ();
  g_assert_cmpuint (d->abi_version, ==, TD_PLUGIN_ABI_VERSION);
  g_assert_cmpint (d->kind, ==, TD_KIND_GENERATOR);
  g_assert_cmpstr (d->name, ==, "steel_casting");
  /* what the registry checks when it loads the module */
  g_autoptr (GError) err = NULL;
  g_assert_true (td_descriptor_check (d, "test", &err));
  g_assert_no_error (err);
  const char *must[] = { "num_casts", "cast_duration_minutes", "defect_probability",
                         "label_noise", "near_miss_probability", "casting_speed_base",
                         "casting_speed_noise", "casting_speed_min", "casting_speed_max",
                         "superheat_max", "mold_level_ar" };
  for (size_t k = 0; k < G_N_ELEMENTS (must); k++)
    {
      gboolean found = FALSE;
      for (size_t i = 0; i < d->n_params; i++)
        found |= strcmp (d->params[i].name, must[k]) == 0;
      g_assert_true (found);
    }
}

static void
test_shape (void)
{
  TdDataset *ds = standard ();
  g_assert_cmpuint (ds->n_series, ==, 1200);
  g_assert_cmpuint (ds->n_steps, ==, 20 * 60);
  g_assert_cmpuint (ds->n_channels, ==, 5);
  g_assert_cmpint (ds->task, ==, TD_TASK_BINARY);
  g_assert_cmpuint (ds->n_classes, ==, 2);
  for (int c = 0; c < NCH; c++)
    g_assert_cmpstr (ds->channel_names[c], ==, channels[c]);
  g_assert_null (ds->channel_names[NCH]);
  for (size_t i = 0; i < ds->n_series; i++)
    {
      g_assert_cmpint (ds->group[i], ==, (gint64) i);
      g_assert_true (ds->y[i] == 0.0 || ds->y[i] == 1.0);
    }

  /* default length: 120 minutes */
  g_autoptr (GError) err = NULL;
  g_autoptr (TdDataset) small = generate_full (1, 1, &err, "num_casts", "3", NULL);
  g_assert_no_error (err);
  g_assert_cmpuint (small->n_steps, ==, 7200);
  g_assert_cmpuint (small->n_series, ==, 3);

  /* what the loader reads before generating (TD_EXT_DATA_LAYOUT) is what
   * generate made: the steps, no shared group, no partition, no per-step
   * labels */
  const TdPluginDescriptor *d = descriptor ();
  const TdDataLayoutExt *ext = ((const TdGeneratorVTable *) d->vtable)->extension (TD_EXT_DATA_LAYOUT);
  g_assert_nonnull (ext);
  const TdDataset *made[] = { ds, small };
  const char *minutes[] = { "20", "120" };
  for (size_t k = 0; k < G_N_ELEMENTS (made); k++)
    {
      g_autoptr (TdParams) p = td_params_new_defaults (d->params, d->n_params, NULL);
      g_assert_true (td_params_set_text (p, "cast_duration_minutes", minutes[k], NULL));
      TdDataLayout layout;
      ext->layout (p, &layout);
      g_assert_cmpuint (layout.max_steps, ==, made[k]->n_steps);
      g_assert_null (made[k]->lengths);
      g_assert_false (layout.shared_groups);   /* group[i] == i above */
      g_assert_cmpint (layout.partition, ==, td_dataset_find_meta (made[k], TD_META_PARTITION) != NULL);
      g_assert_cmpint (layout.step_labels, ==, made[k]->y_step != NULL);
    }
}

static void
test_ranges (void)
{
  TdDataset *ds = standard ();
  const double lo[] = { 0.8, 1480, 120, 150, 15 }, hi[] = { 1.8, 1580, 180, 250, 40 };
  double mean[NCH] = { 0 };
  size_t n = ds->n_series * ds->n_steps;
  for (size_t i = 0; i < n; i++)
    for (int c = 0; c < NCH; c++)
      {
        double v = ds->x[i * NCH + (size_t) c];
        g_assert_true (isfinite (v));
        g_assert_cmpfloat (v, >=, lo[c]);
        g_assert_cmpfloat (v, <=, hi[c]);
        mean[c] += v;
      }
  const double base[] = { 1.2, 1520, 150, 200, 25 }, noise[] = { 0.05, 10, 5, 15, 3 };
  for (int c = 0; c < NCH; c++)
    g_assert_cmpfloat (fabs (mean[c] / (double) n - base[c]), <, 0.5 * noise[c]);

  /* narrower ranges clip harder but hold just the same */
  g_autoptr (GError) err = NULL;
  g_autoptr (TdDataset) tight = generate_full (3, 1, &err, "num_casts", "20",
                                               "cast_duration_minutes", "20",
                                               "cooling_water_flow_min", "190.3",
                                               "cooling_water_flow_max", "205.7", NULL);
  g_assert_no_error (err);
  gboolean hit_lo = FALSE, hit_hi = FALSE;
  for (size_t i = 0; i < tight->n_series * tight->n_steps; i++)
    {
      double v = tight->x[i * NCH + WATER];
      g_assert_cmpfloat (v, >=, 190.3);
      g_assert_cmpfloat (v, <=, 205.7);
      hit_lo |= v < 190.31;
      hit_hi |= v > 205.69;
    }
  g_assert_true (hit_lo && hit_hi);
}

/* Lag-k autocorrelation of one channel within one good cast. */
static double
autocorr (const TdDataset *ds, size_t s, int c, size_t lag)
{
  size_t n = ds->n_steps;
  double m = 0, v = 0, cov = 0;
  for (size_t t = 0; t < n; t++)
    m += at (ds, s, t, c);
  m /= (double) n;
  for (size_t t = 0; t < n; t++)
    {
      double d = at (ds, s, t, c) - m;
      v += d * d;
      if (t >= lag)
        cov += d * (at (ds, s, t - lag, c) - m);
    }
  return cov / v;
}

static void
test_autocorrelation (void)
{
  TdDataset *ds = standard ();
  /* average over the first 20 casts with no event */
  double r_temp = 0, r_level = 0, r_speed10 = 0, sd_temp = 0;
  int n = 0;
  for (size_t i = 0; i < ds->n_series && n < 20; i++)
    {
      if (strcmp (meta_str (ds, "event", i), "none") != 0)
        continue;
      r_temp += autocorr (ds, i, TEMP, 1);
      r_level += autocorr (ds, i, LEVEL, 1);
      r_speed10 += autocorr (ds, i, SPEED, 10);
      double m = 0, v = 0;
      for (size_t t = 0; t < ds->n_steps; t++)
        m += at (ds, i, t, TEMP);
      m /= (double) ds->n_steps;
      for (size_t t = 0; t < ds->n_steps; t++)
        v += (at (ds, i, t, TEMP) - m) * (at (ds, i, t, TEMP) - m);
      sd_temp += sqrt (v / (double) ds->n_steps);
      n++;
    }
  g_assert_cmpint (n, ==, 20);
  /* AR(1) coefficients 0.995, 0.9 and 0.98^10 = 0.82; spikes pull these
   * down a little; white noise would give ~0 */
  g_assert_cmpfloat (r_temp / n, >, 0.95);
  g_assert_cmpfloat (r_level / n, >, 0.75);
  g_assert_cmpfloat (r_speed10 / n, >, 0.6);
  /* within-cast sd is below the stationary 10 only by the slow drift */
  g_assert_cmpfloat (sd_temp / n, >, 4.0);
  g_assert_cmpfloat (sd_temp / n, <, 12.0);

  /* ar = 0 gives white noise (the same check would catch a broken AR) */
  g_autoptr (GError) err = NULL;
  g_autoptr (TdDataset) white = generate_full (5, 1, &err, "num_casts", "4",
                                               "cast_duration_minutes", "20",
                                               "defect_probability", "0.02",
                                               "near_miss_probability", "0",
                                               "casting_speed_ar", "0", NULL);
  g_assert_no_error (err);
  int n_white = 0;
  for (size_t i = 0; i < white->n_series; i++)
    if (strcmp (meta_str (white, "event", i), "none") == 0)
      {
        g_assert_cmpfloat (fabs (autocorr (white, i, SPEED, 1)), <, 0.15);
        n_white++;
      }
  g_assert_cmpint (n_white, >=, 3);
}

static void
test_defect_rate (void)
{
  TdDataset *ds = standard ();
  size_t pos = td_dataset_count_positive (ds);
  double rate = (double) pos / (double) ds->n_series;
  g_test_message ("defect rate %.4f (%zu of %zu)", rate, pos, ds->n_series);
  g_assert_cmpfloat (fabs (rate - 0.15), <=, 0.03);

  /* another target and seed */
  g_autoptr (GError) err = NULL;
  g_autoptr (TdDataset) other = generate_full (7, 2, &err, "cast_duration_minutes", "20",
                                               "num_casts", "1000",
                                               "defect_probability", "0.3",
                                               "label_noise", "0.05", NULL);
  g_assert_no_error (err);
  rate = (double) td_dataset_count_positive (other) / 1000.0;
  g_test_message ("defect rate %.4f at target 0.3", rate);
  g_assert_cmpfloat (fabs (rate - 0.3), <=, 0.03);
}

/* Root-cause metadata: each mechanism names the sensors its rule reads,
 * hidden from models; a flipped or good cast names none. */
static void
test_cause_metadata (void)
{
  TdDataset *ds = standard ();
  int named = 0;
  for (size_t i = 0; i < ds->n_series; i++)
    {
      const char *m = meta_str (ds, "mechanism", i), *c = meta_str (ds, "cause_channels", i);
      if (strcmp (m, "level_excursion") == 0)
        g_assert_cmpstr (c, ==, "mold_level");
      else if (strcmp (m, "temperature_drop") == 0)
        g_assert_cmpstr (c, ==, "mold_temperature");
      else if (strcmp (m, "speed_superheat") == 0)
        g_assert_cmpstr (c, ==, "casting_speed;superheat");
      else if (strcmp (m, "drop_then_level") == 0)
        g_assert_cmpstr (c, ==, "mold_temperature;mold_level");
      else
        g_assert_cmpstr (c, ==, "");
      named += *c != '\0';
      g_assert_cmpstr (meta_str (ds, "defect_type", i), ==, *c ? m : "none");
      g_assert_cmpfloat (meta_num (ds, "cause_start", i), ==, -1);
    }
  g_assert_cmpint (named, >, 0);
  g_assert_cmpint (td_dataset_find_meta (ds, "cause_channels")->role, ==, TD_META_TARGET);
}

static void
test_mechanisms (void)
{
  TdDataset *ds = standard ();
  const char *names[] = { "level_excursion", "temperature_drop", "speed_superheat",
                          "drop_then_level" };
  int count[4] = { 0 }, noise_flips = 0, none_good = 0;
  for (size_t i = 0; i < ds->n_series; i++)
    {
      const char *m = meta_str (ds, "mechanism", i);
      gboolean r[4] = { rule_level (ds, i), rule_drop (ds, i), rule_speed (ds, i),
                        rule_sequence (ds, i, NULL) };
      gboolean any = r[0] || r[1] || r[2] || r[3];
      if (strcmp (m, "label_noise") == 0)
        {
          /* the flipped label contradicts the signal */
          g_assert_cmpint (ds->y[i] == 1.0, ==, !any);
          noise_flips++;
          continue;
        }
      if (strcmp (m, "none") == 0)
        {
          g_assert_false (any);
          g_assert_cmpfloat (ds->y[i], ==, 0.0);
          none_good++;
          continue;
        }
      g_assert_cmpfloat (ds->y[i], ==, 1.0);
      int k;
      for (k = 0; k < 4; k++)
        if (strcmp (m, names[k]) == 0)
          break;
      g_assert_cmpint (k, <, 4);
      /* the named rule holds on the stored signal */
      g_assert_true (r[k]);
      count[k]++;
    }
  for (int k = 0; k < 4; k++)
    {
      g_test_message ("%s: %d casts", names[k], count[k]);
      g_assert_cmpint (count[k], >=, 10);
    }
  g_test_message ("label noise: %d casts", noise_flips);
  g_assert_cmpint (noise_flips, >, 5);     /* expected 24 of 1200 */
  g_assert_cmpint (noise_flips, <, 60);
  g_assert_cmpint (none_good, >, 900);
}

/* Drop-then-level casts: the drop precedes the excursion within the gap, and
 * neither event alone would have fired its own rule. */
static void
test_timing_mechanism (void)
{
  TdDataset *ds = standard ();
  int labelled = 0, wrong_order = 0, too_late = 0, weak = 0;
  for (size_t i = 0; i < ds->n_series; i++)
    {
      const char *m = meta_str (ds, "mechanism", i);
      const char *ev = meta_str (ds, "event", i);
      long gap = -1;
      gboolean seq = rule_sequence (ds, i, &gap);
      if (strcmp (m, "drop_then_level") == 0)
        {
          g_assert_true (seq);
          g_assert_cmpint (gap, >=, 0);
          g_assert_cmpint (gap, <=, SEQ_GAP);
          labelled++;
          if (strcmp (ev, "drop_then_level") == 0)
            {
              g_assert_false (rule_level (ds, i));
              g_assert_false (rule_drop (ds, i));
            }
        }
      if (strcmp (ev, "near_miss_wrong_order") == 0)
        {
          g_assert_false (seq);
          g_assert_cmpstr (m, !=, "drop_then_level");
          wrong_order++;
        }
      if (strcmp (ev, "near_miss_too_late") == 0)
        {
          g_assert_false (seq);
          g_assert_cmpstr (m, !=, "drop_then_level");
          too_late++;
        }
      if (strcmp (ev, "near_miss_weak_drop") == 0)
        {
          g_assert_false (seq);
          weak++;
        }
    }
  g_assert_cmpint (labelled, >=, 10);
  g_assert_cmpint (wrong_order, >=, 10);
  g_assert_cmpint (too_late, >=, 10);
  g_assert_cmpint (weak, >=, 10);
}

/* Hand-built casts through the plugin's own rule evaluator: the same pair
 * of events fires the timing rule only in the right order and in time. */
static float *
flat_cast (size_t n)
{
  float *x = g_new (float, n * NCH);
  for (size_t t = 0; t < n; t++)
    {
      float *r = x + t * NCH;
      r[SPEED] = 1.2f;
      r[TEMP] = 1520.f;
      r[LEVEL] = 150.f;
      r[WATER] = 200.f;
      r[SUPERHEAT] = 25.f;
    }
  return x;
}

static void
put_drop (float *x, size_t n, size_t at_t, float drop)
{
  for (size_t t = at_t; t < n; t++)
    x[t * NCH + TEMP] = 1520.f - drop;
}

static void
put_excursion (float *x, size_t start, size_t len)
{
  for (size_t t = start; t < start + len; t++)
    x[t * NCH + LEVEL] = 170.f;
}

static void
test_timing_rule_unit (void)
{
  SteelRules r = {
    .level_base = LEVEL_BASE, .level_band = BAND, .level_min_seconds = LEVEL_MIN,
    .temperature_drop = DROP, .temperature_drop_window = WINDOW,
    .speed_high = SPEED_HIGH, .superheat_low = SUPERHEAT_LOW,
    .speed_superheat_min_seconds = BOTH_MIN, .sequence_temperature_drop = SEQ_DROP,
    .sequence_level_min_seconds = SEQ_LEVEL_MIN, .sequence_max_gap_seconds = SEQ_GAP,
  };
  const size_t n = 1200;
  g_autofree int *dq = g_new (int, n);
  struct {
    size_t drop_t; float drop; size_t ex_start, ex_len; guint expect;
  } cases[] = {
    { 300, 35, 320, 15, STEEL_M_DROP_THEN_LEVEL },           /* in order, in time */
    /* a step drop holds the criterion for WINDOW s: the last drop sample is 359 */
    { 300, 35, 359 + SEQ_GAP, 15, STEEL_M_DROP_THEN_LEVEL }, /* exactly at the gap */
    { 300, 35, 360 + SEQ_GAP, 15, 0 },                       /* one second too late */
    { 500, 35, 300, 15, 0 },                                 /* wrong order */
    { 300, 25, 320, 15, 0 },                                 /* drop too small */
    { 300, 35, 320, 9, 0 },                                  /* excursion too short */
    { 300, 55, 320, 15, STEEL_M_DROP_THEN_LEVEL | STEEL_M_TEMPERATURE_DROP },
    { 300, 35, 320, 30, STEEL_M_DROP_THEN_LEVEL | STEEL_M_LEVEL_EXCURSION },
    { 900, 0, 300, 29, 0 },                                  /* no drop, 29 s */
    { 900, 0, 300, 30, STEEL_M_LEVEL_EXCURSION },
  };
  for (size_t k = 0; k < G_N_ELEMENTS (cases); k++)
    {
      g_autofree float *x = flat_cast (n);
      if (cases[k].drop > 0)
        put_drop (x, n, cases[k].drop_t, cases[k].drop);
      put_excursion (x, cases[k].ex_start, cases[k].ex_len);
      g_test_message ("case %zu", k);
      g_assert_cmpuint (steel_rules_eval (&r, x, n, dq, NULL), ==, cases[k].expect);
    }
  /* speed with superheat: 19 s no, 20 s yes, and they must coincide */
  for (int len = 19; len <= 20; len++)
    {
      g_autofree float *x = flat_cast (n);
      for (int t = 0; t < len; t++)
        {
          x[(size_t) (100 + t) * NCH + SPEED] = 1.6f;
          x[(size_t) (100 + t) * NCH + SUPERHEAT] = 16.f;
          x[(size_t) (600 + t) * NCH + SPEED] = 1.6f;   /* speed alone */
        }
      g_assert_cmpuint (steel_rules_eval (&r, x, n, dq, NULL), ==,
                        len == 20 ? STEEL_M_SPEED_SUPERHEAT : 0u);
    }
  g_assert_cmpstr (steel_mechanism_name (steel_rules_first (STEEL_M_DROP_THEN_LEVEL
                                                            | STEEL_M_LEVEL_EXCURSION)),
                   ==, "level_excursion");
}

static void
test_near_misses (void)
{
  TdDataset *ds = standard ();
  const char *kinds[] = { "near_miss_level_short", "near_miss_level_inside",
                          "near_miss_temperature_small", "near_miss_speed_only",
                          "near_miss_superheat_only", "near_miss_wrong_order",
                          "near_miss_too_late", "near_miss_weak_drop" };
  int count[G_N_ELEMENTS (kinds)] = { 0 };
  int visible = 0;
  for (size_t i = 0; i < ds->n_series; i++)
    {
      const char *ev = meta_str (ds, "event", i);
      for (size_t k = 0; k < G_N_ELEMENTS (kinds); k++)
        if (strcmp (ev, kinds[k]) == 0)
          {
            count[k]++;
            /* a near miss is a good cast unless its label was flipped */
            if (strcmp (meta_str (ds, "mechanism", i), "label_noise") != 0)
              g_assert_cmpfloat (ds->y[i], ==, 0.0);
            g_assert_false (rule_level (ds, i) || rule_drop (ds, i) || rule_speed (ds, i));
            /* and it is visible in the signal: something left the normal band */
            double max_drop = 0, max_dev = 0;
            for (size_t t = 0; t < ds->n_steps; t += 5)
              {
                max_drop = MAX (max_drop, drop_at (ds, i, t));
                max_dev = MAX (max_dev, fabs (at (ds, i, t, LEVEL) - LEVEL_BASE));
              }
            int both = 0;
            for (size_t t = 0; t < ds->n_steps; t++)
              both += at (ds, i, t, SPEED) > 1.45 || at (ds, i, t, SUPERHEAT) < 18.0;
            visible += max_drop > 15 || max_dev > 8 || both > 20;
          }
    }
  /* 240 near misses in proportion to the default near_miss_weights, within one cast */
  const double weight[G_N_ELEMENTS (kinds)] = { 1, 1, 1, 1, 1, 3, 3, 2 };
  int total = 0;
  for (size_t k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      g_test_message ("%s: %d", kinds[k], count[k]);
      g_assert_cmpfloat (fabs (count[k] - 240.0 * weight[k] / 13.0), <, 1.0);
      total += count[k];
    }
  g_assert_cmpint (total, ==, 240);
  g_assert_cmpint (visible, >=, total * 9 / 10);
}

static void
test_true_probability (void)
{
  TdDataset *ds = standard ();
  double sum[2] = { 0 }, n[2] = { 0 };
  for (size_t i = 0; i < ds->n_series; i++)
    {
      double p = meta_num (ds, "true_defect_probability", i);
      g_assert_cmpfloat (p, >=, 0.0);
      g_assert_cmpfloat (p, <=, 1.0);
      /* the Bayes score: 1 - noise when a mechanism fires, noise otherwise */
      gboolean fired = rule_level (ds, i) || rule_drop (ds, i) || rule_speed (ds, i)
                       || rule_sequence (ds, i, NULL);
      g_assert_cmpfloat_with_epsilon (p, fired ? 0.98 : 0.02, 1e-12);
      int y = ds->y[i] == 1.0;
      sum[y] += p;
      n[y]++;
    }
  g_assert_cmpfloat (sum[1] / n[1], >, sum[0] / n[0] + 0.5);
  /* the best a model can do: AUC below 1 because of label noise */
  g_autofree double *scores = g_new (double, ds->n_series);
  for (size_t i = 0; i < ds->n_series; i++)
    scores[i] = meta_num (ds, "true_defect_probability", i);
  double auc = td_roc_auc (ds->y, scores, ds->n_series);
  g_test_message ("Bayes AUC %.4f", auc);
  g_assert_cmpfloat (auc, >, 0.85);
  g_assert_cmpfloat (auc, <, 0.995);
}

static void
assert_same (const TdDataset *a, const TdDataset *b)
{
  g_assert_cmpuint (a->n_series, ==, b->n_series);
  g_assert_cmpuint (a->n_steps, ==, b->n_steps);
  size_t n = a->n_series * a->n_steps * a->n_channels;
  g_assert_cmpint (memcmp (a->x, b->x, n * sizeof (float)), ==, 0);
  g_assert_cmpint (memcmp (a->y, b->y, a->n_series * sizeof (double)), ==, 0);
  for (size_t i = 0; i < a->n_series; i++)
    {
      g_assert_cmpstr (meta_str (a, "mechanism", i), ==, meta_str (b, "mechanism", i));
      g_assert_cmpstr (meta_str (a, "event", i), ==, meta_str (b, "event", i));
      g_assert_cmpfloat (meta_num (a, "true_defect_probability", i), ==,
                         meta_num (b, "true_defect_probability", i));
    }
}

static void
test_determinism (void)
{
  g_autoptr (GError) err = NULL;
  g_autoptr (TdDataset) one = generate_full (11, 1, &err, "num_casts", "60",
                                             "cast_duration_minutes", "20", NULL);
  g_assert_no_error (err);
  g_autoptr (TdDataset) two = generate_full (11, 2, &err, "num_casts", "60",
                                             "cast_duration_minutes", "20", NULL);
  g_assert_no_error (err);
  g_autoptr (TdDataset) four = generate_full (11, 4, &err, "num_casts", "60",
                                              "cast_duration_minutes", "20", NULL);
  g_assert_no_error (err);
  assert_same (one, two);
  assert_same (one, four);

  g_autoptr (TdDataset) other = generate_full (12, 2, &err, "num_casts", "60",
                                               "cast_duration_minutes", "20", NULL);
  g_assert_no_error (err);
  size_t n = one->n_series * one->n_steps * one->n_channels, same = 0;
  for (size_t i = 0; i < n; i++)
    same += one->x[i] == other->x[i];
  /* only clipped values can coincide */
  g_assert_cmpuint (same, <, n / 100);
  gboolean labels_differ = FALSE;
  for (size_t i = 0; i < one->n_series; i++)
    labels_differ |= one->y[i] != other->y[i];
  g_assert_true (labels_differ);
}

typedef struct {
  const char *name, *value;
} BadParam;

static void
test_bad_params (void)
{
  const BadParam bad[] = {
    { "casting_speed_min", "1.3" },          /* above base */
    { "mold_temperature_max", "1500" },      /* below base */
    { "level_band", "35" },                  /* wider than the range allows */
    { "sequence_level_min_seconds", "20" },  /* too close to level_min_seconds */
    { "temperature_drop", "70" },            /* does not fit the temperature range */
    { "sequence_temperature_drop", "45" },   /* too close to temperature_drop */
    { "speed_high", "1.9" },                 /* above casting_speed_max */
    { "superheat_low", "26" },               /* above superheat_base */
    { "label_noise", "0.2" },                /* above defect_probability */
    { "near_miss_probability", "0.9" },      /* with 15 % defects > 1 */
    { "defect_event_weights", "[1, 1, 1]" }, /* one per defect kind */
    { "defect_event_weights", "[0, 0, 0, 0]" },
    { "near_miss_weights", "[1, 1, 1, 1, 1, 1, 1, 1, 1]" },
  };
  const TdPluginDescriptor *d = descriptor ();
  for (size_t k = 0; k < G_N_ELEMENTS (bad); k++)
    {
      g_autoptr (GError) err = NULL;
      g_autoptr (TdParams) params = td_params_new_defaults (d->params, d->n_params, &err);
      g_assert_no_error (err);
      g_assert_true (td_params_set_text (params, "num_casts", "2", NULL));
      gboolean set = td_params_set_text (params, bad[k].name, bad[k].value, &err);
      g_assert_no_error (err);
      g_assert_true (set);
      g_autoptr (TdContext) ctx = td_context_new (1);
      const TdGeneratorVTable *vt = d->vtable;
      g_autoptr (TdDataset) ds = vt->generate (params, ctx, &err);
      g_test_message ("%s = %s: %s", bad[k].name, bad[k].value, err ? err->message : "(none)");
      g_assert_null (ds);
      g_assert_error (err, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT);
      g_assert_nonnull (strstr (err->message, bad[k].name));
    }
  /* a short cast with a long gap is refused by name */
  g_autoptr (GError) err = NULL;
  g_autoptr (TdDataset) ds = generate_full (1, 1, &err, "cast_duration_minutes", "20",
                                            "sequence_max_gap_seconds", "600", NULL);
  g_assert_null (ds);
  g_assert_error (err, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (err->message, "cast_duration_minutes"));
  /* the core's own range checks */
  const TdPluginDescriptor *dd = descriptor ();
  g_autoptr (TdParams) params = td_params_new_defaults (dd->params, dd->n_params, NULL);
  g_assert_false (td_params_set_text (params, "cast_duration_minutes", "5", NULL));
  g_assert_false (td_params_set_text (params, "defect_probability", "1.5", NULL));
  g_assert_false (td_params_set_text (params, "superheat_noise", "0", NULL));   /* (0, ...] */
  g_assert_false (td_params_set_text (params, "level_min_seconds", "15", NULL));
}

/* Event weights set the mix of planned events: zero weights leave a kind
 * out, the rest come in proportion (within one cast), and every cast still
 * shows exactly what its plan says. */
static void
test_event_weights (void)
{
  g_autoptr (GError) err = NULL;
  g_autoptr (TdDataset) ds = generate_full (7, 2, &err, "num_casts", "400",
                                            "cast_duration_minutes", "20",
                                            "defect_event_weights", "[0, 1, 0, 3]",
                                            "near_miss_weights", "[0, 0, 0, 0, 0, 1, 1, 2]",
                                            NULL);
  g_assert_no_error (err);
  const char *kinds[] = { "none", "temperature_drop", "drop_then_level",
                          "near_miss_wrong_order", "near_miss_too_late", "near_miss_weak_drop" };
  int count[G_N_ELEMENTS (kinds)] = { 0 };
  for (size_t i = 0; i < ds->n_series; i++)
    {
      const char *ev = meta_str (ds, "event", i);
      size_t k = 0;
      while (k < G_N_ELEMENTS (kinds) && strcmp (ev, kinds[k]) != 0)
        k++;
      if (k == G_N_ELEMENTS (kinds))
        g_error ("cast %zu carries event %s, whose weight is 0", i, ev);
      count[k]++;
      /* the label follows the signal: a planned defect fires its own mechanism */
      const char *mech = meta_str (ds, "mechanism", i);
      if (k == 1 || k == 2)
        g_assert_true (strcmp (mech, ev) == 0 || strcmp (mech, "label_noise") == 0);
      else
        g_assert_true (strcmp (mech, "none") == 0 || strcmp (mech, "label_noise") == 0);
    }
  /* round(0.1354 * 400) = 54 defect casts in 1 : 3, 80 near misses in 1 : 1 : 2 */
  g_assert_cmpint (count[1] + count[2], ==, 54);
  g_assert_cmpint (abs (count[2] - 3 * count[1]), <=, 3);
  g_assert_cmpint (count[3], ==, 20);
  g_assert_cmpint (count[4], ==, 20);
  g_assert_cmpint (count[5], ==, 40);
}

/* The ziggurat's moments and tails against the standard normal. */
static void
test_normal_sampler (void)
{
  GenZiggurat z;
  gen_ziggurat_init (&z);
  GenRng rng;
  gen_rng_init (&rng, 99, 0);
  const size_t n = 2000000;
  double sum = 0, sum2 = 0, sum4 = 0;
  size_t over2 = 0, over3 = 0, over4 = 0;
  for (size_t k = 0; k < n; k++)
    {
      double v = gen_normal (&rng, &z);
      sum += v;
      sum2 += v * v;
      sum4 += v * v * v * v;
      over2 += fabs (v) > 2;
      over3 += fabs (v) > 3;
      over4 += fabs (v) > 4;
    }
  double mean = sum / (double) n, var = sum2 / (double) n - mean * mean;
  g_assert_cmpfloat (fabs (mean), <, 0.004);
  g_assert_cmpfloat (fabs (var - 1), <, 0.005);
  g_assert_cmpfloat (fabs (sum4 / (double) n - 3), <, 0.03);
  /* two-sided tails 0.04550, 0.002700, 6.334e-5; ~5 sd bounds */
  g_assert_cmpfloat (fabs ((double) over2 / (double) n - 0.04550), <, 0.0007);
  g_assert_cmpfloat (fabs ((double) over3 / (double) n - 0.002700), <, 0.00019);
  g_assert_cmpuint (over4, >, 70);
  g_assert_cmpuint (over4, <, 190);
  /* different indices give different streams */
  GenRng a, b;
  gen_rng_init (&a, 99, 1);
  gen_rng_init (&b, 99, 2);
  g_assert_cmpuint (gen_next (&a), !=, gen_next (&b));
}

static SteelShape
default_shape (void)
{
  SteelShape sh = {
    .sensor = {
      { 1.2, 0.05, 0.8, 1.8, 0.98 }, { 1520, 10, 1480, 1580, 0.995 },
      { 150, 5, 120, 180, 0.9 }, { 200, 15, 150, 250, 0.97 }, { 25, 3, 15, 40, 0.995 },
    },
    .rules = {
      .level_base = LEVEL_BASE, .level_band = BAND, .level_min_seconds = LEVEL_MIN,
      .temperature_drop = DROP, .temperature_drop_window = WINDOW,
      .speed_high = SPEED_HIGH, .superheat_low = SUPERHEAT_LOW,
      .speed_superheat_min_seconds = BOTH_MIN, .sequence_temperature_drop = SEQ_DROP,
      .sequence_level_min_seconds = SEQ_LEVEL_MIN, .sequence_max_gap_seconds = SEQ_GAP,
    },
  };
  return sh;
}

/* Every event fits the span the validation assumes: in a cast of exactly
 * span + 2 margins, no event ever leaves [margin, n - margin]. */
static void
test_event_span (void)
{
  SteelShape shapes[3] = { default_shape (), default_shape (), default_shape () };
  shapes[1].rules.temperature_drop_window = 300;
  shapes[1].rules.sequence_max_gap_seconds = 600;
  shapes[2].rules.level_min_seconds = 200;
  shapes[2].rules.speed_superheat_min_seconds = 900;
  GenRng rng;
  gen_rng_init (&rng, 5, 0);
  for (size_t k = 0; k < G_N_ELEMENTS (shapes); k++)
    {
      double span = steel_event_max_span (&shapes[k]);
      size_t n = (size_t) ceil (span) + 2 * STEEL_EVENT_MARGIN;
      double longest = 0;
      for (int kind = 1; kind < STEEL_N_EVENTS; kind++)
        for (int rep = 0; rep < 3000; rep++)
          {
            SteelEvent ev;
            steel_event_draw ((SteelEventKind) kind, &shapes[k], &rng, n, &ev);
            g_assert_cmpint (ev.n_parts, >, 0);
            double t0 = INFINITY, t1 = -INFINITY;
            for (int p = 0; p < ev.n_parts; p++)
              {
                for (int j = 1; j < ev.part[p].n_knots; j++)
                  g_assert_cmpfloat (ev.part[p].t[j], >=, ev.part[p].t[j - 1]);
                t0 = MIN (t0, ev.part[p].t[0]);
                t1 = MAX (t1, ev.part[p].t[ev.part[p].n_knots - 1]);
              }
            g_assert_cmpfloat (t0, >=, STEEL_EVENT_MARGIN - 1e-6);
            g_assert_cmpfloat (t1, <=, (double) (n - STEEL_EVENT_MARGIN) + 1e-6);
            longest = MAX (longest, t1 - t0);
          }
      /* the bound is not wildly loose either */
      g_test_message ("shape %zu: bound %.0f s, longest drawn %.0f s", k, span, longest);
      g_assert_cmpfloat (longest, >, 0.7 * span);
    }
}

static void
test_cancel (void)
{
  const TdPluginDescriptor *d = descriptor ();
  g_autoptr (TdParams) params = td_params_new_defaults (d->params, d->n_params, NULL);
  g_autoptr (TdContext) ctx = td_context_new (1);
  td_context_cancel (ctx);
  g_autoptr (GError) err = NULL;
  const TdGeneratorVTable *vt = d->vtable;
  g_autoptr (TdDataset) ds = vt->generate (params, ctx, &err);
  g_assert_null (ds);
  g_assert_error (err, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_CANCELLED);
}

/* A recalibration moves only the chosen sensor of the last casts, by
 * exactly base + gain (v - base) + offset; labels, the other channels and
 * the earlier casts are the data without it, and `recalibrated` (hidden)
 * says which casts moved. */
static void
test_recalibration (void)
{
  g_autoptr (GError) err = NULL;
  g_autoptr (TdDataset) plain = generate_full (7, 2, &err, "num_casts", "40",
                                               "cast_duration_minutes", "20", NULL);
  g_assert_no_error (err);
  g_assert_null (td_dataset_find_meta (plain, "recalibrated"));
  g_autoptr (TdDataset) shifted = generate_full (7, 2, &err, "num_casts", "40",
                                                 "cast_duration_minutes", "20",
                                                 "recalibration_fraction", "0.25",
                                                 "recalibration_channel", "superheat",
                                                 "recalibration_offset", "2.5",
                                                 "recalibration_gain", "1.5", NULL);
  g_assert_no_error (err);
  const TdMetaColumn *flag = td_dataset_find_meta (shifted, "recalibrated");
  g_assert_nonnull (flag);
  g_assert_cmpint (flag->role, ==, TD_META_TARGET);
  size_t n_flagged = 0, n_moved = 0;
  const size_t ch = STEEL_CH_SUPERHEAT, stride = plain->n_channels;
  for (size_t s = 0; s < plain->n_series; s++)
    {
      g_assert_cmpfloat (plain->y[s], ==, shifted->y[s]);
      g_assert_cmpfloat (flag->num[s], ==, s >= 30 ? 1.0 : 0.0);
      n_flagged += flag->num[s] == 1.0;
      const float *a = td_dataset_series (plain, s), *b = td_dataset_series (shifted, s);
      for (size_t t = 0; t < plain->n_steps; t++)
        for (size_t c = 0; c < stride; c++)
          {
            float want = a[t * stride + c];
            if (c == ch && s >= 30)
              want = (float) (25.0 + 1.5 * ((double) want - 25.0) + 2.5);
            g_assert_cmpfloat (b[t * stride + c], ==, want);
            n_moved += b[t * stride + c] != a[t * stride + c];
          }
    }
  g_assert_cmpuint (n_flagged, ==, 10);
  /* The check is not vacuous: the shifted casts' values did change. */
  g_assert_cmpuint (n_moved, >, 10 * plain->n_steps / 2);

  /* A fraction without offset or gain: the same casts marked, nothing moved
   * (the control of experiments/steel-casting-drift.yaml). */
  g_autoptr (TdDataset) control = generate_full (7, 2, &err, "num_casts", "40",
                                                 "cast_duration_minutes", "20",
                                                 "recalibration_fraction", "0.25", NULL);
  g_assert_no_error (err);
  flag = td_dataset_find_meta (control, "recalibrated");
  g_assert_nonnull (flag);
  g_assert_cmpfloat (flag->num[30], ==, 1.0);
  g_assert_cmpmem (control->x, plain->n_series * plain->n_steps * stride * sizeof (float),
                   plain->x, plain->n_series * plain->n_steps * stride * sizeof (float));
}

/* SHA-256 of everything a dataset holds: shape, x, y, task, class names,
 * channel names, ids, groups and every metadata column with its role. */
static char *
fingerprint (const TdDataset *ds)
{
  GChecksum *sum = g_checksum_new (G_CHECKSUM_SHA256);
  guint64 shape[5] = { ds->n_series, ds->n_steps, ds->n_channels, ds->n_classes,
                      (guint64) ds->task };
  g_checksum_update (sum, (const guchar *) shape, sizeof shape);
  g_checksum_update (sum, (const guchar *) ds->x,
                     ds->n_series * ds->n_steps * ds->n_channels * sizeof (float));
  g_checksum_update (sum, (const guchar *) ds->y, ds->n_series * sizeof (double));
  g_checksum_update (sum, (const guchar *) ds->series_id, ds->n_series * sizeof (gint64));
  g_checksum_update (sum, (const guchar *) ds->group, ds->n_series * sizeof (gint64));
  for (size_t c = 0; ds->class_names && ds->class_names[c]; c++)
    g_checksum_update (sum, (const guchar *) ds->class_names[c], -1);
  for (size_t c = 0; ds->channel_names && ds->channel_names[c]; c++)
    g_checksum_update (sum, (const guchar *) ds->channel_names[c], -1);
  for (guint k = 0; k < ds->meta->len; k++)
    {
      const TdMetaColumn *m = ds->meta->pdata[k];
      g_checksum_update (sum, (const guchar *) m->name, -1);
      guint64 role = (guint64) m->role;
      g_checksum_update (sum, (const guchar *) &role, sizeof role);
      for (size_t i = 0; i < ds->n_series; i++)
        if (m->num)
          g_checksum_update (sum, (const guchar *) &m->num[i], sizeof (double));
        else
          g_checksum_update (sum, (const guchar *) m->str[i], (gssize) strlen (m->str[i]) + 1);
    }
  char *hex = g_strdup (g_checksum_get_string (sum));
  g_checksum_free (sum);
  return hex;
}

/* The binary target is the default, and adding the grade target changed
 * none of its bytes: digests recorded from the generator before `target`
 * existed (steel_casting 1.1.0, commit cf9a648). */
static void
test_binary_unchanged (void)
{
  g_autofree char *standard_digest = fingerprint (standard ());
  g_test_message ("standard %s", standard_digest);
  g_autoptr (GError) err = NULL;
  g_autoptr (TdDataset) drift = generate_full (3, 3, &err, "num_casts", "90",
                                               "cast_duration_minutes", "30",
                                               "defect_probability", "0.3",
                                               "label_noise", "0.05",
                                               "recalibration_fraction", "0.2",
                                               "recalibration_offset", "4", NULL);
  g_assert_no_error (err);
  g_autofree char *drift_digest = fingerprint (drift);
  g_test_message ("drift %s", drift_digest);
  g_assert_cmpstr (standard_digest, ==,
                   "eb0502dbfc76e907f338fba90c5437f09bead708898fc740bae45d599609d7d5");
  g_assert_cmpstr (drift_digest, ==,
                   "55a9fc01f02a20026e39681273ed240f83355a7a1623f82fc89ce0016b6dfa32");
}

/* ------------------------------------------------------------ grades */

/* Default grade factors (see the parameter table). */
static const SteelGrading default_grading = {
  .major = { 2.5, 1.42, 6, 2 }, .reject = { 3.3, 1.58, 10, 2.4 },
};

static SteelRules
default_rules (void)
{
  return (SteelRules) {
    .level_base = LEVEL_BASE, .level_band = BAND, .level_min_seconds = LEVEL_MIN,
    .temperature_drop = DROP, .temperature_drop_window = WINDOW,
    .speed_high = SPEED_HIGH, .superheat_low = SUPERHEAT_LOW,
    .speed_superheat_min_seconds = BOTH_MIN, .sequence_temperature_drop = SEQ_DROP,
    .sequence_level_min_seconds = SEQ_LEVEL_MIN, .sequence_max_gap_seconds = SEQ_GAP,
  };
}

static int
grade_of_cast (const float *x, size_t n, double *severity_out)
{
  SteelRules r = default_rules ();
  g_autofree int *dq = g_new (int, n);
  SteelMeasures m;
  guint fired = steel_rules_eval (&r, x, n, dq, &m);
  double severity = steel_severity (&r, &default_grading, fired, &m);
  if (severity_out)
    *severity_out = severity;
  return steel_grade_of (severity);
}

/* One kind of event made bigger step by step (longer, deeper, longer
 * together): the severity never falls, so neither does the grade, and every
 * grade is reached on the way (the check is not vacuous). */
static void
test_grade_monotone (void)
{
  const size_t n = 1200;
  for (int kind = 0; kind < 4; kind++)
    {
      int last_grade = 0, seen[STEEL_N_GRADES] = { 0 };
      double last_severity = 0;
      for (int size = 0; size <= 200; size++)
        {
          g_autofree float *x = flat_cast (n);
          if (kind == 0)          /* a level excursion of `size` seconds */
            put_excursion (x, 300, (size_t) size);
          else if (kind == 1)     /* an excursion of 40 s, `size` / 8 mm beyond the band */
            for (size_t t = 300; t < 340; t++)
              x[t * NCH + LEVEL] = (float) (LEVEL_BASE + BAND + 0.125 * size);
          else if (kind == 2)     /* a temperature fall of size / 2 C */
            put_drop (x, n, 300, (float) size / 2.0f);
          else                    /* high speed and low superheat for size seconds */
            for (size_t t = 300; t < 300 + (size_t) size; t++)
              {
                x[t * NCH + SPEED] = 1.6f;
                x[t * NCH + SUPERHEAT] = 16.f;
              }
          double severity;
          int g = grade_of_cast (x, n, &severity);
          g_assert_cmpfloat (severity, >=, last_severity);
          g_assert_cmpint (g, >=, last_grade);
          last_severity = severity;
          last_grade = g;
          seen[g]++;
        }
      g_test_message ("kind %d: %d good, %d minor, %d major, %d reject", kind, seen[0],
                      seen[1], seen[2], seen[3]);
      /* the depth of a 40 s excursion adds one second at most: it stays minor */
      for (int g = 0; g < STEEL_N_GRADES; g++)
        if (kind != 1 || g < 2)
          g_assert_cmpint (seen[g], >, 0);
    }
}

/* The grade boundaries sit where the documentation puts them: minor from
 * the rule's threshold, major from major × threshold, reject from reject ×
 * threshold; severity is continuous; two mechanisms make a major defect. */
static void
test_grade_rule (void)
{
  const size_t n = 1200;
  struct { size_t len; int grade; } level[] = {
    { 29, 0 }, { 30, 1 }, { 74, 1 }, { 75, 2 }, { 98, 2 }, { 99, 3 }, { 400, 3 },
  };
  for (size_t k = 0; k < G_N_ELEMENTS (level); k++)
    {
      g_autofree float *x = flat_cast (n);
      put_excursion (x, 300, level[k].len);
      double severity;
      g_assert_cmpint (grade_of_cast (x, n, &severity), ==, level[k].grade);
      g_test_message ("level run %zu s: severity %.4f", level[k].len, severity);
    }
  /* severity 1 at the threshold, 2 at the major factor, linear between */
  SteelRules r = default_rules ();
  SteelMeasures m = { .level_run = 30 };
  g_assert_cmpfloat_with_epsilon (steel_severity (&r, &default_grading,
                                                  STEEL_M_LEVEL_EXCURSION, &m), 1.0, 1e-12);
  m.level_run = 75;
  g_assert_cmpfloat_with_epsilon (steel_severity (&r, &default_grading,
                                                  STEEL_M_LEVEL_EXCURSION, &m), 2.0, 1e-12);
  m.level_run = 52.5;
  g_assert_cmpfloat_with_epsilon (steel_severity (&r, &default_grading,
                                                  STEEL_M_LEVEL_EXCURSION, &m), 1.5, 1e-12);
  m.level_run = 99;
  g_assert_cmpfloat_with_epsilon (steel_severity (&r, &default_grading,
                                                  STEEL_M_LEVEL_EXCURSION, &m), 3.0, 1e-12);
  g_assert_cmpfloat (steel_severity (&r, &default_grading, 0, &m), ==, 0.0);

  /* a 35 s excursion and 25 s of high speed with low superheat: each minor
   * alone, major together */
  g_autofree float *x = flat_cast (n);
  put_excursion (x, 300, 35);
  g_assert_cmpint (grade_of_cast (x, n, NULL), ==, 1);
  for (size_t t = 600; t < 625; t++)
    {
      x[t * NCH + SPEED] = 1.6f;
      x[t * NCH + SUPERHEAT] = 16.f;
    }
  g_assert_cmpint (grade_of_cast (x, n, NULL), ==, 2);
  g_assert_cmpint (steel_grade_of (0.999), ==, 0);
  g_assert_cmpint (steel_grade_of (2.999), ==, 2);
  g_assert_cmpint (steel_grade_of (7.5), ==, 3);
}

/* Independent of steel_rules.c: the longest run outside the band, the
 * largest drop, the seconds with both, the longest run that starts within
 * the gap after a drop; then the documented severity. */
static double
independent_severity (const TdDataset *ds, size_t s)
{
  int longest = 0, run = 0, both = 0, seq = 0;
  double drop = 0;
  for (size_t t = 0; t < ds->n_steps; t++)
    {
      run = outside_band (ds, s, t) ? run + 1 : 0;
      longest = MAX (longest, run);
      drop = MAX (drop, drop_at (ds, s, t));
      both += at (ds, s, t, SPEED) > SPEED_HIGH && at (ds, s, t, SUPERHEAT) < SUPERHEAT_LOW;
    }
  size_t t = 0, len;
  long gap;
  while ((len = next_run_after_drop (ds, s, &t, &gap)) > 0)
    seq = MAX (seq, (int) len);
  const double ratio[4] = { longest / (double) LEVEL_MIN, drop / DROP, both / (double) BOTH_MIN,
                            seq / (double) SEQ_LEVEL_MIN };
  double severity = 0;
  int n_fired = 0;
  for (int k = 0; k < 4; k++)
    {
      if (ratio[k] < 1)
        continue;
      n_fired++;
      double a = default_grading.major[k], b = default_grading.reject[k];
      double sk = ratio[k] < a ? 1 + (ratio[k] - 1) / (a - 1) : 2 + (ratio[k] - a) / (b - a);
      severity = MAX (severity, sk);
    }
  return n_fired >= 2 ? MAX (severity, 2) : severity;
}

static TdDataset *
graded (guint64 seed, int threads, const char *noise)
{
  g_autoptr (GError) err = NULL;
  TdDataset *ds = generate_full (seed, threads, &err, "cast_duration_minutes", "20",
                                 "target", "grade", "label_noise", noise, NULL);
  g_assert_no_error (err);
  g_assert_nonnull (ds);
  return ds;
}

/* The grade target: the same signal as the binary one; a multiclass dataset
 * with the grade names; labels are the rule's grade of the stored signal
 * (checked against an independent measurement), grade > 0 exactly where the
 * binary label says defect (with and without noise: a flip is the same
 * event), hidden severity and class probabilities, the class shares the
 * documentation gives. */
static void
test_grade_target (void)
{
  TdDataset *binary = standard ();
  g_autoptr (TdDataset) ds = graded (42, 2, "0.02");
  g_assert_cmpint (ds->task, ==, TD_TASK_MULTICLASS);
  g_assert_cmpuint (ds->n_classes, ==, 4);
  const char *names[] = { "good", "minor", "major", "reject" };
  for (size_t c = 0; c < 4; c++)
    g_assert_cmpstr (ds->class_names[c], ==, names[c]);
  g_assert_null (ds->class_names[4]);
  g_assert_cmpmem (ds->x, ds->n_series * ds->n_steps * ds->n_channels * sizeof (float),
                   binary->x, binary->n_series * binary->n_steps * binary->n_channels
                              * sizeof (float));
  g_assert_null (td_dataset_find_meta (ds, "true_defect_probability"));
  const char *hidden[] = { "severity", "mechanism", "true_probability.good",
                           "true_probability.minor", "true_probability.major",
                           "true_probability.reject" };
  for (size_t k = 0; k < G_N_ELEMENTS (hidden); k++)
    {
      const TdMetaColumn *c = td_dataset_find_meta (ds, hidden[k]);
      g_assert_nonnull (c);
      g_assert_cmpint (c->role, ==, TD_META_TARGET);
    }

  size_t counts[4] = { 0 }, flips = 0, checked = 0;
  for (size_t i = 0; i < ds->n_series; i++)
    {
      int y = (int) ds->y[i];
      g_assert_cmpfloat (ds->y[i], ==, (double) y);
      g_assert_cmpint (y, >=, 0);
      g_assert_cmpint (y, <, 4);
      counts[y]++;
      g_assert_cmpint (y > 0, ==, binary->y[i] == 1.0);
      double severity = meta_num (ds, "severity", i);
      int rule = steel_grade_of (severity);
      gboolean flipped = strcmp (meta_str (ds, "mechanism", i), "label_noise") == 0;
      flips += flipped;
      g_assert_cmpint (y, ==, flipped ? (rule > 0 ? 0 : 1) : rule);
      /* P(label | signal): 1 - noise on the rule's grade, noise on the flip's */
      double total = 0;
      for (size_t c = 0; c < 4; c++)
        {
          g_autofree char *col = g_strdup_printf ("true_probability.%s", names[c]);
          double p = meta_num (ds, col, i);
          double want = (int) c == rule ? 0.98 : (int) c == (rule > 0 ? 0 : 1) ? 0.02 : 0.0;
          g_assert_cmpfloat_with_epsilon (p, want, 1e-12);
          total += p;
        }
      g_assert_cmpfloat_with_epsilon (total, 1.0, 1e-12);
      /* the independent measurement on every tenth cast and every defective one */
      if (i % 10 == 0 || rule > 0)
        {
          g_assert_cmpfloat_with_epsilon (independent_severity (ds, i), severity, 1e-9);
          checked++;
        }
    }
  double n = (double) ds->n_series;
  g_test_message ("labels: %zu good, %zu minor, %zu major, %zu reject; %zu flipped, "
                  "%zu checked", counts[0], counts[1], counts[2], counts[3], flips, checked);
  g_assert_cmpuint (flips, >, 0);
  /* documented shares at defect_probability 0.15: 84.8 / 7.4 / 5.3 / 2.7 % */
  g_assert_cmpfloat (counts[0] / n, >, 0.82);
  g_assert_cmpfloat (counts[0] / n, <, 0.87);
  g_assert_cmpfloat (counts[1] / n, >, 0.05);
  g_assert_cmpfloat (counts[1] / n, <, 0.10);
  g_assert_cmpfloat (counts[2] / n, >, 0.03);
  g_assert_cmpfloat (counts[2] / n, <, 0.08);
  g_assert_cmpfloat (counts[3] / n, >, 0.01);
  g_assert_cmpfloat (counts[3] / n, <, 0.05);

  /* without noise the label is the rule's grade, and > 0 iff defect */
  g_autoptr (GError) err = NULL;
  g_autoptr (TdDataset) clean_bin = generate_full (5, 2, &err, "num_casts", "300",
                                                   "cast_duration_minutes", "20",
                                                   "label_noise", "0", NULL);
  g_assert_no_error (err);
  g_autoptr (TdDataset) clean = generate_full (5, 2, &err, "num_casts", "300",
                                               "cast_duration_minutes", "20",
                                               "label_noise", "0", "target", "grade", NULL);
  g_assert_no_error (err);
  size_t defective = 0;
  for (size_t i = 0; i < clean->n_series; i++)
    {
      g_assert_cmpint (clean->y[i] > 0, ==, clean_bin->y[i] == 1.0);
      g_assert_cmpint ((int) clean->y[i], ==, steel_grade_of (meta_num (clean, "severity", i)));
      defective += clean->y[i] > 0;
    }
  g_assert_cmpuint (defective, >, 20);
}

/* The grade target is seeded and thread-invariant like the binary one. */
static void
test_grade_determinism (void)
{
  g_autoptr (TdDataset) one = graded (11, 1, "0.02");
  g_autoptr (TdDataset) three = graded (11, 3, "0.02");
  g_autoptr (TdDataset) other = graded (12, 2, "0.02");
  g_autofree char *a = fingerprint (one), *b = fingerprint (three), *c = fingerprint (other);
  g_assert_cmpstr (a, ==, b);
  g_assert_cmpstr (a, !=, c);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/steel_casting/descriptor", test_descriptor);
  g_test_add_func ("/steel_casting/cause-metadata", test_cause_metadata);
  g_test_add_func ("/steel_casting/shape", test_shape);
  g_test_add_func ("/steel_casting/ranges", test_ranges);
  g_test_add_func ("/steel_casting/autocorrelation", test_autocorrelation);
  g_test_add_func ("/steel_casting/defect_rate", test_defect_rate);
  g_test_add_func ("/steel_casting/mechanisms", test_mechanisms);
  g_test_add_func ("/steel_casting/timing_mechanism", test_timing_mechanism);
  g_test_add_func ("/steel_casting/timing_rule_unit", test_timing_rule_unit);
  g_test_add_func ("/steel_casting/near_misses", test_near_misses);
  g_test_add_func ("/steel_casting/true_probability", test_true_probability);
  g_test_add_func ("/steel_casting/determinism", test_determinism);
  g_test_add_func ("/steel_casting/bad_params", test_bad_params);
  g_test_add_func ("/steel_casting/event_weights", test_event_weights);
  g_test_add_func ("/steel_casting/cancel", test_cancel);
  g_test_add_func ("/steel_casting/normal_sampler", test_normal_sampler);
  g_test_add_func ("/steel_casting/event_span", test_event_span);
  g_test_add_func ("/steel_casting/recalibration", test_recalibration);
  g_test_add_func ("/steel_casting/binary-unchanged", test_binary_unchanged);
  g_test_add_func ("/steel_casting/grade-monotone", test_grade_monotone);
  g_test_add_func ("/steel_casting/grade-rule", test_grade_rule);
  g_test_add_func ("/steel_casting/grade-target", test_grade_target);
  g_test_add_func ("/steel_casting/grade-determinism", test_grade_determinism);
  int rc = g_test_run ();
  if (shared_ds)
    td_dataset_unref (shared_ds);
  return rc;
}
