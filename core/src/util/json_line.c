/* json_line.c — see json_line.h. */
#include "util/json_line.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void
td_json_quote (GString *s, const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text ? text : "", -1);
  g_string_append_c (s, '"');
  for (const unsigned char *c = (const unsigned char *) valid; *c; c++)
    {
      switch (*c)
        {
        case '"': g_string_append (s, "\\\""); break;
        case '\\': g_string_append (s, "\\\\"); break;
        case '\n': g_string_append (s, "\\n"); break;
        case '\r': g_string_append (s, "\\r"); break;
        case '\t': g_string_append (s, "\\t"); break;
        default:
          if (*c < 0x20)
            g_string_append_printf (s, "\\u%04x", *c);
          else
            g_string_append_c (s, (char) *c);
        }
    }
  g_string_append_c (s, '"');
}

static void
key (TdJson *j, const char *name)
{
  if (j->need_comma)
    g_string_append_c (j->s, ',');
  td_json_quote (j->s, name);
  g_string_append_c (j->s, ':');
  j->need_comma = TRUE;
}

void
td_json_begin (TdJson *j, const char *event)
{
  j->s = g_string_new ("{");
  j->need_comma = FALSE;
  td_json_str (j, "event", event);
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *t = g_date_time_format (now, "%Y-%m-%dT%H:%M:%S.%fZ");
  /* %f gives microseconds; milliseconds are plenty for a log */
  if (t && strlen (t) == 27)
    memmove (t + 23, t + 26, 2);
  td_json_str (j, "time", t);
}

void
td_json_str (TdJson *j, const char *name, const char *value)
{
  key (j, name);
  if (value)
    td_json_quote (j->s, value);
  else
    g_string_append (j->s, "null");
}

void
td_json_double (TdJson *j, const char *name, double value)
{
  key (j, name);
  if (!isfinite (value))
    {
      g_string_append (j->s, "null");
      return;
    }
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_string_append (j->s, g_ascii_formatd (buf, sizeof buf, "%.17g", value));
}

void
td_json_int (TdJson *j, const char *name, gint64 value)
{
  key (j, name);
  g_string_append_printf (j->s, "%" G_GINT64_FORMAT, value);
}

void
td_json_object_begin (TdJson *j, const char *name)
{
  key (j, name);
  g_string_append_c (j->s, '{');
  j->need_comma = FALSE;
}

void
td_json_object_end (TdJson *j)
{
  g_string_append_c (j->s, '}');
  j->need_comma = TRUE;
}

char *
td_json_finish (TdJson *j)
{
  g_string_append (j->s, "}\n");
  char *line = g_string_free (j->s, FALSE);
  j->s = NULL;
  return line;
}

void
td_json_emit (TdJson *j)
{
  g_autofree char *line = td_json_finish (j);
  fputs (line, stderr);
  fflush (stderr);
}
