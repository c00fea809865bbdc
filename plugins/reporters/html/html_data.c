/* html_data.c — the report's Data section: shape, labels, channels, split
 * and the series per mechanism. See html_data.h. */
#include "html_data.h"
#include "html_svg.h"
#include "html_util.h"

#include <math.h>
#include <string.h>

#define CHANNEL_CHIPS_MAX 60
/* Example series: at most this many channel charts, each line thinned to
 * the minimum and maximum of this many buckets (spikes survive). */
#define EXAMPLE_CHANNELS_MAX 12
#define EXAMPLE_BUCKETS 190
#define GOOD_COLOUR "#52606d"
#define DEFECT_COLOUR "#d55e00"

static void
percent (GString *out, size_t part, size_t whole)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  double p = whole ? 100.0 * (double) part / (double) whole : 0.0;
  g_string_append (out, g_ascii_formatd (buf, sizeof buf, "%.1f", p));
  g_string_append (out, "\xc2\xa0%");
}

static size_t
count_y (const TdDataset *d, double value)
{
  size_t n = 0;
  for (size_t s = 0; s < d->n_series; s++)
    n += d->y[s] == value;
  return n;
}

static const char *
task_name (TdTask task)
{
  switch (task)
    {
    case TD_TASK_BINARY: return "binary classification";
    case TD_TASK_MULTICLASS: return "multiclass classification";
    case TD_TASK_ANOMALY: return "anomaly detection";
    case TD_TASK_REGRESSION: return "regression";
    }
  return "unknown";
}

static void
data_labels (GString *out, const TdDataset *d)
{
  if (d->task == TD_TASK_BINARY || d->task == TD_TASK_ANOMALY)
    {
      size_t pos = count_y (d, 1.0);
      g_string_append (out, d->task == TD_TASK_BINARY ? "<dt>Positives</dt><dd>"
                                                      : "<dt>Abnormal</dt><dd>");
      html_count (out, pos);
      g_string_append (out, " of ");
      html_count (out, d->n_series);
      g_string_append (out, " (prevalence ");
      percent (out, pos, d->n_series);
      g_string_append (out, ")</dd>\n");
    }
  else if (d->task == TD_TASK_MULTICLASS)
    {
      g_string_append (out, "<dt>Classes</dt><dd>");
      for (size_t k = 0; k < d->n_classes; k++)
        {
          size_t n = count_y (d, (double) k);
          if (k)
            g_string_append (out, " \xc2\xb7 ");
          if (d->class_names && d->class_names[k])
            html_escape (out, d->class_names[k]);
          else
            g_string_append_printf (out, "class %zu", k);
          g_string_append (out, " ");
          html_count (out, n);
          g_string_append (out, " (");
          percent (out, n, d->n_series);
          g_string_append (out, ")");
        }
      g_string_append (out, "</dd>\n");
    }
  else if (d->n_series > 0)
    {
      double lo = d->y[0], hi = d->y[0], sum = 0;
      for (size_t s = 0; s < d->n_series; s++)
        {
          lo = MIN (lo, d->y[s]);
          hi = MAX (hi, d->y[s]);
          sum += d->y[s];
        }
      g_string_append (out, "<dt>Target</dt><dd>mean ");
      html_number (out, sum / (double) d->n_series);
      g_string_append (out, ", range ");
      html_number (out, lo);
      g_string_append (out, " to ");
      html_number (out, hi);
      g_string_append (out, "</dd>\n");
    }
}

static void
data_shape (GString *out, const TdDataset *d)
{
  g_string_append (out, "<dt>Shape</dt><dd>");
  html_count (out, d->n_series);
  g_string_append (out, " series \xc3\x97 ");
  html_count (out, d->n_steps);
  g_string_append (out, " steps \xc3\x97 ");
  html_count (out, d->n_channels);
  g_string_append (out, " channels");
  if (d->lengths && d->n_series > 0)
    {
      guint32 lo = d->lengths[0], hi = d->lengths[0];
      for (size_t s = 0; s < d->n_series; s++)
        {
          lo = MIN (lo, d->lengths[s]);
          hi = MAX (hi, d->lengths[s]);
        }
      g_string_append (out, "; valid lengths ");
      html_count (out, lo);
      g_string_append (out, "\xe2\x80\x93");
      html_count (out, hi);
      g_string_append (out, " steps (padded)");
    }
  g_string_append (out, "</dd>\n");
}

static void
data_channels (GString *out, const TdDataset *d)
{
  g_string_append (out, "<dt>Channels</dt><dd class=\"chips\">");
  size_t shown = MIN (d->n_channels, (size_t) CHANNEL_CHIPS_MAX);
  for (size_t c = 0; c < shown; c++)
    {
      char cb[TD_CHANNEL_NAME_BUF];
      g_string_append (out, "<code>");
      html_escape (out, td_dataset_channel_name (d, c, cb));
      g_string_append (out, "</code>");
    }
  if (shown < d->n_channels)
    {
      g_string_append (out, "<span class=\"na\">and ");
      html_count (out, d->n_channels - shown);
      g_string_append (out, " more</span>");
    }
  g_string_append (out, "</dd>\n");
}

static void
data_split (GString *out, const TdRunReport *r)
{
  g_string_append (out, "<dt>Split</dt><dd>");
  if (r->split_method)
    {
      g_string_append (out, "<code>");
      html_escape (out, r->split_method);
      g_string_append (out, "</code>: ");
    }
  g_string_append (out, "train ");
  html_count (out, r->n_train);
  g_string_append (out, " \xc2\xb7 valid ");
  html_count (out, r->n_valid);
  g_string_append (out, " \xc2\xb7 test ");
  html_count (out, r->n_test);
  g_string_append (out, " <span class=\"na\">(first trial)</span></dd>\n");
}

typedef struct {
  char *name;
  size_t n, pos;
} Mechanism;

static gint
mechanism_order (gconstpointer a, gconstpointer b)
{
  const Mechanism *x = a, *y = b;
  if (x->n != y->n)
    return x->n > y->n ? -1 : 1;
  return strcmp (x->name, y->name);
}

static void
data_mechanisms (GString *out, const TdDataset *d)
{
  const TdMetaColumn *col = td_dataset_find_meta (d, "mechanism");
  if (col == NULL || (col->str == NULL && col->num == NULL) || d->n_series == 0)
    return;

  g_autoptr (GHashTable) index = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GArray) mech = g_array_new (FALSE, TRUE, sizeof (Mechanism));
  for (size_t s = 0; s < d->n_series; s++)
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];
      const char *key = col->str ? (col->str[s] ? col->str[s] : "")
                                 : g_ascii_formatd (buf, sizeof buf, "%g", col->num[s]);
      gpointer idx;
      if (!g_hash_table_lookup_extended (index, key, NULL, &idx))
        {
          Mechanism m = { .name = g_strdup (key) };
          g_array_append_val (mech, m);
          idx = GUINT_TO_POINTER (mech->len - 1);
          g_hash_table_insert (index, m.name, idx);
        }
      Mechanism *m = &g_array_index (mech, Mechanism, GPOINTER_TO_UINT (idx));
      m->n++;
      m->pos += d->y[s] == 1.0;
    }
  g_hash_table_remove_all (index);   /* it borrows the names freed below */
  g_array_sort (mech, mechanism_order);

  gboolean show_pos = d->task == TD_TASK_BINARY || d->task == TD_TASK_ANOMALY;
  g_string_append (out, "<div><h3>Series per mechanism</h3>\n<table class=\"mechanisms\">"
                        "<thead><tr><th>Mechanism</th><th class=\"num\">Series</th>"
                        "<th class=\"num\">Share</th>");
  if (show_pos)
    g_string_append (out, "<th class=\"num\">Positives</th>");
  g_string_append (out, "</tr></thead>\n<tbody>\n");
  for (guint i = 0; i < mech->len; i++)
    {
      Mechanism *m = &g_array_index (mech, Mechanism, i);
      g_string_append (out, "<tr><td>");
      if (*m->name)
        html_escape (out, m->name);
      else
        g_string_append (out, "<span class=\"na\">(empty)</span>");
      g_string_append (out, "</td><td class=\"num\">");
      html_count (out, m->n);
      g_string_append (out, "</td><td class=\"num\">");
      percent (out, m->n, d->n_series);
      if (show_pos)
        {
          g_string_append (out, "</td><td class=\"num\">");
          html_count (out, m->pos);
        }
      g_string_append (out, "</td></tr>\n");
      g_free (m->name);
    }
  g_string_append (out, "</tbody></table></div>\n");
}

/* ---------------------------------------------------------------- examples */

static const char *
meta_text (const TdMetaColumn *col, size_t s)
{
  return col && col->str ? col->str[s] : NULL;
}

/* A mechanism naming a real cause (not "none", not a flipped label). */
static gboolean
real_mechanism (const char *m)
{
  return m && *m && strcmp (m, "none") != 0 && strcmp (m, "label_noise") != 0;
}

/* The first good series (mechanism "none" when the column exists) and the
 * defect with the highest true defect probability among those with a real
 * mechanism (else the first defect): the clearest pair the data offers. */
static void
pick_examples (const TdDataset *d, gssize *good, gssize *bad)
{
  const TdMetaColumn *mech = td_dataset_find_meta (d, "mechanism");
  const TdMetaColumn *prob = td_dataset_find_meta (d, "true_defect_probability");
  *good = *bad = -1;
  gssize first_bad = -1;
  for (size_t s = 0; s < d->n_series; s++)
    {
      const char *m = meta_text (mech, s);
      if (d->y[s] == 0 && *good < 0 && (mech == NULL || mech->str == NULL || g_strcmp0 (m, "none") == 0))
        *good = (gssize) s;
      if (d->y[s] != 1)
        continue;
      if (first_bad < 0)
        first_bad = (gssize) s;
      if (mech && mech->str && !real_mechanism (m))
        continue;
      if (*bad < 0 || (prob && prob->num && prob->num[s] > prob->num[*bad]))
        *bad = (gssize) s;
    }
  if (*bad < 0)
    *bad = first_bad;
  for (size_t s = 0; *good < 0 && s < d->n_series; s++)
    if (d->y[s] == 0)
      *good = (gssize) s;
}

/* Channel c of series s thinned to each bucket's minimum and maximum, in
 * time order. */
static size_t
thin (const TdDataset *d, size_t s, size_t c, double *x, double *y)
{
  size_t len = td_dataset_length (d, s), n = 0;
  const float *v = td_dataset_series (d, s);
  size_t buckets = MIN (len, (size_t) EXAMPLE_BUCKETS);
  for (size_t b = 0; b < buckets; b++)
    {
      size_t t0 = b * len / buckets, t1 = (b + 1) * len / buckets;
      size_t tmin = t0, tmax = t0;
      for (size_t t = t0; t < t1; t++)
        {
          double a = v[t * d->n_channels + c];
          if (!isfinite (a))
            continue;
          if (!isfinite (v[tmin * d->n_channels + c]) || a < v[tmin * d->n_channels + c])
            tmin = t;
          if (!isfinite (v[tmax * d->n_channels + c]) || a > v[tmax * d->n_channels + c])
            tmax = t;
        }
      size_t first = MIN (tmin, tmax), second = MAX (tmin, tmax);
      x[n] = (double) first;
      y[n++] = v[first * d->n_channels + c];
      if (second != first)
        {
          x[n] = (double) second;
          y[n++] = v[second * d->n_channels + c];
        }
    }
  return n;
}

static void
example_chart (GString *out, const TdDataset *d, size_t c, size_t good, size_t bad)
{
  enum { W = 380, H = 190 };
  double gx[2 * EXAMPLE_BUCKETS], gy[2 * EXAMPLE_BUCKETS];
  double bx[2 * EXAMPLE_BUCKETS], by[2 * EXAMPLE_BUCKETS];
  size_t ng = thin (d, good, c, gx, gy), nb = thin (d, bad, c, bx, by);
  double lo = INFINITY, hi = -INFINITY;
  for (size_t i = 0; i < ng; i++)
    if (isfinite (gy[i]))
      {
        lo = MIN (lo, gy[i]);
        hi = MAX (hi, gy[i]);
      }
  for (size_t i = 0; i < nb; i++)
    if (isfinite (by[i]))
      {
        lo = MIN (lo, by[i]);
        hi = MAX (hi, by[i]);
      }
  svg_pad_range (&lo, &hi, 0.05);
  double steps = (double) MAX (td_dataset_length (d, good), td_dataset_length (d, bad));
  SvgPlot p = svg_plot (W, H, 0, MAX (steps - 1, 1.0), lo, hi);
  char cb[TD_CHANNEL_NAME_BUF];
  const char *name = td_dataset_channel_name (d, c, cb);
  g_string_append (out, "<figure class=\"chart\">\n");
  svg_open (out, W, H, name);
  svg_axes (out, &p, 4, 3, "step", NULL);
  svg_line (out, &p, gx, gy, ng, SVG_LINE, GOOD_COLOUR, 1.0, 0.9, FALSE);
  svg_line (out, &p, bx, by, nb, SVG_LINE, DEFECT_COLOUR, 1.0, 0.9, FALSE);
  svg_close (out);
  g_string_append (out, "<figcaption><code>");
  html_escape (out, name);
  g_string_append (out, "</code></figcaption>\n</figure>\n");
}

static void
series_note (GString *out, const TdDataset *d, size_t s, const char *what, const char *colour)
{
  const TdMetaColumn *mech = td_dataset_find_meta (d, "mechanism");
  const TdMetaColumn *prob = td_dataset_find_meta (d, "true_defect_probability");
  g_string_append_printf (out, "<span class=\"key\"><span class=\"swatch\" style=\"background:%s\">"
                               "</span>%s: series ", colour, what);
  g_string_append_printf (out, "%" G_GINT64_FORMAT, d->series_id[s]);
  if (mech && mech->str && mech->str[s])
    {
      g_string_append (out, ", mechanism <code>");
      html_escape (out, mech->str[s]);
      g_string_append (out, "</code>");
    }
  if (prob && prob->num)
    {
      g_string_append (out, ", true defect probability ");
      html_number (out, prob->num[s]);
    }
  g_string_append (out, "</span>");
}

static void
data_examples (GString *out, const TdDataset *d)
{
  if ((d->task != TD_TASK_BINARY && d->task != TD_TASK_ANOMALY) || d->n_steps < 2 || d->x == NULL)
    return;
  gssize good, bad;
  pick_examples (d, &good, &bad);
  if (good < 0 || bad < 0)
    return;
  gboolean binary = d->task == TD_TASK_BINARY;
  g_string_append (out, "<h3>Example series</h3>\n<p class=\"legend\">");
  series_note (out, d, (size_t) good, binary ? "good" : "normal", GOOD_COLOUR);
  series_note (out, d, (size_t) bad, binary ? "defect" : "abnormal", DEFECT_COLOUR);
  g_string_append (out, "</p>\n<div class=\"grid\">\n");
  size_t shown = MIN (d->n_channels, (size_t) EXAMPLE_CHANNELS_MAX);
  for (size_t c = 0; c < shown; c++)
    example_chart (out, d, c, (size_t) good, (size_t) bad);
  g_string_append (out, "</div>\n");
  if (shown < d->n_channels)
    {
      g_string_append (out, "<p class=\"note\">First ");
      html_count (out, shown);
      g_string_append (out, " of ");
      html_count (out, d->n_channels);
      g_string_append (out, " channels.</p>\n");
    }
}

void
html_section_data (GString *out, const TdRunReport *r)
{
  /* Facts and the mechanism table side by side on a wide screen. */
  g_string_append (out, "<section id=\"data\">\n<h2>Data</h2>\n<div class=\"split\">\n"
                        "<dl class=\"facts\">\n");
  html_fact (out, "Generator", r->generator, TRUE);
  const TdDataset *d = r->data;
  if (d)
    {
      data_shape (out, d);
      html_fact (out, "Task", task_name (d->task), FALSE);
      data_labels (out, d);
      data_channels (out, d);
    }
  data_split (out, r);
  g_string_append (out, "</dl>\n");
  if (d)
    data_mechanisms (out, d);
  g_string_append (out, "</div>\n");
  if (d)
    data_examples (out, d);
  g_string_append (out, "</section>\n");
}
