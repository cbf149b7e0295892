/* pd-declaration-keys.c: which keys may sign a declaration QR code, kept and checked. */
#define G_LOG_DOMAIN "pd-declaration-keys"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <sodium.h>

#include "pd-declaration-code.h"
#include "pd-declaration-keys-private.h"
#include "pd-json.h"
#include "pd-device.h"
#include "pd-sync-json-private.h"

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

/* Keys from the central system ------------------------------------------------------------ */

#define CENTRAL_SIGNING_PREFIX "PASSDESK-STATION-KEYS-V1"
/* Role words are short lower-case words; the list may name roles a later server adds. */
#define ROLE_MAX 32

void
pd_declaration_key_entry_free (PdDeclarationKeyEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->key_id);
  g_free (entry->device_id);
  g_free (entry->role);
  g_clear_pointer (&entry->public_key, g_bytes_unref);
  g_free (entry);
}

char *
pd_declaration_keys_device_key_id (const char *device_id)
{
  GString *key_id = g_string_new ("DEV-");

  g_return_val_if_fail (device_id != NULL, NULL);

  for (const char *p = device_id; *p != '\0' && key_id->len < PD_DECLARATION_KEY_ID_MAX; p++)
    if (g_ascii_isalnum (*p))
      g_string_append_c (key_id, g_ascii_toupper (*p));
  return g_string_free (key_id, FALSE);
}

GBytes *
pd_declaration_keys_central_signing_bytes (const char *office_code,
                                           gint64      version,
                                           gint64      issued_at,
                                           GPtrArray  *entries)
{
  GString *text = g_string_new (CENTRAL_SIGNING_PREFIX "\n");

  g_string_append_printf (text, "%s\n%" G_GINT64_FORMAT "\n%" G_GINT64_FORMAT "\n%u\n",
                          office_code, version, issued_at, entries->len);
  /* Every field is of a restricted alphabet without spaces (checked when read), so the
   * lines cannot be re-cut into another list. */
  for (guint i = 0; i < entries->len; i++)
    {
      PdDeclarationKeyEntry *entry = g_ptr_array_index (entries, i);
      g_autofree char *key = pd_base64url_encode (g_bytes_get_data (entry->public_key, NULL),
                                                  g_bytes_get_size (entry->public_key));

      g_string_append_printf (text, "%s %s %s %s %" G_GINT64_FORMAT " %" G_GINT64_FORMAT "\n",
                              entry->key_id, entry->device_id, key, entry->role,
                              entry->enrolled_at, entry->revoked_at);
    }
  return g_string_free_to_bytes (text);
}

static gboolean
role_is_valid (const char *role)
{
  gsize length = role ? strlen (role) : 0;

  if (length == 0 || length > ROLE_MAX)
    return FALSE;
  for (const char *p = role; *p; p++)
    if (!g_ascii_islower (*p) && *p != '_')
      return FALSE;
  return TRUE;
}

static gboolean
unreadable_list (GError     **error,
                 const char  *why)
{
  g_set_error (error, PD_DECLARATION_ERROR, PD_DECLARATION_ERROR_KEY,
               _("The central system sent a list of station keys that Passdesk cannot read (%s). "
                 "The stations trusted until now stay trusted; Passdesk tries again at the next sync. "
                 "If this persists, call your IT support."), why);
  return FALSE;
}

/* One element of "keys", or NULL with the reason in @why. */
static PdDeclarationKeyEntry *
parse_entry (JsonArray   *keys,
             guint        index,
             const char **why)
{
  g_autoptr(PdDeclarationKeyEntry) entry = g_new0 (PdDeclarationKeyEntry, 1);
  JsonObject *item = pd_sync_json_array_object (keys, index);
  const char *device_id = pd_sync_json_string (item, "device_id");
  const char *key_id = pd_sync_json_string (item, "key_id");
  const char *public_key = pd_sync_json_string (item, "public_key");
  const char *role = pd_sync_json_string (item, "role");
  JsonNode *revoked_at = item ? json_object_get_member (item, "revoked_at") : NULL;
  gboolean revoked;

  if (item == NULL)
    {
      *why = _("a key is not an object");
      return NULL;
    }
  if (device_id == NULL || !g_uuid_string_is_valid (device_id))
    {
      *why = _("a station id is not a UUID");
      return NULL;
    }
  entry->device_id = g_strdup (device_id);
  entry->key_id = pd_declaration_keys_device_key_id (device_id);
  if (g_strcmp0 (key_id, entry->key_id) != 0)
    {
      *why = _("a key id does not belong to its station");
      return NULL;
    }
  if (public_key == NULL || strlen (public_key) > 64 ||
      (entry->public_key = decode_key (public_key, PUBLIC_KEY_BYTES)) == NULL)
    {
      *why = _("a public key is not 32 bytes of base64url");
      return NULL;
    }
  if (!role_is_valid (role))
    {
      *why = _("a station role is not a lower-case word");
      return NULL;
    }
  entry->role = g_strdup (role);
  if (!pd_sync_json_int (item, "enrolled_at", &entry->enrolled_at) || entry->enrolled_at <= 0)
    {
      *why = _("an enrollment time is not a positive integer");
      return NULL;
    }
  revoked = pd_sync_json_boolean (item, "revoked", FALSE);
  if (revoked_at == NULL || JSON_NODE_HOLDS_NULL (revoked_at))
    entry->revoked_at = 0;
  else if (!pd_sync_json_int (item, "revoked_at", &entry->revoked_at) || entry->revoked_at <= 0)
    {
      *why = _("a revocation time is not a positive integer");
      return NULL;
    }
  if (revoked != (entry->revoked_at != 0))
    {
      *why = _("a key is revoked without a time, or has a time without being revoked");
      return NULL;
    }
  return g_steal_pointer (&entry);
}

gboolean
pd_declaration_keys_parse_central (JsonNode      *reply,
                                   const guint8  *sign_key,
                                   const char    *office_code,
                                   gint64        *version,
                                   GPtrArray    **entries,
                                   GError       **error)
{
  JsonObject *root = reply && JSON_NODE_HOLDS_OBJECT (reply) ? json_node_get_object (reply) : NULL;
  const char *office = pd_sync_json_string (root, "office");
  const char *signature_text = pd_sync_json_string (root, "signature");
  JsonArray *keys = pd_sync_json_array (root, "keys");
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GHashTable) seen = NULL;
  g_autoptr(GBytes) signature = NULL;
  g_autoptr(GBytes) signed_bytes = NULL;
  gint64 issued_at;
  guint n_keys;

  if (root == NULL)
    return unreadable_list (error, _("not a JSON object"));
  if (office == NULL || !pd_sync_json_int (root, "version", version) || *version < 0 ||
      !pd_sync_json_int (root, "issued_at", &issued_at) || keys == NULL || signature_text == NULL)
    return unreadable_list (error, _("office, version, issued_at, keys or signature missing"));
  n_keys = json_array_get_length (keys);
  if (n_keys > PD_DECLARATION_KEYS_CENTRAL_MAX)
    return unreadable_list (error, _("too many stations"));
  if (strlen (signature_text) > 128 ||
      (signature = pd_base64url_decode (signature_text, NULL)) == NULL ||
      g_bytes_get_size (signature) != crypto_sign_BYTES)
    return unreadable_list (error, _("the signature is not 64 bytes of base64url"));

  list = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_declaration_key_entry_free);
  seen = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < n_keys; i++)
    {
      const char *why = NULL;
      PdDeclarationKeyEntry *entry = parse_entry (keys, i, &why);

      if (entry == NULL)
        return unreadable_list (error, why);
      g_ptr_array_add (list, entry);
      if (!g_hash_table_add (seen, entry->key_id))
        return unreadable_list (error, _("a station is listed twice"));
    }

  /* Only once every field is known to be of its alphabet: the office goes into a line too. */
  if (strlen (office) > 16 || !key_id_is_valid (office))
    return unreadable_list (error, _("the office code is not valid"));
  signed_bytes = pd_declaration_keys_central_signing_bytes (office, *version, issued_at, list);
  if (crypto_sign_verify_detached (g_bytes_get_data (signature, NULL),
                                   g_bytes_get_data (signed_bytes, NULL),
                                   g_bytes_get_size (signed_bytes), sign_key) != 0)
    {
      g_set_error_literal (error, PD_DECLARATION_ERROR, PD_DECLARATION_ERROR_BAD_SIGNATURE,
                           _("The list of station keys is not signed by the central system this station "
                             "is enrolled with. The stations trusted until now stay trusted. If this "
                             "persists, call your IT support: the connection may be tampered with."));
      return FALSE;
    }
  if (office_code == NULL || !g_str_equal (office, office_code))
    {
      g_set_error (error, PD_DECLARATION_ERROR, PD_DECLARATION_ERROR_KEY,
                   _("The list of station keys is for office %s, but this station is enrolled for office %s. "
                     "The stations trusted until now stay trusted; check the server address in the settings."),
                   office, office_code ? office_code : "?");
      return FALSE;
    }
  *entries = g_steal_pointer (&list);
  return TRUE;
}

/* The central system's signing key and the office, from the enrollment. */
static gboolean
read_enrollment (PdStore  *store,
                 guint8    sign_key[PUBLIC_KEY_BYTES],
                 char    **office_code,
                 GError  **error)
{
  g_autofree char *text = pd_store_get_setting (store, PD_DEVICE_SETTING_SIGN_KEY);
  g_autoptr(GBytes) key = decode_key (text, PUBLIC_KEY_BYTES);

  if (key == NULL)
    {
      g_set_error_literal (error, PD_DECLARATION_ERROR, PD_DECLARATION_ERROR_KEY,
                           _("This station is not enrolled with the central system, so it cannot check "
                             "a list of station keys. Enroll the station first."));
      return FALSE;
    }
  memcpy (sign_key, g_bytes_get_data (key, NULL), PUBLIC_KEY_BYTES);
  *office_code = pd_store_get_setting (store, PD_DEVICE_SETTING_OFFICE_CODE);
  return TRUE;
}

/* The stored list, verified again: @entries NULL (and TRUE) before the first pull. */
static gboolean
load_central (PdStore     *store,
              gint64      *version,
              GPtrArray  **entries,
              GError     **error)
{
  g_autofree char *text = pd_store_get_setting (store, PD_DECLARATION_KEYS_CENTRAL_SETTING);
  g_autofree char *office_code = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) local_error = NULL;
  guint8 sign_key[PUBLIC_KEY_BYTES];

  *entries = NULL;
  *version = -1;
  if (text == NULL || *text == '\0')
    return TRUE;

  node = pd_json_parse (text, strlen (text), NULL);
  if (node == NULL || !read_enrollment (store, sign_key, &office_code, NULL) ||
      !pd_declaration_keys_parse_central (node, sign_key, office_code, version, entries, &local_error))
    {
      g_set_error_literal (error, PD_DECLARATION_ERROR, PD_DECLARATION_ERROR_KEY,
                           _("The list of station keys from the central system in the database is damaged "
                             "or belongs to another enrollment. Sync with the central system to receive it "
                             "again, or call your IT support."));
      return FALSE;
    }
  return TRUE;
}

gboolean
pd_declaration_keys_apply_central (PdStore                  *store,
                                   JsonNode                 *reply,
                                   PdDeclarationKeysUpdate  *update,
                                   GError                  **error)
{
  g_autofree char *office_code = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) previous = NULL;
  g_autoptr(GHashTable) was_trusted = NULL;
  g_autofree char *text = NULL;
  g_autofree char *detail = NULL;
  PdDeclarationKeysUpdate result = { 0 };
  gint64 previous_version = -1;
  guint8 sign_key[PUBLIC_KEY_BYTES];

  g_return_val_if_fail (PD_IS_STORE (store), FALSE);

  if (!read_enrollment (store, sign_key, &office_code, error) ||
      !pd_declaration_keys_parse_central (reply, sign_key, office_code, &result.version, &entries, error))
    return FALSE;

  /* A list kept under another enrollment no longer verifies: the new one replaces it. */
  if (!load_central (store, &previous_version, &previous, NULL))
    previous_version = -1;
  /* An older list, even signed, is a replay that could bring a revoked station back. */
  if (result.version < previous_version)
    {
      g_set_error (error, PD_DECLARATION_ERROR, PD_DECLARATION_ERROR_KEY,
                   _("The central system sent an older list of station keys (version %lld) than the one "
                     "this station has (version %lld). The stations trusted until now stay trusted. If this "
                     "persists, call your IT support."),
                   (long long) result.version, (long long) previous_version);
      return FALSE;
    }

  was_trusted = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; previous != NULL && i < previous->len; i++)
    {
      PdDeclarationKeyEntry *entry = g_ptr_array_index (previous, i);

      if (entry->revoked_at == 0)
        g_hash_table_add (was_trusted, entry->key_id);
    }
  for (guint i = 0; i < entries->len; i++)
    {
      PdDeclarationKeyEntry *entry = g_ptr_array_index (entries, i);

      if (entry->revoked_at == 0)
        result.n_trusted++;
      else
        {
          result.n_revoked++;
          if (g_hash_table_contains (was_trusted, entry->key_id))
            result.n_newly_revoked++;
        }
    }
  result.changed = result.version != previous_version;

  if (result.changed)
    {
      /* Kept as signed, so that reading it verifies it again. */
      text = json_to_string (reply, FALSE);
      detail = g_strdup_printf ("version %" G_GINT64_FORMAT ": %u trusted, %u revoked (%u newly)",
                                result.version, result.n_trusted, result.n_revoked, result.n_newly_revoked);
      if (!pd_store_set_setting (store, PD_DECLARATION_KEYS_CENTRAL_SETTING, text, error) ||
          !pd_store_audit (store, "sync", "declaration-keys-central", office_code, detail, error))
        return FALSE;
    }
  if (update != NULL)
    *update = result;
  return TRUE;
}

/* The keys added by hand. */
static GHashTable *
load_manual (PdStore  *store,
             GError  **error)
{
  g_autoptr(GHashTable) keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                      (GDestroyNotify) g_bytes_unref);
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GList) members = NULL;

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

  return g_steal_pointer (&keys);
}

static gboolean
same_key (GBytes *a,
          GBytes *b)
{
  return g_bytes_get_size (a) == g_bytes_get_size (b) &&
         sodium_memcmp (g_bytes_get_data (a, NULL), g_bytes_get_data (b, NULL), g_bytes_get_size (a)) == 0;
}

/* @sources (nullable, out): key id -> PdDeclarationKeySource, revoked ids included. */
static GHashTable *
load_all (PdStore     *store,
          GHashTable **sources,
          GError     **error)
{
  g_autoptr(GHashTable) keys = load_manual (store, error);
  g_autoptr(GHashTable) origin = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) central = NULL;
  g_autofree char *demo_id = NULL;
  GHashTableIter iter;
  gpointer id;
  GBytes *demo_key;
  gint64 version;

  if (keys == NULL || !load_central (store, &version, &central, error))
    return NULL;

  g_hash_table_iter_init (&iter, keys);
  while (g_hash_table_iter_next (&iter, &id, NULL))
    g_hash_table_insert (origin, g_strdup (id), GINT_TO_POINTER (PD_DECLARATION_KEY_SOURCE_MANUAL));

  for (guint i = 0; central != NULL && i < central->len; i++)
    {
      PdDeclarationKeyEntry *entry = g_ptr_array_index (central, i);

      if (entry->revoked_at != 0)
        continue;
      g_hash_table_insert (keys, g_strdup (entry->key_id), g_bytes_ref (entry->public_key));
      g_hash_table_insert (origin, g_strdup (entry->key_id), GINT_TO_POINTER (PD_DECLARATION_KEY_SOURCE_CENTRAL));
    }
  /* A revoked station loses the trust of every source: its id, and its key under any id
   * (a printed station key scanned before the revocation). */
  for (guint i = 0; central != NULL && i < central->len; i++)
    {
      PdDeclarationKeyEntry *entry = g_ptr_array_index (central, i);
      GBytes *key;

      if (entry->revoked_at == 0)
        continue;
      g_hash_table_remove (keys, entry->key_id);
      g_hash_table_insert (origin, g_strdup (entry->key_id), GINT_TO_POINTER (PD_DECLARATION_KEY_SOURCE_REVOKED));
      g_hash_table_iter_init (&iter, keys);
      while (g_hash_table_iter_next (&iter, &id, (gpointer *) &key))
        if (same_key (key, entry->public_key))
          {
            g_hash_table_insert (origin, g_strdup (id), GINT_TO_POINTER (PD_DECLARATION_KEY_SOURCE_REVOKED));
            g_hash_table_iter_remove (&iter);
          }
    }

  demo_key = pd_declaration_keys_get_demo (&demo_id, NULL);
  if (demo_key != NULL)
    {
      g_hash_table_insert (origin, g_strdup (demo_id), GINT_TO_POINTER (PD_DECLARATION_KEY_SOURCE_DEMO));
      g_hash_table_insert (keys, g_steal_pointer (&demo_id), demo_key);
    }

  if (sources != NULL)
    *sources = g_steal_pointer (&origin);
  return g_steal_pointer (&keys);
}

GHashTable *
pd_declaration_keys_load (PdStore  *store,
                          GError  **error)
{
  g_return_val_if_fail (PD_IS_STORE (store), NULL);

  return load_all (store, NULL, error);
}

PdDeclarationKeySource
pd_declaration_keys_get_source (PdStore     *store,
                                const char  *key_id,
                                GError     **error)
{
  g_autoptr(GHashTable) sources = NULL;
  g_autoptr(GHashTable) keys = NULL;

  g_return_val_if_fail (PD_IS_STORE (store), PD_DECLARATION_KEY_SOURCE_NONE);
  g_return_val_if_fail (key_id != NULL, PD_DECLARATION_KEY_SOURCE_NONE);

  keys = load_all (store, &sources, error);
  if (keys == NULL)
    return PD_DECLARATION_KEY_SOURCE_NONE;
  return GPOINTER_TO_INT (g_hash_table_lookup (sources, key_id));
}

GPtrArray *
pd_declaration_keys_list_central (PdStore  *store,
                                  GError  **error)
{
  g_autoptr(GPtrArray) entries = NULL;
  gint64 version;

  g_return_val_if_fail (PD_IS_STORE (store), NULL);

  if (!load_central (store, &version, &entries, error))
    return NULL;
  if (entries == NULL)
    entries = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_declaration_key_entry_free);
  return g_steal_pointer (&entries);
}

gint64
pd_declaration_keys_get_central_version (PdStore *store)
{
  g_autoptr(GPtrArray) entries = NULL;
  gint64 version;

  g_return_val_if_fail (PD_IS_STORE (store), -1);

  if (!load_central (store, &version, &entries, NULL))
    return -1;
  return version;
}

void
pd_declaration_keys_explain_refusal (PdStore     *store,
                                     const char  *text,
                                     GError     **error)
{
  g_autoptr(GPtrArray) entries = NULL;
  gint64 version;

  g_return_if_fail (PD_IS_STORE (store));

  if (error == NULL || !g_error_matches (*error, PD_DECLARATION_ERROR, PD_DECLARATION_ERROR_UNKNOWN_KEY) ||
      !load_central (store, &version, &entries, NULL) || entries == NULL)
    return;

  /* As pd_scan_read() reads it: leading white space from the scanner is not the code's. */
  while (g_ascii_isspace (*text))
    text++;
  /* Decoding with only the revoked keys tells whether one of them signed it, without
   * reading the QR code's header here. */
  for (guint i = 0; i < entries->len; i++)
    {
      PdDeclarationKeyEntry *entry = g_ptr_array_index (entries, i);
      g_autoptr(PdDeclarationQr) qr = NULL;
      g_autoptr(GHashTable) one = NULL;
      g_autoptr(GDateTime) when = NULL;
      g_autofree char *date = NULL;

      if (entry->revoked_at == 0)
        continue;
      one = g_hash_table_new (g_str_hash, g_str_equal);
      g_hash_table_insert (one, entry->key_id, entry->public_key);
      qr = pd_declaration_qr_decode (text, -1, one, NULL);
      if (qr == NULL)
        continue;
      when = g_date_time_new_from_unix_local (entry->revoked_at);
      date = when ? g_date_time_format (when, "%d/%m/%Y") : g_strdup ("?");
      g_clear_error (error);
      g_set_error (error, PD_DECLARATION_ERROR, PD_DECLARATION_ERROR_UNKNOWN_KEY,
                   _("This declaration was signed by station %s, which the central system revoked on %s. "
                     "Do not use this slip: enter the declaration by hand, and tell the supervisor."),
                   entry->key_id, date);
      return;
    }
}

PdDeclarationQr *
pd_declaration_keys_decode_qr (PdStore     *store,
                               const char  *text,
                               GError     **error)
{
  g_autoptr(GHashTable) keys = NULL;
  GError *local_error = NULL;
  PdDeclarationQr *qr;

  g_return_val_if_fail (PD_IS_STORE (store), NULL);
  g_return_val_if_fail (text != NULL, NULL);

  keys = pd_declaration_keys_load (store, error);
  if (keys == NULL)
    return NULL;
  qr = pd_declaration_qr_decode (text, -1, keys, &local_error);
  if (qr == NULL)
    {
      pd_declaration_keys_explain_refusal (store, text, &local_error);
      g_propagate_error (error, local_error);
    }
  return qr;
}
