/* text.c — see text.h. */
#include "util/text.h"

#include <string.h>

/* Bytes of the control character at c (1 for C0/DEL, 2 for a C1 in UTF-8),
 * or 0 when c does not start one. Tab and line feed are text. */
static int
control_at (const unsigned char *c, const unsigned char *end)
{
  if (*c == '\t' || *c == '\n')
    return 0;
  if (*c < 0x20 || *c == 0x7f)
    return 1;
  if (*c == 0xc2 && c + 1 < end && c[1] >= 0x80 && c[1] <= 0x9f)
    return 2;
  return 0;
}

static void
escape_into (GString *out, const char *text, gsize len)
{
  const unsigned char *c = (const unsigned char *) text, *end = c + len;
  while (c < end)
    {
      int n = control_at (c, end);
      if (n == 1)
        g_string_append_printf (out, "\\x%02x", *c);
      else if (n == 2)
        g_string_append_printf (out, "\\u%04x", c[1]);
      else
        g_string_append_c (out, (char) *c);
      c += n ? n : 1;
    }
}

/* Escaped first (so a NUL or a control byte becomes text), then made valid UTF-8. */
static char *
escape_valid (const char *text, gsize len)
{
  GString *out = g_string_sized_new (len + 8);
  escape_into (out, text ? text : "", text ? len : 0);
  g_autofree char *raw = g_string_free (out, FALSE);
  return g_utf8_make_valid (raw, -1);
}

char *
td_text_escape (const char *text)
{
  return escape_valid (text, text ? strlen (text) : 0);
}

char *
td_excerpt (const char *text, gssize len)
{
  gsize n = len < 0 ? strlen (text ? text : "") : (gsize) len;
  /* enough bytes for the kept characters, however wide */
  gsize take = MIN (n, (gsize) TD_EXCERPT_CHARS * 4);
  char *shown = escape_valid (text, take);
  gboolean cut = n > take;
  if (g_utf8_strlen (shown, -1) > TD_EXCERPT_CHARS)
    {
      *g_utf8_offset_to_pointer (shown, TD_EXCERPT_CHARS) = '\0';
      cut = TRUE;
    }
  if (!cut)
    return shown;
  char *all = g_strdup_printf ("%s… (%" G_GSIZE_FORMAT " bytes)", shown, n);
  g_free (shown);
  return all;
}

gssize
td_text_find_control (const char *text, gsize len)
{
  const unsigned char *c = (const unsigned char *) text, *end = c + len;
  for (const unsigned char *p = c; p < end; p++)
    if (*p == '\0' || control_at (p, end))
      return p - c;
  return -1;
}
