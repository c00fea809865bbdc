/* cd_diagram.h — a critical-difference diagram (Demšar 2006) as a
 * self-contained SVG: the mean-rank axis (rank 1, the best, on the left),
 * each pipeline at its mean rank, and bars joining the groups of pipelines
 * no test told apart. */
#pragma once

#include <glib.h>

typedef struct {
  const char *title;            /* e.g. "roc_auc, 12 runs" */
  size_t k;
  const char *const *names;     /* [k] */
  const double *mean_ranks;     /* [k] */
  /* same[i * k + j]: TRUE when pipelines i and j were not found to differ */
  const gboolean *same;
  double cd;                    /* Nemenyi's critical difference, or NaN (no CD bar) */
  const char *note;             /* one line under the axis: which test drew the bars */
} TdCdDiagram;

/* The SVG text (caller frees). Every name is escaped. */
char *td_cd_diagram_svg (const TdCdDiagram *d);
