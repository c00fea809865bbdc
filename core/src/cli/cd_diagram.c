/* cd_diagram.c — see cd_diagram.h. The layout follows Demšar's figures: the
 * better half of the pipelines is labelled on the left, the rest on the
 * right, and each group bar spans a maximal run of neighbours (by mean rank)
 * in which no pair differs. */
#include "cd_diagram.h"

#include <math.h>
#include <stdlib.h>

#define WIDTH 720.0
#define MARGIN 170.0            /* room for labels on each side */
#define AXIS_Y 70.0
#define ROW 22.0

typedef struct {
  size_t i;
  double r;
} ByRank;

static int
by_rank_cmp (const void *pa, const void *pb)
{
  const ByRank *a = pa, *b = pb;
  if (a->r != b->r)
    return (a->r > b->r) - (a->r < b->r);
  return (a->i > b->i) - (a->i < b->i);
}

static void
text (GString *s, double x, double y, const char *anchor, const char *size, const char *str)
{
  g_autofree char *esc = g_markup_escape_text (str, -1);
  g_string_append_printf (s, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%s\">%s"
                          "</text>\n", x, y, anchor, size, esc);
}

char *
td_cd_diagram_svg (const TdCdDiagram *d)
{
  size_t k = d->k;
  double lo = 1.0, hi = MAX ((double) k, 2.0);
  double x0 = MARGIN, x1 = WIDTH - MARGIN;
#define XR(rank) (x0 + ((rank) - lo) / (hi - lo) * (x1 - x0))
  g_autofree ByRank *order = g_new (ByRank, MAX (k, (size_t) 1));
  for (size_t i = 0; i < k; i++)
    order[i] = (ByRank) { i, d->mean_ranks[i] };
  qsort (order, k, sizeof *order, by_rank_cmp);

  /* group bars: for each start, the furthest neighbour with every pair the same */
  g_autofree size_t *bar_end = g_new (size_t, MAX (k, (size_t) 1));
  for (size_t a = 0; a < k; a++)
    {
      size_t b = a;
      while (b + 1 < k)
        {
          gboolean all = TRUE;
          for (size_t c = a; c <= b && all; c++)
            all = d->same[order[c].i * k + order[b + 1].i];
          if (!all)
            break;
          b++;
        }
      bar_end[a] = b;
    }
  size_t n_bars = 0;
  g_autofree size_t *bars = g_new (size_t, MAX (k, (size_t) 1));
  for (size_t a = 0; a < k; a++)
    {
      /* keep a bar only when it is not inside the previous start's bar */
      gboolean inside = a > 0 && bar_end[a - 1] >= bar_end[a];
      if (bar_end[a] > a && !inside)
        bars[n_bars++] = a;
    }

  size_t left = (k + 1) / 2;
  double bars_y = AXIS_Y + 18.0;
  double labels_y = bars_y + (double) n_bars * 8.0 + 16.0;
  double height = labels_y + (double) MAX (left, k - left) * ROW + 40.0;
  GString *s = g_string_new (NULL);
  g_string_append_printf (s, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                          "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
                          "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
                          "font-family=\"sans-serif\">\n"
                          "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
                          WIDTH, height, WIDTH, height);
  text (s, WIDTH / 2, 18.0, "middle", "14", d->title);

  /* axis with integer ticks, rank 1 on the left */
  g_string_append_printf (s, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                          "stroke=\"black\"/>\n", x0, AXIS_Y, x1, AXIS_Y);
  for (int r = 1; r <= (int) hi; r++)
    {
      char num[16];
      g_snprintf (num, sizeof num, "%d", r);
      g_string_append_printf (s, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                              "stroke=\"black\"/>\n", XR (r), AXIS_Y - 6, XR (r), AXIS_Y);
      text (s, XR (r), AXIS_Y - 10, "middle", "12", num);
    }
  if (isfinite (d->cd) && d->cd > 0)
    {
      double cx = XR (lo + MIN (d->cd, hi - lo));
      g_string_append_printf (s, "<line x1=\"%.1f\" y1=\"38\" x2=\"%.1f\" y2=\"38\" "
                              "stroke=\"black\" stroke-width=\"2\"/>\n", x0, cx);
      char cd[48];
      g_snprintf (cd, sizeof cd, "CD = %.3f", d->cd);
      text (s, (x0 + cx) / 2, 30, "middle", "11", cd);
    }
  for (size_t b = 0; b < n_bars; b++)
    {
      size_t a = bars[b], e = bar_end[a];
      double y = bars_y + (double) b * 8.0;
      g_string_append_printf (s, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                              "stroke=\"black\" stroke-width=\"4\"/>\n",
                              XR (order[a].r) - 4, y, XR (order[e].r) + 4, y);
    }
  for (size_t j = 0; j < k; j++)
    {
      gboolean on_left = j < left;
      size_t row = on_left ? j : k - 1 - j;
      double x = XR (order[j].r), y = labels_y + (double) row * ROW;
      double xe = on_left ? x0 - 10 : x1 + 10;
      g_string_append_printf (s, "<polyline points=\"%.1f,%.1f %.1f,%.1f %.1f,%.1f\" "
                              "fill=\"none\" stroke=\"black\"/>\n"
                              "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\"/>\n",
                              x, AXIS_Y, x, y, xe, y, x, AXIS_Y);
      g_autofree char *label = g_strdup_printf ("%s (%.2f)", d->names[order[j].i], order[j].r);
      text (s, on_left ? xe - 4 : xe + 4, y + 4, on_left ? "end" : "start", "12", label);
    }
  if (d->note)
    text (s, WIDTH / 2, height - 12, "middle", "11", d->note);
  g_string_append (s, "</svg>\n");
#undef XR
  return g_string_free (s, FALSE);
}
