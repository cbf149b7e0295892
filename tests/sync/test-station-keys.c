/* test-station-keys.c: counters trust the declaration QR codes of the office's stations
 * through the central system's signed list (GET /v1/station-keys).
 *
 * argv[1] is the passdesk-central executable. A volunteer (assisted-entry) station and a
 * counter enroll; the volunteer signs a declaration QR code with its device key, as the app
 * does (pd_station_key_load()); the counter syncs, then reads the QR code with the server
 * stopped. Revoked at the central system, the volunteer's QR codes are refused after the
 * counter's next sync, offline too, whatever was added by hand. Hostile or garbled lists,
 * replayed old lists and lists of another office change nothing.
 */
#include "config.h"

#include <string.h>
#include <libsoup/soup.h>
#include <sodium.h>

#include "pd-declaration-code.h"
#include "sync/pd-declaration-keys.h"
#include "pd-scan-router.h"
#include "pd-secrets.h"
#include "pd-test-support.h"
#include "sync-test-central.h"
#include "sync/pd-packet.h"

static const char *central_path;

typedef struct {
  PdStore  *store;
  PdDevice *device;
  char     *key_id;
} Station;

static void
station_clear (Station *station)
{
  if (station->store)
    pd_store_close (station->store);
  g_clear_object (&station->store);
  g_clear_object (&station->device);
  g_clear_pointer (&station->key_id, g_free);
}

static void
station_enroll (Station     *station,
                SyncCentral *central,
                const char  *name,
                const char  *office,
                const char  *role)
{
  g_autofree char *office_option = g_strdup_printf ("--office=%s", office);
  g_autofree char *role_option = g_strdup_printf ("--role=%s", role);
  g_autofree char *code = sync_central_run (central, "enroll-code", office_option, role_option, NULL);
  g_autofree char *file = g_strconcat (name, ".db", NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  station->store = sync_open_store (central->tmpdir, file);
  pd_device_enroll_async (station->store, central->url, NULL, code, name, NULL, sync_keep_result, &result);
  station->device = pd_device_enroll_finish (sync_wait_result (&result), &error);
  g_assert_no_error (error);
  station->key_id = pd_declaration_keys_device_key_id (pd_device_get_device_id (station->device));
}

/* The station's device key, from the keyring. */
static GBytes *
device_secret (Station *station)
{
  g_autoptr(GError) error = NULL;
  GBytes *secret = pd_secrets_lookup (PD_DEVICE_SECRET_KIND, pd_device_get_device_id (station->device),
                                      NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (secret);
  g_assert_cmpuint (g_bytes_get_size (secret), ==, crypto_sign_SECRETKEYBYTES);
  return secret;
}

/* What an enrolled assisted-entry station prints: a declaration QR code signed with its
 * device key, under its device key id. */
static char *
volunteer_sign (Station   *volunteer,
                PdDossier *dossier)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) secret = device_secret (volunteer);
  char *text;

  text = pd_declaration_qr_encode (dossier, volunteer->key_id, secret, g_get_real_time () / G_USEC_PER_SEC, &error);
  g_assert_no_error (error);
  return text;
}

static GBytes *
volunteer_public_key (Station *volunteer)
{
  g_autoptr(GBytes) secret = device_secret (volunteer);

  return g_bytes_new ((const guint8 *) g_bytes_get_data (secret, NULL) + crypto_sign_SEEDBYTES,
                      crypto_sign_PUBLICKEYBYTES);
}

/* The body of GET /v1/station-keys as the central system answers @station. */
static JsonNode *
fetch_list (Station *station)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PdSyncClient) client = pd_device_create_client (station->device, NULL, &error);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(PdSyncReply) reply = NULL;

  g_assert_no_error (error);
  pd_sync_client_request_async (client, "GET", "/v1/station-keys", NULL, NULL, sync_keep_result, &result);
  reply = pd_sync_client_request_finish (client, sync_wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (reply->status, ==, 200);
  g_assert_nonnull (reply->body);
  return json_node_ref (reply->body);
}

static void
assert_fills (PdStore    *store,
              const char *qr_text,
              PdDossier  *expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PdDeclarationQr) qr = pd_declaration_keys_decode_qr (store, qr_text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (qr);
  pd_test_assert_same_fields (expected, qr->dossier);
}

static void
assert_refused (PdStore    *store,
                const char *qr_text,
                const char *message_part)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PdDeclarationQr) qr = pd_declaration_keys_decode_qr (store, qr_text, &error);

  g_assert_null (qr);
  g_assert_error (error, PD_DECLARATION_ERROR, PD_DECLARATION_ERROR_UNKNOWN_KEY);
  g_test_message ("refused: %s", error->message);
  g_assert_nonnull (strstr (error->message, message_part));
}

static gint64
count_audit (PdStore    *store,
             const char *action)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = pd_store_audit_list (store, 0, 0, &error);
  gint64 n = 0;

  g_assert_no_error (error);
  for (guint i = 0; i < entries->len; i++)
    if (g_strcmp0 (((PdAuditEntry *) g_ptr_array_index (entries, i))->action, action) == 0)
      n++;
  return n;
}

/* Trust, offline use, revocation -------------------------------------------------------- */

static void
test_trust_and_revoke (void)
{
  SyncCentral central;
  Station volunteer = { 0 };
  Station counter = { 0 };
  g_autoptr(PdSyncEngine) engine = NULL;
  g_autoptr(PdSyncReport) report = NULL;
  g_autoptr(PdDossier) dossier = pd_test_make_dossier ("NGUYỄN VĂN AN", "001090012345");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(JsonNode) before_revocation = NULL;
  g_autoptr(GBytes) volunteer_key = NULL;
  g_autofree char *qr_text = NULL;
  g_autofree char *revoked = NULL;
  gint64 version;

  sync_central_init (&central, central_path);
  g_free (sync_central_serve (&central, NULL));
  station_enroll (&volunteer, &central, "volunteer", "HN01", "volunteer");
  station_enroll (&counter, &central, "counter", "HN01", "counter");
  qr_text = volunteer_sign (&volunteer, dossier);
  volunteer_key = volunteer_public_key (&volunteer);

  /* Before any sync the counter knows no station. */
  assert_refused (counter.store, qr_text, volunteer.key_id);
  g_assert_cmpint (pd_declaration_keys_get_central_version (counter.store), ==, -1);
  g_assert_cmpint (pd_declaration_keys_get_source (counter.store, volunteer.key_id, &error), ==,
                   PD_DECLARATION_KEY_SOURCE_NONE);
  g_assert_no_error (error);

  engine = pd_sync_engine_new (counter.store, counter.device, NULL, &error);
  g_assert_no_error (error);
  report = sync_pass (engine, PD_SYNC_ALL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (report->station_keys_changed, ==, 1);
  g_assert_cmpuint (report->stations_revoked, ==, 0);
  g_assert_cmpint (pd_declaration_keys_get_source (counter.store, volunteer.key_id, &error), ==,
                   PD_DECLARATION_KEY_SOURCE_CENTRAL);
  g_assert_cmpint (count_audit (counter.store, "declaration-keys-central"), ==, 1);

  list = pd_declaration_keys_list_central (counter.store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  for (guint i = 0; i < list->len; i++)
    {
      PdDeclarationKeyEntry *entry = g_ptr_array_index (list, i);
      gboolean is_volunteer = g_str_equal (entry->device_id, pd_device_get_device_id (volunteer.device));

      g_assert_cmpstr (entry->role, ==, is_volunteer ? "volunteer" : "counter");
      g_assert_cmpint (entry->revoked_at, ==, 0);
      g_assert_cmpint (entry->enrolled_at, >, 0);
      if (is_volunteer)
        g_assert_true (g_bytes_equal (entry->public_key, volunteer_key));
    }

  /* A second pass with nothing new keeps the list without a new audit row. */
  g_clear_pointer (&report, pd_sync_report_free);
  report = sync_pass (engine, PD_SYNC_PULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (report->station_keys_changed, ==, 0);
  g_assert_cmpint (count_audit (counter.store, "declaration-keys-central"), ==, 1);
  version = pd_declaration_keys_get_central_version (counter.store);
  g_assert_cmpint (version, >=, 2);

  /* The server stopped: the QR code fills the dossier from the list kept in the store. */
  before_revocation = fetch_list (&counter);
  sync_central_stop (&central);
  assert_fills (counter.store, qr_text, dossier);
  g_clear_pointer (&report, pd_sync_report_free);
  report = sync_pass (engine, PD_SYNC_ALL, &error);
  g_assert_error (error, PD_SYNC_ERROR, PD_SYNC_ERROR_RETRY);
  g_clear_error (&error);
  assert_fills (counter.store, qr_text, dossier);

  /* Revoked at the central system: trusted until the counter hears of it... */
  revoked = sync_central_run (&central, "revoke-device", pd_device_get_device_id (volunteer.device), NULL);
  g_assert_nonnull (strstr (revoked, pd_device_get_device_id (volunteer.device)));
  g_free (sync_central_serve (&central, NULL));
  /* (a supervisor had also scanned the station's printed key: a second, manual source) */
  g_assert_true (pd_declaration_keys_trust (counter.store, volunteer.key_id, volunteer_key, &error));
  g_assert_true (pd_declaration_keys_trust (counter.store, "ST-PRINTED", volunteer_key, &error));
  g_assert_no_error (error);
  assert_fills (counter.store, qr_text, dossier);

  /* ...then refused, with a message that says why. */
  g_clear_pointer (&report, pd_sync_report_free);
  report = sync_pass (engine, PD_SYNC_ALL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (report->station_keys_changed, ==, 1);
  g_assert_cmpuint (report->stations_revoked, ==, 1);
  g_assert_cmpint (pd_declaration_keys_get_central_version (counter.store), >, version);
  assert_refused (counter.store, qr_text, "revoked");
  g_assert_cmpint (pd_declaration_keys_get_source (counter.store, volunteer.key_id, &error), ==,
                   PD_DECLARATION_KEY_SOURCE_REVOKED);
  g_assert_cmpint (pd_declaration_keys_get_source (counter.store, "ST-PRINTED", &error), ==,
                   PD_DECLARATION_KEY_SOURCE_REVOKED);
  g_assert_no_error (error);
  {
    g_autoptr(GHashTable) keys = pd_declaration_keys_load (counter.store, &error);

    g_assert_no_error (error);
    g_assert_false (g_hash_table_contains (keys, volunteer.key_id));
    g_assert_false (g_hash_table_contains (keys, "ST-PRINTED"));
  }

  /* Offline later: still refused, also through the scan path of the window (a reader that
   * sends leading spaces and a line end). */
  sync_central_stop (&central);
  assert_refused (counter.store, qr_text, "revoked");
  {
    g_autofree char *scanned = g_strconcat ("  ", qr_text, "\r\n", NULL);
    g_autoptr(GHashTable) keys = pd_declaration_keys_load (counter.store, &error);
    g_autoptr(PdScan) scan = NULL;
    g_autoptr(GDate) today = g_date_new_dmy (23, 11, 2026);

    g_assert_no_error (error);
    scan = pd_scan_read (scanned, -1, PD_SCAN_KIND_UNKNOWN, keys, today, &error);
    g_assert_null (scan);
    g_assert_error (error, PD_DECLARATION_ERROR, PD_DECLARATION_ERROR_UNKNOWN_KEY);
    g_assert_null (strstr (error->message, "revoked"));
    pd_declaration_keys_explain_refusal (counter.store, scanned, &error);
    g_assert_error (error, PD_DECLARATION_ERROR, PD_DECLARATION_ERROR_UNKNOWN_KEY);
    g_assert_nonnull (strstr (error->message, "revoked"));
    g_assert_nonnull (strstr (error->message, volunteer.key_id));
    g_clear_error (&error);
  }

  /* The list from before the revocation, replayed by someone on the network: refused, and
   * the volunteer stays revoked. */
  g_assert_false (pd_declaration_keys_apply_central (counter.store, before_revocation, NULL, &error));
  g_assert_error (error, PD_DECLARATION_ERROR, PD_DECLARATION_ERROR_KEY);
  g_assert_nonnull (strstr (error->message, "older"));
  g_clear_error (&error);
  assert_refused (counter.store, qr_text, "revoked");

  /* The revoked station itself can no longer sync. */
  g_free (sync_central_serve (&central, NULL));
  {
    g_autoptr(PdSyncEngine) volunteer_engine = pd_sync_engine_new (volunteer.store, volunteer.device, NULL, &error);
    g_autoptr(PdSyncReport) volunteer_report = NULL;

    g_assert_no_error (error);
    volunteer_report = sync_pass (volunteer_engine, PD_SYNC_PULL, &error);
    g_assert_error (error, PD_SYNC_ERROR, PD_SYNC_ERROR_REFUSED);
    g_clear_error (&error);
  }

  station_clear (&volunteer);
  station_clear (&counter);
  sync_central_clear (&central);
}

/* Hostile answers ------------------------------------------------------------------------ */

static char *hostile_body;
static guint n_key_requests;

static void
on_hostile_request (SoupServer        *server,
                    SoupServerMessage *msg,
                    const char        *path,
                    GHashTable        *query,
                    gpointer           user_data)
{
  g_autofree char *time = NULL;
  const char *body;

  if (g_str_equal (path, "/v1/station-keys"))
    {
      n_key_requests++;
      body = hostile_body;
    }
  else if (g_str_equal (path, "/v1/time"))
    body = time = g_strdup_printf ("{\"server_time\":%" G_GINT64_FORMAT "}", g_get_real_time () / G_USEC_PER_SEC);
  else if (g_str_equal (path, "/v1/declarations"))
    body = "{\"declarations\":[],\"next_cursor\":\"\",\"more\":false}";
  else if (g_str_equal (path, "/v1/statuses"))
    body = "{\"statuses\":[],\"next_cursor\":\"\",\"more\":false}";
  else if (g_str_equal (path, "/v1/reference"))
    body = "{\"tables\":{}}";
  else
    body = "{}";
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, body, strlen (body));
}

static JsonNode *
string_node (const char *text)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  json_node_set_string (node, text);
  return node;
}

static JsonNode *
int_node (gint64 value)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  json_node_set_int (node, value);
  return node;
}

/* A copy to edit: json_node_copy() shares the objects. */
static JsonNode *
deep_copy (JsonNode *node)
{
  g_autofree char *text = json_to_string (node, FALSE);
  g_autoptr(GError) error = NULL;
  JsonNode *copy = json_from_string (text, &error);

  g_assert_no_error (error);
  return copy;
}

/* @genuine with @member of the key of @device_id set to @value. */
static char *
tampered (JsonNode   *genuine,
          const char *device_id,
          const char *member,
          JsonNode   *value)
{
  g_autoptr(JsonNode) copy = deep_copy (genuine);
  JsonArray *keys = json_object_get_array_member (json_node_get_object (copy), "keys");

  for (guint i = 0; i < json_array_get_length (keys); i++)
    {
      JsonObject *key = json_array_get_object_element (keys, i);

      if (g_str_equal (json_object_get_string_member (key, "device_id"), device_id))
        {
          json_object_set_member (key, member, value);
          return json_to_string (copy, FALSE);
        }
    }
  g_assert_not_reached ();
}

/* @genuine with the station of @device_id revoked, consistently but without the central
 * system's signature. */
static char *
revoked_unsigned (JsonNode   *genuine,
                  const char *device_id)
{
  g_autofree char *text = tampered (genuine, device_id, "revoked", json_node_init_boolean (json_node_alloc (), TRUE));
  g_autoptr(JsonNode) revoked = json_from_string (text, NULL);

  return tampered (revoked, device_id, "revoked_at", int_node (g_get_real_time () / G_USEC_PER_SEC));
}

static char *
with_member (JsonNode   *genuine,
             const char *member,
             JsonNode   *value)
{
  g_autoptr(JsonNode) copy = deep_copy (genuine);

  json_object_set_member (json_node_get_object (copy), member, value);
  return json_to_string (copy, FALSE);
}

static char *
too_many_keys (JsonNode *genuine)
{
  g_autoptr(JsonNode) copy = deep_copy (genuine);
  JsonArray *keys = json_object_get_array_member (json_node_get_object (copy), "keys");
  JsonNode *first = json_array_get_element (keys, 0);

  while (json_array_get_length (keys) <= PD_DECLARATION_KEYS_CENTRAL_MAX)
    json_array_add_element (keys, json_node_copy (first));
  return json_to_string (copy, FALSE);
}

/* A list signed by a key of the attacker's own, revoking everyone. */
static char *
self_signed (JsonNode *genuine,
             Station  *volunteer)
{
  guint8 public_key[crypto_sign_PUBLICKEYBYTES];
  guint8 secret_key[crypto_sign_SECRETKEYBYTES];
  guint8 signature[crypto_sign_BYTES];
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_declaration_key_entry_free);
  g_autoptr(GBytes) signed_bytes = NULL;
  g_autofree char *signature_text = NULL;
  JsonObject *root = json_node_get_object (genuine);
  gint64 version = json_object_get_int_member (root, "version") + 100;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  PdDeclarationKeyEntry *entry = g_new0 (PdDeclarationKeyEntry, 1);
  g_autofree char *key_text = NULL;

  crypto_sign_keypair (public_key, secret_key);
  entry->device_id = g_strdup (pd_device_get_device_id (volunteer->device));
  entry->key_id = g_strdup (volunteer->key_id);
  entry->role = g_strdup ("volunteer");
  entry->public_key = volunteer_public_key (volunteer);
  entry->enrolled_at = now - 10;
  entry->revoked_at = now;
  g_ptr_array_add (entries, entry);
  signed_bytes = pd_declaration_keys_central_signing_bytes ("HN01", version, now, entries);
  crypto_sign_detached (signature, NULL, g_bytes_get_data (signed_bytes, NULL), g_bytes_get_size (signed_bytes),
                        secret_key);
  signature_text = pd_base64url_encode (signature, sizeof signature);
  key_text = pd_base64url_encode (g_bytes_get_data (entry->public_key, NULL), 32);
  return g_strdup_printf ("{\"office\":\"HN01\",\"version\":%" G_GINT64_FORMAT ",\"issued_at\":%" G_GINT64_FORMAT ","
                          "\"keys\":[{\"device_id\":\"%s\",\"key_id\":\"%s\",\"public_key\":\"%s\","
                          "\"role\":\"volunteer\",\"enrolled_at\":%" G_GINT64_FORMAT ",\"revoked\":true,"
                          "\"revoked_at\":%" G_GINT64_FORMAT "}],\"signature\":\"%s\"}",
                          version, now, entry->device_id, entry->key_id, key_text, now - 10, now, signature_text);
}

static char *
deep_body (void)
{
  GString *text = g_string_new ("{\"office\":\"HN01\",\"keys\":");

  for (guint i = 0; i < 100000; i++)
    g_string_append_c (text, '[');
  for (guint i = 0; i < 100000; i++)
    g_string_append_c (text, ']');
  g_string_append_c (text, '}');
  return g_string_free (text, FALSE);
}

static void
test_hostile (void)
{
  SyncCentral central;
  Station volunteer = { 0 };
  Station counter = { 0 };
  Station elsewhere = { 0 };
  g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr(PdSyncEngine) engine = NULL;
  g_autoptr(PdSyncEngine) hostile_engine = NULL;
  g_autoptr(PdSyncReport) report = NULL;
  g_autoptr(PdDossier) dossier = pd_test_make_dossier ("TRẦN THỊ BÌNH", "079190054321");
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) genuine = NULL;
  g_autoptr(JsonNode) other_office = NULL;
  g_autoptr(GSList) uris = NULL;
  g_autofree char *hostile_url = NULL;
  g_autofree char *qr_text = NULL;
  g_autofree char *stored_before = NULL;
  g_autofree char *attacker_key = NULL;
  const char *volunteer_id;
  gint64 version;
  guint8 random_key[32];

  sync_central_init (&central, central_path);
  g_free (sync_central_serve (&central, NULL));
  station_enroll (&volunteer, &central, "volunteer", "HN01", "volunteer");
  station_enroll (&counter, &central, "counter", "HN01", "counter");
  station_enroll (&elsewhere, &central, "elsewhere", "HCM01", "counter");
  volunteer_id = pd_device_get_device_id (volunteer.device);
  qr_text = volunteer_sign (&volunteer, dossier);

  engine = pd_sync_engine_new (counter.store, counter.device, NULL, &error);
  g_assert_no_error (error);
  report = sync_pass (engine, PD_SYNC_ALL, &error);
  g_assert_no_error (error);
  assert_fills (counter.store, qr_text, dossier);
  version = pd_declaration_keys_get_central_version (counter.store);
  stored_before = pd_store_get_setting (counter.store, PD_DECLARATION_KEYS_CENTRAL_SETTING);
  genuine = fetch_list (&counter);
  other_office = fetch_list (&elsewhere);
  /* Each station gets its own office's list. */
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (other_office), "office"), ==, "HCM01");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (other_office), "keys")),
                    ==, 1);

  soup_server_add_handler (server, NULL, on_hostile_request, NULL, NULL);
  soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  hostile_url = g_uri_to_string (uris->data);
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);
  hostile_engine = pd_sync_engine_new (counter.store, counter.device, hostile_url, &error);
  g_assert_no_error (error);

  randombytes_buf (random_key, sizeof random_key);
  attacker_key = pd_base64url_encode (random_key, sizeof random_key);

  {
    /* Bodies that are not a JSON object fail in the client, with its message; the others
     * in the list's checks, with a message about the station keys. */
    struct {
      const char *name;
      char       *body;
    } cases[] = {
      { "garbage", g_strdup ("\xff\xfe<html>not json {\"keys\":") },
      { "array", g_strdup ("[]") },
      { "deep", deep_body () },
      { "empty object", g_strdup ("{}") },
      { "revoked flag flipped", tampered (genuine, volunteer_id, "revoked", json_node_init_boolean (json_node_alloc (), TRUE)) },
      { "revoked without signature", revoked_unsigned (genuine, volunteer_id) },
      { "key swapped", tampered (genuine, volunteer_id, "public_key", string_node (attacker_key)) },
      { "short key", tampered (genuine, volunteer_id, "public_key", string_node ("AAAA")) },
      { "key not base64", tampered (genuine, volunteer_id, "public_key", string_node ("!!!!not*base64!!!!")) },
      { "key with padding", tampered (genuine, volunteer_id, "public_key", string_node ("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")) },
      { "device id not a uuid", tampered (genuine, volunteer_id, "device_id", string_node ("../../etc/passwd")) },
      { "key id of another station", tampered (genuine, volunteer_id, "key_id", string_node ("PASSDESK-DEMO")) },
      { "role with spaces", tampered (genuine, volunteer_id, "role", string_node ("volunteer 1 2")) },
      { "enrolled_at a string", tampered (genuine, volunteer_id, "enrolled_at", string_node ("1790000000")) },
      { "version a string", with_member (genuine, "version", string_node ("999")) },
      { "version raised", with_member (genuine, "version", int_node (version + 1000)) },
      { "keys an object", with_member (genuine, "keys", json_node_init_object (json_node_alloc (), json_object_new ())) },
      { "signature short", with_member (genuine, "signature", string_node ("AAAA")) },
      { "too many keys", too_many_keys (genuine) },
      { "self-signed", self_signed (genuine, &volunteer) },
      { "another office", json_to_string (other_office, FALSE) },
    };

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        g_autoptr(PdSyncReport) hostile_report = NULL;
        g_autoptr(GError) pass_error = NULL;
        g_autofree char *stored = NULL;

        hostile_body = cases[i].body;
        n_key_requests = 0;
        hostile_report = sync_pass (hostile_engine, PD_SYNC_PULL, &pass_error);
        g_test_message ("%s: %s", cases[i].name, pass_error ? pass_error->message : "accepted");
        g_assert_cmpuint (n_key_requests, ==, 1);
        g_assert_error (pass_error, PD_SYNC_ERROR, PD_SYNC_ERROR_RETRY);
        g_assert_cmpstr (pd_sync_engine_get_last_error (hostile_engine), ==, pass_error->message);
        g_assert_cmpstr (pass_error->message, !=, "");
        if (i >= 3)
          g_assert_nonnull (strstr (pass_error->message, "station keys"));
        g_assert_cmpuint (hostile_report->station_keys_changed, ==, 0);

        /* The list kept before is untouched and still in force. */
        stored = pd_store_get_setting (counter.store, PD_DECLARATION_KEYS_CENTRAL_SETTING);
        g_assert_cmpstr (stored, ==, stored_before);
        g_assert_cmpint (pd_declaration_keys_get_central_version (counter.store), ==, version);
        g_assert_cmpint (pd_declaration_keys_get_source (counter.store, volunteer.key_id, &error), ==,
                         PD_DECLARATION_KEY_SOURCE_CENTRAL);
        g_assert_no_error (error);
        assert_fills (counter.store, qr_text, dossier);
        g_free (cases[i].body);
      }
    hostile_body = NULL;
  }

  /* The genuine list through the same hostile server is taken: the refusals above were the
   * content's, not the route's. */
  {
    g_autofree char *body = json_to_string (genuine, FALSE);
    g_autoptr(PdSyncReport) again = NULL;

    hostile_body = body;
    again = sync_pass (hostile_engine, PD_SYNC_PULL, &error);
    g_assert_no_error (error);
    hostile_body = NULL;
  }

  /* A list damaged in the store is an error, not an empty table: nobody must believe that
   * the QR code is fine, or that no station is revoked. */
  {
    g_autofree char *damaged = g_strdup (stored_before);
    char *signature = strstr (damaged, "\"signature\":\"");
    g_autoptr(GHashTable) keys = NULL;
    g_autoptr(PdDeclarationQr) qr = NULL;

    g_assert_nonnull (signature);
    signature += strlen ("\"signature\":\"");
    *signature = *signature == 'A' ? 'B' : 'A';
    g_assert_true (pd_store_set_setting (counter.store, PD_DECLARATION_KEYS_CENTRAL_SETTING, damaged, &error));
    keys = pd_declaration_keys_load (counter.store, &error);
    g_assert_null (keys);
    g_assert_error (error, PD_DECLARATION_ERROR, PD_DECLARATION_ERROR_KEY);
    g_clear_error (&error);
    qr = pd_declaration_keys_decode_qr (counter.store, qr_text, &error);
    g_assert_null (qr);
    g_assert_error (error, PD_DECLARATION_ERROR, PD_DECLARATION_ERROR_KEY);
    g_clear_error (&error);

    /* The next sync with the real server mends it. */
    g_clear_pointer (&report, pd_sync_report_free);
    report = sync_pass (engine, PD_SYNC_PULL, &error);
    g_assert_no_error (error);
    assert_fills (counter.store, qr_text, dossier);
  }

  soup_server_disconnect (server);
  station_clear (&volunteer);
  station_clear (&counter);
  station_clear (&elsewhere);
  sync_central_clear (&central);
}

/* The command line ------------------------------------------------------------------------ */

static int
run_central (const char *first,
             ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  va_list args;

  g_ptr_array_add (argv, (char *) central_path);
  va_start (args, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait (process, NULL, &error));
  return g_subprocess_get_exit_status (process);
}

static void
test_cli (void)
{
  SyncCentral central;
  Station station = { 0 };
  g_autofree char *db = NULL;
  g_autofree char *listed = NULL;
  g_autoptr(JsonNode) list = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *key;

  sync_central_init (&central, central_path);
  db = g_strdup_printf ("--db=%s", central.db);
  g_free (sync_central_serve (&central, NULL));
  station_enroll (&station, &central, "entrance", "HN01", "entrance");
  sync_central_stop (&central);

  g_assert_cmpint (run_central ("enroll-code", db, "--office=HN01", "--role=boss", NULL), ==, 2);
  g_assert_cmpint (run_central ("revoke-device", db, NULL), ==, 2);
  g_assert_cmpint (run_central ("revoke-device", db, "not-an-id", NULL), ==, 2);
  g_assert_cmpint (run_central ("revoke-device", db, "7a1f1d1e-4a3b-4c2d-9e8f-0123456789ab", NULL), ==, 1);
  g_assert_cmpint (run_central ("revoke-device", db, pd_device_get_device_id (station.device), "extra", NULL), ==, 2);
  g_assert_cmpint (run_central ("list-devices", db, NULL), ==, 2);

  listed = sync_central_run (&central, "list-devices", "--office=HN01", NULL);
  list = json_from_string (listed, &error);
  g_assert_no_error (error);
  key = json_array_get_object_element (json_object_get_array_member (json_node_get_object (list), "keys"), 0);
  g_assert_cmpstr (json_object_get_string_member (key, "role"), ==, "entrance");
  g_assert_false (json_object_get_boolean_member (key, "revoked"));

  /* Revoking twice keeps the first time. */
  g_assert_cmpint (run_central ("revoke-device", db, pd_device_get_device_id (station.device), NULL), ==, 0);
  g_clear_pointer (&listed, g_free);
  g_clear_pointer (&list, json_node_unref);
  listed = sync_central_run (&central, "list-devices", "--office=HN01", NULL);
  list = json_from_string (listed, &error);
  key = json_array_get_object_element (json_object_get_array_member (json_node_get_object (list), "keys"), 0);
  g_assert_true (json_object_get_boolean_member (key, "revoked"));
  {
    gint64 first = json_object_get_int_member (key, "revoked_at");
    gint64 version = json_object_get_int_member (json_node_get_object (list), "version");

    g_usleep (G_USEC_PER_SEC + 100000);
    g_assert_cmpint (run_central ("revoke-device", db, pd_device_get_device_id (station.device), NULL), ==, 0);
    g_clear_pointer (&listed, g_free);
    g_clear_pointer (&list, json_node_unref);
    listed = sync_central_run (&central, "list-devices", "--office=HN01", NULL);
    list = json_from_string (listed, &error);
    key = json_array_get_object_element (json_object_get_array_member (json_node_get_object (list), "keys"), 0);
    g_assert_cmpint (json_object_get_int_member (key, "revoked_at"), ==, first);
    g_assert_cmpint (json_object_get_int_member (json_node_get_object (list), "version"), ==, version);
  }

  station_clear (&station);
  sync_central_clear (&central);
}

int
main (int   argc,
      char *argv[])
{
  pd_test_init (&argc, &argv);
  g_assert_cmpint (argc, ==, 2);
  central_path = argv[1];

  g_test_add_func ("/station-keys/trust-and-revoke", test_trust_and_revoke);
  g_test_add_func ("/station-keys/hostile", test_hostile);
  g_test_add_func ("/station-keys/cli", test_cli);
  return g_test_run ();
}
