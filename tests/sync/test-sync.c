/* test-sync.c: a station against the real passdesk-central on loopback.
 *
 * argv[1] is the passdesk-central executable. One central server serves the whole run; the
 * tests share it and run in order (enrollment, sign-in, push, pulls, transfer).
 */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <sodium.h>
#include <glib/gstdio.h>

#include <sqlite3.h>
#include "pd-intake.h"
#include "pd-queue-private.h"
#include "pd-secrets.h"
#include "pd-store-private.h"
#include "pd-test-support.h"
#include "sync-test-central.h"
#include "sync/pd-declaration-keys.h"
#include "sync/pd-device.h"
#include "sync/pd-officer.h"
#include "sync/pd-outbox.h"
#include "sync/pd-sync-engine.h"

/* Runs @user_data (SQL) on the store's file, as someone with a database editor would. */
static gboolean
edit_file (sqlite3   *db,
           gpointer   user_data,
           GError   **error)
{
  g_assert_cmpint (sqlite3_exec (db, user_data, NULL, NULL, NULL), ==, SQLITE_OK);
  return TRUE;
}

#define N_DOSSIERS      40
#define N_DECLARATIONS  30
#define N_CARRIED       5

static SyncCentral central;

static PdStore *store_a;
static PdDevice *device_a;
static PdStore *store_b;
static PdDevice *device_b;

/* Helpers ------------------------------------------------------------------------------- */

static PdSyncReport *
sync_store (PdStore     *store,
            PdDevice    *device,
            PdSyncFlags  flags,
            GError     **error)
{
  g_autoptr(PdSyncEngine) engine = pd_sync_engine_new (store, device, NULL, NULL);
  g_autoptr(GAsyncResult) result = NULL;
  PdSyncReport *report = NULL;

  g_assert_nonnull (engine);
  pd_sync_engine_sync_async (engine, flags, NULL, sync_keep_result, &result);
  pd_sync_engine_sync_finish (engine, sync_wait_result (&result), &report, error);
  g_assert_nonnull (report);
  return report;
}

static gint64
add_dossiers (PdStore *store,
              guint    n,
              gboolean accept)
{
  gint64 first = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("Nguyễn Văn Thử %u", i);
      g_autofree char *id_number = g_strdup_printf ("0010900%05u", g_random_int_range (0, 99999));
      g_autoptr(PdDossier) dossier = pd_test_make_dossier (name, id_number);
      g_autoptr(GError) error = NULL;

      pd_dossier_set_status (dossier, PD_STATUS_DRAFT);
      pd_store_save (store, dossier, "test", &error);
      g_assert_no_error (error);
      if (first == 0)
        first = pd_dossier_get_id (dossier);
      if (accept)
        {
          pd_store_accept (store, pd_dossier_get_id (dossier), "officer1", &error);
          g_assert_no_error (error);
        }
    }
  return first;
}

static gint64
count_status (PdStore  *store,
              PdStatus  status)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = pd_store_list (store, status, 0, 0, &error);

  g_assert_no_error (error);
  return list->len;
}

/* Tests --------------------------------------------------------------------------------- */

static void
test_enroll (void)
{
  g_autofree char *box_key = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PdDevice) loaded = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(PdDevice) refused = NULL;

  store_a = sync_open_store (central.tmpdir, "a.db");
  device_a = sync_enroll (&central, store_a, NULL);
  g_assert_true (g_uuid_string_is_valid (pd_device_get_device_id (device_a)));
  g_assert_cmpstr (pd_device_get_office_code (device_a), ==, "HN01");

  /* What a later run finds: the key in the keyring, the rest in the settings. */
  loaded = pd_device_load (store_a, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (pd_device_get_device_id (loaded), ==, pd_device_get_device_id (device_a));
  box_key = pd_store_get_setting (store_a, PD_DEVICE_SETTING_BOX_KEY);
  g_assert_nonnull (box_key);
  g_assert_cmpint (sync_central_stat (&central, "devices"), ==, 1);

  /* A made-up code is refused and nothing is kept. */
  store_b = sync_open_store (central.tmpdir, "b.db");
  pd_device_enroll_async (store_b, central.url, NULL, "ZZZZ-ZZZZ", NULL, NULL, sync_keep_result, &result);
  refused = pd_device_enroll_finish (sync_wait_result (&result), &error);
  g_assert_error (error, PD_SYNC_ERROR, PD_SYNC_ERROR_REFUSED);
  g_assert_null (refused);
  g_clear_error (&error);
  g_assert_null (pd_device_load (store_b, NULL, &error));
  g_assert_error (error, PD_SYNC_ERROR, PD_SYNC_ERROR_NOT_ENROLLED);
}

static PdOfficer *
sign_in (const char *user,
         const char *password,
         GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  pd_officer_sign_in_async (store_a, device_a, user, password, NULL, sync_keep_result, &result);
  return pd_officer_sign_in_finish (sync_wait_result (&result), error);
}

static void
test_sign_in (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PdOfficer) officer = NULL;
  g_autoptr(PdOfficer) volunteer = NULL;
  g_autoptr(PdOfficer) wrong = NULL;
  g_autoptr(PdOfficer) offline = NULL;
  g_autoptr(PdOfficer) current = NULL;
  g_autoptr(GPtrArray) audit = NULL;
  guint failures = 0;

  volunteer = sign_in ("volunteer1", "volunteer1-demo", &error);
  g_assert_no_error (error);
  g_assert_cmpint (pd_officer_get_role (volunteer), ==, PD_ROLE_VOLUNTEER);
  g_assert_false (pd_role_may_accept (pd_officer_get_role (volunteer)));

  wrong = sign_in ("officer1", "not the password", &error);
  g_assert_error (error, PD_SYNC_ERROR, PD_SYNC_ERROR_BAD_CREDENTIALS);
  g_assert_null (wrong);
  g_clear_error (&error);

  officer = sign_in ("officer1", "officer1-demo", &error);
  g_assert_no_error (error);
  g_assert_cmpint (pd_officer_get_role (officer), ==, PD_ROLE_OFFICER);
  g_assert_true (pd_role_may_accept (pd_officer_get_role (officer)));
  g_assert_false (pd_officer_get_offline (officer));
  g_assert_nonnull (pd_officer_get_token (officer));
  g_assert_true (pd_role_may_accept (PD_ROLE_SUPERVISOR));

  current = pd_officer_get_current (store_a, device_a, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (pd_officer_get_username (current), ==, "officer1");
  g_assert_cmpstr (pd_officer_get_token (current), ==, pd_officer_get_token (officer));

  /* Offline, with the verifier of the online sign-in. */
  offline = pd_officer_sign_in_offline (store_a, device_a, "officer1", "officer1-demo", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (pd_officer_get_offline (offline));
  g_assert_cmpint (pd_officer_get_role (offline), ==, PD_ROLE_OFFICER);
  /* Requests go without a token, but acceptances carry the one of the last online sign-in. */
  g_assert_null (pd_officer_get_token (offline));
  g_assert_cmpstr (pd_officer_get_acceptance_token (offline), ==, pd_officer_get_token (officer));

  /* Issue 18, 4: one edit of the file makes a supervisor for ever; the session is signed. */
  {
    g_autoptr(PdOfficer) forged = NULL;
    gint64 n = 0;

    g_assert_true (pd_store_audit_verify (store_a, &n, &error));
    g_assert_no_error (error);
    forged = pd_officer_get_current (store_a, device_a, NULL, &error);
    g_assert_nonnull (forged);
    g_clear_object (&forged);
    g_assert_true (pd_store_run_sql (store_a, edit_file, (gpointer)
                                     "UPDATE meta SET value = substr (value, 1, 65) ||"
                                     " '{\"username\":\"officer1\",\"display_name\":\"x\",\"role\":\"supervisor\","
                                     "\"office_code\":\"HN\",\"expires_at\":0,\"offline\":true}'"
                                     " WHERE key = 'signed-setting.sync.session'", &error));
    {
      gboolean altered = FALSE;
      g_autofree char *value = pd_store_get_signed_setting (store_a, PD_OFFICER_SETTING_SESSION, &altered);

      g_assert_null (value);
      g_assert_true (altered);
    }
    forged = pd_officer_get_current (store_a, device_a, NULL, &error);
    g_assert_no_error (error);
    g_assert_null (forged);
    g_assert_false (pd_store_audit_verify (store_a, &n, &error));
    g_assert_error (error, PD_STORE_ERROR, PD_STORE_ERROR_CORRUPT);
    g_assert_nonnull (strstr (error->message, "sync.session"));
    g_clear_error (&error);
    /* The old, unsigned row is no session either. */
    g_assert_true (pd_store_set_setting (store_a, PD_OFFICER_SETTING_SESSION,
                                         "{\"username\":\"officer1\",\"role\":\"supervisor\",\"expires_at\":0}",
                                         &error));
    forged = pd_officer_get_current (store_a, device_a, NULL, &error);
    g_assert_null (forged);
    g_assert_true (pd_officer_sign_out (store_a, &error));
    g_assert_true (pd_store_audit_verify (store_a, &n, &error));
    g_assert_no_error (error);
  }

  for (guint i = 0; i < PD_OFFICER_MAX_FAILURES; i++)
    {
      g_autoptr(PdOfficer) none = pd_officer_sign_in_offline (store_a, device_a, "officer1", "guess", NULL, &error);

      g_assert_error (error, PD_SYNC_ERROR, PD_SYNC_ERROR_BAD_CREDENTIALS);
      g_clear_error (&error);
    }
  /* The sixth attempt in five minutes is refused even with the right password. */
  {
    g_autoptr(PdOfficer) blocked = pd_officer_sign_in_offline (store_a, device_a, "officer1", "officer1-demo", NULL, &error);

    g_assert_error (error, PD_SYNC_ERROR, PD_SYNC_ERROR_RATE_LIMITED);
    g_assert_null (blocked);
    g_clear_error (&error);
  }
  /* Issue 18, 4: emptying the store's settings does not reset the limit. */
  g_assert_true (pd_store_run_sql (store_a, edit_file, (gpointer)
                                   "DELETE FROM meta WHERE key LIKE '%failure%'",
                                   &error));
  {
    g_autoptr(PdOfficer) blocked = pd_officer_sign_in_offline (store_a, device_a, "officer1", "officer1-demo", NULL, &error);

    g_assert_error (error, PD_SYNC_ERROR, PD_SYNC_ERROR_RATE_LIMITED);
    g_assert_null (blocked);
    g_clear_error (&error);
  }
  /* A user who never signed in online here cannot sign in offline. */
  {
    g_autoptr(PdOfficer) stranger = pd_officer_sign_in_offline (store_a, device_a, "supervisor1", "supervisor1-demo", NULL, &error);

    g_assert_null (stranger);
    g_assert_nonnull (error);
    g_clear_error (&error);
  }

  audit = pd_store_audit_list (store_a, 0, 0, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < audit->len; i++)
    {
      PdAuditEntry *entry = g_ptr_array_index (audit, i);

      if (g_strcmp0 (entry->action, "sign-in-failed") == 0 && g_strcmp0 (entry->detail, "offline") == 0)
        failures++;
    }
  g_assert_cmpuint (failures, ==, PD_OFFICER_MAX_FAILURES);
}

static void
add_forged_packet (PdStore    *store,
                   PdDevice   *device,
                   char      **packet_id)
{
  guint8 public_key[PD_PACKET_PUBLIC_KEY_BYTES];
  guint8 secret_key[PD_PACKET_SECRET_KEY_BYTES];
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *inner = g_strdup_printf ("{\"packet_id\":\"%s\",\"device_id\":\"%s\",\"dossier\":{}}",
                                            id, pd_device_get_device_id (device));
  g_autoptr(PdPacket) packet = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  gboolean added = FALSE;

  /* Signed with a key the central system never saw for this device. */
  pd_packet_make_sign_keys (public_key, secret_key);
  packet = pd_packet_seal (id, pd_device_get_device_id (device), 1790000000, PD_PACKET_KIND_DOSSIER,
                           inner, strlen (inner), pd_device_get_central_box_public_key (device), secret_key);
  text = pd_packet_to_string (packet);
  pd_store_outbox_add (store, "packet-import", id, NULL, packet->created_at, text, &added, &error);
  g_assert_no_error (error);
  g_assert_true (added);
  *packet_id = g_steal_pointer (&id);
}

static void
test_push (void)
{
  g_autoptr(PdSyncReport) report = NULL;
  g_autoptr(PdSyncReport) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PdSyncEngine) engine = NULL;
  g_autoptr(GPtrArray) set_aside = NULL;
  g_autofree char *forged_id = NULL;

  /* Accepting seals the packet in the same transaction (the engine attached the outbox). */
  engine = pd_sync_engine_new (store_a, device_a, NULL, &error);
  g_assert_no_error (error);
  add_dossiers (store_a, N_DOSSIERS, TRUE);
  g_assert_cmpint (pd_store_outbox_count (store_a, PD_OUTBOX_PENDING, NULL), ==, N_DOSSIERS);
  add_forged_packet (store_a, device_a, &forged_id);

  report = sync_store (store_a, device_a, PD_SYNC_PUSH, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (report->accepted, ==, N_DOSSIERS);
  g_assert_cmpuint (report->duplicates, ==, 0);
  g_assert_cmpuint (report->set_aside, ==, 1);
  g_assert_cmpint (count_status (store_a, PD_STATUS_RECEIVED), ==, N_DOSSIERS);
  g_assert_cmpint (count_status (store_a, PD_STATUS_ACCEPTED), ==, 0);
  g_assert_cmpint (sync_central_stat (&central, "applications_received"), ==, N_DOSSIERS);

  /* The refused packet is visible with its reason, and not tried again. */
  set_aside = pd_sync_engine_list_set_aside (engine, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (set_aside->len, ==, 1);
  g_assert_cmpstr (((PdSyncSetAside *) g_ptr_array_index (set_aside, 0))->packet_id, ==, forged_id);
  g_assert_nonnull (strstr (((PdSyncSetAside *) g_ptr_array_index (set_aside, 0))->reason, "invalid_signature"));

  again = sync_store (store_a, device_a, PD_SYNC_PUSH, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (again->accepted + again->duplicates + again->set_aside, ==, 0);
  g_assert_cmpint (pd_store_outbox_count (store_a, PD_OUTBOX_PENDING, NULL), ==, 0);
  g_assert_cmpint (sync_central_stat (&central, "applications_received"), ==, N_DOSSIERS);
}

static void
test_pull (void)
{
  g_autoptr(PdSyncReport) report = NULL;
  g_autoptr(PdSyncReport) second = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) done = NULL;
  g_autoptr(GPtrArray) drafts = NULL;
  g_autofree char *csv = NULL;
  g_autofree char *csv_path = g_build_filename (central.tmpdir, "provinces.csv", NULL);
  g_autofree char *source = g_build_filename (pd_reference_get_default_directory (),
                                              pd_reference_table_get_file_name (PD_REFERENCE_PROVINCES), NULL);
  g_autofree char *file_arg = g_strconcat ("--file=", csv_path, NULL);
  g_autofree char *version = NULL;
  g_autofree char *out = NULL;
  const PdOutboxEntry *first, *second_entry, *third;
  const char *code = NULL;

  /* Statuses from the central system: pick three received packets. */
  done = pd_store_outbox_list (store_a, PD_OUTBOX_DONE, 0, 0, 3, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (done->len, ==, 3);
  first = g_ptr_array_index (done, 0);
  second_entry = g_ptr_array_index (done, 1);
  third = g_ptr_array_index (done, 2);
  {
    g_autofree char *p1 = g_strconcat ("--packet=", first->packet_id, NULL);
    g_autofree char *p2 = g_strconcat ("--packet=", second_entry->packet_id, NULL);
    g_autofree char *p3 = g_strconcat ("--packet=", third->packet_id, NULL);

    g_free (sync_central_run (&central, "set-status", p1, "--status=processing", NULL));
    g_free (sync_central_run (&central, "set-status", p2, "--status=rejected", "--reason=Ảnh không đạt", NULL));
    g_free (sync_central_run (&central, "set-status", p3, "--status=archived", NULL));
  }

  /* A new version of the provinces table. */
  g_assert_true (g_file_get_contents (source, &csv, NULL, NULL));
  g_assert_true (g_file_set_contents (csv_path, csv, -1, NULL));
  out = sync_central_run (&central, "update-reference", "--table=provinces", file_arg, "--version=test-2", NULL);

  report = sync_store (store_a, device_a, PD_SYNC_PULL, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (report->declarations, ==, N_DECLARATIONS);
  g_assert_cmpuint (report->statuses, >=, 2);
  g_assert_cmpuint (report->unknown_statuses, ==, 1);
  g_assert_cmpuint (report->reference_updates, >=, 1);
  version = pd_store_get_reference_version (store_a, PD_REFERENCE_PROVINCES);
  g_assert_cmpstr (version, ==, "test-2");

  {
    g_autoptr(PdDossier) processing = pd_store_get_by_uuid (store_a, first->dossier_uuid, &error);
    g_autoptr(PdDossier) rejected = pd_store_get_by_uuid (store_a, second_entry->dossier_uuid, &error);
    g_autoptr(PdDossier) unknown = pd_store_get_by_uuid (store_a, third->dossier_uuid, &error);

    g_assert_no_error (error);
    g_assert_cmpint (pd_dossier_get_status (processing), ==, PD_STATUS_PROCESSING);
    g_assert_cmpint (pd_dossier_get_status (rejected), ==, PD_STATUS_REJECTED);
    g_assert_cmpstr (pd_dossier_get_status_reason (rejected), ==, "Ảnh không đạt");
    g_assert_cmpint (pd_dossier_get_status (unknown), ==, PD_STATUS_RECEIVED);
  }

  /* Each declaration is found offline by its code. */
  drafts = pd_store_list (store_a, PD_STATUS_DRAFT, 0, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (drafts->len, ==, N_DECLARATIONS);
  for (guint i = 0; i < drafts->len; i++)
    {
      g_autoptr(GPtrArray) found = NULL;

      code = pd_dossier_get_field (g_ptr_array_index (drafts, i), PD_FIELD_DECLARATION_CODE);
      g_assert_nonnull (code);
      found = pd_store_find_by_declaration_code (store_a, code, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (found->len, ==, 1);
    }

  /* The cursors were saved: nothing comes twice. */
  second = sync_store (store_a, device_a, PD_SYNC_PULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (second->declarations, ==, 0);
  g_assert_cmpuint (second->statuses, ==, 0);
  g_assert_cmpuint (second->reference_updates, ==, 0);
  g_assert_cmpint (count_status (store_a, PD_STATUS_DRAFT), ==, N_DECLARATIONS);
}

static void
test_transfer (void)
{
  g_autofree char *file = g_build_filename (central.tmpdir, "outbox.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PdSyncReport) pushed = NULL;
  g_autoptr(PdSyncReport) again = NULL;
  g_autoptr(PdSyncReport) home = NULL;
  guint n = 0, added = 0, total = 0;
  gint64 before = sync_central_stat (&central, "applications_received");
  g_autofree char *contents = NULL;

  /* Station A, offline, accepts more and exports them. */
  add_dossiers (store_a, N_CARRIED, TRUE);
  g_assert_true (pd_outbox_export (store_a, device_a, file, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, N_CARRIED);
  g_assert_true (g_file_get_contents (file, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, "\"format\":\"passdesk-outbox\""));
  g_assert_null (strstr (contents, "Nguyễn Văn Thử"));

  /* Station B, connected, imports and pushes them. */
  device_b = sync_enroll (&central, store_b, NULL);
  g_assert_true (pd_outbox_import (store_b, file, &added, &total, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (added, ==, N_CARRIED);
  pushed = sync_store (store_b, device_b, PD_SYNC_PUSH, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pushed->accepted, ==, N_CARRIED);
  g_assert_cmpint (sync_central_stat (&central, "applications_received"), ==, before + N_CARRIED);

  /* Importing the same file again changes nothing. */
  g_assert_true (pd_outbox_import (store_b, file, &added, &total, &error));
  g_assert_cmpuint (added, ==, 0);
  g_assert_cmpuint (total, ==, N_CARRIED);
  again = sync_store (store_b, device_b, PD_SYNC_PUSH, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (again->accepted, ==, 0);

  /* Back online, A pushes its copies: duplicates, and its dossiers are confirmed. */
  home = sync_store (store_a, device_a, PD_SYNC_PUSH, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (home->accepted, ==, 0);
  g_assert_cmpuint (home->duplicates, ==, N_CARRIED);
  g_assert_cmpint (count_status (store_a, PD_STATUS_ACCEPTED), ==, 0);
  g_assert_cmpint (sync_central_stat (&central, "applications_received"), ==, before + N_CARRIED);
  g_assert_cmpint (sync_central_stat (&central, "applications_received"), ==, N_DOSSIERS + N_CARRIED);
}

/* A packet signed with a fresh key for @device_id, as an outbox file's text. */
static char *
forged_outbox_file (PdDevice   *central_of,
                    const char *device_id)
{
  guint8 public_key[PD_PACKET_PUBLIC_KEY_BYTES];
  guint8 secret_key[PD_PACKET_SECRET_KEY_BYTES];
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *inner = g_strdup_printf ("{\"packet_id\":\"%s\",\"device_id\":\"%s\",\"dossier\":{}}",
                                            id, device_id);
  g_autoptr(PdPacket) packet = NULL;
  g_autofree char *packet_text = NULL;
  g_autofree char *text = NULL;
  g_autofree char *path = NULL;
  g_autofree char *name = g_strdup_printf ("forged-%s.json", id);

  pd_packet_make_sign_keys (public_key, secret_key);
  packet = pd_packet_seal (id, device_id, 1790000000, PD_PACKET_KIND_DOSSIER, inner, strlen (inner),
                           pd_device_get_central_box_public_key (central_of), secret_key);
  packet_text = pd_packet_to_string (packet);
  text = g_strdup_printf ("{\"format\":\"passdesk-outbox\",\"version\":1,\"packets\":[%s]}",
                          packet_text);
  path = g_build_filename (central.tmpdir, name, NULL);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  return g_steal_pointer (&path);
}

/* Issue 18, 9: an outbox file is checked against the office's signed list of stations before
 * anything of it is kept or sent; packets set aside can be listed, sent again or discarded. */
static void
test_transfer_checked (void)
{
  g_autofree char *file = g_build_filename (central.tmpdir, "outbox-checked.json", NULL);
  g_autofree char *forged = NULL;
  g_autofree char *stranger = NULL;
  g_autofree char *stranger_id = g_uuid_string_random ();
  g_autoptr(GError) error = NULL;
  g_autoptr(PdSyncReport) pulled = NULL;
  g_autoptr(PdSyncReport) pushed = NULL;
  g_autoptr(GPtrArray) set_aside = NULL;
  g_autofree char *set_aside_id = NULL;
  gint64 pending = pd_store_outbox_count (store_b, PD_OUTBOX_PENDING, NULL);
  guint n = 0, added = 0, total = 0;

  /* Before B holds the office's list, it cannot check anything. */
  add_dossiers (store_a, 2, TRUE);
  g_assert_true (pd_outbox_export (store_a, device_a, file, &n, &error));
  g_assert_no_error (error);
  if (pd_declaration_keys_get_central_version (store_b) < 0)
    {
      g_assert_false (pd_outbox_import_verified (store_b, file, &added, &total, &error));
      g_assert_error (error, PD_SYNC_ERROR, PD_SYNC_ERROR_FILE);
      g_clear_error (&error);
    }
  pulled = sync_store (store_b, device_b, PD_SYNC_PULL, &error);
  g_assert_no_error (error);

  forged = forged_outbox_file (device_a, pd_device_get_device_id (device_a));
  g_assert_false (pd_outbox_import_verified (store_b, forged, &added, &total, &error));
  g_assert_error (error, PD_SYNC_ERROR, PD_SYNC_ERROR_FILE);
  g_assert_nonnull (strstr (error->message, "signature"));
  g_clear_error (&error);

  stranger = forged_outbox_file (device_a, stranger_id);
  g_assert_false (pd_outbox_import_verified (store_b, stranger, &added, &total, &error));
  g_assert_error (error, PD_SYNC_ERROR, PD_SYNC_ERROR_FILE);
  g_assert_nonnull (strstr (error->message, "not one of this office"));
  g_clear_error (&error);
  g_assert_cmpint (pd_store_outbox_count (store_b, PD_OUTBOX_PENDING, NULL), ==, pending);

  /* A's own file passes. */
  g_assert_true (pd_outbox_import_verified (store_b, file, &added, &total, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (added, ==, n);

  /* A packet set aside (A's forged one of /sync/push, or a new one) is sent again, then
   * discarded. */
  {
    g_autofree char *id = NULL;

    add_forged_packet (store_a, device_a, &id);
    pushed = sync_store (store_a, device_a, PD_SYNC_PUSH, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (pushed->set_aside, ==, 1);
    g_clear_pointer (&pushed, pd_sync_report_free);
    set_aside_id = g_steal_pointer (&id);
  }
  g_assert_true (pd_outbox_retry_set_aside (store_a, set_aside_id, "supervisor1", &error));
  g_assert_no_error (error);
  g_assert_cmpint (pd_store_outbox_count (store_a, PD_OUTBOX_PENDING, NULL), ==, 1);
  pushed = sync_store (store_a, device_a, PD_SYNC_PUSH, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pushed->set_aside, ==, 1);
  g_assert_true (pd_outbox_discard_set_aside (store_a, set_aside_id, "supervisor1", &error));
  g_assert_no_error (error);
  g_assert_false (pd_outbox_discard_set_aside (store_a, set_aside_id, "supervisor1", &error));
  g_assert_error (error, PD_STORE_ERROR, PD_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_true (pd_store_audit_verify (store_a, NULL, &error));
  g_assert_no_error (error);
}

static void
test_recovery (void)
{
  g_autoptr(PdStore) store = sync_open_store (central.tmpdir, "recovery.db");
  g_autoptr(GError) error = NULL;
  guint n = 0;

  /* Accepted before any packet function was attached, as after a crash or before enrollment. */
  add_dossiers (store, 7, TRUE);
  g_assert_cmpint (pd_store_outbox_count (store, PD_OUTBOX_PENDING, NULL), ==, 0);
  g_assert_false (pd_outbox_recover (store, &n, &error));
  g_assert_error (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID);
  g_clear_error (&error);

  pd_outbox_attach (store, device_a);
  g_assert_true (pd_outbox_recover (store, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 7);
  g_assert_true (pd_outbox_recover (store, &n, &error));
  g_assert_cmpuint (n, ==, 0);
  g_assert_cmpint (pd_store_outbox_count (store, PD_OUTBOX_PENDING, NULL), ==, 7);
}

static void
test_unreachable (void)
{
  g_autoptr(PdSyncEngine) engine = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(PdSyncReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) pending = NULL;
  PdSyncState state;

  add_dossiers (store_a, 3, TRUE);
  /* Port 9 (discard) on loopback: nothing listens. */
  engine = pd_sync_engine_new (store_a, device_a, "http://127.0.0.1:9", &error);
  g_assert_no_error (error);
  pd_sync_engine_sync_async (engine, PD_SYNC_ALL, NULL, sync_keep_result, &result);
  g_assert_false (pd_sync_engine_sync_finish (engine, sync_wait_result (&result), &report, &error));
  g_assert_error (error, PD_SYNC_ERROR, PD_SYNC_ERROR_RETRY);
  g_object_get (engine, "state", &state, NULL);
  g_assert_cmpint (state, ==, PD_SYNC_STATE_OFFLINE);
  g_assert_nonnull (pd_sync_engine_get_last_error (engine));
  g_assert_cmpint (pd_store_outbox_count (store_a, PD_OUTBOX_PENDING, NULL), ==, 3);
  g_clear_error (&error);

  /* They go on the next pass with the real server. */
  g_clear_pointer (&report, pd_sync_report_free);
  report = sync_store (store_a, device_a, PD_SYNC_PUSH, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (report->accepted, ==, 3);
}

static void
on_last_sync_changed (GObject    *object,
                      GParamSpec *pspec,
                      gpointer    user_data)
{
  *(gboolean *) user_data = TRUE;
}

static void
test_background (void)
{
  g_autoptr(PdSyncEngine) engine = NULL;
  g_autoptr(GError) error = NULL;
  gboolean synced = FALSE;
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  PdSyncState state;

  engine = pd_sync_engine_new (store_a, device_a, NULL, &error);
  g_assert_no_error (error);
  add_dossiers (store_a, 4, TRUE);
  g_signal_connect (engine, "notify::last-sync", G_CALLBACK (on_last_sync_changed), &synced);

  /* Started, the engine syncs by itself, without blocking this loop. */
  pd_sync_engine_start (engine);
  while (!synced && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (synced);
  g_assert_cmpuint (pd_sync_engine_get_pending_count (engine), ==, 0);
  g_object_get (engine, "state", &state, NULL);
  g_assert_cmpint (state, ==, PD_SYNC_STATE_IDLE);
  g_assert_cmpint (pd_sync_engine_get_last_sync (engine), >, 0);
  g_assert_cmpint (count_status (store_a, PD_STATUS_ACCEPTED), ==, 0);
  pd_sync_engine_stop (engine);
}

/* Accepts a complete application through the intake, as the form and the CLI do, signed in as
 * @officer. */
static PdDossier *
intake_accept (PdStore    *store,
               PdOfficer  *officer,
               const char *id_number,
               GError    **error)
{
  g_autoptr(PdDossier) dossier = pd_test_make_dossier ("Lê Thị Chuyến", id_number);
  g_autoptr(GBytes) photo = g_bytes_new_static ("\xff\xd8 not really a jpeg", 20);
  g_autoptr(GHashTable) ticks = g_hash_table_new (g_str_hash, g_str_equal);
  PdPaperEvidence evidence = { .ticks = ticks, .id_card_seen = TRUE };
  g_autoptr(PdIntake) intake = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  pd_dossier_set_field (dossier, PD_FIELD_OFFICE_CODE, "HN01");
  pd_dossier_set_photo (dossier, photo);
  g_hash_table_insert (ticks, (gpointer) "TK01", GUINT_TO_POINTER (PD_PAPER_TICK_YES));
  intake = pd_intake_new (store, dossier);
  pd_intake_set_evidence (intake, &evidence);
  pd_intake_accept_async (intake, pd_officer_get_role (officer), pd_officer_get_username (officer),
                          pd_officer_get_acceptance_token (officer), NULL, sync_keep_result, &result);
  return pd_intake_accept_finish (intake, sync_wait_result (&result), error);
}

/* Who accepted, as the central system stored it. */
static char *
central_accepted_by (const char *dossier_uuid)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *accepted_by;

  g_assert_cmpint (sqlite3_open_v2 (central.db, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT accepted_by FROM applications WHERE dossier_uuid = ?",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, dossier_uuid, -1, SQLITE_TRANSIENT);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  accepted_by = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return accepted_by;
}

/* Issue 18, 1: an officer signed in offline (a trip) accepts with the token of their last
 * online sign-in at the station, which the central system checks; one who has no such token
 * here accepts nothing. */
static void
test_accept_offline (void)
{
  g_autoptr(PdStore) store = sync_open_store (central.tmpdir, "trip.db");
  g_autoptr(PdDevice) device = sync_enroll (&central, store, NULL);
  g_autoptr(PdSyncEngine) engine = pd_sync_engine_new (store, device, NULL, NULL);
  g_autoptr(PdSyncReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *secret_id = g_strconcat (pd_device_get_device_id (device), "/officer1", NULL);

  g_assert_nonnull (engine);
  {
    g_autoptr(PdOfficer) offline = pd_officer_sign_in_offline (store, device, "officer1", "officer1-demo", NULL, &error);
    g_autoptr(PdOfficer) current = NULL;
    g_autoptr(PdDossier) accepted = NULL;
    g_autofree char *accepted_by = NULL;

    g_assert_no_error (error);
    g_assert_nonnull (pd_officer_get_acceptance_token (offline));
    /* The session as the window and the CLI read it back. */
    current = pd_officer_get_current (store, device, NULL, &error);
    g_assert_no_error (error);
    g_assert_true (pd_officer_get_offline (current));
    g_assert_null (pd_officer_get_token (current));
    g_assert_cmpstr (pd_officer_get_acceptance_token (current), ==, pd_officer_get_acceptance_token (offline));

    accepted = intake_accept (store, current, "001090077001", &error);
    g_assert_no_error (error);
    report = sync_pass (engine, PD_SYNC_PUSH, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (report->accepted, ==, 1);
    g_assert_cmpuint (report->set_aside, ==, 0);
    accepted_by = central_accepted_by (pd_dossier_get_uuid (accepted));
    g_assert_cmpstr (accepted_by, ==, "officer1");
  }
  {
    /* What an older Passdesk left: the verifier, but no token (it dropped it at every offline
     * sign-in). */
    gint64 pending = pd_store_outbox_count (store, PD_OUTBOX_PENDING, NULL);
    g_autoptr(PdOfficer) offline = NULL;
    g_autoptr(PdDossier) refused = NULL;

    g_assert_true (pd_secrets_clear (PD_OFFICER_TOKEN_KIND, secret_id, NULL, &error));
    offline = pd_officer_sign_in_offline (store, device, "officer1", "officer1-demo", NULL, &error);
    g_assert_no_error (error);
    g_assert_null (pd_officer_get_acceptance_token (offline));
    refused = intake_accept (store, offline, "001090077002", &error);
    g_assert_null (refused);
    g_assert_error (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "online"));
    g_clear_error (&error);
    g_assert_cmpint (pd_store_outbox_count (store, PD_OUTBOX_PENDING, NULL), ==, pending);
    g_assert_cmpint (count_status (store, PD_STATUS_ACCEPTED), ==, 0);
  }
  {
    /* Signing in online once gives one again. */
    g_autoptr(PdOfficer) online = sync_sign_in (store, device, "officer1", "officer1-demo");
    g_autoptr(PdDossier) accepted = intake_accept (store, online, "001090077003", &error);
    g_autoptr(PdSyncReport) again = NULL;

    g_assert_no_error (error);
    again = sync_pass (engine, PD_SYNC_PUSH, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (again->accepted, ==, 1);
  }
}

/* A central server with its own certificate authority. */
static void
test_tls (void)
{
  g_autofree char *key = g_build_filename (central.tmpdir, "tls.key", NULL);
  g_autofree char *cert = g_build_filename (central.tmpdir, "tls.pem", NULL);
  g_autofree char *key_arg = g_strconcat ("--tls-key=", key, NULL);
  g_autofree char *cert_arg = g_strconcat ("--tls-cert=", cert, NULL);
  g_autofree char *db_arg = g_strconcat ("--db=", central.db, NULL);
  g_autoptr(GSubprocess) openssl = NULL;
  g_autoptr(GSubprocess) tls_server = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  g_autofree char *url = NULL;
  g_autoptr(PdStore) store = sync_open_store (central.tmpdir, "tls.db");
  gint64 devices = sync_central_stat (&central, "devices");

  openssl = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error,
                              "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                              "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                              "-keyout", key, "-out", cert, NULL);
  if (openssl == NULL || !g_subprocess_wait_check (openssl, NULL, NULL))
    {
      g_test_skip ("openssl cannot make a test certificate");
      return;
    }

  tls_server = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error,
                                 central.program, "serve", db_arg, "--port=0", cert_arg, key_arg, NULL);
  g_assert_no_error (error);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (tls_server));
  line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (line, "listening on https://"));
  url = g_strdup (line + strlen ("listening on "));

  /* Not trusted by the system: refused, and nothing reached the server. */
  {
    g_autofree char *code = sync_central_run (&central, "enroll-code", "--office=HN01", NULL);
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(PdDevice) device = NULL;

    pd_device_enroll_async (store, url, NULL, code, NULL, NULL, sync_keep_result, &result);
    device = pd_device_enroll_finish (sync_wait_result (&result), &error);
    g_assert_error (error, PD_SYNC_ERROR, PD_SYNC_ERROR_TLS);
    g_assert_null (device);
    g_clear_error (&error);
    g_assert_cmpint (sync_central_stat (&central, "devices"), ==, devices);
  }

  /* Trusted through the configured CA file. */
  {
    g_autofree char *code = sync_central_run (&central, "enroll-code", "--office=HN01", NULL);
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(PdDevice) device = NULL;

    pd_device_enroll_async (store, url, cert, code, NULL, NULL, sync_keep_result, &result);
    device = pd_device_enroll_finish (sync_wait_result (&result), &error);
    g_assert_no_error (error);
    g_assert_cmpstr (pd_device_get_ca_file (device), ==, cert);
    g_assert_cmpint (sync_central_stat (&central, "devices"), ==, devices + 1);
  }

  g_subprocess_send_signal (tls_server, SIGTERM);
  g_subprocess_wait (tls_server, NULL, NULL);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  pd_test_init (&argc, &argv);
  if (argc < 2)
    g_error ("usage: test-sync PASSDESK-CENTRAL");
  sync_central_init_with_declarations (&central, argv[1], N_DECLARATIONS);
  g_free (sync_central_serve (&central, NULL));

  g_test_add_func ("/sync/enroll", test_enroll);
  g_test_add_func ("/sync/sign-in", test_sign_in);
  g_test_add_func ("/sync/push", test_push);
  g_test_add_func ("/sync/pull", test_pull);
  g_test_add_func ("/sync/transfer", test_transfer);
  g_test_add_func ("/sync/transfer-checked", test_transfer_checked);
  g_test_add_func ("/sync/recovery", test_recovery);
  g_test_add_func ("/sync/unreachable", test_unreachable);
  g_test_add_func ("/sync/background", test_background);
  g_test_add_func ("/sync/tls", test_tls);
  g_test_add_func ("/sync/accept-offline", test_accept_offline);

  status = g_test_run ();

  sync_central_clear (&central);
  g_clear_object (&device_a);
  g_clear_object (&device_b);
  g_clear_object (&store_a);
  g_clear_object (&store_b);
  return status;
}
