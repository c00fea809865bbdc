/* run_root_cause.c — a run's root-cause files (run_root_cause.h). */
#include "run/run_root_cause.h"

#include <math.h>
#include <string.h>

#include <tundish/io.h>

#include "run/root_cause.h"
#include "util/atomic_file.h"

enum { S_TOP1, S_TOP3, S_STAGE, S_WINDOW, S_C1, S_C3, S_CSTAGE, S_CWINDOW, N_SCORES };
static const char *const score_names[N_SCORES] = {
  "top1", "top3", "stage_hit", "window_share",
  "chance_top1", "chance_top3", "chance_stage", "chance_window",
};

typedef struct {
  char *type;
  size_t n;
  double sum[N_SCORES];
  size_t n_def[N_SCORES];      /* rows where the score is defined */
  double *share;               /* [n_channels] */
} Group;

static void
group_add (Group *g, const TdRootCauseRow *r, size_t C)
{
  const double v[N_SCORES] = { r->top1, r->top3, r->stage_hit, r->window_share,
                               r->chance_top1, r->chance_top3, r->chance_stage,
                               r->chance_window };
  g->n++;
  for (int k = 0; k < N_SCORES; k++)
    if (isfinite (v[k]))
      {
        g->sum[k] += v[k];
        g->n_def[k]++;
      }
  for (size_t c = 0; c < C && c < r->n_channels; c++)
    g->share[c] += r->shares[c];
}

static Group *
group_for (GPtrArray *groups, const char *type, size_t C)
{
  for (guint i = 0; i < groups->len; i++)
    if (strcmp (((Group *) groups->pdata[i])->type, type) == 0)
      return groups->pdata[i];
  Group *g = g_new0 (Group, 1);
  g->type = g_strdup (type);
  g->share = g_new0 (double, MAX (C, (size_t) 1));
  g_ptr_array_add (groups, g);
  return g;
}

static void
group_free (Group *g)
{
  g_free (g->type);
  g_free (g->share);
  g_free (g);
}

static void
label_key (GString *s, const TdTrial *t)
{
  td_csv_field (s, t->pipeline->name);
  g_string_append_c (s, ',');
  td_csv_field (s, t->pipeline->variant);
  g_string_append_c (s, ',');
}

static void
write_groups (GString *sum, GString *shares, const TdTrial *t, GPtrArray *groups,
              char *const *channels, size_t C)
{
  for (guint i = 0; i < groups->len; i++)
    {
      const Group *g = groups->pdata[i];
      label_key (sum, t);
      td_csv_field (sum, g->type);
      g_string_append_printf (sum, ",%zu", g->n);
      for (int k = 0; k < N_SCORES; k++)
        {
          g_string_append_c (sum, ',');
          td_csv_double (sum, g->n_def[k] ? g->sum[k] / (double) g->n_def[k] : NAN);
        }
      g_string_append_c (sum, '\n');
      for (size_t c = 0; c < C; c++)
        {
          label_key (shares, t);
          td_csv_field (shares, g->type);
          g_string_append_c (shares, ',');
          td_csv_field (shares, channels[c]);
          g_string_append_c (shares, ',');
          td_csv_double (shares, g->share[c] / (double) g->n);
          g_string_append_c (shares, '\n');
        }
    }
}

static gboolean
write_file (const TdRunMeta *m, const char *name, GString *s, GError **error)
{
  g_autofree char *path = g_build_filename (m->run_dir, name, NULL);
  return td_file_write_atomic (path, s->str, (gssize) s->len, error);
}

gboolean
td_run_write_root_cause (const TdRunMeta *m, GPtrArray *trials, GError **error)
{
  const TdRootCauseRow *first = NULL;
  for (guint k = 0; k < trials->len && !first; k++)
    {
      const TdTrial *t = trials->pdata[k];
      if (t->ok && t->root_cause && t->root_cause->len)
        first = &g_array_index (t->root_cause, TdRootCauseRow, 0);
    }
  if (!first)
    return TRUE;
  size_t C = first->n_channels;
  char *const *channels = first->channels;
  g_autoptr (GString) all = g_string_new ("pipeline,variant,repeat,fold,");
  g_autoptr (GString) sum = g_string_new ("pipeline,variant,defect_type,n");
  g_autoptr (GString) shares = g_string_new ("pipeline,variant,defect_type,channel,share\n");
  for (int k = 0; k < N_SCORES; k++)
    g_string_append_printf (sum, ",%s", score_names[k]);
  g_string_append_c (sum, '\n');
  {
    g_autoptr (GString) head = g_string_new (NULL);
    g_autoptr (GArray) none = g_array_new (FALSE, TRUE, sizeof (TdRootCauseRow));
    g_array_append_vals (none, first, 1);
    td_root_cause_csv (head, none);
    g_array_set_size (none, 0);   /* borrowed row: not freed here */
    const char *nl = strchr (head->str, '\n');
    g_string_append_len (all, head->str, nl - head->str + 1);
  }
  g_autoptr (GPtrArray) groups = g_ptr_array_new_with_free_func ((GDestroyNotify) group_free);
  for (guint k = 0; k < trials->len; k++)
    {
      const TdTrial *t = trials->pdata[k];
      if (t->ok && t->root_cause)
        {
          g_autoptr (GString) body = g_string_new (NULL);
          td_root_cause_csv (body, t->root_cause);
          /* each line after the header, prefixed with the trial's key */
          g_auto (GStrv) lines = g_strsplit (strchr (body->str, '\n') + 1, "\n", -1);
          for (size_t i = 0; lines[i] && *lines[i]; i++)
            {
              label_key (all, t);
              g_string_append_printf (all, "%d,%d,%s\n", t->repeat, t->fold, lines[i]);
            }
          Group *ga = group_for (groups, "all", C);
          for (guint i = 0; i < t->root_cause->len; i++)
            {
              const TdRootCauseRow *r = &g_array_index (t->root_cause, TdRootCauseRow, i);
              group_add (group_for (groups, r->defect_type, C), r, C);
              group_add (ga, r, C);
            }
        }
      const TdTrial *next = k + 1 < trials->len ? trials->pdata[k + 1] : NULL;
      if (!next || strcmp (next->pipeline->label, t->pipeline->label) != 0)
        {
          write_groups (sum, shares, t, groups, channels, C);
          g_ptr_array_set_size (groups, 0);
        }
    }
  return write_file (m, "root_cause.csv", all, error)
         && write_file (m, "root_cause_summary.csv", sum, error)
         && write_file (m, "root_cause_shares.csv", shares, error);
}
