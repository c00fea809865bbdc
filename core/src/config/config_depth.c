/* config_depth.c — a linear pass over YAML text that finds flow
 * collections nested deeper than the loader accepts, before libyaml sees
 * them.
 *
 * libyaml's scanner keeps a possible simple key per flow level and revisits
 * all of them at every token, so parsing "[[[[…" costs the square of its
 * depth (100,000 levels: 42 s) before the tree builder could refuse it at
 * level 65. Block nesting is linear in libyaml and is left to the builder.
 *
 * The pass knows just enough YAML to not count brackets that are text:
 * quoted scalars, comments and block scalars (| and >) are skipped. A
 * bracket inside a plain scalar ("a[b") is counted, which can only make a
 * file look deeper than it is; at 64 levels no real experiment comes close.
 */
#include "config/config_node.h"

#include <string.h>

typedef struct {
  const char *p, *end;
  int line, col;            /* of p, 1-based */
} Cursor;

static void
advance (Cursor *c)
{
  if (*c->p == '\n')
    {
      c->line++;
      c->col = 1;
    }
  else if (((unsigned char) *c->p & 0xc0) != 0x80)
    c->col++;
  c->p++;
}

static int
indent_of (const char *line_start, const char *end)
{
  int n = 0;
  while (line_start + n < end && line_start[n] == ' ')
    n++;
  return n;
}

/* After a block scalar indicator: skip its lines, those indented more than
 * the line that started it (or blank). */
static void
skip_block_scalar (Cursor *c, int parent_indent)
{
  while (c->p < c->end && *c->p != '\n')
    advance (c);
  while (c->p < c->end)
    {
      const char *next = c->p + 1;
      int ind = indent_of (next, c->end);
      gboolean blank = next + ind >= c->end || next[ind] == '\n';
      if (!blank && ind <= parent_indent)
        return;
      advance (c);   /* the '\n' */
      while (c->p < c->end && *c->p != '\n')
        advance (c);
    }
}

gboolean
td_yaml_check_flow_depth (const char *text, gsize len, int max_depth, int *line, int *col)
{
  Cursor c = { .p = text, .end = text + len, .line = 1, .col = 1 };
  int depth = 0, line_indent = 0;
  char prev = '\n';           /* the last significant character */
  while (c.p < c.end)
    {
      char ch = *c.p;
      if (prev == '\n' && ch != '\n')
        line_indent = indent_of (c.p, c.end);
      gboolean token_start = prev == '\n' || prev == ' ' || prev == '\t' || prev == '['
                             || prev == '{' || prev == ',' || prev == ':' || prev == '-'
                             || prev == '?';
      if (ch == '#' && (prev == '\n' || prev == ' ' || prev == '\t'))
        {
          while (c.p < c.end && *c.p != '\n')
            advance (&c);
          continue;
        }
      if ((ch == '"' || ch == '\'') && token_start)
        {
          advance (&c);
          while (c.p < c.end && *c.p != ch)
            {
              if (ch == '"' && *c.p == '\\' && c.p + 1 < c.end)
                advance (&c);
              advance (&c);
            }
          if (c.p < c.end)
            advance (&c);
          prev = ch;
          continue;
        }
      if ((ch == '|' || ch == '>') && depth == 0 && token_start && prev != '\n')
        {
          skip_block_scalar (&c, line_indent);
          continue;
        }
      if (ch == '[' || ch == '{')
        {
          if (++depth > max_depth)
            {
              *line = c.line;
              *col = c.col;
              return FALSE;
            }
        }
      else if ((ch == ']' || ch == '}') && depth > 0)
        depth--;
      prev = ch;
      advance (&c);
    }
  return TRUE;
}
