/* test-prepared-declaration.c: a declaration prepared at an assisted-entry station, with its
 * photo, reaches the office's counters through the real passdesk-central on loopback (its path
 * is the argument), and nobody else.
 *
 * The volunteer station (enrolled as "volunteer", volunteer1 signed in) queues the sealed
 * packet as it prints the slip and pushes it; a counter (officer1) fetches it by code and
 * gets the very photo bytes; the volunteer station, and a counter where a volunteer is signed
 * in, are refused; pushing it again is a duplicate; malformed and oversized ones are refused
 * with a message that says why. */
#include "config.h"

#include <string.h>
#include <sodium.h>

#include "pd-declaration-code.h"
#include "sync/pd-declaration-keys.h"
#include "pd-cccd.h"
#include "pd-test-support.h"
#include "sync-test-central.h"
#include "sync/pd-officer.h"
#include "sync/pd-packet.h"
#include "sync/pd-prepared.h"

/* A standard photo's size: 180 KB. */
#define PHOTO_BYTES (180 * 1024)

typedef struct {
  PdStore      *store;
  PdDevice     *device;
  PdSyncEngine *engine;
} Station;

static SyncCentral central;
static Station volunteer;
static Station counter;
static char *code;
static PdDossier *declared;
static char *packet_text;

static const char *citizen_name = "Lê Thị Hồng Nhung";

static void
station_clear (Station *station)
{
  g_clear_object (&station->engine);
  if (station->store)
    pd_store_close (station->store);
  g_clear_object (&station->store);
  g_clear_object (&station->device);
}

static PdOfficer *
sign_in (Station    *station,
         const char *username,
         const char *password)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  PdOfficer *officer;

  pd_officer_sign_in_async (station->store, station->device, username, password, NULL, sync_keep_result, &result);
  officer = pd_officer_sign_in_finish (sync_wait_result (&result), &error);
  g_assert_no_error (error);
  return officer;
}

static void
station_enroll (Station    *station,
                const char *name,
                const char *role,
                const char *username,
                const char *password)
{
  g_autofree char *role_option = g_strdup_printf ("--role=%s", role);
  g_autofree char *enroll_code = sync_central_run (&central, "enroll-code", "--office=HN01", role_option, NULL);
  g_autofree char *file = g_strconcat (name, ".db", NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PdOfficer) officer = NULL;

  station->store = sync_open_store (central.tmpdir, file);
  pd_device_enroll_async (station->store, central.url, NULL, enroll_code, name, NULL, sync_keep_result, &result);
  station->device = pd_device_enroll_finish (sync_wait_result (&result), &error);
  g_assert_no_error (error);
  station->engine = pd_sync_engine_new (station->store, station->device, NULL, &error);
  g_assert_no_error (error);
  officer = sign_in (station, username, password);
  pd_sync_engine_set_token (station->engine, pd_officer_get_token (officer));
}

/* JPEG-framed bytes that do not compress: what a photo costs on the wire. */
static GBytes *
make_photo (gsize size)
{
  guint8 *data = g_malloc (size);

  randombytes_buf (data, size);
  memcpy (data, "\xff\xd8\xff\xe0", 4);
  data[size - 2] = 0xff;
  data[size - 1] = 0xd9;
  return g_bytes_new_take (data, size);
}

static PdPrepared *
fetch (Station     *station,
       const char  *the_code,
       GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  pd_prepared_fetch_async (station->engine, the_code, NULL, sync_keep_result, &result);
  return pd_prepared_fetch_finish (station->engine, sync_wait_result (&result), error);
}

static GPtrArray *
pending (Station *station)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *entries = pd_store_outbox_list (station->store, PD_OUTBOX_PENDING, 0, 0, 100, &error);

  g_assert_no_error (error);
  return entries;
}

/* The volunteer prints the slip: the packet is queued, once, and nothing readable stays. */
static void
test_queue (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) stored = NULL;
  g_autoptr(GBytes) photo = make_photo (PHOTO_BYTES);
  g_autofree char *expected_id = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  code = pd_prepared_new_code (pd_device_get_office_code (volunteer.device), &error);
  g_assert_no_error (error);
  /* "HN01" has four characters: the code's office part is its letters. */
  g_assert_true (g_str_has_prefix (code, "PD1-HN-"));
  declared = pd_test_make_dossier (citizen_name, "001195004321");
  pd_dossier_set_field (declared, PD_FIELD_DECLARATION_CODE, code);
  pd_dossier_set_photo (declared, photo);

  g_assert_true (pd_prepared_queue (volunteer.store, volunteer.device, declared, NULL, now, &error));
  g_assert_no_error (error);
  /* The same slip printed again is the same packet. */
  g_assert_true (pd_prepared_queue (volunteer.store, volunteer.device, declared, NULL, now + 5, &error));
  g_assert_no_error (error);

  entries = pending (&volunteer);
  g_assert_cmpuint (entries->len, ==, 1);
  expected_id = pd_prepared_packet_id (pd_device_get_device_id (volunteer.device), code);
  g_assert_cmpstr (((PdOutboxEntry *) g_ptr_array_index (entries, 0))->packet_id, ==, expected_id);
  g_assert_true (g_uuid_string_is_valid (expected_id));
  packet_text = g_strdup (((PdOutboxEntry *) g_ptr_array_index (entries, 0))->packet);
  /* Sealed to the central system: neither the name nor the code can be read on the station. */
  g_assert_null (strstr (packet_text, "Nhung"));
  g_assert_null (strstr (packet_text, code));
  g_assert_nonnull (strstr (packet_text, "\"kind\":\"declaration\""));
  stored = pd_store_list (volunteer.store, PD_STATUS_INVALID, 0, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stored->len, ==, 0);
  /* Audited once, as what it is: no packet was imported here. */
  {
    g_autoptr(GPtrArray) audit = pd_store_audit_list (volunteer.store, 0, 0, &error);
    guint n_prepared = 0, n_imported = 0;

    g_assert_no_error (error);
    for (guint i = 0; i < audit->len; i++)
      {
        PdAuditEntry *entry = g_ptr_array_index (audit, i);

        n_prepared += g_strcmp0 (entry->action, "declaration-prepared") == 0;
        n_imported += g_strcmp0 (entry->action, "packet-import") == 0;
      }
    g_assert_cmpuint (n_prepared, ==, 1);
    g_assert_cmpuint (n_imported, ==, 0);
  }

  /* The counter scans the slip before the volunteer station has sent it. */
  {
    g_autoptr(PdPrepared) early = fetch (&counter, code, &error);

    g_assert_null (early);
    g_assert_error (error, PD_SYNC_ERROR, PD_SYNC_ERROR_NOT_FOUND);
  }
}

/* The engine pushes it like any packet, with the volunteer signed in. */
static void
test_push (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PdSyncReport) report = sync_pass (volunteer.engine, PD_SYNC_PUSH, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (report->accepted, ==, 1);
  g_assert_cmpuint (report->set_aside, ==, 0);
  g_assert_cmpint (sync_outbox_count (volunteer.store, PD_OUTBOX_PENDING), ==, 0);
  g_assert_cmpint (sync_outbox_count (volunteer.store, PD_OUTBOX_DONE), ==, 1);
  g_assert_cmpint (sync_central_stat (&central, "prepared_declarations"), ==, 1);
  /* A prepared declaration is no application. */
  g_assert_cmpint (sync_central_stat (&central, "applications_received"), ==, 0);
}

static JsonNode *
push_raw (PdDevice   *device,
          const char *packets)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PdSyncClient) client = pd_device_create_client (device, NULL, &error);
  g_autofree char *body = g_strdup_printf ("{\"packets\":[%s]}", packets);
  g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(PdSyncReply) reply = NULL;

  g_assert_no_error (error);
  pd_sync_client_request_async (client, "POST", "/v1/packets", bytes, NULL, sync_keep_result, &result);
  reply = pd_sync_client_request_finish (client, sync_wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (reply->status, ==, 200);
  return json_node_ref (reply->body);
}

/* Pushed again (a retry, or the station printing the slip twice): one declaration. */
static void
test_duplicate (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) first = push_raw (volunteer.device, packet_text);
  g_autoptr(JsonNode) second = NULL;
  JsonObject *result = json_array_get_object_element (json_object_get_array_member (json_node_get_object (first),
                                                                                    "results"), 0);
  const char *central_id;

  g_assert_cmpstr (json_object_get_string_member (result, "result"), ==, "duplicate");
  central_id = json_object_get_string_member (json_object_get_object_member (result, "receipt"), "central_id");
  g_assert_true (g_str_has_prefix (central_id, "D-"));
  /* Carried by another station (offline transfer), still the same one. */
  second = push_raw (counter.device, packet_text);
  result = json_array_get_object_element (json_object_get_array_member (json_node_get_object (second), "results"), 0);
  g_assert_cmpstr (json_object_get_string_member (result, "result"), ==, "duplicate");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (result, "receipt"), "central_id"),
                   ==, central_id);

  /* Queued again after it left: nothing new to send. */
  g_assert_true (pd_prepared_queue (volunteer.store, volunteer.device, declared, NULL, 1790000000, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sync_outbox_count (volunteer.store, PD_OUTBOX_PENDING), ==, 0);
  g_assert_cmpint (sync_central_stat (&central, "prepared_declarations"), ==, 1);
}

/* The counter that scans the slip gets the photo, byte for byte, and the declared fields. */
static void
test_counter_fetches (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PdPrepared) prepared = fetch (&counter, code, &error);
  g_autoptr(GPtrArray) mismatches = NULL;
  g_autoptr(PdDossier) changed = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (prepared);
  g_assert_cmpstr (prepared->code, ==, code);
  g_assert_cmpstr (prepared->device_id, ==, pd_device_get_device_id (volunteer.device));
  g_assert_nonnull (prepared->photo);
  g_assert_true (g_bytes_equal (prepared->photo, pd_dossier_get_photo (declared)));
  g_assert_true (pd_dossier_get_photo (prepared->dossier) == prepared->photo);
  pd_test_assert_same_fields (declared, prepared->dossier);
  mismatches = pd_prepared_compare (declared, prepared->dossier);
  g_assert_cmpuint (mismatches->len, ==, 0);
  g_print ("counter: photo of %zu bytes, %s\n", g_bytes_get_size (prepared->photo), code);

  /* A central copy that differs from the signed slip is shown field by field. */
  changed = pd_dossier_copy (prepared->dossier);
  pd_dossier_set_field (changed, PD_FIELD_PHONE, "0900000000");
  pd_dossier_set_field (changed, PD_FIELD_COUNTER, "Quầy 9");
  g_clear_pointer (&mismatches, g_ptr_array_unref);
  mismatches = pd_prepared_compare (declared, changed);
  g_assert_cmpuint (mismatches->len, ==, 1);
  g_assert_cmpint (((PdCccdMismatch *) g_ptr_array_index (mismatches, 0))->field, ==, PD_FIELD_PHONE);
  g_assert_cmpstr (((PdCccdMismatch *) g_ptr_array_index (mismatches, 0))->dossier_value, ==, "0912345678");
  g_assert_cmpstr (((PdCccdMismatch *) g_ptr_array_index (mismatches, 0))->card_value, ==, "0900000000");
}

/* What the volunteer station sent, it cannot read back; nor a volunteer at a counter. */
static void
test_volunteer_refused (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PdPrepared) prepared = fetch (&volunteer, code, &error);
  g_autoptr(PdOfficer) officer = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(PdDossier) dossier = NULL;

  g_assert_null (prepared);
  g_assert_error (error, PD_SYNC_ERROR, PD_SYNC_ERROR_FORBIDDEN_ROLE);
  g_clear_error (&error);

  /* Nor by the lookup of a typed code, which would keep it in the station's store. */
  pd_sync_engine_lookup_declaration_async (volunteer.engine, code, NULL, sync_keep_result, &result);
  dossier = pd_sync_engine_lookup_declaration_finish (volunteer.engine, sync_wait_result (&result), &error);
  g_assert_null (dossier);
  g_assert_error (error, PD_SYNC_ERROR, PD_SYNC_ERROR_FORBIDDEN_ROLE);
  g_clear_error (&error);

  /* Nor by a pull: the refused bulk pull does not fail the pass, and nothing arrives. */
  {
    g_autoptr(PdSyncReport) report = sync_pass (volunteer.engine, PD_SYNC_PULL, &error);

    g_assert_no_error (error);
    g_assert_cmpint (pd_store_count (volunteer.store, &error), ==, 0);
    g_assert_no_error (error);
  }

  /* volunteer1 signed in at the counter station. */
  officer = sign_in (&counter, "volunteer1", "volunteer1-demo");
  pd_sync_engine_set_token (counter.engine, pd_officer_get_token (officer));
  prepared = fetch (&counter, code, &error);
  g_assert_null (prepared);
  g_assert_error (error, PD_SYNC_ERROR, PD_SYNC_ERROR_FORBIDDEN_ROLE);
  g_clear_error (&error);
  g_clear_object (&officer);
  officer = sign_in (&counter, "officer1", "officer1-demo");
  pd_sync_engine_set_token (counter.engine, pd_officer_get_token (officer));
  prepared = fetch (&counter, code, &error);
  g_assert_no_error (error);
  g_assert_nonnull (prepared);
}

/* A photo used at the station although a check failed keeps the volunteer's reason, which the
 * counter's audit log records when the application is saved. */
static void
test_override (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PdDossier) dossier = pd_test_make_dossier ("Phạm Văn Đức", "001090001234");
  g_autoptr(GBytes) photo = make_photo (120 * 1024);
  g_autofree char *other = pd_prepared_new_code ("HN01", &error);
  g_autoptr(PdSyncReport) report = NULL;
  g_autoptr(PdPrepared) prepared = NULL;
  const char *detail = "failed=glasses; reason=kính thuốc, không tháo được";

  g_assert_no_error (error);
  pd_dossier_set_field (dossier, PD_FIELD_DECLARATION_CODE, other);
  pd_dossier_set_photo (dossier, photo);
  g_assert_true (pd_prepared_queue (volunteer.store, volunteer.device, dossier, detail,
                                    g_get_real_time () / G_USEC_PER_SEC, &error));
  g_assert_no_error (error);
  report = sync_pass (volunteer.engine, PD_SYNC_PUSH, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (report->accepted, ==, 1);
  prepared = fetch (&counter, other, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (prepared->photo, photo));
  g_assert_cmpstr (prepared->photo_override, ==, detail);
  /* The first one was used as it passed: no reason goes with it. */
  g_clear_pointer (&prepared, pd_prepared_free);
  prepared = fetch (&counter, code, &error);
  g_assert_no_error (error);
  g_assert_null (prepared->photo_override);
}

/* Seals @inner (in which "@ID@" stands for the packet id, "@DEVICE@" for the device id) as a
 * declaration packet of the volunteer station, and queues it. */
static void
queue_raw (const char *packet_id,
           const char *inner)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = packet_id ? g_strdup (packet_id) : g_uuid_string_random ();
  g_autoptr(GString) text = g_string_new (inner);
  g_autofree char *packet_text_out = NULL;
  g_autoptr(PdPacket) packet = NULL;
  gboolean added;

  g_string_replace (text, "@ID@", id, 0);
  g_string_replace (text, "@DEVICE@", pd_device_get_device_id (volunteer.device), 0);
  packet = pd_device_seal_packet_of_kind (volunteer.device, id, g_get_real_time () / G_USEC_PER_SEC,
                                          PD_PACKET_KIND_DECLARATION, text->str, text->len);
  packet_text_out = pd_packet_to_string (packet);
  g_assert_true (pd_store_outbox_add (volunteer.store, "packet-import", id, NULL, packet->created_at, packet_text_out, &added, &error));
  g_assert_no_error (error);
  g_assert_true (added);
}

static void
assert_set_aside_with (GPtrArray  *set_aside,
                       const char *part)
{
  for (guint i = 0; i < set_aside->len; i++)
    if (strstr (((PdSyncSetAside *) g_ptr_array_index (set_aside, i))->reason, part) != NULL)
      return;
  g_error ("no packet set aside for “%s”", part);
}

/* Garbage, a photo too large or not a JPEG, a code taken: each refused, saying why. */
static void
test_refused (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PdSyncReport) report = NULL;
  g_autoptr(GPtrArray) set_aside = NULL;
  g_autoptr(PdDossier) big = pd_dossier_copy (declared);
  g_autoptr(GBytes) big_photo = make_photo (PD_PREPARED_MAX_PHOTO_BYTES + 1);
  g_autoptr(GBytes) png = g_bytes_new_static ("\x89PNG\r\n\x1a\n....", 12);
  g_autofree char *big_code = pd_prepared_new_code ("HN01", NULL);
  g_autofree char *png_code = pd_prepared_new_code ("HN01", NULL);
  g_autofree char *big_inner = NULL;
  g_autofree char *png_inner = NULL;
  g_autofree char *big_id = g_uuid_string_random ();
  g_autofree char *png_id = g_uuid_string_random ();
  g_autofree char *copy_id = g_uuid_string_random ();
  g_autofree char *copy_inner = NULL;
  const char *device_id = pd_device_get_device_id (volunteer.device);
  gint64 n_before = sync_central_stat (&central, "prepared_declarations");

  /* The station refuses to queue a photo too large to send. */
  pd_dossier_set_field (big, PD_FIELD_DECLARATION_CODE, big_code);
  pd_dossier_set_photo (big, big_photo);
  g_assert_false (pd_prepared_queue (volunteer.store, volunteer.device, big, NULL, 1790000000, &error));
  g_assert_error (error, PD_PACKET_ERROR, PD_PACKET_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "512 KB"));
  g_clear_error (&error);

  /* Made by hand, so the central system has to refuse them itself. */
  big_inner = pd_prepared_build_inner (big_id, device_id, big_code, 1790000000, big, NULL);
  queue_raw (big_id, big_inner);
  pd_dossier_set_field (big, PD_FIELD_DECLARATION_CODE, png_code);
  pd_dossier_set_photo (big, png);
  png_inner = pd_prepared_build_inner (png_id, device_id, png_code, 1790000000, big, NULL);
  queue_raw (png_id, png_inner);
  /* Another packet with a code the central system holds already. */
  copy_inner = pd_prepared_build_inner (copy_id, device_id, code, 1790000000, declared, NULL);
  queue_raw (copy_id, copy_inner);
  /* A code whose check character is wrong, an empty dossier, content of another packet, no JSON. */
  g_assert_null (pd_declaration_code_parse ("PD1-HN-1YHVFTEJ-A", NULL, NULL));
  queue_raw (NULL, "{\"packet_id\":\"@ID@\",\"device_id\":\"@DEVICE@\",\"declaration\":"
             "{\"code\":\"PD1-HN-1YHVFTEJ-A\",\"prepared_at\":1790000000,\"dossier\":{}}}");
  queue_raw (NULL, "{\"packet_id\":\"@ID@\",\"device_id\":\"@DEVICE@\",\"declaration\":"
             "{\"code\":\"PD1-HN-1YHVFTEJ-J\",\"prepared_at\":1790000000,\"dossier\":{}},\"extra\":1}");
  queue_raw (NULL, "{\"packet_id\":\"00000000-0000-4000-8000-000000000000\",\"device_id\":\"@DEVICE@\","
             "\"declaration\":{}}");
  queue_raw (NULL, "not json at all");

  report = sync_pass (volunteer.engine, PD_SYNC_PUSH, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (report->accepted, ==, 0);
  g_assert_cmpuint (report->set_aside, ==, 7);
  set_aside = pd_sync_engine_list_set_aside (volunteer.engine, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < set_aside->len; i++)
    g_test_message ("set aside: %s", ((PdSyncSetAside *) g_ptr_array_index (set_aside, i))->reason);
  assert_set_aside_with (set_aside, "larger than 512 KB");
  assert_set_aside_with (set_aside, "not a JPEG");
  assert_set_aside_with (set_aside, "already holds another prepared declaration");
  assert_set_aside_with (set_aside, "its “code” is missing or wrong");
  assert_set_aside_with (set_aside, "members the protocol does not define");
  assert_set_aside_with (set_aside, "another packet or device");
  assert_set_aside_with (set_aside, "not a JSON object");
  g_assert_cmpint (sync_central_stat (&central, "prepared_declarations"), ==, n_before);

  /* Nothing of them was kept. */
  {
    g_autoptr(PdPrepared) none = fetch (&counter, big_code, &error);

    g_assert_null (none);
    g_assert_error (error, PD_SYNC_ERROR, PD_SYNC_ERROR_NOT_FOUND);
  }
}

int
main (int   argc,
      char *argv[])
{
  int status;

  pd_test_init (&argc, &argv);
  g_assert_cmpint (argc, >=, 2);

  sync_central_init (&central, argv[1]);
  g_free (sync_central_serve (&central, NULL));
  station_enroll (&volunteer, "volunteer", "volunteer", "volunteer1", "volunteer1-demo");
  station_enroll (&counter, "counter", "counter", "officer1", "officer1-demo");

  g_test_add_func ("/prepared-declaration/queue", test_queue);
  g_test_add_func ("/prepared-declaration/push", test_push);
  g_test_add_func ("/prepared-declaration/duplicate", test_duplicate);
  g_test_add_func ("/prepared-declaration/counter-fetches", test_counter_fetches);
  g_test_add_func ("/prepared-declaration/volunteer-refused", test_volunteer_refused);
  g_test_add_func ("/prepared-declaration/override", test_override);
  g_test_add_func ("/prepared-declaration/refused", test_refused);
  status = g_test_run ();

  station_clear (&volunteer);
  station_clear (&counter);
  g_clear_object (&declared);
  g_free (packet_text);
  g_free (code);
  sync_central_clear (&central);
  return status;
}
