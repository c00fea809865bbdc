/* ucr_ts.c — the .ts format of the UEA/UCR archive (sktime's loader's
 * format): '#' comments, @-header lines, then @data with one series per
 * line, dimensions separated by ':', values by ',', the class label last.
 * The header is checked against every series, naming the header line a
 * series contradicts: a mismatched header is the reference loaders' most
 * reported problem. */
#include "ucr.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  gboolean univariate, equal_length, missing, class_label;
  gint64 dimensions, series_length;    /* -1: not given */
  guint64 line_univariate, line_dimensions, line_length, line_missing, line_class;
  GPtrArray *classes;
} Header;

static gboolean
fail (const TextReader *r, size_t col, GError **error, const char *fmt, ...) G_GNUC_PRINTF (4, 5);

static gboolean
fail (const TextReader *r, size_t col, GError **error, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_set_error (error, SRC_ERROR, 0, "%s:%" G_GUINT64_FORMAT ":%zu: %s", r->path, r->line_no, col,
               msg);
  return FALSE;
}

static gboolean
header_bool (const TextReader *r, char **w, size_t col, gboolean *out, GError **error)
{
  if (!w[1] || (g_ascii_strcasecmp (w[1], "true") != 0 && g_ascii_strcasecmp (w[1], "false") != 0))
    return fail (r, col, error, "@%s needs true or false", w[0] + 1);
  *out = g_ascii_strcasecmp (w[1], "true") == 0;
  return TRUE;
}

static gboolean
header_int (const TextReader *r, char **w, size_t col, gint64 *out, GError **error)
{
  char *end = NULL;
  gint64 v = w[1] ? g_ascii_strtoll (w[1], &end, 10) : 0;
  if (!w[1] || *end || v < 1 || v > G_MAXINT32)
    return fail (r, col, error, "@%s needs a positive integer", w[0] + 1);
  *out = v;
  return TRUE;
}

/* Header lines up to @data. */
static gboolean
read_header (TextReader *r, Header *h, GError **error)
{
  char *line;
  GError *e = NULL;
  while ((line = text_reader_next_raw (r, &e)))
    {
      size_t col = 1;
      while (*line == ' ' || *line == '\t')
        line++, col++;
      if (!*line || *line == '#')
        continue;
      if (*line != '@')
        return fail (r, col, error, "\"%.20s\" before @data; expected @-header lines "
                     "(@problemName, @univariate, @classLabel, ...) then @data", line);
      g_auto (GStrv) w = g_regex_split_simple ("[ \\t]+", g_strstrip (line), 0, 0);
      const char *key = w[0] + 1;
      if (g_ascii_strcasecmp (key, "data") == 0)
        return TRUE;
      else if (g_ascii_strcasecmp (key, "univariate") == 0)
        {
          h->line_univariate = r->line_no;
          if (!header_bool (r, w, col, &h->univariate, error))
            return FALSE;
        }
      else if (g_ascii_strcasecmp (key, "equalLength") == 0)
        {
          if (!header_bool (r, w, col, &h->equal_length, error))
            return FALSE;
        }
      else if (g_ascii_strcasecmp (key, "missing") == 0)
        {
          h->line_missing = r->line_no;
          if (!header_bool (r, w, col, &h->missing, error))
            return FALSE;
        }
      else if (g_ascii_strcasecmp (key, "timeStamps") == 0)
        {
          gboolean ts = FALSE;
          if (!header_bool (r, w, col, &ts, error))
            return FALSE;
          if (ts)
            return fail (r, col, error, "@timeStamps true is not supported; expected series of "
                         "plain values (@timeStamps false)");
        }
      else if (g_ascii_strcasecmp (key, "dimensions") == 0)
        {
          h->line_dimensions = r->line_no;
          if (!header_int (r, w, col, &h->dimensions, error))
            return FALSE;
        }
      else if (g_ascii_strcasecmp (key, "seriesLength") == 0)
        {
          h->line_length = r->line_no;
          if (!header_int (r, w, col, &h->series_length, error))
            return FALSE;
        }
      else if (g_ascii_strcasecmp (key, "classLabel") == 0)
        {
          h->line_class = r->line_no;
          if (!header_bool (r, w, col, &h->class_label, error))
            return FALSE;
          for (size_t k = 2; h->class_label && w[k]; k++)
            if (*w[k])
              g_ptr_array_add (h->classes, g_strdup (w[k]));
          if (h->class_label && h->classes->len == 0)
            return fail (r, col, error, "@classLabel true without class names; expected "
                         "@classLabel true NAME NAME ...");
        }
      else if (g_ascii_strcasecmp (key, "targetLabel") == 0)
        return fail (r, col, error, "@targetLabel (a regression set) is not supported; expected "
                     "a classification set (@classLabel true ...)");
      /* @problemName and unknown keys carry nothing to check. */
    }
  if (e)
    {
      g_propagate_error (error, e);
      return FALSE;
    }
  return fail (r, 1, error, "no @data line after this; expected the header to end with @data");
}

/* Check a series line against the header and count its dimensions and length. */
static gboolean
shape_of (const TextReader *r, const Header *h, char *line, size_t *dims, size_t *len,
          GError **error)
{
  size_t n_parts = 1;
  for (char *p = line; *p; p++)
    n_parts += *p == ':';
  if (h->class_label && n_parts < 2)
    return fail (r, strlen (line) + 1, error, "no ':' before a class label; expected "
                 "values:...:LABEL (the header's @classLabel true, line %" G_GUINT64_FORMAT ")",
                 h->line_class);
  *dims = n_parts - (h->class_label ? 1 : 0);
  if (h->univariate && *dims != 1)
    return fail (r, 1, error, "a series with %zu dimensions; the header says @univariate true "
                 "(line %" G_GUINT64_FORMAT ")", *dims, h->line_univariate);
  if (h->dimensions > 0 && *dims != (size_t) h->dimensions)
    return fail (r, 1, error, "a series with %zu dimensions; the header says @dimensions %"
                 G_GINT64_FORMAT " (line %" G_GUINT64_FORMAT ")", *dims, h->dimensions,
                 h->line_dimensions);
  /* Every dimension the same length: one length per series. */
  *len = 0;
  char *p = line;
  for (size_t d = 0; d < *dims; d++)
    {
      size_t n = 1, col = (size_t) (p - line) + 1;
      for (; *p && *p != ':'; p++)
        n += *p == ',';
      if (d == 0)
        *len = n;
      else if (n != *len)
        return fail (r, col, error, "dimension %zu has %zu values, dimension 1 has %zu; "
                     "expected the same length in every dimension of a series", d + 1, n, *len);
      if (*p)
        p++;
    }
  if (h->equal_length && h->series_length > 0 && *len != (size_t) h->series_length)
    return fail (r, 1, error, "a series of %zu values; the header says @seriesLength %"
                 G_GINT64_FORMAT " (line %" G_GUINT64_FORMAT ")", *len, h->series_length,
                 h->line_length);
  return TRUE;
}

static gboolean
read_series (UcrTs *u, const TextReader *r, const Header *h, char *line, size_t dims, size_t len,
             double partition, GError **error)
{
  SeriesBuilder *b = &u->b;
  BuiltSeries *bs = builder_begin (b, NULL, 0, NULL, 0, partition);
  size_t start = b->rows;
  for (size_t t = 0; t < len; t++)
    if (!builder_row (b, error))
      return FALSE;
  char *p = line;
  for (size_t d = 0; d < dims; d++)
    for (size_t t = 0; t < len; t++)
      {
        char *s = p;
        while (*p && *p != ',' && *p != ':')
          p++;
        size_t n = (size_t) (p - s), col = (size_t) (s - line) + 1;
        double v;
        float *dst = b->x + (start + t) * b->n_channels + d;
        if (n == 1 && *s == '?')
          {
            if (!h->missing && h->line_missing)
              return fail (r, col, error, "a missing value '?'; the header says @missing false "
                           "(line %" G_GUINT64_FORMAT ")", h->line_missing);
            *dst = NAN;
          }
        else if (parse_number (s, n, '.', &v))
          *dst = (float) v;
        else
          return fail (r, col, error, "\"%.*s\" in dimension %zu; expected a number or '?'",
                       (int) MIN (n, (size_t) 40), s, d + 1);
        if (*p)
          p++;
      }
  if (h->class_label)
    {
      char *s = g_strstrip (p);
      g_autofree char *why = NULL;
      size_t col = (size_t) (s - line) + 1;
      if (!labels_read (&u->labels, s, strlen (s), &bs->y, &why) || isnan (bs->y))
        return fail (r, col, error, "class \"%s\" is not among the header's classes (line %"
                     G_GUINT64_FORMAT ": @classLabel true ...)", s, h->line_class);
    }
  return TRUE;
}

gboolean
ucr_read_ts (UcrTs *u, const char *path, double partition, GError **error)
{
  TextReader r;
  if (!text_reader_open (&r, path, ':', '.', '#', error))
    return FALSE;
  Header h = { .dimensions = -1, .series_length = -1, .missing = TRUE };
  h.classes = g_ptr_array_new_with_free_func (g_free);
  gboolean ok = read_header (&r, &h, error);
  if (ok && !h.class_label)
    ok = fail (&r, 1, error, "no class labels (@classLabel true NAME ... missing); expected a "
               "labelled classification set");
  if (ok && !u->labels_ready)
    {
      /* the label set keeps the NA list: it must outlive this block */
      static const char *const no_na[] = { NULL };
      labels_init (&u->labels, "auto", (const char *const *) h.classes->pdata, h.classes->len,
                   '.', no_na);
      u->labels_ready = TRUE;
      u->first_path = g_strdup (path);
    }
  else if (ok && h.classes->len != u->labels.classes->len)
    ok = fail (&r, 1, error, "%u classes in @classLabel; %s has %u: expected the same classes "
               "in the TRAIN and TEST files", h.classes->len, u->first_path,
               u->labels.classes->len);
  char *line;
  GError *e = NULL;
  while (ok && (line = text_reader_next_raw (&r, &e)))
    {
      char *t = line;
      while (*t == ' ' || *t == '\t')
        t++;
      if (!*t || *t == '#')
        continue;
      size_t dims = 0, len = 0;
      ok = shape_of (&r, &h, line, &dims, &len, error);
      if (ok && !u->started)
        {
          builder_init (&u->b, dims, FALSE);
          u->started = TRUE;
        }
      else if (ok && dims != u->b.n_channels)
        ok = fail (&r, 1, error, "a series with %zu dimensions; earlier series have %zu", dims,
                   u->b.n_channels);
      if (ok)
        ok = read_series (u, &r, &h, line, dims, len, partition, error);
    }
  if (e)
    {
      g_propagate_error (error, e);
      ok = FALSE;
    }
  g_ptr_array_unref (h.classes);
  text_reader_close (&r);
  return ok;
}
