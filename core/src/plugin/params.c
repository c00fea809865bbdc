/* params.c — typed parameter values validated against a plugin's specs. */
#include <tundish/params.h>
#include <tundish/plugin.h>

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  gboolean set;
  gint64 i;
  double d;
  gboolean b;
  char *s;                 /* STRING, ENUM */
  GArray *list;            /* gint64 / double / char* (NULL-terminated extra slot) */
} TdParamValue;

struct TdParams {
  const TdParamSpec *specs;
  size_t n;
  TdParamValue *values;
};

const char *
td_param_type_name (TdParamType type)
{
  switch (type)
    {
    case TD_PARAM_INT: return "integer";
    case TD_PARAM_DOUBLE: return "number";
    case TD_PARAM_BOOL: return "boolean";
    case TD_PARAM_STRING: return "string";
    case TD_PARAM_ENUM: return "choice";
    case TD_PARAM_INT_LIST: return "list of integers";
    case TD_PARAM_DOUBLE_LIST: return "list of numbers";
    case TD_PARAM_STRING_LIST: return "list of strings";
    case TD_PARAM_PARAMS: return "parameters of another plugin";
    case TD_PARAM_PATH: return "path";
    case TD_PARAM_PATH_LIST: return "list of paths";
    }
  return "?";
}

/* List types whose items are strings the params own. */
static gboolean
holds_strings (TdParamType t)
{
  return t == TD_PARAM_STRING_LIST || t == TD_PARAM_PATH_LIST;
}

static void
value_clear (const TdParamSpec *spec, TdParamValue *v)
{
  g_clear_pointer (&v->s, g_free);
  if (v->list)
    {
      if (holds_strings (spec->type))
        for (guint k = 0; k < v->list->len; k++)
          g_free (g_array_index (v->list, char *, k));
      g_array_free (v->list, TRUE);
      v->list = NULL;
    }
  v->set = FALSE;
}

static ssize_t
find_spec (const TdParams *p, const char *name)
{
  for (size_t k = 0; k < p->n; k++)
    if (strcmp (p->specs[k].name, name) == 0)
      return (ssize_t) k;
  return -1;
}

char *
td_param_range_text (const TdParamSpec *spec)
{
  if (!(spec->min < spec->max))
    return g_strdup ("");
  char lo = (spec->flags & TD_PARAM_MIN_EXCLUSIVE) ? '(' : '[';
  char hi = (spec->flags & TD_PARAM_MAX_EXCLUSIVE) ? ')' : ']';
  if (spec->type == TD_PARAM_INT || spec->type == TD_PARAM_INT_LIST)
    return g_strdup_printf (" in %c%.0f, %.0f%c", lo, spec->min, spec->max, hi);
  return g_strdup_printf (" in %c%g, %g%c", lo, spec->min, spec->max, hi);
}

#define range_text td_param_range_text

/* v inside the spec's range (always, when the spec has none). */
static gboolean
in_range (const TdParamSpec *spec, double v)
{
  if (!(spec->min < spec->max))
    return TRUE;
  gboolean lo_ok = (spec->flags & TD_PARAM_MIN_EXCLUSIVE) ? v > spec->min : v >= spec->min;
  gboolean hi_ok = (spec->flags & TD_PARAM_MAX_EXCLUSIVE) ? v < spec->max : v <= spec->max;
  return lo_ok && hi_ok;
}

static char *
choices_text (const TdParamSpec *spec)
{
  GString *s = g_string_new ("");
  for (size_t k = 0; spec->choices && spec->choices[k]; k++)
    g_string_append_printf (s, "%s%s", k ? ", " : "", spec->choices[k]);
  return g_string_free (s, FALSE);
}

/* Strip YAML-style quotes around a scalar. */
static char *
unquote (const char *text)
{
  size_t n = strlen (text);
  if (n >= 2 && ((text[0] == '"' && text[n - 1] == '"') || (text[0] == '\'' && text[n - 1] == '\'')))
    return g_strndup (text + 1, n - 2);
  return g_strdup (text);
}

static gboolean
parse_int (const TdParamSpec *spec, const char *text, gint64 *out, GError **error)
{
  g_autofree char *t = g_strstrip (g_strdup (text));
  char *end = NULL;
  errno = 0;
  gint64 v = g_ascii_strtoll (t, &end, 10);
  if (*t == '\0' || *end != '\0' || errno != 0)
    {
      /* Accept integral doubles written as 1e3 or 100.0. */
      double d = g_ascii_strtod (t, &end);
      if (*t != '\0' && *end == '\0' && isfinite (d) && d == floor (d) && fabs (d) < 9.0e15)
        v = (gint64) d;
      else
        {
          g_autofree char *r = range_text (spec);
          g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                       "%s: expected an integer%s, got \"%s\"", spec->name, r, text);
          return FALSE;
        }
    }
  if (!in_range (spec, (double) v))
    {
      g_autofree char *r = range_text (spec);
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   "%s: expected an integer%s, got %" G_GINT64_FORMAT, spec->name, r, v);
      return FALSE;
    }
  *out = v;
  return TRUE;
}

static gboolean
parse_double (const TdParamSpec *spec, const char *text, double *out, GError **error)
{
  g_autofree char *t = g_strstrip (g_strdup (text));
  char *end = NULL;
  double v = g_ascii_strtod (t, &end);
  if (*t == '\0' || *end != '\0' || !isfinite (v))
    {
      g_autofree char *r = range_text (spec);
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   "%s: expected a finite number%s, got \"%s\"", spec->name, r, text);
      return FALSE;
    }
  if (!in_range (spec, v))
    {
      g_autofree char *r = range_text (spec);
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   "%s: expected a number%s, got %.17g", spec->name, r, v);
      return FALSE;
    }
  *out = v;
  return TRUE;
}

static gboolean
parse_bool (const TdParamSpec *spec, const char *text, gboolean *out, GError **error)
{
  static const char *const yes[] = { "true", "True", "TRUE", "yes", "on", NULL };
  static const char *const no[] = { "false", "False", "FALSE", "no", "off", NULL };
  if (g_strv_contains (yes, text)) { *out = TRUE; return TRUE; }
  if (g_strv_contains (no, text)) { *out = FALSE; return TRUE; }
  g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
               "%s: expected true or false, got \"%s\"", spec->name, text);
  return FALSE;
}

static gboolean
check_choice (const TdParamSpec *spec, const char *text, GError **error)
{
  if (!spec->choices)
    return TRUE;
  for (size_t k = 0; spec->choices[k]; k++)
    if (strcmp (spec->choices[k], text) == 0)
      return TRUE;
  g_autofree char *c = choices_text (spec);
  g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
               "%s: expected one of %s, got \"%s\"", spec->name, c, text);
  return FALSE;
}

/* Split a flow sequence "[a, b, c]" into trimmed, unquoted items. Items may
 * not themselves contain commas (parameter lists are of scalars). */
static char **
split_flow_list (const char *text, GError **error, const TdParamSpec *spec)
{
  g_autofree char *t = g_strstrip (g_strdup (text));
  size_t n = strlen (t);
  if (n < 2 || t[0] != '[' || t[n - 1] != ']')
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   "%s: expected a %s such as [1, 2], got \"%s\"", spec->name,
                   td_param_type_name (spec->type), text);
      return NULL;
    }
  t[n - 1] = '\0';
  char *inner = g_strstrip (t + 1);
  if (*inner == '\0')
    return g_new0 (char *, 1);
  char **items = g_strsplit (inner, ",", -1);
  for (size_t k = 0; items[k]; k++)
    {
      char *u = unquote (g_strstrip (items[k]));
      g_free (items[k]);
      items[k] = u;
    }
  return items;
}

/* Split a flow mapping "{a: 1, b: [x, y], c: \"p, q\"}" into its "key: value"
 * items at the commas outside brackets and quotes; NULL when it is not one. */
static char **
split_flow_map (const char *text)
{
  g_autofree char *t = g_strstrip (g_strdup (text));
  size_t n = strlen (t);
  if (n < 2 || t[0] != '{' || t[n - 1] != '}')
    return NULL;
  t[n - 1] = '\0';
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_free);
  int depth = 0;
  char quote = 0;
  const char *start = t + 1;
  for (const char *c = t + 1;; c++)
    {
      if (quote)
        {
          if (*c == '\0')
            return NULL;
          if (*c == '\\' && quote == '"' && c[1])
            c++;
          else if (*c == quote)
            quote = 0;
          continue;
        }
      if (*c == '"' || *c == '\'')
        quote = *c;
      else if (*c == '[' || *c == '{')
        depth++;
      else if ((*c == ']' || *c == '}') && --depth < 0)
        return NULL;
      else if ((*c == ',' && depth == 0) || *c == '\0')
        {
          char *item = g_strstrip (g_strndup (start, (gsize) (c - start)));
          if (*item || *c == ',' || items->len)
            {
              if (!strstr (item, ": ") && !g_str_has_suffix (item, ":"))
                {
                  g_free (item);
                  return NULL;
                }
              g_ptr_array_add (items, item);
            }
          else
            g_free (item);
          if (*c == '\0')
            break;
          start = c + 1;
        }
    }
  if (depth != 0)
    return NULL;
  g_ptr_array_add (items, NULL);
  return (char **) g_ptr_array_steal (items, NULL);
}

static gboolean
parse_value (const TdParamSpec *spec, const char *text, TdParamValue *v, GError **error)
{
  TdParamValue nv = { 0 };
  g_autofree char *scalar = unquote (text);
  switch (spec->type)
    {
    case TD_PARAM_INT:
      if (!parse_int (spec, scalar, &nv.i, error)) return FALSE;
      break;
    case TD_PARAM_DOUBLE:
      if (!parse_double (spec, scalar, &nv.d, error)) return FALSE;
      break;
    case TD_PARAM_BOOL:
      if (!parse_bool (spec, scalar, &nv.b, error)) return FALSE;
      break;
    case TD_PARAM_STRING:
    case TD_PARAM_PATH:
      nv.s = g_strdup (scalar);
      break;
    case TD_PARAM_ENUM:
      if (!check_choice (spec, scalar, error)) return FALSE;
      nv.s = g_strdup (scalar);
      break;
    case TD_PARAM_PARAMS:
      {
        /* The values are checked where the other plugin's specs are known
         * (the config, td_params_get_params); here only the form. */
        g_auto (GStrv) items = split_flow_map (text);
        if (!items)
          {
            g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                         "%s: expected a mapping of parameters such as {stats: [mean, max]}, "
                         "got \"%s\"", spec->name, text);
            return FALSE;
          }
        g_autofree char *joined = g_strjoinv (", ", items);
        nv.s = g_strdup_printf ("{%s}", joined);
      }
      break;
    case TD_PARAM_INT_LIST:
    case TD_PARAM_DOUBLE_LIST:
    case TD_PARAM_STRING_LIST:
    case TD_PARAM_PATH_LIST:
      {
        g_auto (GStrv) items = split_flow_list (text, error, spec);
        if (!items) return FALSE;
        size_t esz = spec->type == TD_PARAM_INT_LIST ? sizeof (gint64)
                   : spec->type == TD_PARAM_DOUBLE_LIST ? sizeof (double) : sizeof (char *);
        nv.list = g_array_new (TRUE, TRUE, (guint) esz);
        for (size_t k = 0; items[k]; k++)
          {
            gboolean ok = TRUE;
            if (spec->type == TD_PARAM_INT_LIST)
              {
                gint64 x;
                ok = parse_int (spec, items[k], &x, error);
                if (ok) g_array_append_val (nv.list, x);
              }
            else if (spec->type == TD_PARAM_DOUBLE_LIST)
              {
                double x;
                ok = parse_double (spec, items[k], &x, error);
                if (ok) g_array_append_val (nv.list, x);
              }
            else
              {
                ok = check_choice (spec, items[k], error);
                char *x = g_strdup (items[k]);
                if (ok) g_array_append_val (nv.list, x); else g_free (x);
              }
            if (!ok)
              {
                value_clear (spec, &nv);
                return FALSE;
              }
          }
      }
      break;
    }
  value_clear (spec, v);
  *v = nv;
  v->set = TRUE;
  return TRUE;
}

TdParams *
td_params_new_defaults (const TdParamSpec *specs, size_t n_specs, GError **error)
{
  TdParams *p = g_new0 (TdParams, 1);
  p->specs = specs;
  p->n = n_specs;
  p->values = g_new0 (TdParamValue, MAX (n_specs, 1));
  for (size_t k = 0; k < n_specs; k++)
    {
      if (!specs[k].name || !*specs[k].name)
        {
          g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                       "parameter %zu has no name", k);
          td_params_free (p);
          return NULL;
        }
      if (specs[k].type == TD_PARAM_ENUM && (!specs[k].choices || !specs[k].choices[0]))
        {
          g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                       "%s: an enum parameter needs choices", specs[k].name);
          td_params_free (p);
          return NULL;
        }
      if (specs[k].default_value)
        {
          GError *e = NULL;
          if (!parse_value (&specs[k], specs[k].default_value, &p->values[k], &e))
            {
              g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                           "default of %s", e->message);
              g_error_free (e);
              td_params_free (p);
              return NULL;
            }
        }
    }
  return p;
}

gboolean
td_params_set_text (TdParams *params, const char *name, const char *text, GError **error)
{
  g_return_val_if_fail (params && name && text, FALSE);
  ssize_t k = find_spec (params, name);
  if (k < 0)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   "unknown parameter \"%s\"", name);
      return FALSE;
    }
  return parse_value (&params->specs[k], text, &params->values[k], error);
}

gboolean
td_params_check_complete (const TdParams *params, GError **error)
{
  for (size_t k = 0; k < params->n; k++)
    if (!params->values[k].set)
      {
        g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                     "%s: required parameter (%s) is missing", params->specs[k].name,
                     td_param_type_name (params->specs[k].type));
        return FALSE;
      }
  return TRUE;
}

TdParams *
td_params_copy (const TdParams *params)
{
  TdParams *p = g_new0 (TdParams, 1);
  p->specs = params->specs;
  p->n = params->n;
  p->values = g_new0 (TdParamValue, MAX (p->n, 1));
  for (size_t k = 0; k < p->n; k++)
    {
      const TdParamValue *src = &params->values[k];
      TdParamValue *dst = &p->values[k];
      *dst = *src;
      dst->s = g_strdup (src->s);
      if (src->list)
        {
          dst->list = g_array_sized_new (TRUE, TRUE, g_array_get_element_size (src->list),
                                         src->list->len);
          g_array_append_vals (dst->list, src->list->data, src->list->len);
          if (holds_strings (p->specs[k].type))
            for (guint j = 0; j < dst->list->len; j++)
              g_array_index (dst->list, char *, j) = g_strdup (g_array_index (src->list, char *, j));
        }
    }
  return p;
}

void
td_params_free (TdParams *params)
{
  if (!params)
    return;
  for (size_t k = 0; k < params->n; k++)
    value_clear (&params->specs[k], &params->values[k]);
  g_free (params->values);
  g_free (params);
}

static const TdParamValue *
get (const TdParams *p, const char *name, TdParamType want, gboolean want_enum_too)
{
  g_return_val_if_fail (p && name, NULL);
  ssize_t k = find_spec (p, name);
  if (k < 0)
    {
      g_critical ("tundish: parameter \"%s\" was not declared by the plugin", name);
      return NULL;
    }
  TdParamType t = p->specs[k].type;
  /* Paths are strings to the plugin (the core resolved them). */
  if (t == TD_PARAM_PATH)
    t = TD_PARAM_STRING;
  else if (t == TD_PARAM_PATH_LIST)
    t = TD_PARAM_STRING_LIST;
  if (t != want && !(want_enum_too && t == TD_PARAM_ENUM))
    {
      g_critical ("tundish: parameter \"%s\" is a %s, read as %s", name, td_param_type_name (t),
                  td_param_type_name (want));
      return NULL;
    }
  return &p->values[k];
}

gint64
td_params_get_int (const TdParams *params, const char *name)
{
  const TdParamValue *v = get (params, name, TD_PARAM_INT, FALSE);
  return v ? v->i : 0;
}

double
td_params_get_double (const TdParams *params, const char *name)
{
  /* An INT parameter read as double is harmless and convenient. */
  ssize_t k = params ? find_spec (params, name) : -1;
  if (k >= 0 && params->specs[k].type == TD_PARAM_INT)
    return (double) params->values[k].i;
  const TdParamValue *v = get (params, name, TD_PARAM_DOUBLE, FALSE);
  return v ? v->d : 0.0;
}

gboolean
td_params_get_bool (const TdParams *params, const char *name)
{
  const TdParamValue *v = get (params, name, TD_PARAM_BOOL, FALSE);
  return v ? v->b : FALSE;
}

const char *
td_params_get_string (const TdParams *params, const char *name)
{
  const TdParamValue *v = get (params, name, TD_PARAM_STRING, TRUE);
  return v ? v->s : NULL;
}

static const void *
get_list (const TdParams *params, const char *name, TdParamType t, size_t *n)
{
  const TdParamValue *v = get (params, name, t, FALSE);
  if (n)
    *n = v && v->list ? v->list->len : 0;
  return v && v->list ? (const void *) v->list->data : NULL;
}

const gint64 *
td_params_get_int_list (const TdParams *params, const char *name, size_t *n)
{
  return get_list (params, name, TD_PARAM_INT_LIST, n);
}

const double *
td_params_get_double_list (const TdParams *params, const char *name, size_t *n)
{
  return get_list (params, name, TD_PARAM_DOUBLE_LIST, n);
}

const char *const *
td_params_get_string_list (const TdParams *params, const char *name, size_t *n)
{
  return get_list (params, name, TD_PARAM_STRING_LIST, n);
}

/* A string is emitted bare when YAML would read it back as the same string. */
static void
append_yaml_string (GString *out, const char *s)
{
  gboolean plain = *s != '\0';
  for (const char *c = s; *c && plain; c++)
    if (!(g_ascii_isalnum (*c) || *c == '_' || *c == '-' || *c == '.' || *c == '/'))
      plain = FALSE;
  static const char *const reserved[] = { "true", "false", "yes", "no", "on", "off", "null", "~", NULL };
  if (plain && (g_strv_contains (reserved, s) || g_ascii_isdigit (s[0]) || s[0] == '-' || s[0] == '.'))
    plain = FALSE;
  if (plain)
    {
      g_string_append (out, s);
      return;
    }
  g_string_append_c (out, '"');
  for (const char *c = s; *c; c++)
    {
      if (*c == '"' || *c == '\\')
        g_string_append_c (out, '\\');
      if (*c == '\n')
        g_string_append (out, "\\n");
      else
        g_string_append_c (out, *c);
    }
  g_string_append_c (out, '"');
}

static void
append_double (GString *out, double d)
{
  /* Shortest text that reads back as the same double, without an exponent
   * for everyday magnitudes ("200.0", not "2e+02"). */
  char buf[64];
  gboolean plain_range = fabs (d) >= 1e-4 && fabs (d) < 1e15;
  g_ascii_formatd (buf, sizeof buf, "%.17g", d);
  for (int prec = 1; prec <= 17; prec++)
    {
      char b2[64], fmt[8];
      g_snprintf (fmt, sizeof fmt, "%%.%dg", prec);
      g_ascii_formatd (b2, sizeof b2, fmt, d);   /* '.' whatever the locale */
      if (g_ascii_strtod (b2, NULL) == d && !(plain_range && strchr (b2, 'e')))
        {
          memcpy (buf, b2, sizeof buf);
          break;
        }
    }
  g_string_append (out, buf);
  /* Keep doubles recognisable as such ("1.0", not "1"). */
  if (!strpbrk (buf, ".eEn"))
    g_string_append (out, ".0");
}

static void
append_value (GString *out, const TdParamSpec *spec, const TdParamValue *v)
{
  if (!v->set)
    {
      g_string_append (out, "null");
      return;
    }
  switch (spec->type)
    {
    case TD_PARAM_INT: g_string_append_printf (out, "%" G_GINT64_FORMAT, v->i); break;
    case TD_PARAM_DOUBLE: append_double (out, v->d); break;
    case TD_PARAM_BOOL: g_string_append (out, v->b ? "true" : "false"); break;
    case TD_PARAM_STRING:
    case TD_PARAM_PATH:
    case TD_PARAM_ENUM: append_yaml_string (out, v->s); break;
    case TD_PARAM_PARAMS: g_string_append (out, v->s); break;
    case TD_PARAM_INT_LIST:
    case TD_PARAM_DOUBLE_LIST:
    case TD_PARAM_STRING_LIST:
    case TD_PARAM_PATH_LIST:
      g_string_append_c (out, '[');
      for (guint k = 0; k < v->list->len; k++)
        {
          if (k)
            g_string_append (out, ", ");
          if (spec->type == TD_PARAM_INT_LIST)
            g_string_append_printf (out, "%" G_GINT64_FORMAT, g_array_index (v->list, gint64, k));
          else if (spec->type == TD_PARAM_DOUBLE_LIST)
            append_double (out, g_array_index (v->list, double, k));
          else
            append_yaml_string (out, g_array_index (v->list, char *, k));
        }
      g_string_append_c (out, ']');
      break;
    }
}

char *
td_params_value_text (const TdParams *params, const char *name)
{
  ssize_t k = find_spec (params, name);
  if (k < 0)
    return NULL;
  GString *s = g_string_new ("");
  append_value (s, &params->specs[k], &params->values[k]);
  return g_string_free (s, FALSE);
}

static int
cmp_spec_name (gconstpointer a, gconstpointer b)
{
  const TdParamSpec *const *x = a, *const *y = b;
  return strcmp ((*x)->name, (*y)->name);
}

char *
td_params_to_text (const TdParams *params)
{
  g_autoptr (GPtrArray) order = g_ptr_array_new ();
  for (size_t k = 0; k < params->n; k++)
    g_ptr_array_add (order, (gpointer) &params->specs[k]);
  g_ptr_array_sort (order, cmp_spec_name);
  GString *s = g_string_new ("{");
  for (guint j = 0; j < order->len; j++)
    {
      const TdParamSpec *spec = order->pdata[j];
      size_t k = (size_t) (spec - params->specs);
      g_string_append_printf (s, "%s%s: ", j ? ", " : "", spec->name);
      append_value (s, spec, &params->values[k]);
    }
  g_string_append_c (s, '}');
  return g_string_free (s, FALSE);
}

TdParams *
td_params_get_params (const TdParams *params, const char *name, const TdParamSpec *specs,
                      size_t n_specs, GError **error)
{
  const TdParamValue *v = get (params, name, TD_PARAM_PARAMS, FALSE);
  if (!v)
    {
      g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT,
                   "%s: not a parameter of type %s", name,
                   td_param_type_name (TD_PARAM_PARAMS));
      return NULL;
    }
  g_autoptr (TdParams) inner = td_params_new_defaults (specs, n_specs, error);
  if (!inner)
    return NULL;
  g_auto (GStrv) items = split_flow_map (v->s ? v->s : "{}");
  for (size_t k = 0; items && items[k]; k++)
    {
      char *colon = strchr (items[k], ':');
      g_autofree char *key = g_strstrip (g_strndup (items[k], (gsize) (colon - items[k])));
      g_autoptr (GError) e = NULL;
      if (!td_params_set_text (inner, key, g_strstrip (colon + 1), &e))
        {
          g_set_error (error, TD_PLUGIN_ERROR, TD_PLUGIN_ERROR_INVALID_INPUT, "%s: %s", name,
                       e->message);
          return NULL;
        }
    }
  if (!td_params_check_complete (inner, error))
    return NULL;
  return g_steal_pointer (&inner);
}

const TdParamSpec *
td_params_specs (const TdParams *params, size_t *n_specs)
{
  if (n_specs)
    *n_specs = params->n;
  return params->specs;
}

gboolean
td_params_has (const TdParams *params, const char *name)
{
  g_return_val_if_fail (params && name, FALSE);
  return find_spec (params, name) >= 0;
}
