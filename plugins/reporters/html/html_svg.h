/* html_svg.h — small inline-SVG x/y charts for report.html (plugin-internal):
 * a plot frame with fitted axes and ticks, lines thinned to what a screen can
 * show, and one colour per pipeline shared by every chart of the page. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Data ranges and the plot area inside a viewBox of w × h pixels. */
typedef struct {
  double x0, x1, y0, y1;          /* data range shown */
  double left, top, right, bottom; /* plot area in viewBox pixels */
  int w, h;
} SvgPlot;

/* A frame of w × h with room for tick labels; ranges set by the caller. */
SvgPlot svg_plot (int w, int h, double x0, double x1, double y0, double y1);
double svg_x (const SvgPlot *p, double x);
double svg_y (const SvgPlot *p, double y);

/* Widen [lo, hi] by a margin (a flat range gets a small one); lo > hi (no
 * finite value seen) becomes [0, 1]. */
void svg_pad_range (double *lo, double *hi, double fraction);

/* <svg ...> with role="img" and an escaped aria-label. */
void svg_open (GString *out, int w, int h, const char *label);
void svg_close (GString *out);
/* Grid lines, ticks with labels on both axes (about nx / ny intervals) and
 * escaped axis titles (either may be NULL). */
void svg_axes (GString *out, const SvgPlot *p, int nx, int ny, const char *x_title,
               const char *y_title);
/* The identity line x = y across the plot (chance / perfect calibration). */
void svg_diagonal (GString *out, const SvgPlot *p);
/* A horizontal reference at y (e.g. prevalence, the chance PR curve). */
void svg_hline (GString *out, const SvgPlot *p, double y);

typedef enum {
  SVG_LINE,       /* straight segments */
  /* Jump to the next y first, then run to its x: a precision-recall curve
   * walked by increasing recall, whose area is then the average precision. */
  SVG_STEP_PRE,
} SvgLineKind;

/* A path through (x[i], y[i]); non-finite points break the line. Points
 * closer than about a pixel to the last drawn one are skipped, so a curve
 * of 100,000 points costs about as many bytes as its drawn length. */
void svg_line (GString *out, const SvgPlot *p, const double *x, const double *y, size_t n,
               SvgLineKind kind, const char *colour, double width, double opacity,
               gboolean dashed);
void svg_dot (GString *out, const SvgPlot *p, double x, double y, double r, const char *colour,
              double opacity);

/* A coordinate with one decimal, C locale. */
void svg_num (GString *out, double v);

/* Colour i of a palette distinguishable with common colour-vision
 * deficiencies (Okabe–Ito); cycles after SVG_N_COLOURS. */
#define SVG_N_COLOURS 8
const char *svg_colour (size_t i);

G_END_DECLS
