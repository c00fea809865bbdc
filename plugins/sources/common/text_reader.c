/* text_reader.c — see text_reader.h. */
#include "text_reader.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

G_DEFINE_QUARK (tundish-source-error-quark, src_error)

enum { CHUNK = 4 << 20 };   /* bytes read at a time; a line may be longer (the buffer grows) */

gboolean
text_reader_open (TextReader *r, const char *path, char delim, char decimal, char comment,
                  GError **error)
{
  memset (r, 0, sizeof *r);
  r->path = g_strdup (path);
  r->delim = delim;
  r->decimal = decimal;
  r->comment = comment;
  r->quotes = delim != DELIM_WHITESPACE;
  r->next_line_no = 1;
  /* gzip's magic bytes decide, not the name. */
  guchar magic[2] = { 0, 0 };
  FILE *f = fopen (path, "rb");
  gboolean compressed = f && fread (magic, 1, 2, f) == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
  if (f)
    fclose (f);
  r->gz = gzopen (path, "rb");
  if (!r->gz)
    {
      int err = errno;
      g_set_error (error, SRC_ERROR, 0, "%s: cannot open: %s", path,
                   err ? g_strerror (err) : "out of memory");
      text_reader_close (r);
      return FALSE;
    }
  gzbuffer (r->gz, 1 << 18);
  if (compressed)
    r->pump = gz_pump_start (g_steal_pointer (&r->gz), path);
  r->cap = CHUNK;
  r->buf = g_malloc (r->cap + 1);
  return TRUE;
}

void
text_reader_close (TextReader *r)
{
  if (r->gz)
    gzclose (r->gz);
  gz_pump_stop (r->pump);
  g_free (r->path);
  g_free (r->buf);
  g_free (r->field);
  g_free (r->field_len);
  g_free (r->field_col);
  memset (r, 0, sizeof *r);
}

/* More bytes after buf[pos, len): unread bytes move to the front first. */
static gboolean
fill (TextReader *r, GError **error)
{
  if (r->pos > 0)
    {
      memmove (r->buf, r->buf + r->pos, r->len - r->pos);
      r->len -= r->pos;
      r->pos = 0;
    }
  if (r->len == r->cap)
    {
      r->cap *= 2;
      r->buf = g_realloc (r->buf, r->cap + 1);
    }
  size_t want = MIN (r->cap - r->len, (size_t) INT_MAX);
  g_autofree char *msg = NULL;
  int code = 0;
  gssize got = r->pump ? gz_pump_read (r->pump, r->buf + r->len, want, &msg)
                       : gzread (r->gz, r->buf + r->len, (unsigned) want);
  if (got < 0)
    {
      if (!r->pump)
        {
          const char *m = gzerror (r->gz, &code);
          msg = g_strdup (code == Z_ERRNO ? g_strerror (errno) : m);
        }
      g_set_error (error, SRC_ERROR, 0, "%s:%" G_GUINT64_FORMAT ":1: cannot read: %s", r->path,
                   r->next_line_no, msg);
      return FALSE;
    }
  if (got == 0)
    r->eof = TRUE;
  r->len += (size_t) got;
  return TRUE;
}

/* The next line, NUL-terminated in place (CR LF and LF endings); *len its
 * length. NUL bytes inside are not looked for here. */
static char *
raw_line (TextReader *r, size_t *len, GError **error)
{
  for (;;)
    {
      char *start = r->buf + r->pos;
      char *nl = memchr (start, '\n', r->len - r->pos);
      if (nl || (r->eof && r->pos < r->len))
        {
          char *end = nl ? nl : r->buf + r->len;
          *end = '\0';
          if (end > start && end[-1] == '\r')
            *--end = '\0';
          r->pos = nl ? (size_t) (nl - r->buf) + 1 : r->len;
          r->line_no = r->next_line_no++;
          r->line = start;
          *len = (size_t) (end - start);
          return start;
        }
      if (r->eof)
        return NULL;
      if (!fill (r, error))
        return NULL;
    }
}

static gboolean
nul_error (const TextReader *r, size_t col, GError **error)
{
  g_set_error (error, SRC_ERROR, 0, "%s:%" G_GUINT64_FORMAT ":%zu: a NUL byte; expected text "
               "(is this a binary file?)", r->path, r->line_no, col);
  return FALSE;
}

char *
text_reader_next_raw (TextReader *r, GError **error)
{
  size_t len;
  char *line = raw_line (r, &len, error);
  const char *nul = line ? memchr (line, '\0', len) : NULL;
  if (nul)
    {
      nul_error (r, (size_t) (nul - line) + 1, error);
      return NULL;
    }
  return line;
}

static void
add_field (TextReader *r, char *start, size_t len, size_t col)
{
  if (r->n_fields == r->cap_fields)
    {
      r->cap_fields = r->cap_fields ? 2 * r->cap_fields : 64;
      r->field = g_renew (char *, r->field, r->cap_fields);
      r->field_len = g_renew (guint32, r->field_len, r->cap_fields);
      r->field_col = g_renew (guint32, r->field_col, r->cap_fields);
    }
  r->field[r->n_fields] = start;
  r->field_len[r->n_fields] = (guint32) len;
  r->field_col[r->n_fields] = (guint32) col;
  r->n_fields++;
}

static gboolean
split (TextReader *r, char *line, size_t len, GError **error)
{
  r->n_fields = 0;
  char *p = line;
  if (r->delim == DELIM_WHITESPACE)
    {
      for (;;)
        {
          while (*p == ' ' || *p == '\t')
            p++;
          if (!*p)
            break;
          char *s = p;
          while (*p && *p != ' ' && *p != '\t')
            p++;
          char *e = p;
          if (*p)
            p++;
          *e = '\0';
          add_field (r, s, (size_t) (e - s), (size_t) (s - line) + 1);
        }
      r->end_col = (guint32) (p - line) + 1;
      return (size_t) (p - line) >= len || nul_error (r, (size_t) (p - line) + 1, error);
    }
  for (;;)
    {
      char *s = p;
      if (r->quotes && *p == '"')
        {
          /* RFC 4180: "" inside is one quote; unescape in place. */
          char *w = p, *q = p + 1;
          for (;;)
            {
              if (!*q && (size_t) (q - line) < len)
                return nul_error (r, (size_t) (q - line) + 1, error);
              if (!*q)
                {
                  r->end_col = (guint32) (q - line) + 1;
                  add_field (r, s, 0, (size_t) (s - line) + 1);
                  return text_reader_fail (r, r->n_fields - 1, error,
                                           "a quoted field that does not end on its line; "
                                           "expected a closing '\"' (fields may not span lines)");
                }
              if (*q == '"' && q[1] == '"')
                {
                  *w++ = '"';
                  q += 2;
                }
              else if (*q == '"')
                break;
              else
                *w++ = *q++;
            }
          q++;
          if (*q && *q != r->delim)
            {
              add_field (r, s, 0, (size_t) (s - line) + 1);
              r->end_col = (guint32) (q - line) + 1;
              return text_reader_fail (r, r->n_fields - 1, error,
                                       "text after a closing quote; expected '%c' or the end "
                                       "of the line", r->delim == '\t' ? ' ' : r->delim);
            }
          char *e = q;
          p = *q ? q + 1 : q;
          *w = '\0';
          add_field (r, s, (size_t) (w - s), (size_t) (s - line) + 1);
          if (!*e)
            break;
          continue;
        }
      /* Fields are short: a plain loop beats a strchr call per field. */
      char *e = p, d = r->delim;
      while (*e && *e != d)
        e++;
      if (!*e)
        {
          add_field (r, s, (size_t) (e - s), (size_t) (s - line) + 1);
          p = e;
          break;
        }
      *e = '\0';
      add_field (r, s, (size_t) (e - s), (size_t) (s - line) + 1);
      p = e + 1;
    }
  r->end_col = (guint32) (p - line) + 1;
  return (size_t) (p - line) >= len || nul_error (r, (size_t) (p - line) + 1, error);
}

int
text_reader_next (TextReader *r, GError **error)
{
  char *line;
  size_t len;
  GError *e = NULL;
  while ((line = raw_line (r, &len, &e)))
    {
      const char *t = line;
      while (*t == ' ' || *t == '\t')
        t++;
      if ((!*t && (size_t) (t - line) == len) || (r->comment && *t == r->comment))
        continue;
      return split (r, line, len, error) ? 1 : -1;
    }
  if (e)
    {
      g_propagate_error (error, e);
      return -1;
    }
  return 0;
}

gboolean
text_reader_fail (const TextReader *r, size_t k, GError **error, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  guint32 col = k < r->n_fields ? r->field_col[k] : r->end_col;
  g_set_error (error, SRC_ERROR, 0, "%s:%" G_GUINT64_FORMAT ":%u: %s", r->path, r->line_no, col,
               msg);
  return FALSE;
}

char
text_delim_for_path (const char *path)
{
  g_autofree char *p = g_ascii_strdown (path, -1);
  if (g_str_has_suffix (p, ".gz"))
    p[strlen (p) - 3] = '\0';
  if (g_str_has_suffix (p, ".tsv") || g_str_has_suffix (p, ".tab"))
    return DELIM_TAB;
  if (g_str_has_suffix (p, ".txt") || g_str_has_suffix (p, ".dat"))
    return DELIM_WHITESPACE;
  return DELIM_COMMA;
}

/* ------------------------------------------------------------------ numbers */

/* Exactly representable powers of ten (10^22 is the largest, Clinger 1990). */
static const double pow10_exact[] = {
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
  1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

static gboolean
slow_number (const char *s, size_t n, char decimal, double *out)
{
  char stack[64];
  char *b = n < sizeof stack ? stack : g_malloc (n + 1);
  for (size_t k = 0; k < n; k++)
    b[k] = s[k] == decimal ? '.' : (s[k] == '.' && decimal != '.' ? 'x' : s[k]);
  b[n] = '\0';
  char *end = NULL;
  errno = 0;
  double v = g_ascii_strtod (b, &end);
  gboolean ok = end == b + n && n > 0 && !(b[0] == '0' && (b[1] == 'x' || b[1] == 'X'))
                && !g_ascii_isspace (b[0]);
  if (b != stack)
    g_free (b);
  if (ok)
    *out = v;
  return ok;
}

gboolean
parse_number (const char *s, size_t n, char decimal, double *out)
{
  while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
    n--;
  while (n && (*s == ' ' || *s == '\t'))
    s++, n--;
  const char *p = s, *end = s + n;
  gboolean neg = FALSE;
  if (p < end && (*p == '-' || *p == '+'))
    neg = *p++ == '-';
  guint64 m = 0;
  int digits = 0, exp10 = 0, any = 0;
  while (p < end && *p == '0')   /* leading zeros are not significant */
    p++, any = 1;
  for (; p < end && (unsigned) (*p - '0') < 10; p++, any = 1)
    if (digits < 19)
      m = m * 10 + (guint64) (*p - '0'), digits += m > 0;
    else
      return slow_number (s, n, decimal, out);
  if (p < end && *p == decimal)
    {
      p++;
      if (m == 0)
        for (; p < end && *p == '0'; p++, any = 1)
          exp10--;
      for (; p < end && (unsigned) (*p - '0') < 10; p++, any = 1)
        {
          if (digits >= 19)
            return slow_number (s, n, decimal, out);
          m = m * 10 + (guint64) (*p - '0');
          digits++;
          exp10--;
        }
    }
  if (!any)
    return slow_number (s, n, decimal, out);   /* inf, nan, or not a number */
  if (p < end && (*p == 'e' || *p == 'E'))
    {
      p++;
      gboolean eneg = FALSE;
      if (p < end && (*p == '-' || *p == '+'))
        eneg = *p++ == '-';
      if (p == end || (unsigned) (*p - '0') >= 10)
        return FALSE;
      int e = 0;
      for (; p < end && (unsigned) (*p - '0') < 10; p++)
        if (e < 100000)
          e = e * 10 + (*p - '0');
      exp10 += eneg ? -e : e;
    }
  if (p != end)
    return FALSE;
  if (m == 0)
    {
      *out = neg ? -0.0 : 0.0;
      return TRUE;
    }
  /* One correctly rounded operation on exact operands: strtod's result. */
  if (m <= (G_GUINT64_CONSTANT (1) << 53) && exp10 >= -22 && exp10 <= 22)
    {
      double v = (double) m;
      v = exp10 < 0 ? v / pow10_exact[-exp10] : v * pow10_exact[exp10];
      *out = neg ? -v : v;
      return TRUE;
    }
  return slow_number (s, n, decimal, out);
}

static gboolean
digits_at (const char *s, int n, int *out)
{
  int v = 0;
  for (int k = 0; k < n; k++)
    {
      if ((unsigned) (s[k] - '0') >= 10)
        return FALSE;
      v = v * 10 + (s[k] - '0');
    }
  *out = v;
  return TRUE;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
static gint64
days_from_civil (int y, int m, int d)
{
  y -= m <= 2;
  gint64 era = (y >= 0 ? y : y - 399) / 400;
  gint64 yoe = y - era * 400;
  gint64 doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  gint64 doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

gboolean
parse_time (const char *s, size_t n, char decimal, double *out)
{
  while (n && s[n - 1] == ' ')
    n--;
  while (n && *s == ' ')
    s++, n--;
  int y, mo, d, h = 0, mi = 0, sec = 0;
  if (n < 10 || s[4] != '-' || s[7] != '-' || !digits_at (s, 4, &y) || !digits_at (s + 5, 2, &mo)
      || !digits_at (s + 8, 2, &d))
    return parse_number (s, n, decimal, out);
  if (mo < 1 || mo > 12 || d < 1 || d > 31)
    return FALSE;
  size_t k = 10;
  double frac = 0, offset = 0;
  if (k < n && (s[k] == 'T' || s[k] == ' '))
    {
      if (n < k + 6 || !digits_at (s + k + 1, 2, &h) || s[k + 3] != ':'
          || !digits_at (s + k + 4, 2, &mi))
        return FALSE;
      k += 6;
      if (k < n && s[k] == ':')
        {
          if (n < k + 3 || !digits_at (s + k + 1, 2, &sec))
            return FALSE;
          k += 3;
          if (k < n && (s[k] == '.' || s[k] == ','))
            {
              double scale = 0.1;
              for (k++; k < n && (unsigned) (s[k] - '0') < 10; k++, scale /= 10)
                frac += (s[k] - '0') * scale;
            }
        }
      if (k < n && s[k] == 'Z')
        k++;
      else if (k < n && (s[k] == '+' || s[k] == '-'))
        {
          int oh, om = 0;
          if (n < k + 3 || !digits_at (s + k + 1, 2, &oh))
            return FALSE;
          size_t j = k + 3;
          if (j < n && s[j] == ':')
            j++;
          if (j + 2 <= n && digits_at (s + j, 2, &om))
            j += 2;
          offset = (s[k] == '-' ? -1 : 1) * (oh * 3600.0 + om * 60.0);
          k = j;
        }
    }
  if (k != n || h > 24 || mi > 59 || sec > 60)
    return FALSE;
  *out = (double) days_from_civil (y, mo, d) * 86400.0 + h * 3600.0 + mi * 60.0 + sec + frac
         - offset;
  return TRUE;
}

gboolean
is_na (const char *s, size_t n, const char *const *na)
{
  for (size_t k = 0; na && na[k]; k++)
    if (strlen (na[k]) == n && memcmp (na[k], s, n) == 0)
      return TRUE;
  return FALSE;
}
