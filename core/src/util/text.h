/* text.h — text from outside (a YAML value, a CSV field, a plugin's
 * message, a swept value) made safe to show (core-internal).
 *
 * Anything tundish prints to a terminal or quotes in an error message goes
 * through one of these, so a 10 MB field cannot flood the screen and an
 * escape sequence in a label cannot rewrite it. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Characters an excerpt keeps; longer text is cut and says how long it was. */
#define TD_EXCERPT_CHARS 60

/* At most TD_EXCERPT_CHARS characters of text (len bytes, or -1: up to the
 * NUL), control characters escaped as by td_text_escape, and when cut,
 * "…" and " (N bytes)" after it. Invalid UTF-8 is replaced. */
char *td_excerpt (const char *text, gssize len);

/* text with every control character (C0 other than tab and line feed, DEL,
 * C1) written as \xNN or \u00NN, invalid UTF-8 replaced: what a terminal
 * shows as text and never obeys. NULL gives "". */
char *td_text_escape (const char *text);

/* The first control character that td_text_escape would escape (a C0
 * other than tab and line feed, DEL, a C1, or a NUL inside len), as its
 * byte offset; -1 when there is none. */
gssize td_text_find_control (const char *text, gsize len);

G_END_DECLS
