/* labels.h — labels as written in data files, to targets (plugin-private).
 *
 * A label is a number or a class name. With classes given, a name must be one
 * of them (or its index); without, the task decides: binary wants 0/1,
 * regression a number, multiclass (and auto) collects the names it meets and
 * orders them (numerically when every name is a number) once reading ends.
 * auto: 0/1 only → binary; any non-integer number → regression; otherwise
 * multiclass.
 */
#pragma once

#include <tundish/dataset.h>

#include "series_builder.h"

G_BEGIN_DECLS

#define LABEL_AUTO 0

typedef struct {
  guint want;                   /* LABEL_AUTO or one TdTask */
  GPtrArray *classes;           /* char*: given, or met so far (in order met) */
  gboolean fixed;               /* classes were given */
  GHashTable *index;            /* name → index + 1 */
  char decimal;
  const char *const *na;
  gboolean any_text;            /* a name that is not a number was met */
  /* The last label read and its value: labels repeat row after row. */
  char last[32];
  size_t last_n;                /* 0: none */
  double last_out;
} LabelSet;

/* want: a task name ("auto", "binary", "multiclass", "regression"). */
void labels_init (LabelSet *l, const char *want, const char *const *classes, size_t n_classes,
                  char decimal, const char *const *na);
void labels_clear (LabelSet *l);

/* One label, s[0..n) with s[n] == '\0' (a field of the text reader): *out
 * is its value (binary, regression, fixed classes) or the index of its name
 * among those met (discovering); NaN for an NA token. No allocation unless
 * the name is new. FALSE with *why (caller frees) saying what was expected. */
gboolean labels_read (LabelSet *l, const char *s, size_t n, double *out, char **why);

/* Decide the task and rewrite the values labels_read gave (in ys[k][0..ns[k]),
 * NaN left alone) as targets; class names (NULL-terminated) to *names. */
gboolean labels_finish (LabelSet *l, double *const *ys, const size_t *ns, size_t n_arrays,
                        TdTask *task, size_t *n_classes, char ***names, GError **error);

/* The end of every source: labels_finish on the labels each series (and,
 * per step, each row) of b got from labels_read, then builder_finish. */
TdDataset *labels_build (LabelSet *l, SeriesBuilder *b, char *const *channel_names,
                         GError **error);

G_END_DECLS
