/* html_timing.c — where the time went: per pipeline, the mean seconds per
 * trial of each stage (split, augment, features, fit, predict, save,
 * interpret, evaluate, write) with its share, as a table and a stacked bar
 * chart, the trials' wall times, and the run's own data stage. See
 * html_sections.h. */
#include "html_doc.h"
#include "html_sections.h"
#include "html_svg.h"
#include "html_util.h"

#include <math.h>
#include <string.h>

enum { W = 1120, LABEL_W = 300, X0 = 316, X1 = 1100, TOP = 6, ROW_H = 26, AXIS_H = 34,
       LABEL_CHARS = 40 };

/* Milliseconds below a second (small models spend most stages there). */
static void
seconds (GString *out, double s)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  if (s < 1)
    {
      double ms = s * 1000;
      g_string_append (out, g_ascii_formatd (buf, sizeof buf, ms < 10 ? "%.2f" : "%.0f", ms));
      g_string_append (out, "\xc2\xa0ms");
      return;
    }
  const char *fmt = s < 10 ? "%.2f" : s < 1000 ? "%.1f" : "%.0f";
  g_string_append (out, g_ascii_formatd (buf, sizeof buf, fmt, s));
  g_string_append (out, "\xc2\xa0s");
}

static void
percent (GString *out, double share)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_string_append (out, g_ascii_formatd (buf, sizeof buf, "%.1f", 100 * share));
  g_string_append (out, "\xc2\xa0%");
}

/* Twelve stages need more colours than the pipeline palette: Okabe–Ito
 * followed by four of Tol's muted scheme. */
static const char *
stage_colour (guint k)
{
  static const char *const palette[] = {
    "#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#000000", "#8c6d31",
    "#999999", "#882255", "#44aa99", "#332288",
  };
  return palette[k % G_N_ELEMENTS (palette)];
}

typedef struct {
  GPtrArray *stages;            /* const char*, in the order trials ran them */
  double *mean;                 /* [row × stage]: seconds per trial */
  size_t *ran;                  /* [row × stage]: trials that ran the stage */
  double *total;                /* [row] */
  size_t *trials;               /* [row] trials with timings */
  double data;                  /* the run's data stage, or 0 */
} Stages;

static void
stages_clear (Stages *st)
{
  g_ptr_array_unref (st->stages);
  g_free (st->mean);
  g_free (st->ran);
  g_free (st->total);
  g_free (st->trials);
}

static void
stages_init (Stages *st, const HtmlDoc *doc)
{
  const TdRunReport *r = doc->r;
  guint n_rows = doc->labels->len;
  st->stages = g_ptr_array_new ();
  st->data = 0;
  for (size_t k = 0; k < r->n_timings; k++)
    {
      const TdStageTime *t = &r->timings[k];
      if (t->pipeline == NULL)
        {
          if (g_strcmp0 (t->stage, "data") == 0 && isfinite (t->seconds))
            st->data = t->seconds;
          continue;
        }
      gboolean seen = FALSE;
      for (guint j = 0; j < st->stages->len && !seen; j++)
        seen = g_strcmp0 (st->stages->pdata[j], t->stage) == 0;
      if (!seen && t->stage)
        g_ptr_array_add (st->stages, (gpointer) t->stage);
    }
  guint ns = st->stages->len;
  st->mean = g_new0 (double, MAX (n_rows * ns, 1u));
  st->ran = g_new0 (size_t, MAX (n_rows * ns, 1u));
  st->total = g_new0 (double, MAX (n_rows, 1u));
  st->trials = g_new0 (size_t, MAX (n_rows, 1u));
  gint last_row = -1, last_rep = -1, last_fold = -1;
  for (size_t k = 0; k < r->n_timings; k++)
    {
      const TdStageTime *t = &r->timings[k];
      if (t->pipeline == NULL || !isfinite (t->seconds))
        continue;
      gint row = html_doc_row_of (doc, t->pipeline, t->variant);
      if (row < 0)
        continue;
      if (row != last_row || t->repeat != last_rep || t->fold != last_fold)
        st->trials[row]++;     /* rows of one trial are consecutive */
      last_row = row;
      last_rep = t->repeat;
      last_fold = t->fold;
      for (guint j = 0; j < ns; j++)
        if (g_strcmp0 (st->stages->pdata[j], t->stage) == 0)
          {
            st->mean[row * ns + j] += t->seconds;
            st->ran[row * ns + j]++;
          }
    }
  for (guint i = 0; i < n_rows; i++)
    for (guint j = 0; j < ns && st->trials[i]; j++)
      {
        /* per trial over all the pipeline's trials, so the stages add up to
         * its mean trial */
        st->mean[i * ns + j] /= (double) st->trials[i];
        st->total[i] += st->mean[i * ns + j];
      }
}

static void
stage_table (GString *out, const HtmlDoc *doc, const Stages *st)
{
  guint ns = st->stages->len;
  g_string_append (out, "<div class=\"scroll\"><table class=\"stages\"><thead><tr><th>Pipeline</th>"
                        "<th class=\"num\">Trials</th>");
  for (guint j = 0; j < ns; j++)
    {
      /* "feature transform valid": breakable, so a dozen stages fit the page */
      g_autofree char *name = g_strdup (st->stages->pdata[j]);
      g_strdelimit (name, "_", ' ');
      g_string_append (out, "<th class=\"num\">");
      html_escape (out, name);
      g_string_append (out, "</th>");
    }
  g_string_append (out, "<th class=\"num\">Sum</th></tr></thead>\n<tbody>\n");
  for (guint i = 0; i < doc->labels->len; i++)
    {
      if (st->trials[i] == 0)
        continue;
      g_string_append (out, "<tr><th scope=\"row\">");
      html_escape (out, doc->labels->pdata[i]);
      g_string_append (out, "</th><td class=\"num\">");
      html_count (out, st->trials[i]);
      g_string_append (out, "</td>");
      for (guint j = 0; j < ns; j++)
        {
          double v = st->mean[i * ns + j];
          if (st->ran[i * ns + j] == 0)
            {
              g_string_append (out, "<td class=\"num na\">\xe2\x80\x94</td>");
              continue;
            }
          g_string_append (out, "<td class=\"num\">");
          seconds (out, v);
          g_string_append (out, "<span class=\"ci\">");
          percent (out, st->total[i] > 0 ? v / st->total[i] : 0);
          g_string_append (out, "</span></td>");
        }
      g_string_append (out, "<td class=\"num\">");
      seconds (out, st->total[i]);
      g_string_append (out, "</td></tr>\n");
    }
  g_string_append (out, "</tbody></table></div>\n");
}

static void
num (GString *out, double v)
{
  svg_num (out, v);
}

static void
stage_chart (GString *out, const HtmlDoc *doc, const Stages *st)
{
  guint ns = st->stages->len, n_rows = 0;
  double longest = 0;
  for (guint i = 0; i < doc->labels->len; i++)
    if (st->trials[i])
      {
        n_rows++;
        longest = MAX (longest, st->total[i]);
      }
  if (n_rows == 0 || !(longest > 0))
    return;
  int h = TOP + (int) n_rows * ROW_H + AXIS_H;
  SvgPlot p = svg_plot (W, h, 0, longest * 1.02, 0, 0);
  p.left = X0;
  p.right = X1;
  p.top = TOP;
  p.bottom = TOP + n_rows * ROW_H;
  g_string_append (out, "<figure>\n");
  svg_open (out, W, h, "mean seconds per trial by stage, per pipeline");
  svg_axes (out, &p, 6, 0, "mean seconds per trial", NULL);
  guint row = 0;
  for (guint i = 0; i < doc->labels->len; i++)
    {
      if (st->trials[i] == 0)
        continue;
      double yc = TOP + (row + 0.5) * ROW_H;
      g_string_append (out, "<text x=\""); num (out, LABEL_W);
      g_string_append (out, "\" y=\""); num (out, yc + 4);
      g_string_append (out, "\" font-size=\"12\" text-anchor=\"end\">");
      html_escape_cut (out, doc->labels->pdata[i], LABEL_CHARS);
      g_string_append (out, "</text>\n");
      double x = 0;
      for (guint j = 0; j < ns; j++)
        {
          double v = st->mean[i * ns + j];
          if (!(v > 0))
            continue;
          double xa = svg_x (&p, x), xb = svg_x (&p, x + v);
          g_string_append (out, "<rect x=\""); num (out, xa);
          g_string_append (out, "\" y=\""); num (out, yc - 8);
          g_string_append (out, "\" width=\""); num (out, MAX (xb - xa, 0.3));
          g_string_append_printf (out, "\" height=\"16\" fill=\"%s\"><title>", stage_colour (j));
          html_escape (out, st->stages->pdata[j]);
          g_string_append (out, ": ");
          seconds (out, v);
          g_string_append (out, " (");
          percent (out, st->total[i] > 0 ? v / st->total[i] : 0);
          g_string_append (out, ")</title></rect>\n");
          x += v;
        }
      row++;
    }
  svg_close (out);
  g_string_append (out, "<p class=\"legend\">");
  for (guint j = 0; j < ns; j++)
    {
      g_string_append_printf (out, "<span class=\"key\"><span class=\"swatch\" style=\"height:10px;"
                                   "background:%s\"></span>", stage_colour (j));
      html_escape (out, st->stages->pdata[j]);
      g_string_append (out, "</span>");
    }
  g_string_append (out, "</p>\n<figcaption>Mean seconds per trial, stacked by stage in the "
                        "order the stages run.</figcaption>\n</figure>\n");
}

/* Wall time of each successful trial, per pipeline. */
static void
wall_table (GString *out, const HtmlDoc *doc)
{
  const TdRunReport *r = doc->r;
  guint n_rows = doc->labels->len;
  g_autofree double *sum = g_new0 (double, MAX (n_rows, 1u));
  g_autofree double *sum2 = g_new0 (double, MAX (n_rows, 1u));
  g_autofree double *lo = g_new (double, MAX (n_rows, 1u));
  g_autofree double *hi = g_new (double, MAX (n_rows, 1u));
  g_autofree size_t *n = g_new0 (size_t, MAX (n_rows, 1u));
  for (guint i = 0; i < n_rows; i++)
    {
      lo[i] = INFINITY;
      hi[i] = -INFINITY;
    }
  gboolean any = FALSE;
  for (size_t k = 0; k < r->n_predictions; k++)
    {
      const TdTrialPredictions *t = &r->predictions[k];
      gint row = html_doc_row_of (doc, t->pipeline, t->variant);
      if (row < 0 || !isfinite (t->seconds))
        continue;
      sum[row] += t->seconds;
      sum2[row] += t->seconds * t->seconds;
      lo[row] = MIN (lo[row], t->seconds);
      hi[row] = MAX (hi[row], t->seconds);
      n[row]++;
      any = TRUE;
    }
  if (!any)
    return;
  g_string_append (out, "<h3>Trial wall time</h3>\n<div class=\"scroll\"><table class=\"timing\">"
                        "<thead><tr><th>Pipeline</th><th class=\"num\">Trials</th>"
                        "<th class=\"num\">Mean</th><th class=\"num\">sd</th><th class=\"num\">Min</th>"
                        "<th class=\"num\">Max</th><th class=\"num\">Total</th></tr></thead>\n<tbody>\n");
  for (guint i = 0; i < n_rows; i++)
    {
      if (n[i] == 0)
        continue;
      double mean = sum[i] / (double) n[i];
      double var = n[i] > 1 ? fmax (0, (sum2[i] - (double) n[i] * mean * mean) / (double) (n[i] - 1)) : 0;
      g_string_append (out, "<tr><th scope=\"row\">");
      html_escape (out, doc->labels->pdata[i]);
      g_string_append (out, "</th><td class=\"num\">");
      html_count (out, n[i]);
      double cells[] = { mean, sqrt (var), lo[i], hi[i], sum[i] };
      for (size_t c = 0; c < G_N_ELEMENTS (cells); c++)
        {
          g_string_append (out, "</td><td class=\"num\">");
          seconds (out, cells[c]);
        }
      g_string_append (out, "</td></tr>\n");
    }
  g_string_append (out, "</tbody></table></div>\n");
}

void
html_section_timing (GString *out, const HtmlDoc *doc)
{
  const TdRunReport *r = doc->r;
  if (r->n_predictions == 0 && r->n_timings == 0)
    return;
  Stages st;
  stages_init (&st, doc);
  g_string_append (out, "<section id=\"timing\">\n<h2>Timings</h2>\n<p class=\"note\">Wall-clock "
                        "seconds per trial in each stage, averaged over each pipeline's "
                        "successful trials "
                        "(with the share of the stages' sum below each); <code>timings.csv</code> "
                        "has every trial. Timings vary from run to run and never enter the "
                        "results. The trial wall time excludes writing the trial's folder.");
  if (st.data > 0)
    {
      g_string_append (out, " Generating or loading the data took ");
      seconds (out, st.data);
      g_string_append (out, ".");
    }
  g_string_append (out, "</p>\n");
  if (st.stages->len)
    {
      stage_table (out, doc, &st);
      stage_chart (out, doc, &st);
    }
  wall_table (out, doc);
  g_string_append (out, "</section>\n");
  stages_clear (&st);
}
