/* pd-declaration-keys.c */
#define G_LOG_DOMAIN "pd-declaration-keys"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "pd-declaration-code.h"
#include "pd-declaration-keys.h"
#include "sync/pd-packet.h"

#define PUBLIC_KEY_BYTES 32
#define SECRET_KEY_BYTES 64

static gboolean
key_id_is_valid (const char *key_id)
{
  gsize length = key_id ? strlen (key_id) : 0;

  if (length == 0 || length > PD_DECLARATION_KEY_ID_MAX)
    return FALSE;
  for (const char *p = key_id; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '.' && *p != '_' && *p != '-')
      return FALSE;
  return TRUE;
}

static GBytes *
decode_key (const char *text,
            gsize       size)
{
  g_autoptr(GBytes) bytes = text ? pd_base64url_decode (text, NULL) : NULL;

  if (bytes == NULL || g_bytes_get_size (bytes) != size)
    return NULL;
  return g_steal_pointer (&bytes);
}

/* The keys written in the store, as a JSON object; a new one when there is none. */
static JsonObject *
read_setting (PdStore  *store,
              GError  **error)
{
  g_autofree char *text = pd_store_get_setting (store, PD_DECLARATION_KEYS_SETTING);
  g_autoptr(JsonParser) parser = NULL;
  JsonNode *root;

  if (text == NULL || *text == '\0')
    return json_object_new ();

  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, text, -1, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, PD_DECLARATION_ERROR, PD_DECLARATION_ERROR_KEY,
                   _("The list of trusted declaration keys in the database is damaged. "
                     "Enroll this station again so that it receives the keys, or call your IT support."));
      return NULL;
    }
  return json_object_ref (json_node_get_object (root));
}

static gboolean
write_setting (PdStore     *store,
               JsonObject  *object,
               GError     **error)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);
  g_autofree char *text = json_to_string (node, FALSE);

  return pd_store_set_setting (store, PD_DECLARATION_KEYS_SETTING, text, error);
}

static char *
demo_key_path (void)
{
  const char *dir = g_getenv ("PASSDESK_DATA_DIR");

  if (dir == NULL || *dir == '\0')
    return NULL;
  return g_build_filename (dir, "demo", "declaration-demo-key.json", NULL);
}

GBytes *
pd_declaration_keys_get_demo (char   **key_id,
                              GBytes **secret_key)
{
  g_autofree char *path = demo_key_path ();
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GBytes) public_key = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *object;
  const char *id;

  if (path == NULL || !g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return NULL;

  parser = json_parser_new ();
  if (!json_parser_load_from_file (parser, path, &error) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_warning ("Ignoring the demo declaration key %s: %s", path,
                 error ? error->message : "not a JSON object");
      return NULL;
    }
  object = json_node_get_object (json_parser_get_root (parser));
  id = json_object_get_string_member_with_default (object, "key_id", NULL);
  public_key = decode_key (json_object_get_string_member_with_default (object, "public_key", NULL),
                           PUBLIC_KEY_BYTES);
  if (!key_id_is_valid (id) || public_key == NULL)
    {
      g_warning ("Ignoring the demo declaration key %s: bad key_id or public_key", path);
      return NULL;
    }

  if (secret_key != NULL)
    {
      *secret_key = decode_key (json_object_get_string_member_with_default (object, "secret_key", NULL),
                                SECRET_KEY_BYTES);
      if (*secret_key == NULL)
        {
          g_warning ("The demo declaration key %s has no usable secret_key", path);
          return NULL;
        }
    }
  if (key_id != NULL)
    *key_id = g_strdup (id);
  return g_steal_pointer (&public_key);
}

GHashTable *
pd_declaration_keys_load (PdStore  *store,
                          GError  **error)
{
  g_autoptr(GHashTable) keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                      (GDestroyNotify) g_bytes_unref);
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GList) members = NULL;
  g_autofree char *demo_id = NULL;
  GBytes *demo_key;

  g_return_val_if_fail (PD_IS_STORE (store), NULL);

  object = read_setting (store, error);
  if (object == NULL)
    return NULL;

  members = json_object_get_members (object);
  for (const GList *l = members; l != NULL; l = l->next)
    {
      const char *id = l->data;
      JsonNode *value = json_object_get_member (object, id);
      GBytes *key = NULL;

      if (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING)
        key = decode_key (json_node_get_string (value), PUBLIC_KEY_BYTES);
      if (!key_id_is_valid (id) || key == NULL)
        {
          g_clear_pointer (&key, g_bytes_unref);
          g_set_error (error, PD_DECLARATION_ERROR, PD_DECLARATION_ERROR_KEY,
                       _("The trusted declaration key “%s” in the database is damaged. "
                         "Enroll this station again so that it receives the keys, or call your IT support."),
                       id);
          return NULL;
        }
      g_hash_table_insert (keys, g_strdup (id), key);
    }

  demo_key = pd_declaration_keys_get_demo (&demo_id, NULL);
  if (demo_key != NULL)
    g_hash_table_insert (keys, g_steal_pointer (&demo_id), demo_key);

  return g_steal_pointer (&keys);
}

gboolean
pd_declaration_keys_trust (PdStore     *store,
                           const char  *key_id,
                           GBytes      *public_key,
                           GError     **error)
{
  g_autoptr(JsonObject) object = NULL;
  gsize size;
  const guint8 *data;

  g_return_val_if_fail (PD_IS_STORE (store), FALSE);
  g_return_val_if_fail (public_key != NULL, FALSE);

  if (!key_id_is_valid (key_id))
    {
      g_set_error (error, PD_DECLARATION_ERROR, PD_DECLARATION_ERROR_KEY,
                   _("“%s” is not a declaration key id: use 1 to %d letters, digits, dots, dashes or underscores."),
                   key_id ? key_id : "", PD_DECLARATION_KEY_ID_MAX);
      return FALSE;
    }
  data = g_bytes_get_data (public_key, &size);
  if (size != PUBLIC_KEY_BYTES)
    {
      g_set_error (error, PD_DECLARATION_ERROR, PD_DECLARATION_ERROR_KEY,
                   _("A declaration key is a 32-byte Ed25519 public key; this one has %zu bytes. "
                     "Copy the whole key again."), size);
      return FALSE;
    }

  object = read_setting (store, error);
  if (object == NULL)
    return FALSE;
  {
    g_autofree char *text = pd_base64url_encode (data, size);

    json_object_set_string_member (object, key_id, text);
  }
  return write_setting (store, object, error);
}

gboolean
pd_declaration_keys_distrust (PdStore     *store,
                              const char  *key_id,
                              GError     **error)
{
  g_autoptr(JsonObject) object = NULL;

  g_return_val_if_fail (PD_IS_STORE (store), FALSE);
  g_return_val_if_fail (key_id != NULL, FALSE);

  object = read_setting (store, error);
  if (object == NULL)
    return FALSE;
  if (!json_object_has_member (object, key_id))
    return TRUE;
  json_object_remove_member (object, key_id);
  return write_setting (store, object, error);
}
