/* html_interpret.c — "What drives the score": per charted pipeline whose
 * model explains its sequences, the saliency map of each class as a channel
 * × time heatmap, the share of each channel ("which sensors"), the time
 * windows with the largest share ("which minutes", in the data's time unit
 * when the generator declares its sample period, else in steps) and, for
 * models with attention, the attention each time bin receives. Everything
 * comes from report->saliency / report->attention (the *_summary.csv files),
 * so `tundish report` redraws it without refitting. See html_sections.h. */
#include "html_doc.h"
#include "html_sections.h"
#include "html_svg.h"
#include "html_util.h"

#include <math.h>
#include <string.h>

#define MAX_CLASSES 4
#define TOP_WINDOWS 5
#define NAME_CHARS 18

/* ------------------------------------------------------------------- time */

typedef struct {
  double scale;                 /* unit per step of the data */
  const char *unit;             /* "min", "s" or "step" */
} TimeAxis;

static TimeAxis
time_axis (double period, double span_steps)
{
  if (!(period > 0))
    return (TimeAxis) { 1.0, "step" };
  if (span_steps * period >= 120)
    return (TimeAxis) { period / 60.0, "min" };
  return (TimeAxis) { period, "s" };
}

/* At most two decimals, trailing zeros dropped: 5, 7.5, 12.25. */
static void
time_value (GString *out, const TimeAxis *ax, double steps)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_ascii_formatd (buf, sizeof buf, "%.2f", steps * ax->scale);
  char *end = buf + strlen (buf);
  while (end > buf && end[-1] == '0')
    *--end = '\0';
  if (end > buf && end[-1] == '.')
    *--end = '\0';
  g_string_append (out, strcmp (buf, "-0") == 0 ? "0" : buf);
}

static void
time_range (GString *out, const TimeAxis *ax, double a, double b)
{
  if (strcmp (ax->unit, "step") == 0)
    g_string_append (out, "steps ");
  time_value (out, ax, a);
  g_string_append (out, "\xe2\x80\x93");
  time_value (out, ax, b);
  if (strcmp (ax->unit, "step") != 0)
    g_string_append_printf (out, "\xc2\xa0%s", ax->unit);
}

static void
percent (GString *out, double share)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_string_append (out, g_ascii_formatd (buf, sizeof buf, "%.1f", 100 * share));
  g_string_append (out, "\xc2\xa0%");
}

/* -------------------------------------------------------------- one map */

/* One pipeline's rows, arranged: classes × channels × bins. */
typedef struct {
  int classes[MAX_CLASSES];
  const char *class_names[MAX_CLASSES];
  guint n_classes;
  GPtrArray *channels;          /* const char*, first-seen order */
  guint n_bins;
  double *t_start, *t_end;      /* [bin] */
  double *value;                /* [class][channel][bin], mean over trials */
  size_t trials;                /* most trials behind a cell */
  double vmax;
} Map;

static void
map_clear (Map *m)
{
  g_clear_pointer (&m->channels, g_ptr_array_unref);
  g_clear_pointer (&m->t_start, g_free);
  g_clear_pointer (&m->t_end, g_free);
  g_clear_pointer (&m->value, g_free);
}

static gint
class_slot (Map *m, const TdInterpretRow *r, gboolean add)
{
  for (guint c = 0; c < m->n_classes; c++)
    if (m->classes[c] == r->class_index)
      return (gint) c;
  if (!add || m->n_classes == MAX_CLASSES)
    return -1;
  m->classes[m->n_classes] = r->class_index;
  m->class_names[m->n_classes] = r->class_name;
  return (gint) m->n_classes++;
}

static gint
channel_slot (Map *m, const char *name, gboolean add)
{
  for (guint c = 0; c < m->channels->len; c++)
    if (g_strcmp0 (m->channels->pdata[c], name) == 0)
      return (gint) c;
  if (!add)
    return -1;
  g_ptr_array_add (m->channels, (gpointer) name);
  return (gint) m->channels->len - 1;
}

/* rows[0..n) of one pipeline (channel NULL: attention, one "channel"). */
static gboolean
map_build (Map *m, const TdInterpretRow *const *rows, guint n)
{
  memset (m, 0, sizeof *m);
  m->channels = g_ptr_array_new ();
  for (guint k = 0; k < n; k++)
    {
      if (class_slot (m, rows[k], TRUE) < 0)
        continue;
      channel_slot (m, rows[k]->channel ? rows[k]->channel : "", TRUE);
      m->n_bins = MAX (m->n_bins, (guint) rows[k]->time_bin + 1);
    }
  /* classes in class order, whatever order the rows came in */
  for (guint a = 1; a < m->n_classes; a++)
    for (guint b = a; b > 0 && m->classes[b - 1] > m->classes[b]; b--)
      {
        int ci = m->classes[b];
        const char *cn = m->class_names[b];
        m->classes[b] = m->classes[b - 1];
        m->class_names[b] = m->class_names[b - 1];
        m->classes[b - 1] = ci;
        m->class_names[b - 1] = cn;
      }
  guint nc = m->channels->len, nb = m->n_bins;
  if (m->n_classes == 0 || nc == 0 || nb == 0 || nb > 100000)
    return FALSE;
  m->t_start = g_new0 (double, nb);
  m->t_end = g_new0 (double, nb);
  m->value = g_new0 (double, (gsize) m->n_classes * nc * nb);
  for (guint k = 0; k < n; k++)
    {
      const TdInterpretRow *r = rows[k];
      gint c = class_slot (m, r, FALSE);
      if (c < 0 || r->time_bin < 0 || !isfinite (r->mean))
        continue;
      guint ch = (guint) channel_slot (m, r->channel ? r->channel : "", FALSE);
      m->t_start[r->time_bin] = r->t_start;
      m->t_end[r->time_bin] = r->t_end;
      m->value[((gsize) c * nc + ch) * nb + (guint) r->time_bin] = r->mean;
      m->vmax = MAX (m->vmax, r->mean);
      m->trials = MAX (m->trials, r->n);
    }
  return TRUE;
}

static double
cell (const Map *m, guint cls, guint ch, guint bin)
{
  return m->value[((gsize) cls * m->channels->len + ch) * m->n_bins + bin];
}

/* ---------------------------------------------------------------- heatmap */

enum { HM_W = 560, HM_LABEL = 132, HM_X0 = 138, HM_X1 = 550, HM_TOP = 6, HM_ROW = 22,
       HM_AXIS = 40 };

/* White to dark blue, linear in sRGB: a single hue reads as "more". */
static void
heat_colour (GString *out, double f)
{
  f = CLAMP (f, 0.0, 1.0);
  int r = (int) lround (247 + (8 - 247) * f), g = (int) lround (251 + (48 - 251) * f),
      b = (int) lround (255 + (107 - 255) * f);
  g_string_append_printf (out, "#%02x%02x%02x", r, g, b);
}

/* Time ticks go at bin edges, both ends included, so a tick never splits a
 * cell. An even division of the bins when one of 4, 6, 5, 3 divides them
 * (30 bins of 4 min: every 20 min); otherwise the edges nearest the
 * quarters, which can read oddly (32, 92 min for 30 bins). */
guint
html_tick_parts (guint n_bins)
{
  static const guint divisions[] = { 4, 6, 5, 3 };
  for (guint k = 0; k < G_N_ELEMENTS (divisions); k++)
    if (n_bins % divisions[k] == 0)
      return divisions[k];
  return 4;
}

static void
heatmap (GString *out, const Map *m, guint cls, const TimeAxis *ax, const char *label)
{
  guint nc = m->channels->len, nb = m->n_bins;
  int h = HM_TOP + (int) nc * HM_ROW + HM_AXIS;
  double cw = (double) (HM_X1 - HM_X0) / nb;
  g_autofree char *aria = g_strdup_printf ("saliency of %s series, %s: channel by time",
                                           m->class_names[cls], label);
  g_string_append (out, "<figure class=\"heat\">\n");
  svg_open (out, HM_W, h, aria);
  for (guint ch = 0; ch < nc; ch++)
    {
      double y = HM_TOP + ch * HM_ROW;
      g_string_append (out, "<text x=\""); svg_num (out, HM_LABEL);
      g_string_append (out, "\" y=\""); svg_num (out, y + HM_ROW / 2.0 + 4);
      g_string_append (out, "\" font-size=\"11\" text-anchor=\"end\">");
      html_escape_cut (out, m->channels->pdata[ch], NAME_CHARS);
      g_string_append (out, "</text>\n");
      for (guint b = 0; b < nb; b++)
        {
          double v = cell (m, cls, ch, b);
          g_string_append (out, "<rect x=\""); svg_num (out, HM_X0 + b * cw);
          g_string_append (out, "\" y=\""); svg_num (out, y + 1);
          g_string_append (out, "\" width=\""); svg_num (out, cw + 0.05);
          g_string_append (out, "\" height=\""); svg_num (out, HM_ROW - 2);
          g_string_append (out, "\" fill=\"");
          heat_colour (out, m->vmax > 0 ? v / m->vmax : 0);
          g_string_append (out, "\"><title>");
          html_escape (out, m->channels->pdata[ch]);
          g_string_append (out, ", ");
          time_range (out, ax, m->t_start[b], m->t_end[b]);
          g_string_append (out, ": ");
          percent (out, v);
          g_string_append (out, "</title></rect>\n");
        }
    }
  double y0 = HM_TOP + nc * HM_ROW;
  guint last = G_MAXUINT;
  guint parts = html_tick_parts (nb);
  for (guint i = 0; i <= parts; i++)
    {
      guint b = (i * nb + parts / 2) / parts;
      if (b == last)
        continue;
      last = b;
      double x = HM_X0 + b * cw;
      double t = b < nb ? m->t_start[b] : m->t_end[nb - 1];
      g_string_append (out, "<line x1=\""); svg_num (out, x);
      g_string_append (out, "\" x2=\""); svg_num (out, x);
      g_string_append (out, "\" y1=\""); svg_num (out, y0);
      g_string_append (out, "\" y2=\""); svg_num (out, y0 + 4);
      g_string_append (out, "\" stroke=\"#9aa5b1\"/><text x=\""); svg_num (out, x);
      g_string_append (out, "\" y=\""); svg_num (out, y0 + 15);
      g_string_append (out, "\" font-size=\"10\" text-anchor=\"middle\" fill=\"#616e7c\">");
      time_value (out, ax, t);
      g_string_append (out, "</text>\n");
    }
  g_string_append (out, "<text x=\""); svg_num (out, (HM_X0 + HM_X1) / 2.0);
  g_string_append (out, "\" y=\""); svg_num (out, h - 6);
  g_string_append_printf (out, "\" font-size=\"11\" text-anchor=\"middle\">time (%s)</text>\n",
                          ax->unit);
  svg_close (out);
  g_string_append (out, "<figcaption><strong>");
  html_escape (out, m->class_names[cls]);
  double largest = 0;
  for (guint ch = 0; ch < nc; ch++)
    for (guint b = 0; b < nb; b++)
      largest = MAX (largest, cell (m, cls, ch, b));
  g_string_append (out, "</strong> series: the largest cell holds ");
  percent (out, largest);
  g_string_append (out, " of the map (one colour scale for the pipeline's classes).</figcaption>\n"
                        "</figure>\n");
}

/* ------------------------------------------------------------ per channel */

enum { BAR_W = 460, BAR_LABEL = 140, BAR_TOP = 6, BAR_ROW = 24, BAR_AXIS = 40 };

static void
channel_bars (GString *out, const Map *m, const char *label)
{
  guint nc = m->channels->len, ncls = m->n_classes;
  g_autofree double *share = g_new0 (double, (gsize) ncls * nc);
  double hi = 0;
  for (guint c = 0; c < ncls; c++)
    for (guint ch = 0; ch < nc; ch++)
      {
        for (guint b = 0; b < m->n_bins; b++)
          share[c * nc + ch] += cell (m, c, ch, b);
        hi = MAX (hi, share[c * nc + ch]);
      }
  if (!(hi > 0))
    return;
  int h = BAR_TOP + (int) nc * BAR_ROW + BAR_AXIS;
  SvgPlot p = svg_plot (BAR_W, h, 0, hi * 1.05, 0, 0);
  p.left = BAR_LABEL;
  p.top = BAR_TOP;
  p.bottom = BAR_TOP + nc * BAR_ROW;
  g_autofree char *aria = g_strdup_printf ("saliency share per channel, %s", label);
  g_string_append (out, "<figure class=\"chart\">\n");
  svg_open (out, BAR_W, h, aria);
  svg_axes (out, &p, 4, 0, "share of saliency", NULL);
  double bar = (BAR_ROW - 6.0) / ncls;
  for (guint ch = 0; ch < nc; ch++)
    {
      double y = BAR_TOP + ch * BAR_ROW + 3;
      g_string_append (out, "<text x=\""); svg_num (out, BAR_LABEL - 6);
      g_string_append (out, "\" y=\""); svg_num (out, y + BAR_ROW / 2.0);
      g_string_append (out, "\" font-size=\"11\" text-anchor=\"end\">");
      html_escape_cut (out, m->channels->pdata[ch], NAME_CHARS);
      g_string_append (out, "</text>\n");
      for (guint c = 0; c < ncls; c++)
        {
          double v = share[c * nc + ch];
          g_string_append (out, "<rect x=\""); svg_num (out, svg_x (&p, 0));
          g_string_append (out, "\" y=\""); svg_num (out, y + c * bar);
          g_string_append (out, "\" width=\""); svg_num (out, MAX (svg_x (&p, v) - svg_x (&p, 0), 0.5));
          g_string_append (out, "\" height=\""); svg_num (out, MAX (bar - 1, 1));
          g_string_append_printf (out, "\" fill=\"%s\"><title>",
                                  svg_colour ((size_t) m->classes[c]));
          html_escape (out, m->channels->pdata[ch]);
          g_string_append (out, ", ");
          html_escape (out, m->class_names[c]);
          g_string_append (out, ": ");
          percent (out, v);
          g_string_append (out, "</title></rect>\n");
        }
    }
  svg_close (out);
  g_string_append (out, "<p class=\"legend\">");
  for (guint c = 0; c < ncls; c++)
    {
      g_string_append_printf (out, "<span class=\"key\"><span class=\"swatch\" style=\"height:10px;"
                                   "background:%s\"></span>", svg_colour ((size_t) m->classes[c]));
      html_escape (out, m->class_names[c]);
      g_string_append (out, "</span>");
    }
  g_string_append (out, "</p>\n<figcaption>Which sensors: each channel's share of the "
                        "saliency, per class.</figcaption>\n</figure>\n");
}

/* ----------------------------------------------------------- top windows */

static void
top_windows (GString *out, const Map *m, const TimeAxis *ax)
{
  guint nc = m->channels->len, nb = m->n_bins;
  gboolean any_focus = FALSE;
  for (guint c = 0; c < m->n_classes; c++)
    any_focus = any_focus || m->classes[c] > 0;
  g_string_append (out, "<div class=\"scroll\"><table class=\"windows\"><thead><tr>"
                        "<th>Class</th><th class=\"num\">#</th><th>Window</th>"
                        "<th class=\"num\">Share</th><th>Top channel</th></tr></thead>\n<tbody>\n");
  for (guint c = 0; c < m->n_classes; c++)
    {
      /* the defect classes (index > 0) when there are any */
      if (any_focus && m->classes[c] == 0)
        continue;
      g_autofree double *total = g_new0 (double, nb);
      g_autofree guint *order = g_new (guint, nb);
      for (guint b = 0; b < nb; b++)
        {
          order[b] = b;
          for (guint ch = 0; ch < nc; ch++)
            total[b] += cell (m, c, ch, b);
        }
      /* a stable selection of the largest: ties keep time order */
      guint n = MIN (nb, (guint) TOP_WINDOWS);
      for (guint i = 0; i < n; i++)
        for (guint j = i + 1; j < nb; j++)
          if (total[order[j]] > total[order[i]])
            {
              guint tmp = order[i];
              order[i] = order[j];
              order[j] = tmp;
            }
      for (guint i = 0; i < n; i++)
        {
          guint b = order[i];
          if (!(total[b] > 0))
            break;      /* no saliency left: the rest would be noise-free zeros */
          guint best = 0;
          for (guint ch = 1; ch < nc; ch++)
            if (cell (m, c, ch, b) > cell (m, c, best, b))
              best = ch;
          g_string_append (out, i == 0 ? "<tr class=\"grp\"><td>" : "<tr><td>");
          if (i == 0)
            html_escape (out, m->class_names[c]);
          g_string_append_printf (out, "</td><td class=\"num\">%u</td><td>", i + 1);
          time_range (out, ax, m->t_start[b], m->t_end[b]);
          g_string_append (out, "</td><td class=\"num\">");
          percent (out, total[b]);
          g_string_append (out, "</td><td>");
          html_escape (out, m->channels->pdata[best]);
          g_string_append (out, " <span class=\"n\">(");
          percent (out, total[b] > 0 ? cell (m, c, best, b) / total[b] : 0);
          g_string_append (out, " of it)</span></td></tr>\n");
        }
    }
  g_string_append (out, "</tbody></table></div>\n<p class=\"note\">Which times: the time bins "
                        "with the largest share of the saliency (all channels together), and the "
                        "channel with the most of it.</p>\n");
}

/* -------------------------------------------------------------- attention */

static void
attention_chart (GString *out, const Map *m, const TimeAxis *ax, const char *label)
{
  guint nb = m->n_bins;
  if (m->vmax <= 0 || nb == 0)
    return;
  double x1 = m->t_end[nb - 1] * ax->scale;
  SvgPlot p = svg_plot (460, 240, 0, x1 > 0 ? x1 : 1, 0, m->vmax * 1.1);
  g_autofree char *aria = g_strdup_printf ("attention per time bin, %s", label);
  g_autofree char *xt = g_strdup_printf ("time (%s)", ax->unit);
  g_string_append (out, "<figure class=\"chart\">\n");
  svg_open (out, 460, 240, aria);
  svg_axes (out, &p, 5, 4, xt, "share of attention");
  svg_hline (out, &p, 1.0 / nb);
  g_autofree double *x = g_new (double, nb);
  g_autofree double *y = g_new (double, nb);
  for (guint c = 0; c < m->n_classes; c++)
    {
      for (guint b = 0; b < nb; b++)
        {
          x[b] = 0.5 * (m->t_start[b] + m->t_end[b]) * ax->scale;
          y[b] = cell (m, c, 0, b);
        }
      svg_line (out, &p, x, y, nb, SVG_LINE, svg_colour ((size_t) m->classes[c]), 2, 1, FALSE);
    }
  svg_close (out);
  g_string_append (out, "<p class=\"legend\">");
  for (guint c = 0; c < m->n_classes; c++)
    {
      g_string_append_printf (out, "<span class=\"key\"><span class=\"swatch\" style=\"background:"
                                   "%s\"></span>", svg_colour ((size_t) m->classes[c]));
      html_escape (out, m->class_names[c]);
      g_string_append (out, "</span>");
    }
  g_string_append (out, "</p>\n<figcaption>Attention received per time bin (averaged over query "
                        "steps, heads and series); dashed: uniform attention.</figcaption>\n"
                        "</figure>\n");
}

/* ---------------------------------------------------------------- section */

static GPtrArray *
rows_of (const HtmlDoc *doc, const TdInterpretRow *rows, size_t n, guint row)
{
  GPtrArray *out = g_ptr_array_new ();
  for (size_t k = 0; k < n; k++)
    if (html_doc_row_of (doc, rows[k].pipeline, rows[k].variant) == (gint) row)
      g_ptr_array_add (out, (gpointer) &rows[k]);
  return out;
}

static void
pipeline_block (GString *out, const HtmlDoc *doc, guint row)
{
  const TdRunReport *r = doc->r;
  const char *label = doc->labels->pdata[row];
  g_autoptr (GPtrArray) sal = rows_of (doc, r->saliency, r->n_saliency, row);
  g_autoptr (GPtrArray) att = rows_of (doc, r->attention, r->n_attention, row);
  Map ms = { 0 }, ma = { 0 };
  gboolean has_sal = sal->len && map_build (&ms, (const TdInterpretRow *const *) sal->pdata,
                                            sal->len);
  gboolean has_att = att->len && map_build (&ma, (const TdInterpretRow *const *) att->pdata,
                                            att->len);
  if (has_sal || has_att)
    {
      const Map *any = has_sal ? &ms : &ma;
      TimeAxis ax = time_axis (r->sample_period, any->t_end[any->n_bins - 1]);
      g_string_append (out, "<h3>");
      html_escape (out, label);
      g_string_append (out, " <span class=\"n\">(");
      html_count (out, any->trials);
      g_string_append (out, any->trials == 1 ? " trial)" : " trials)");
      g_string_append (out, "</span></h3>\n");
      if (has_sal)
        {
          g_string_append (out, "<div class=\"maps\">\n");
          for (guint c = 0; c < ms.n_classes; c++)
            heatmap (out, &ms, c, &ax, label);
          g_string_append (out, "</div>\n");
        }
      g_string_append (out, "<div class=\"grid\">\n");
      if (has_sal)
        channel_bars (out, &ms, label);
      if (has_att)
        attention_chart (out, &ma, &ax, label);
      g_string_append (out, "</div>\n");
      if (has_sal)
        top_windows (out, &ms, &ax);
    }
  map_clear (&ms);
  map_clear (&ma);
}

void
html_section_drivers (GString *out, const HtmlDoc *doc)
{
  const TdRunReport *r = doc->r;
  if (r->n_saliency == 0 && r->n_attention == 0)
    return;
  g_autoptr (GString) body = g_string_new (NULL);
  for (guint k = 0; k < doc->plotted->len; k++)
    pipeline_block (body, doc, g_array_index (doc->plotted, guint, k));
  if (body->len == 0)
    return;
  g_string_append (out, "<section id=\"drivers\">\n<h2>What drives the score</h2>\n"
                        "<p class=\"note\">Input-gradient saliency of the test series (at most "
                        "<code>interpret.max_series</code> per trial, shared equally between the "
                        "classes): |gradient| averaged over the steps of each time bin per "
                        "channel, each series' map scaled to sum to 1, averaged per class, then "
                        "over trials (<code>saliency_summary.csv</code>). A map shows where the "
                        "model's score is sensitive, not what causes a defect. Pipelines whose "
                        "models read a feature matrix are under Feature importance instead.");
  if (!(r->sample_period > 0))
    g_string_append (out, " Times are steps of the data (its generator declares no sample "
                          "period).");
  g_string_append (out, "</p>\n");
  g_string_append_len (out, body->str, (gssize) body->len);
  g_string_append (out, "</section>\n");
}
