/* labels.c — see labels.h. */
#include "labels.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "text_reader.h"

void
labels_init (LabelSet *l, const char *want, const char *const *classes, size_t n_classes,
             char decimal, const char *const *na)
{
  memset (l, 0, sizeof *l);
  l->want = strcmp (want, "binary") == 0 ? TD_TASK_BINARY
            : strcmp (want, "multiclass") == 0 ? TD_TASK_MULTICLASS
            : strcmp (want, "regression") == 0 ? TD_TASK_REGRESSION : LABEL_AUTO;
  l->classes = g_ptr_array_new_with_free_func (g_free);
  l->index = g_hash_table_new (g_str_hash, g_str_equal);
  l->decimal = decimal;
  l->na = na;
  l->fixed = n_classes > 0;
  for (size_t k = 0; k < n_classes; k++)
    if (!g_hash_table_contains (l->index, classes[k]))
      {
        g_ptr_array_add (l->classes, g_strdup (classes[k]));
        g_hash_table_insert (l->index, l->classes->pdata[l->classes->len - 1],
                             GSIZE_TO_POINTER (l->classes->len));
      }
}

void
labels_clear (LabelSet *l)
{
  g_clear_pointer (&l->index, g_hash_table_unref);
  g_clear_pointer (&l->classes, g_ptr_array_unref);
}

static char *
class_list (const LabelSet *l)
{
  g_autoptr (GString) s = g_string_new ("");
  for (guint k = 0; k < l->classes->len && k < 10; k++)
    g_string_append_printf (s, "%s%s", k ? ", " : "", (char *) l->classes->pdata[k]);
  if (l->classes->len > 10)
    g_string_append (s, ", ...");
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static gboolean labels_read_new (LabelSet *l, const char *s, size_t n, double *out, char **why);

gboolean
labels_read (LabelSet *l, const char *s, size_t n, double *out, char **why)
{
  if (n && n == l->last_n && memcmp (s, l->last, n) == 0)
    {
      *out = l->last_out;
      return TRUE;
    }
  if (!labels_read_new (l, s, n, out, why))
    return FALSE;
  if (n < sizeof l->last)
    {
      memcpy (l->last, s, n);
      l->last_n = n;
      l->last_out = *out;
    }
  return TRUE;
}

static gboolean
labels_read_new (LabelSet *l, const char *s, size_t n, double *out, char **why)
{
  if (is_na (s, n, l->na))
    {
      *out = NAN;
      return TRUE;
    }
  double v;
  gboolean num = parse_number (s, n, l->decimal, &v) && isfinite (v);
  if (l->fixed)
    {
      gpointer at = g_hash_table_lookup (l->index, s);
      if (at)
        *out = (double) (GPOINTER_TO_SIZE (at) - 1);
      else if (num && v == floor (v) && v >= 0 && v < l->classes->len)
        *out = v;
      else
        {
          g_autofree char *known = class_list (l);
          *why = g_strdup_printf ("label \"%s\" is neither a known class (%s) nor a class "
                                  "index 0..%u", s, known, l->classes->len - 1);
          return FALSE;
        }
      return TRUE;
    }
  if (l->want == TD_TASK_BINARY || l->want == TD_TASK_REGRESSION)
    {
      if (!num || (l->want == TD_TASK_BINARY && v != 0 && v != 1))
        {
          *why = g_strdup_printf (l->want == TD_TASK_BINARY
                                  ? "label \"%s\"; expected 0 or 1 for task binary (or name "
                                    "the classes with classes: [...])"
                                  : "label \"%s\" is not a number; expected a number for task "
                                    "regression", s);
          return FALSE;
        }
      *out = v;
      return TRUE;
    }
  /* Discovering: numbers by value, so "1" and "1.0" are one class. A name
   * is copied only when it is new (labels repeat, per step especially). */
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  const char *name = s;
  if (num)
    {
      g_snprintf (buf, sizeof buf, "%.17g", v);
      name = buf;
    }
  gpointer at = g_hash_table_lookup (l->index, name);
  if (!at)
    {
      l->any_text |= !num;
      g_ptr_array_add (l->classes, g_strdup (name));
      at = GSIZE_TO_POINTER (l->classes->len);
      g_hash_table_insert (l->index, l->classes->pdata[l->classes->len - 1], at);
    }
  *out = (double) (GPOINTER_TO_SIZE (at) - 1);
  return TRUE;
}

static int
cmp_names (gconstpointer a, gconstpointer b, gpointer numeric)
{
  const char *x = *(const char *const *) a, *y = *(const char *const *) b;
  if (numeric)
    {
      double u = g_ascii_strtod (x, NULL), v = g_ascii_strtod (y, NULL);
      return (u > v) - (u < v);
    }
  return strcmp (x, y);
}

static void
remap (double *const *ys, const size_t *ns, size_t n_arrays, const double *map)
{
  for (size_t a = 0; a < n_arrays; a++)
    for (size_t k = 0; k < ns[a]; k++)
      if (!isnan (ys[a][k]))
        ys[a][k] = map[(size_t) ys[a][k]];
}

gboolean
labels_finish (LabelSet *l, double *const *ys, const size_t *ns, size_t n_arrays, TdTask *task,
               size_t *n_classes, char ***names, GError **error)
{
  *names = NULL;
  *n_classes = 0;
  if (l->fixed)
    {
      *task = l->classes->len == 2 && l->want != TD_TASK_MULTICLASS ? TD_TASK_BINARY
                                                                     : TD_TASK_MULTICLASS;
      if (l->want == TD_TASK_REGRESSION)
        {
          g_set_error (error, SRC_ERROR, 0, "classes: given with task regression; expected "
                       "one of them");
          return FALSE;
        }
    }
  else if (l->want == TD_TASK_BINARY || l->want == TD_TASK_REGRESSION)
    {
      *task = (TdTask) l->want;
      *n_classes = l->want == TD_TASK_BINARY ? 2 : 0;
      return TRUE;
    }
  else
    {
      size_t k_n = l->classes->len;
      g_autofree double *value = g_new0 (double, MAX (k_n, (size_t) 1));
      gboolean numeric = !l->any_text, binary = numeric, integer = TRUE;
      for (size_t k = 0; k < k_n; k++)
        if (!l->any_text)
          {
            value[k] = g_ascii_strtod (l->classes->pdata[k], NULL);
            binary &= value[k] == 0 || value[k] == 1;
            integer &= value[k] == floor (value[k]);
          }
      if (l->want == LABEL_AUTO && k_n > 0 && (binary || (numeric && !integer)))
        {
          *task = binary ? TD_TASK_BINARY : TD_TASK_REGRESSION;
          *n_classes = binary ? 2 : 0;
          remap (ys, ns, n_arrays, value);
          return TRUE;
        }
      *task = TD_TASK_MULTICLASS;
      /* Order the names met, then send each label's index to its place. */
      g_autoptr (GPtrArray) sorted = g_ptr_array_new ();
      for (size_t k = 0; k < k_n; k++)
        g_ptr_array_add (sorted, l->classes->pdata[k]);
      g_ptr_array_sort_with_data (sorted, cmp_names, GINT_TO_POINTER (!l->any_text));
      g_autofree double *place = g_new0 (double, MAX (k_n, (size_t) 1));
      for (size_t j = 0; j < k_n; j++)
        place[GPOINTER_TO_SIZE (g_hash_table_lookup (l->index, sorted->pdata[j])) - 1] = (double) j;
      remap (ys, ns, n_arrays, place);
      char **out = g_new0 (char *, k_n + 1);
      for (size_t j = 0; j < k_n; j++)
        out[j] = g_strdup (sorted->pdata[j]);
      *names = out;
      *n_classes = k_n;
      return TRUE;
    }
  char **out = g_new0 (char *, l->classes->len + 1);
  for (guint j = 0; j < l->classes->len; j++)
    out[j] = g_strdup (l->classes->pdata[j]);
  *names = out;
  *n_classes = l->classes->len;
  return TRUE;
}

TdDataset *
labels_build (LabelSet *l, SeriesBuilder *b, char *const *channel_names, GError **error)
{
  GArray *series = b->series;
  g_autofree double *y = g_new (double, MAX (series->len, 1u));
  for (guint s = 0; s < series->len; s++)
    y[s] = g_array_index (series, BuiltSeries, s).y;
  double *ys[2] = { y, b->y_step };
  size_t ns[2] = { series->len, b->y_step ? b->rows : 0 };
  TdTask task;
  size_t n_classes;
  char **names = NULL;
  if (!labels_finish (l, ys, ns, b->y_step ? 2 : 1, &task, &n_classes, &names, error))
    return NULL;
  for (guint s = 0; s < series->len; s++)
    g_array_index (series, BuiltSeries, s).y = y[s];
  return builder_finish (b, task, n_classes, names, channel_names, error);
}
