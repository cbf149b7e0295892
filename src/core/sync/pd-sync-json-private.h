/* pd-sync-json-private.h: reading members of JSON that came from outside.
 *
 * json-glib's *_member_with_default() getters raise a critical when a member holds an
 * object or an array where a value was expected; a hostile server or file must not be able
 * to do that. These answer NULL (or FALSE) for a missing member, null, or any other type.
 */
#pragma once

#include <string.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

static inline const char *
pd_sync_json_string (JsonObject *object,
                     const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static inline const char *
pd_sync_json_string_or (JsonObject *object,
                        const char *name,
                        const char *fallback)
{
  const char *value = pd_sync_json_string (object, name);

  return value ? value : fallback;
}

/* Only a JSON integer counts: 1e300 or "12" do not. */
static inline gboolean
pd_sync_json_int (JsonObject *object,
                  const char *name,
                  gint64     *value)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;
  *value = json_node_get_int (node);
  return TRUE;
}

static inline gint64
pd_sync_json_int_or (JsonObject *object,
                     const char *name,
                     gint64      fallback)
{
  gint64 value;

  return pd_sync_json_int (object, name, &value) ? value : fallback;
}

static inline gboolean
pd_sync_json_boolean (JsonObject *object,
                      const char *name,
                      gboolean    fallback)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return fallback;
  return json_node_get_boolean (node);
}

static inline JsonObject *
pd_sync_json_object (JsonObject *object,
                     const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static inline JsonArray *
pd_sync_json_array (JsonObject *object,
                    const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

/* @text (nullable) is at most @max_bytes long, not empty, valid UTF-8, with no control
 * character: what a station may show, store or send on from a reply. JSON's \u escapes can
 * name a lone surrogate, which json-glib turns into bytes that are not UTF-8. */
static inline gboolean
pd_sync_text_ok (const char *text,
                 gsize       max_bytes)
{
  gsize length = text ? strlen (text) : 0;

  if (length == 0 || length > max_bytes || !g_utf8_validate_len (text, length, NULL))
    return FALSE;
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      return FALSE;
  return TRUE;
}

/* The element as an object, or NULL. */
static inline JsonObject *
pd_sync_json_array_object (JsonArray *array,
                           guint      index)
{
  JsonNode *node = json_array_get_element (array, index);

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

G_END_DECLS
