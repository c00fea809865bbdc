/* html_util.c — see html_util.h. */
#include "html_util.h"

#include <math.h>
#include <string.h>

void
html_escape (GString *out, const char *s)
{
  if (s == NULL)
    return;
  g_autofree char *valid = g_utf8_make_valid (s, -1);
  for (const char *p = valid; *p; p++)
    {
      unsigned char c = (unsigned char) *p;
      switch (c)
        {
        case '&': g_string_append (out, "&amp;"); break;
        case '<': g_string_append (out, "&lt;"); break;
        case '>': g_string_append (out, "&gt;"); break;
        case '"': g_string_append (out, "&quot;"); break;
        case '\'': g_string_append (out, "&#39;"); break;
        case '\t': case '\n': case '\r':
          g_string_append_c (out, (char) c);
          break;
        default:
          if (c < 0x20 || c == 0x7f)
            g_string_append (out, "\xef\xbf\xbd");
          else
            g_string_append_c (out, (char) c);
        }
    }
}

void
html_escape_cut (GString *out, const char *s, int max_chars)
{
  g_autofree char *valid = g_utf8_make_valid (s ? s : "", -1);
  if (g_utf8_strlen (valid, -1) <= max_chars)
    {
      html_escape (out, valid);
      return;
    }
  g_autofree char *cut = g_utf8_substring (valid, 0, MAX (max_chars - 1, 0));
  html_escape (out, cut);
  g_string_append (out, "\xe2\x80\xa6");
}

void
html_escapef (GString *out, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *s = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  html_escape (out, s);
}

void
html_number (GString *out, double v)
{
  if (isnan (v))
    {
      g_string_append (out, "n/a");
      return;
    }
  if (isinf (v))
    {
      g_string_append (out, v > 0 ? "\xe2\x88\x9e" : "\xe2\x88\x92\xe2\x88\x9e");
      return;
    }
  double a = fabs (v);
  /* Counts (n, tp) are whole: 240, not 240.0. */
  const char *fmt = a == 0.0 || (a >= 1e-3 && a < 100) ? "%.3f"
                  : (a >= 100 && a < 1e6) ? (v == floor (v) ? "%.0f" : "%.1f") : "%.2e";
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_ascii_formatd (buf, sizeof buf, fmt, v);
  /* A typographic minus lines up with the digits in tabular figures. */
  if (buf[0] == '-')
    {
      g_string_append (out, "\xe2\x88\x92");
      g_string_append (out, buf + 1);
    }
  else
    g_string_append (out, buf);
}

void
html_count (GString *out, guint64 n)
{
  char digits[32];
  int len = g_snprintf (digits, sizeof digits, "%" G_GUINT64_FORMAT, n);
  for (int i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0)
        g_string_append_c (out, ',');
      g_string_append_c (out, digits[i]);
    }
}

char *
html_label (const char *pipeline, const char *variant)
{
  if (variant == NULL || *variant == '\0')
    return g_strdup (pipeline ? pipeline : "");
  return g_strdup_printf ("%s[%s]", pipeline ? pipeline : "", variant);
}

void
html_fact (GString *out, const char *term, const char *value, gboolean code)
{
  g_string_append (out, "<dt>");
  html_escape (out, term);
  g_string_append (out, "</dt><dd>");
  if (value == NULL || *value == '\0')
    g_string_append (out, "<span class=\"na\">not recorded</span>");
  else
    {
      g_string_append (out, code ? "<code>" : "");
      html_escape (out, value);
      g_string_append (out, code ? "</code>" : "");
    }
  g_string_append (out, "</dd>\n");
}
