/* pd-json.c: parsing JSON from outside (a server, a file, a USB stick) with limits. */
#define G_LOG_DOMAIN "pd-json"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "pd-json.h"

G_DEFINE_QUARK (pd-json-error-quark, pd_json_error)

/* A linear scan, so that the check itself cannot be made to recurse. */
gboolean
pd_json_depth_ok (const char *data,
                  gsize       length,
                  guint       max_depth)
{
  gboolean in_string = FALSE;
  gboolean escaped = FALSE;
  guint depth = 0;

  for (gsize i = 0; i < length; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (escaped)
            escaped = FALSE;
          else if (c == '\\')
            escaped = TRUE;
          else if (c == '"')
            in_string = FALSE;
          continue;
        }
      if (c == '"')
        in_string = TRUE;
      else if (c == '[' || c == '{')
        {
          if (++depth > max_depth)
            return FALSE;
        }
      else if ((c == ']' || c == '}') && depth > 0)
        depth--;
    }
  return TRUE;
}

/* json-glib decodes "\u0000" into its C strings, where it silently ends the value
 * ("Nguyễn\u0000Văn" reads as "Nguyễn"). No Passdesk document holds a NUL. */
static gboolean
has_nul (const char *data,
         gsize       length)
{
  gboolean in_string = FALSE;

  if (memchr (data, '\0', length) != NULL)
    return TRUE;
  for (gsize i = 0; i < length; i++)
    {
      if (!in_string)
        {
          in_string = data[i] == '"';
          continue;
        }
      if (data[i] == '"')
        in_string = FALSE;
      else if (data[i] == '\\' && i + 1 < length)
        {
          if (data[i + 1] == 'u' && i + 5 < length && strncmp (data + i + 2, "0000", 4) == 0)
            return TRUE;
          i++;
        }
    }
  return FALSE;
}

/* json-glib decodes a lone surrogate ("\ud800", or "\uda" cut short) into bytes that
 * are not UTF-8: a key or value like that would reach messages, the store and the screen. */
static gboolean
strings_valid (JsonNode *node)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObjectIter iter;
        const char *member;
        JsonNode *value;

        json_object_iter_init (&iter, json_node_get_object (node));
        while (json_object_iter_next (&iter, &member, &value))
          if (!g_utf8_validate (member, -1, NULL) || !strings_valid (value))
            return FALSE;
        return TRUE;
      }
    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);

        for (guint i = 0; i < json_array_get_length (array); i++)
          if (!strings_valid (json_array_get_element (array, i)))
            return FALSE;
        return TRUE;
      }
    case JSON_NODE_VALUE:
      return json_node_get_value_type (node) != G_TYPE_STRING ||
             g_utf8_validate (json_node_get_string (node), -1, NULL);
    case JSON_NODE_NULL:
    default:
      return TRUE;
    }
}

JsonNode *
pd_json_parse (const char  *data,
               gsize        length,
               GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;

  if (data == NULL || length == 0)
    {
      g_set_error_literal (error, PD_JSON_ERROR, PD_JSON_ERROR_INVALID,
                           _("The data is empty where JSON was expected."));
      return NULL;
    }
  if (!g_utf8_validate_len (data, length, NULL))
    {
      g_set_error_literal (error, PD_JSON_ERROR, PD_JSON_ERROR_INVALID,
                           _("The data is not UTF-8 text, so it cannot be JSON."));
      return NULL;
    }
  if (has_nul (data, length))
    {
      g_set_error_literal (error, PD_JSON_ERROR, PD_JSON_ERROR_INVALID,
                           _("The JSON holds a NUL character (\\u0000), which would cut a value "
                             "short: remove it and try again."));
      return NULL;
    }
  if (!pd_json_depth_ok (data, length, PD_JSON_MAX_DEPTH))
    {
      g_set_error (error, PD_JSON_ERROR, PD_JSON_ERROR_INVALID,
                   _("The JSON nests deeper than %u levels, which no Passdesk document does."),
                   PD_JSON_MAX_DEPTH);
      return NULL;
    }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, length, &local_error))
    {
      /* json-glib quotes the input, possibly cut in the middle of a character. */
      g_autofree char *detail = g_utf8_make_valid (local_error->message, -1);

      g_set_error (error, PD_JSON_ERROR, PD_JSON_ERROR_INVALID, _("The JSON is not valid: %s"), detail);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL)
    {
      g_set_error_literal (error, PD_JSON_ERROR, PD_JSON_ERROR_INVALID,
                           _("The data is empty where JSON was expected."));
      return NULL;
    }
  if (!strings_valid (root))
    {
      g_set_error_literal (error, PD_JSON_ERROR, PD_JSON_ERROR_INVALID,
                           _("The JSON holds a broken \\u escape (half of a character pair), so "
                             "a text in it cannot be read: correct the escape and try again."));
      return NULL;
    }
  return json_node_copy (root);
}
