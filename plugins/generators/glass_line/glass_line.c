/* glass_line.c — a float-glass line with causal defect types: furnace,
 * forming (tin bath) and annealing lehr sensors at their own rates, material
 * flowing between the stages with transport delays, and one planned
 * disturbance per lot at most. Labels come from documented rules applied to
 * the stored signal (only glass that reaches inspection within the lot
 * counts), then label noise; every defective lot records its type, the
 * stage, the cause channels and the time window of the cause.
 * docs/generators/glass_line.md has the equations and signatures.
 *
 * One random stream per lot, keyed by (seed, lot), so the data does not
 * depend on the thread count; a lot whose signal disagrees with its plan is
 * simulated again from the next stream (the defect rate then matches
 * defect_probability), at most 32 times.
 */
#include <tundish/tundish.h>

#include <math.h>
#include <string.h>

#include "gen_rng.h"
#include "glass_process.h"

#define GEN_NAME "glass_line"
#define MAX_ATTEMPTS 32

static const char *const target_choices[] = { "type", "binary", "grade", NULL };
static const char *const resampling_choices[] = { "hold", "linear", NULL };
static const char *const grade_names[] = { "good", "minor", "major", "reject" };

static const TdParamSpec glass_params[] = {
  { "num_series", TD_PARAM_INT, "1000", 1, 10000000, NULL, "lots (series) to generate" },
  { "duration_minutes", TD_PARAM_INT, "60", 42, 1440, NULL,
    "length of every lot in minutes, on a 1 Hz grid (at least 22 min more than the delays)" },
  { "target", TD_PARAM_ENUM, "type", 0, 0, target_choices,
    "type: the defect type (6 classes, good first); binary: defective or not; grade: good, "
    "minor, major, reject by severity (ordinal)" },
  { "defect_probability", TD_PARAM_DOUBLE, "0.3", 0, 1, NULL,
    "fraction of lots planned with a defect (the rest is the defect-free majority)" },
  { "label_noise", TD_PARAM_DOUBLE, "0.02", 0, 0.5, NULL,
    "probability that a lot's label is replaced by another class, uniformly" },
  { "near_miss_probability", TD_PARAM_DOUBLE, "0.2", 0, 1, NULL,
    "fraction of good lots carrying a disturbance too weak to make a defect" },
  { "late_event_probability", TD_PARAM_DOUBLE, "0.1", 0, 1, NULL,
    "fraction of good lots carrying a full disturbance whose glass is inspected in the next "
    "lot (after the transport delays)" },
  { "defect_weights", TD_PARAM_DOUBLE_LIST, "[1, 1, 1, 1, 1]", 0, 1e6, NULL,
    "relative frequency of bubbles, stones, cords, stress_cracks, thickness_deviation" },
  { "delay_forming_minutes", TD_PARAM_INT, "10", 0, 240, NULL,
    "transport delay from the furnace to the tin bath" },
  { "delay_lehr_minutes", TD_PARAM_INT, "5", 0, 240, NULL,
    "transport delay from the tin bath to the annealing lehr" },
  { "delay_inspection_minutes", TD_PARAM_INT, "5", 3, 240, NULL,
    "transport delay from the lehr to inspection" },
  { "slow_sensor_resampling", TD_PARAM_ENUM, "hold", 0, 0, resampling_choices,
    "how furnace (10 s) and lehr (5 s) sensors reach the 1 Hz grid" },
  { "rule_crown_drop", TD_PARAM_DOUBLE, "18", 1, 1e3, NULL,
    "bubbles: crown temperature this far below nominal (C) ..." },
  { "rule_crown_seconds", TD_PARAM_INT, "300", 1, 86400, NULL, "... for this many seconds" },
  { "rule_cullet_rise", TD_PARAM_DOUBLE, "0.07", 0.001, 1, NULL,
    "stones: batch/cullet ratio this far above nominal ..." },
  { "rule_cullet_seconds", TD_PARAM_INT, "180", 1, 86400, NULL, "... for this many seconds" },
  { "rule_cord_gap", TD_PARAM_DOUBLE, "25", 1, 1e3, NULL,
    "cords: crown minus bottom temperature this far above its nominal 100 C ..." },
  { "rule_cord_seconds", TD_PARAM_INT, "300", 1, 86400, NULL, "... for this many seconds" },
  { "rule_cooling_rise", TD_PARAM_DOUBLE, "2", 0.01, 100, NULL,
    "stress cracks: cooling rate this far above its nominal 6 C/min ..." },
  { "rule_cooling_seconds", TD_PARAM_INT, "120", 1, 86400, NULL, "... for this many seconds" },
  { "rule_thickness", TD_PARAM_DOUBLE, "0.12", 0.001, 1, NULL,
    "thickness deviation: |thickness - 4 mm| above this (mm) ..." },
  { "rule_thickness_seconds", TD_PARAM_INT, "120", 1, 86400, NULL,
    "... for this many seconds" },
};

typedef struct {
  GlassConfig g;
  size_t n_series;
  int target;                  /* 0 type, 1 binary, 2 grade */
  double p_defect, noise, p_near, p_late;
  double weights[GL_N_DEFECTS - 1];
} Config;

static gboolean
read_config (const TdParams *params, Config *c, GError **error)
{
  memset (c, 0, sizeof *c);
  c->n_series = (size_t) td_params_get_int (params, "num_series");
  c->g.n_steps = (size_t) td_params_get_int (params, "duration_minutes") * 60;
  const char *target = td_params_get_string (params, "target");
  c->target = g_str_equal (target, "type") ? 0 : g_str_equal (target, "binary") ? 1 : 2;
  c->p_defect = td_params_get_double (params, "defect_probability");
  c->noise = td_params_get_double (params, "label_noise");
  c->p_near = td_params_get_double (params, "near_miss_probability");
  c->p_late = td_params_get_double (params, "late_event_probability");
  c->g.delay_forming = 60 * (int) td_params_get_int (params, "delay_forming_minutes");
  c->g.delay_lehr = 60 * (int) td_params_get_int (params, "delay_lehr_minutes");
  c->g.delay_inspection = 60 * (int) td_params_get_int (params, "delay_inspection_minutes");
  c->g.interpolate = g_str_equal (td_params_get_string (params, "slow_sensor_resampling"),
                                  "linear");
  c->g.rule_crown_drop = td_params_get_double (params, "rule_crown_drop");
  c->g.rule_crown_s = (int) td_params_get_int (params, "rule_crown_seconds");
  c->g.rule_cullet_rise = td_params_get_double (params, "rule_cullet_rise");
  c->g.rule_cullet_s = (int) td_params_get_int (params, "rule_cullet_seconds");
  c->g.rule_cord_gap = td_params_get_double (params, "rule_cord_gap");
  c->g.rule_cord_s = (int) td_params_get_int (params, "rule_cord_seconds");
  c->g.rule_cooling_rise = td_params_get_double (params, "rule_cooling_rise");
  c->g.rule_cooling_s = (int) td_params_get_int (params, "rule_cooling_seconds");
  c->g.rule_thickness_dev = td_params_get_double (params, "rule_thickness");
  c->g.rule_thickness_s = (int) td_params_get_int (params, "rule_thickness_seconds");
  size_t nw = 0;
  const double *w = td_params_get_double_list (params, "defect_weights", &nw);
  double total = 0;
  for (size_t k = 0; k < nw && k < GL_N_DEFECTS - 1; k++)
    total += (c->weights[k] = w[k]);
  if (nw != GL_N_DEFECTS - 1 || (c->p_defect > 0 && !(total > 0)))
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   GEN_NAME ": defect_weights needs 5 weights (bubbles, stones, cords, "
                   "stress_cracks, thickness_deviation), not all 0; got %zu", nw);
      return FALSE;
    }
  if (c->p_near + c->p_late > 1)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   GEN_NAME ": near_miss_probability + late_event_probability is %g, above 1",
                   c->p_near + c->p_late);
      return FALSE;
    }
  /* the longest furnace disturbance (20 min) must fit before the last
   * furnace glass this lot inspects, with a minute either side, and a late
   * one after it */
  int reach = glass_reach (&c->g, GL_FURNACE);
  if (reach < 1200 + 120 || (int) c->g.n_steps - glass_reach (&c->g, GL_ANNEALING) < 180)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   GEN_NAME ": duration_minutes %zu leaves %d s of furnace glass that reaches "
                   "inspection (the delays take %d s); make the lots longer (at least 22 min "
                   "more than the delays) and delay_inspection_minutes at least 3",
                   c->g.n_steps / 60, MAX (reach, 0),
                   c->g.delay_forming + c->g.delay_lehr + c->g.delay_inspection);
      return FALSE;
    }
  return TRUE;
}

static gboolean
glass_check_params (const TdParams *params, GError **error)
{
  Config c;
  return read_config (params, &c, error);
}

/* ---------------------------------------------------------------- lots */

typedef struct {
  const Config *cfg;
  const GenZiggurat *zig;
  guint64 seed;
  TdDataset *ds;
  GlassEvent *events;
  GlassVerdict *verdicts;
  int *label;
  gint next, mismatches, cancelled;
} Job;

static int
expected_defect (const GlassEvent *ev)
{
  return ev->strength == GL_DEFECT ? (int) glass_event_defect (ev->kind) : GL_GOOD;
}

static int
grade_of (const GlassVerdict *v)
{
  if (v->defect == GL_GOOD)
    return 0;
  return v->severity < 1.8 ? 1 : v->severity < 2.2 ? 2 : 3;
}

static void
make_lot (Job *j, size_t s)
{
  const Config *c = j->cfg;
  GenRng plan;
  gen_rng_init (&plan, j->seed, s);
  GlassEvent *ev = &j->events[s];
  glass_plan (&c->g, &plan, c->p_defect, c->weights, c->p_near, c->p_late, ev);
  float *x = td_dataset_series (j->ds, s);
  GlassVerdict *v = &j->verdicts[s];
  for (int a = 0; a < MAX_ATTEMPTS; a++)
    {
      GenRng rng;
      gen_rng_init (&rng, j->seed ^ UINT64_C (0x9e3779b97f4a7c15), s * MAX_ATTEMPTS + a);
      glass_simulate (&c->g, ev, &rng, j->zig, x);
      glass_judge (&c->g, x, v);
      if ((int) v->defect == expected_defect (ev))
        break;
      if (a == MAX_ATTEMPTS - 1)
        g_atomic_int_inc (&j->mismatches);
    }
  int k = c->target == 0 ? GL_N_DEFECTS : c->target == 1 ? 2 : 4;
  int truth = c->target == 0 ? (int) v->defect : c->target == 1 ? v->defect != GL_GOOD
                                                                  : grade_of (v);
  int label = truth;
  if (gen_uniform (&plan) < c->noise)
    label = (truth + 1 + (int) gen_below (&plan, (uint64_t) (k - 1))) % k;
  j->label[s] = label;
}

/* Lots are handed out one at a time; each depends only on (seed, lot), so
 * the thread count changes the speed, never the data. The calling thread
 * (ctx set) also polls the cancel flag and reports progress. */
static void
work (Job *j, TdContext *ctx)
{
  for (;;)
    {
      if (g_atomic_int_get (&j->cancelled))
        return;
      gint s = g_atomic_int_add (&j->next, 1);
      if ((size_t) s >= j->cfg->n_series)
        return;
      make_lot (j, (size_t) s);
      if (ctx && s % 64 == 0)
        {
          if (td_context_cancelled (ctx))
            g_atomic_int_set (&j->cancelled, 1);
          td_context_progress (ctx, (double) s / (double) j->cfg->n_series);
        }
    }
}

static gpointer
worker_thread (gpointer data)
{
  work (data, NULL);
  return NULL;
}

/* ----------------------------------------------------------- metadata */

static void
add_metadata (const Config *c, TdDataset *ds, const GlassEvent *events,
              const GlassVerdict *verdicts)
{
  size_t n = c->n_series;
  g_autofree const char **type = g_new (const char *, n);
  g_autofree const char **stage = g_new (const char *, n);
  g_autofree const char **cause = g_new (const char *, n);
  g_autofree const char **symptom = g_new (const char *, n);
  char **event = g_new0 (char *, n + 1);
  g_autofree double *start = g_new (double, n), *end = g_new (double, n);
  g_autofree double *severity = g_new (double, n);
  for (size_t s = 0; s < n; s++)
    {
      const GlassEvent *ev = &events[s];
      const GlassVerdict *v = &verdicts[s];
      gboolean defect = v->defect != GL_GOOD;
      type[s] = glass_defect_names[v->defect];
      stage[s] = defect ? glass_stage_names[glass_event_stage (ev->kind)] : "none";
      cause[s] = defect ? glass_cause_channels (ev->kind) : "";
      symptom[s] = defect ? glass_symptom_channels (ev->kind) : "";
      start[s] = defect ? ev->start : -1;
      end[s] = defect ? ev->end : -1;
      severity[s] = defect ? v->severity : 0;
      event[s] = ev->kind == GL_EV_NONE ? g_strdup ("none")
                 : g_strdup_printf ("%s%s", ev->strength == GL_NEAR_MISS ? "near_miss_"
                                    : ev->strength == GL_LATE ? "late_" : "",
                                    glass_event_names[ev->kind]);
    }
  /* Everything that follows from the outcome is hidden from models
   * (TD_META_TARGET): the oracle, root-cause evaluation and reports read it. */
  td_dataset_add_meta_str (ds, "defect_type", type)->role = TD_META_TARGET;
  td_dataset_add_meta_str (ds, "cause_stage", stage)->role = TD_META_TARGET;
  td_dataset_add_meta_str (ds, "cause_channels", cause)->role = TD_META_TARGET;
  td_dataset_add_meta_str (ds, "symptom_channels", symptom)->role = TD_META_TARGET;
  td_dataset_add_meta_num (ds, "cause_start", start)->role = TD_META_TARGET;
  td_dataset_add_meta_num (ds, "cause_end", end)->role = TD_META_TARGET;
  td_dataset_add_meta_num (ds, "severity", severity)->role = TD_META_TARGET;
  td_dataset_add_meta_str (ds, "event", (const char *const *) event)->role = TD_META_TARGET;
  g_strfreev (event);

  /* P(label | signal): the rules are deterministic, so only the label noise
   * is uncertain. */
  size_t k = ds->n_classes;
  g_autofree double *p = g_new (double, n);
  for (size_t cl = 0; cl < k; cl++)
    {
      for (size_t s = 0; s < n; s++)
        {
          int truth = c->target == 0 ? (int) verdicts[s].defect
                      : c->target == 1 ? verdicts[s].defect != GL_GOOD
                                       : grade_of (&verdicts[s]);
          p[s] = (int) cl == truth ? 1 - c->noise : c->noise / (double) (k - 1);
        }
      if (c->target == 1 && cl == 1)
        td_dataset_add_meta_num (ds, "true_defect_probability", p)->role = TD_META_TARGET;
      else if (c->target != 1)
        {
          g_autofree char *name = g_strdup_printf ("true_probability.%s", ds->class_names[cl]);
          td_dataset_add_meta_num (ds, name, p)->role = TD_META_TARGET;
        }
    }

  /* How each channel was sampled: the same for every lot, and not derived
   * from the outcome, so a model may read it (TD_META_INPUT). */
  for (int ch = 0; ch < GL_N_CH; ch++)
    {
      const GlassSensor *sn = &glass_sensors[ch];
      g_autofree char *pname = g_strdup_printf ("sample_period_s.%s", sn->name);
      g_autofree char *rname = g_strdup_printf ("resampling.%s", sn->name);
      for (size_t s = 0; s < n; s++)
        p[s] = sn->period_s;
      td_dataset_add_meta_num (ds, pname, p)->role = TD_META_INPUT;
      g_autofree const char **mode = g_new (const char *, n);
      const char *m = sn->period_s == 1 ? "native" : c->g.interpolate ? "linear" : "hold";
      for (size_t s = 0; s < n; s++)
        mode[s] = m;
      td_dataset_add_meta_str (ds, rname, mode)->role = TD_META_INPUT;
      /* The plant's layout, for root-cause scoring per stage: fixed, so an
       * input like the sampling (docs/generators/glass_line.md). */
      g_autofree char *sname = g_strdup_printf ("stage.%s", sn->name);
      for (size_t s = 0; s < n; s++)
        mode[s] = glass_stage_names[sn->stage];
      td_dataset_add_meta_str (ds, sname, mode)->role = TD_META_INPUT;
    }
}

static TdDataset *
glass_generate (const TdParams *params, TdContext *ctx, GError **error)
{
  Config cfg;
  if (!read_config (params, &cfg, error))
    return NULL;
  size_t k = cfg.target == 0 ? GL_N_DEFECTS : cfg.target == 1 ? 2 : 4;
  g_autoptr (TdDataset) ds = td_dataset_try_new (cfg.n_series, cfg.g.n_steps, GL_N_CH,
                                                 cfg.target == 1 ? TD_TASK_BINARY
                                                                 : TD_TASK_MULTICLASS,
                                                 k, error);
  if (!ds)
    return NULL;
  for (int c = 0; c < GL_N_CH; c++)
    td_dataset_set_channel_name (ds, (size_t) c, glass_sensors[c].name);
  ds->class_names = g_new0 (char *, k + 1);
  for (size_t c = 0; c < k; c++)
    ds->class_names[c] = g_strdup (cfg.target == 0 ? glass_defect_names[c]
                                   : cfg.target == 1 ? (c ? "defect" : "good")
                                                     : grade_names[c]);
  GenZiggurat zig;
  gen_ziggurat_init (&zig);
  g_autofree GlassEvent *events = g_new0 (GlassEvent, cfg.n_series);
  g_autofree GlassVerdict *verdicts = g_new0 (GlassVerdict, cfg.n_series);
  g_autofree int *label = g_new0 (int, cfg.n_series);
  Job job = { .cfg = &cfg, .zig = &zig, .seed = td_context_seed (ctx), .ds = ds,
              .events = events, .verdicts = verdicts, .label = label };
  size_t n_threads = MIN ((size_t) MAX (td_context_threads (ctx), 1), cfg.n_series);
  g_autoptr (GPtrArray) threads = g_ptr_array_new ();
  for (size_t t = 1; t < n_threads; t++)
    {
      GThread *th = g_thread_try_new (GEN_NAME, worker_thread, &job, NULL);
      if (th)   /* fewer threads is slower, never different */
        g_ptr_array_add (threads, th);
    }
  work (&job, ctx);
  for (guint t = 0; t < threads->len; t++)
    g_thread_join (threads->pdata[t]);
  if (job.cancelled)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_CANCELLED, GEN_NAME ": cancelled");
      return NULL;
    }
  if (job.mismatches)
    td_context_log (ctx, G_LOG_LEVEL_INFO, GEN_NAME ": %d of %zu lots kept a signal that "
                    "differs from their plan (labels follow the signal)", job.mismatches,
                    cfg.n_series);
  for (size_t s = 0; s < cfg.n_series; s++)
    ds->y[s] = label[s];
  add_metadata (&cfg, ds, events, verdicts);
  return g_steal_pointer (&ds);
}

/* The task `target` gives (TD_EXT_DATA_TASK), for validate: binary, or
 * multiclass for the defect type and the grade. */
static TdTask
glass_task (const TdParams *params)
{
  return g_str_equal (td_params_get_string (params, "target"), "binary") ? TD_TASK_BINARY
                                                                          : TD_TASK_MULTICLASS;
}

/* What generate makes (TD_EXT_DATA_LAYOUT): lots of duration_minutes at
 * 1 Hz, each its own group, no partition, one label per lot. */
static void
glass_layout (const TdParams *params, TdDataLayout *out)
{
  *out = (TdDataLayout) { .max_steps = (size_t) td_params_get_int (params, "duration_minutes")
                                       * 60 };
}

static const void *
glass_extension (const char *id)
{
  static const TdSamplePeriodExt period = { 1.0 };
  static const TdCheckParamsExt check = { glass_check_params };
  static const TdDataTaskExt task = { glass_task };
  static const TdDataLayoutExt layout = { glass_layout };
  if (g_strcmp0 (id, TD_EXT_SAMPLE_PERIOD) == 0)
    return &period;
  if (g_strcmp0 (id, TD_EXT_DATA_LAYOUT) == 0)
    return &layout;
  if (g_strcmp0 (id, TD_EXT_CHECK_PARAMS) == 0)
    return &check;
  if (g_strcmp0 (id, TD_EXT_DATA_TASK) == 0)
    return &task;
  return NULL;
}

static const TdGeneratorVTable glass_vtable = {
  .generate = glass_generate,
  .extension = glass_extension,
};

/* Small and quick, for tundish-plugin-check and tests. */
static const char *const glass_examples[] = { "num_series=40", "duration_minutes=42", NULL };

static const TdPluginDescriptor glass_descriptor = {
  .abi_version = TD_PLUGIN_ABI_VERSION,
  .kind = TD_KIND_GENERATOR,
  .name = GEN_NAME,
  .version = "1.1.0",   /* 1.1: stage.<channel> */
  .summary = "float-glass line: furnace, tin bath, lehr; causal defect types with their "
             "cause channels, stage and window",
  .example_params = glass_examples,
  .params = glass_params,
  .n_params = G_N_ELEMENTS (glass_params),
  .vtable = &glass_vtable,
};

G_MODULE_EXPORT const TdPluginDescriptor *
td_plugin_descriptor (size_t index)
{
  return index == 0 ? &glass_descriptor : NULL;
}
