/* test-intake.c: accepting, holding and refusing through the core's intake (pd-intake.c), on a
 * real SQLite file and the session's real keyring: each is one transaction, so a rule that
 * refuses or a failure halfway leaves no dossier change, no scan, no audit row, no packet. */
#include "config.h"

#include <locale.h>
#include <string.h>
#include <time.h>

#include "pd-calendar.h"
#include "pd-date.h"
#include "pd-intake.h"
#include "pd-queue.h"
#include "pd-store-private.h"
#include "pd-test-support.h"
#include "pd-uuid.h"

#define OFFICER "officer1"
#define OFFICER_TOKEN "token-of-officer1-online-sign-in"

static gboolean fail_packets;

/* Stands in for the station's sealing (pd-outbox.c), which needs an enrolled device; it fails
 * on demand, as sealing does when the device key is gone. */
static char *
make_packet (PdDossier   *dossier,
             GPtrArray   *attachments,
             const char  *accepted_by,
             const char  *acceptance_token,
             gint64       accepted_at,
             char       **packet_id,
             gpointer     user_data,
             GError     **error)
{
  if (fail_packets)
    {
      g_set_error_literal (error, PD_STORE_ERROR, PD_STORE_ERROR_KEYRING, "no device key");
      return NULL;
    }
  *packet_id = pd_uuid_new_v7 ();
  return g_strdup_printf ("{\"packet_id\":\"%s\",\"dossier\":\"%s\",\"attachments\":%u,\"token\":\"%s\"}",
                          *packet_id, pd_dossier_get_uuid (dossier), attachments->len,
                          acceptance_token ? acceptance_token : "");
}

static PdStore *
new_store (void)
{
  g_autofree char *dir = pd_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "passdesk.db", NULL);
  g_autoptr(GError) error = NULL;
  PdStore *store = pd_store_open (path, PD_STORE_OPEN_CREATE, &error);

  g_assert_no_error (error);
  pd_store_set_packet_func (store, make_packet, NULL, NULL);
  fail_packets = FALSE;
  return store;
}

/* An application as the counter has it before accepting: its ID card read, the declaration
 * ticked, a photo taken. */
static PdDossier *
make_application (const char *name,
                  const char *id_number)
{
  PdDossier *dossier = pd_test_make_dossier (name, id_number);
  g_autoptr(GBytes) photo = g_bytes_new_static ("\xff\xd8 not really a jpeg", 20);

  pd_dossier_set_field (dossier, PD_FIELD_OFFICE_CODE, "HN01");
  pd_dossier_set_photo (dossier, photo);
  return dossier;
}

static PdIntake *
make_intake (PdStore   *store,
             PdDossier *dossier,
             gboolean   all_papers)
{
  g_autoptr(GHashTable) ticks = g_hash_table_new (g_str_hash, g_str_equal);
  PdPaperEvidence evidence = { .ticks = ticks, .id_card_seen = TRUE };
  g_autoptr(GBytes) scan = g_bytes_new_static ("%PDF-1.4 passport", 17);
  PdIntake *intake = pd_intake_new (store, dossier);

  if (all_papers)
    g_hash_table_insert (ticks, (gpointer) "TK01", GUINT_TO_POINTER (PD_PAPER_TICK_YES));
  pd_intake_set_evidence (intake, &evidence);
  pd_intake_add_attachment (intake, "passport", "application/pdf", scan);
  pd_intake_set_photo_override (intake, "checks=background; reason=lighting");
  return intake;
}

static void
done_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *result;
}

static PdDossier *
accept_with_token (PdIntake    *intake,
                   PdRole       role,
                   const char  *actor,
                   const char  *token,
                   GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  pd_intake_accept_async (intake, role, actor, token, NULL, done_cb, &result);
  return pd_intake_accept_finish (intake, wait_for (&result), error);
}

/* As an officer who signed in online at this station once. */
static PdDossier *
accept (PdIntake    *intake,
        PdRole       role,
        const char  *actor,
        GError     **error)
{
  return accept_with_token (intake, role, actor, OFFICER_TOKEN, error);
}

static PdDossier *
set_aside (PdIntake    *intake,
           PdStatus     status,
           const char  *reason,
           PdRole       role,
           GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  pd_intake_set_aside_async (intake, status, reason, role, OFFICER, NULL, done_cb, &result);
  return pd_intake_set_aside_finish (intake, wait_for (&result), error);
}

static guint
n_audit (PdStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = pd_store_audit_list (store, 0, 0, &error);

  g_assert_no_error (error);
  return entries->len;
}

static gint64
n_packets (PdStore *store)
{
  g_autoptr(GError) error = NULL;
  gint64 n = pd_store_outbox_count (store, PD_OUTBOX_PENDING, &error);

  g_assert_no_error (error);
  return n;
}

static guint
n_attachments (PdStore *store,
               gint64   id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = pd_store_list_attachments (store, id, &error);

  g_assert_no_error (error);
  return ids->len;
}

/* What nothing may change: the rows of every table the intake writes. */
typedef struct {
  gint64   n_dossiers;
  guint    n_audit;
  gint64   n_packets;
} Snapshot;

static Snapshot
snapshot (PdStore *store)
{
  g_autoptr(GError) error = NULL;
  Snapshot s = { pd_store_count (store, &error), n_audit (store), n_packets (store) };

  g_assert_no_error (error);
  return s;
}

static void
assert_unchanged (PdStore        *store,
                  const Snapshot *before)
{
  Snapshot after = snapshot (store);

  g_assert_cmpint (after.n_dossiers, ==, before->n_dossiers);
  g_assert_cmpuint (after.n_audit, ==, before->n_audit);
  g_assert_cmpint (after.n_packets, ==, before->n_packets);
}

static void
test_accept_all (void)
{
  g_autoptr(PdStore) store = new_store ();
  g_autoptr(PdDossier) dossier = make_application ("Nguyễn Văn An", "001090000101");
  g_autoptr(PdIntake) intake = make_intake (store, dossier, TRUE);
  g_autoptr(PdDossier) accepted = NULL;
  g_autoptr(PdDossier) stored = NULL;
  g_autoptr(GPtrArray) audit = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *prefix = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  gboolean override_audited = FALSE;

  accepted = accept (intake, PD_ROLE_OFFICER, OFFICER, &error);
  g_assert_no_error (error);
  g_assert_cmpint (pd_dossier_get_id (accepted), >, 0);
  g_assert_cmpint (pd_dossier_get_status (accepted), ==, PD_STATUS_ACCEPTED);
  /* The caller's dossier is the form's: it is not changed from the worker thread. */
  g_assert_cmpint (pd_dossier_get_id (dossier), ==, 0);

  stored = pd_store_get (store, pd_dossier_get_id (accepted), &error);
  g_assert_no_error (error);
  g_assert_cmpint (pd_dossier_get_status (stored), ==, PD_STATUS_ACCEPTED);
  g_assert_cmpstr (pd_dossier_get_field (stored, PD_FIELD_OFFICER), ==, OFFICER);
  g_assert_nonnull (pd_dossier_get_field (stored, PD_FIELD_APPOINTMENT_DATE));
  g_assert_nonnull (pd_dossier_get_field (stored, PD_FIELD_FEE_CODE));
  /* One application number, stored with the application, read by every print path: this
   * station has no ticket letter, so it counts under its own tag. */
  prefix = g_date_time_format (now, "HN01-%y%m%d-");
  g_assert_true (g_str_has_prefix (pd_dossier_get_application_number (stored), prefix));
  g_assert_true (g_str_has_suffix (pd_dossier_get_application_number (stored), "-0001"));
  g_assert_cmpstr (pd_dossier_get_application_number (stored), ==, pd_dossier_get_application_number (accepted));
  g_assert_cmpstr (pd_dossier_get_accepted_on (stored), ==, pd_dossier_get_accepted_on (accepted));
  g_assert_nonnull (pd_dossier_get_accepted_on (stored));
  /* The photo and the scan, in the same transaction. */
  g_assert_cmpuint (n_attachments (store, pd_dossier_get_id (stored)), ==, 2);
  g_assert_cmpint (n_packets (store), ==, 1);

  audit = pd_store_audit_list (store, 0, 0, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < audit->len; i++)
    {
      const PdAuditEntry *entry = g_ptr_array_index (audit, i);

      if (g_str_equal (entry->action, "photo-override"))
        {
          g_assert_cmpstr (entry->subject, ==, pd_dossier_get_uuid (stored));
          override_audited = TRUE;
        }
    }
  g_assert_true (override_audited);

  /* Accepted once: the store's rule refuses a second acceptance, and nothing more is written. */
  {
    g_autoptr(PdIntake) again = make_intake (store, stored, TRUE);
    g_autoptr(PdDossier) twice = NULL;
    Snapshot before = snapshot (store);

    twice = accept (again, PD_ROLE_OFFICER, OFFICER, &error);
    g_assert_null (twice);
    g_assert_error (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID);
    assert_unchanged (store, &before);
    g_assert_cmpuint (n_attachments (store, pd_dossier_get_id (stored)), ==, 2);
  }
}

static void
iso_of (const GDate *date,
        char         iso[16])
{
  g_date_strftime (iso, 16, "%Y-%m-%d", date);
}

/* The ready date the officer typed: kept when a working day no earlier than the law's minimum
 * (a citizen may ask to come later), refused with the earliest day named otherwise. */
static void
test_ready_date (void)
{
  g_autoptr(PdStore) store = new_store ();
  g_autoptr(PdCalendar) calendar = pd_calendar_new_from_directory (pd_calendar_get_default_directory (), NULL);
  g_autoptr(GError) error = NULL;
  GDate today, earliest, later, early, weekend;
  char iso[16], earliest_text[16];

  g_assert_nonnull (calendar);
  pd_date_set_today (&today);
  earliest = pd_calendar_get_ready_date (calendar, &today, PD_PROCESSING_PROVINCIAL);
  g_date_strftime (earliest_text, sizeof earliest_text, "%d/%m/%Y", &earliest);
  later = pd_calendar_add_working_days (calendar, &earliest, 3);
  early = earliest;
  g_date_subtract_days (&early, 1);
  weekend = earliest;
  /* A weekend or a holiday after the earliest day: the calendar's own word (some Saturdays
   * are worked in exchange for a holiday). */
  while (pd_calendar_is_working_day (calendar, &weekend))
    g_date_add_days (&weekend, 1);

  {
    g_autoptr(PdDossier) dossier = make_application ("Trần Văn Hẹn", "001090000102");
    g_autoptr(PdIntake) intake = NULL;
    g_autoptr(PdDossier) accepted = NULL;
    g_autoptr(PdDossier) stored = NULL;

    iso_of (&later, iso);
    pd_dossier_set_field (dossier, PD_FIELD_APPOINTMENT_DATE, iso);
    intake = make_intake (store, dossier, TRUE);
    accepted = accept (intake, PD_ROLE_OFFICER, OFFICER, &error);
    g_assert_no_error (error);
    stored = pd_store_get (store, pd_dossier_get_id (accepted), &error);
    g_assert_cmpstr (pd_dossier_get_field (stored, PD_FIELD_APPOINTMENT_DATE), ==, iso);
  }
  {
    const GDate *bad[] = { &early, &weekend };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_autoptr(PdDossier) dossier = make_application ("Lê Thị Sớm", i == 0 ? "001090000103" : "001090000104");
        g_autoptr(PdIntake) intake = NULL;
        g_autoptr(PdDossier) accepted = NULL;
        Snapshot before = snapshot (store);

        iso_of (bad[i], iso);
        g_assert_false (pd_intake_check_ready_date (iso, &today, NULL));
        pd_dossier_set_field (dossier, PD_FIELD_APPOINTMENT_DATE, iso);
        intake = make_intake (store, dossier, TRUE);
        accepted = accept (intake, PD_ROLE_OFFICER, OFFICER, &error);
        g_assert_null (accepted);
        g_assert_error (error, PD_INTAKE_ERROR, PD_INTAKE_ERROR_INVALID);
        /* Says which day to choose instead. */
        g_assert_nonnull (strstr (error->message, earliest_text));
        g_clear_error (&error);
        assert_unchanged (store, &before);
      }
  }
  iso_of (&earliest, iso);
  g_assert_true (pd_intake_check_ready_date (iso, &today, NULL));
}

/* Sealing the packet fails after the dossier, the scans and the audit rows were written: all
 * of it goes, a new application as an existing draft. */
static void
test_accept_rolls_back (void)
{
  g_autoptr(PdStore) store = new_store ();
  g_autoptr(PdDossier) fresh = make_application ("Trần Thị Bình", "001090000102");
  g_autoptr(PdDossier) draft = make_application ("Lê Văn Cường", "001090000103");
  g_autoptr(GError) error = NULL;
  Snapshot before;

  g_assert_true (pd_store_save (store, draft, OFFICER, &error));
  g_assert_no_error (error);
  before = snapshot (store);
  fail_packets = TRUE;

  {
    g_autoptr(PdIntake) intake = make_intake (store, fresh, TRUE);
    g_autoptr(PdDossier) accepted = accept (intake, PD_ROLE_OFFICER, OFFICER, &error);

    g_assert_null (accepted);
    g_assert_error (error, PD_STORE_ERROR, PD_STORE_ERROR_KEYRING);
    g_clear_error (&error);
    assert_unchanged (store, &before);
  }

  {
    g_autoptr(PdIntake) intake = NULL;
    g_autoptr(PdDossier) accepted = NULL;
    g_autoptr(PdDossier) stored = NULL;

    pd_dossier_set_field (draft, PD_FIELD_PHONE, "0987654321");
    intake = make_intake (store, draft, TRUE);
    accepted = accept (intake, PD_ROLE_OFFICER, OFFICER, &error);
    g_assert_null (accepted);
    g_assert_error (error, PD_STORE_ERROR, PD_STORE_ERROR_KEYRING);
    g_clear_error (&error);
    assert_unchanged (store, &before);

    stored = pd_store_get (store, pd_dossier_get_id (draft), &error);
    g_assert_no_error (error);
    g_assert_cmpint (pd_dossier_get_status (stored), ==, PD_STATUS_DRAFT);
    g_assert_cmpstr (pd_dossier_get_field (stored, PD_FIELD_PHONE), ==, "0912345678");
    g_assert_null (pd_dossier_get_application_number (stored));
    g_assert_null (pd_dossier_get_field (stored, PD_FIELD_APPOINTMENT_DATE));
    /* The photo saved with the draft, not the scan of the failed try. */
    g_assert_cmpuint (n_attachments (store, pd_dossier_get_id (draft)), ==, 1);

    /* The same intake goes through once sealing works again. */
    fail_packets = FALSE;
    g_clear_object (&accepted);
    accepted = accept (intake, PD_ROLE_OFFICER, OFFICER, &error);
    g_assert_no_error (error);
    g_assert_cmpint (pd_dossier_get_id (accepted), ==, pd_dossier_get_id (draft));
    g_assert_cmpint (n_packets (store), ==, 1);
    g_assert_cmpuint (n_attachments (store, pd_dossier_get_id (draft)), ==, 2);
    /* The two acceptances rolled back took no number: the day's numbers run on without a
     * hole, as a receipt book must. */
    g_assert_true (g_str_has_suffix (pd_dossier_get_application_number (accepted), "-0001"));
  }
}

/* A paper not ticked: refused before anything is written, with the papers the counter's
 * checklist lists as missing (pd_dossier_form_get_missing_documents() asks the same question
 * of pd_required_documents_missing()), whoever asks: the form or passdesk-cli. */
static void
test_missing_paper (void)
{
  g_autoptr(PdStore) store = new_store ();
  g_autoptr(PdDossier) dossier = make_application ("Phạm Thị Dung", "001090000104");
  g_autoptr(PdIntake) intake = make_intake (store, dossier, FALSE);
  g_autoptr(PdDossier) accepted = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = pd_required_documents_load_default (&error);
  g_autoptr(GPtrArray) shown = NULL;
  g_autoptr(GPtrArray) missing = NULL;
  g_autoptr(GHashTable) ticks = g_hash_table_new (g_str_hash, g_str_equal);
  PdPaperEvidence evidence = { .ticks = ticks, .id_card_seen = TRUE };
  Snapshot before = snapshot (store);
  GDate today;

  g_assert_no_error (error);
  g_date_clear (&today, 1);
  g_date_set_time_t (&today, time (NULL));
  shown = pd_required_documents_for_dossier (all, dossier, &today);
  missing = pd_required_documents_missing (shown, dossier, &evidence);
  g_assert_cmpuint (missing->len, ==, 1);

  accepted = accept (intake, PD_ROLE_SUPERVISOR, OFFICER, &error);
  g_assert_null (accepted);
  g_assert_error (error, PD_INTAKE_ERROR, PD_INTAKE_ERROR_MISSING);
  g_assert_nonnull (strstr (error->message, g_ptr_array_index (missing, 0)));
  assert_unchanged (store, &before);

  /* An officer's untick wins over what the application shows, but never for the photo. */
  g_hash_table_insert (ticks, (gpointer) "TK01", GUINT_TO_POINTER (PD_PAPER_TICK_YES));
  g_hash_table_insert (ticks, (gpointer) "CCCD", GUINT_TO_POINTER (PD_PAPER_TICK_NO));
  g_hash_table_insert (ticks, (gpointer) "ANH", GUINT_TO_POINTER (PD_PAPER_TICK_NO));
  g_clear_pointer (&missing, g_ptr_array_unref);
  missing = pd_required_documents_missing (shown, dossier, &evidence);
  g_assert_cmpuint (missing->len, ==, 1);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (missing, 0), "Thẻ căn cước"));
}

static void
test_roles (void)
{
  g_autoptr(PdStore) store = new_store ();
  g_autoptr(PdDossier) dossier = make_application ("Hoàng Văn Em", "001090000105");
  g_autoptr(PdIntake) intake = make_intake (store, dossier, TRUE);
  g_autoptr(GError) error = NULL;
  static const PdRole refused[] = { PD_ROLE_VOLUNTEER, PD_ROLE_NONE };
  Snapshot before = snapshot (store);

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(PdDossier) accepted = accept (intake, refused[i], "volunteer1", &error);

      g_assert_null (accepted);
      g_assert_error (error, PD_INTAKE_ERROR, PD_INTAKE_ERROR_ROLE);
      g_clear_error (&error);
    }
  {
    g_autoptr(PdDossier) held = set_aside (intake, PD_STATUS_ON_HOLD, NULL, PD_ROLE_VOLUNTEER, &error);

    g_assert_null (held);
    g_assert_error (error, PD_INTAKE_ERROR, PD_INTAKE_ERROR_ROLE);
    g_clear_error (&error);
  }
  assert_unchanged (store, &before);
  g_assert_false (pd_intake_check_role (PD_ROLE_VOLUNTEER, PD_STATUS_ACCEPTED, NULL));
  g_assert_true (pd_intake_check_role (PD_ROLE_SUPERVISOR, PD_STATUS_ACCEPTED, NULL));
  g_assert_true (pd_intake_check_role (PD_ROLE_OFFICER, PD_STATUS_REFUSED, NULL));
}

static void
test_hold_and_refuse (void)
{
  g_autoptr(PdStore) store = new_store ();
  g_autoptr(PdDossier) dossier = make_application ("Vũ Thị Giang", "001090000106");
  g_autoptr(PdIntake) intake = make_intake (store, dossier, FALSE);
  g_autoptr(PdDossier) held = NULL;
  g_autoptr(PdDossier) refused = NULL;
  g_autoptr(PdDossier) stored = NULL;
  g_autoptr(GError) error = NULL;
  Snapshot before = snapshot (store);

  /* A hold needs neither every paper nor a reason: it waits for the paper. */
  held = set_aside (intake, PD_STATUS_ON_HOLD, "  ", PD_ROLE_OFFICER, &error);
  g_assert_no_error (error);
  g_assert_cmpint (pd_dossier_get_status (held), ==, PD_STATUS_ON_HOLD);
  g_assert_null (pd_dossier_get_status_reason (held));
  g_assert_null (pd_dossier_get_application_number (held));
  g_assert_cmpuint (n_attachments (store, pd_dossier_get_id (held)), ==, 2);
  g_assert_cmpint (n_packets (store), ==, 0);

  /* A refusal without its reason changes nothing. */
  g_clear_object (&intake);
  intake = make_intake (store, held, FALSE);
  before = snapshot (store);
  refused = set_aside (intake, PD_STATUS_REFUSED, " ", PD_ROLE_OFFICER, &error);
  g_assert_null (refused);
  g_assert_error (error, PD_INTAKE_ERROR, PD_INTAKE_ERROR_NO_REASON);
  g_clear_error (&error);
  assert_unchanged (store, &before);

  refused = set_aside (intake, PD_STATUS_REFUSED, "Ảnh không đạt chuẩn", PD_ROLE_OFFICER, &error);
  g_assert_no_error (error);
  stored = pd_store_get (store, pd_dossier_get_id (held), &error);
  g_assert_no_error (error);
  g_assert_cmpint (pd_dossier_get_status (stored), ==, PD_STATUS_REFUSED);
  g_assert_cmpstr (pd_dossier_get_status_reason (stored), ==, "Ảnh không đạt chuẩn");
  g_assert_cmpint (n_packets (store), ==, 0);
}

/* Issue 18, 1: the central system believes who accepted only from the token of their online
 * sign-in, which the packet carries. An officer signed in offline only has none: an enrolled
 * station refuses to accept rather than send a packet that would be set aside. */
static void
test_acceptance_token (void)
{
  g_autoptr(PdStore) store = new_store ();
  g_autoptr(PdDossier) dossier = make_application ("Đỗ Văn Hùng", "001090000107");
  g_autoptr(GError) error = NULL;

  {
    g_autoptr(PdIntake) intake = make_intake (store, dossier, TRUE);
    Snapshot before = snapshot (store);
    g_autoptr(PdDossier) refused = accept_with_token (intake, PD_ROLE_OFFICER, OFFICER, NULL, &error);

    g_assert_null (refused);
    g_assert_error (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "sign"));
    g_assert_nonnull (strstr (error->message, "online"));
    g_clear_error (&error);
    assert_unchanged (store, &before);
  }
  {
    g_autoptr(PdIntake) intake = make_intake (store, dossier, TRUE);
    g_autoptr(PdDossier) accepted = accept (intake, PD_ROLE_OFFICER, OFFICER, &error);
    g_autoptr(GPtrArray) pending = NULL;
    const PdOutboxEntry *entry;

    g_assert_no_error (error);
    g_assert_nonnull (accepted);
    pending = pd_store_outbox_list (store, PD_OUTBOX_PENDING, 0, 0, 10, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (pending->len, ==, 1);
    entry = g_ptr_array_index (pending, 0);
    g_assert_nonnull (strstr (entry->packet, "\"token\":\"" OFFICER_TOKEN "\""));
  }
  {
    /* A station not enrolled seals nothing yet, and accepts as a counter of its own. */
    g_autoptr(PdDossier) other = make_application ("Đỗ Thị Lan", "001090000108");
    g_autoptr(PdIntake) intake = NULL;
    g_autoptr(PdDossier) accepted = NULL;

    pd_store_set_packet_func (store, NULL, NULL, NULL);
    intake = make_intake (store, other, TRUE);
    accepted = accept_with_token (intake, PD_ROLE_OFFICER, OFFICER, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpint (pd_dossier_get_status (accepted), ==, PD_STATUS_ACCEPTED);
  }
}

static char *
accept_new (PdStore    *store,
            const char *name,
            const char *id_number)
{
  g_autoptr(PdDossier) dossier = make_application (name, id_number);
  g_autoptr(PdIntake) intake = make_intake (store, dossier, TRUE);
  g_autoptr(PdDossier) accepted = NULL;
  g_autoptr(PdDossier) stored = NULL;
  g_autoptr(GError) error = NULL;

  accepted = accept (intake, PD_ROLE_OFFICER, OFFICER, &error);
  g_assert_no_error (error);
  stored = pd_store_get (store, pd_dossier_get_id (accepted), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (pd_dossier_get_application_number (stored), ==, pd_dossier_get_application_number (accepted));
  return g_strdup (pd_dossier_get_application_number (stored));
}

/* Application numbers: office, day, the station's ticket letter and its own count of the day,
 * so that two stations never give the same number without asking each other. */
static void
test_numbers (void)
{
  g_autoptr(PdStore) b = new_store ();
  g_autoptr(PdStore) c = new_store ();
  g_autoptr(PdStore) unlettered = new_store ();
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *day = g_date_time_format (now, "%y%m%d");
  g_autofree char *b1 = NULL, *b2 = NULL, *c1 = NULL, *u1 = NULL, *u2 = NULL, *expected = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = NULL;

  g_assert_true (pd_store_set_setting (b, PD_QUEUE_SETTING_STATION, "B", &error));
  g_assert_true (pd_store_set_setting (c, PD_QUEUE_SETTING_STATION, "C", &error));

  b1 = accept_new (b, "Nguyễn Văn An", "001090000201");
  b2 = accept_new (b, "Trần Thị Bình", "001090000202");
  c1 = accept_new (c, "Lê Văn Cường", "001090000203");
  expected = g_strdup_printf ("HN01-%s-B0001", day);
  g_assert_cmpstr (b1, ==, expected);
  g_free (expected);
  expected = g_strdup_printf ("HN01-%s-B0002", day);
  g_assert_cmpstr (b2, ==, expected);
  g_free (expected);
  expected = g_strdup_printf ("HN01-%s-C0001", day);
  g_assert_cmpstr (c1, ==, expected);

  /* Without a letter: a tag of its own, the same for each of its numbers, apart from any
   * letter's numbers by its length. */
  u1 = accept_new (unlettered, "Phạm Văn Dũng", "001090000204");
  u2 = accept_new (unlettered, "Hoàng Thị Em", "001090000205");
  g_test_message ("%s %s %s %s %s", b1, b2, c1, u1, u2);
  g_assert_cmpuint (strlen (u1), ==, strlen ("HN01-261207-ABCDEF-0001"));
  g_assert_true (g_str_has_suffix (u1, "-0001"));
  g_assert_true (g_str_has_suffix (u2, "-0002"));
  g_assert_cmpint (strncmp (u1, u2, strlen (u1) - 4), ==, 0);

  /* A held application has no number yet; accepted later, it takes the next one. */
  {
    g_autoptr(PdDossier) dossier = make_application ("Vũ Văn Giang", "001090000206");
    g_autoptr(PdIntake) intake = make_intake (b, dossier, FALSE);
    g_autoptr(PdDossier) held = set_aside (intake, PD_STATUS_ON_HOLD, NULL, PD_ROLE_OFFICER, &error);
    g_autoptr(PdIntake) again = NULL;
    g_autoptr(PdDossier) accepted = NULL;

    g_assert_no_error (error);
    g_assert_null (pd_dossier_get_application_number (held));
    again = make_intake (b, held, TRUE);
    accepted = accept (again, PD_ROLE_OFFICER, OFFICER, &error);
    g_assert_no_error (error);
    g_free (expected);
    expected = g_strdup_printf ("HN01-%s-B0003", day);
    g_assert_cmpstr (pd_dossier_get_application_number (accepted), ==, expected);
  }

  /* Another day starts again at 1; the store's counter, in the acceptance's transaction. A day
   * long past, never the day the test runs. */
  {
    g_autoptr(PdDossier) dossier = make_application ("Đặng Thị Hoa", "001090000207");
    PdStoreNumbering numbering = { "HN01", "B" };
    PdStoreTakeIn take_in = { .dossier = dossier, .status = PD_STATUS_ACCEPTED,
                              .acceptance_token = OFFICER_TOKEN, .numbering = &numbering };

    g_date_clear (&numbering.day, 1);
    g_date_set_dmy (&numbering.day, 8, 1, 2001);
    g_assert_true (pd_store_take_in (b, &take_in, OFFICER, &error));
    g_assert_no_error (error);
    g_assert_cmpstr (pd_dossier_get_application_number (dossier), ==, "HN01-010108-B0001");
    g_assert_cmpstr (pd_dossier_get_accepted_on (dossier), ==, "2001-01-08");
  }

  /* Found by its number, whatever the case, as the queue page and passdesk-cli search. */
  found = pd_store_find_by_application_number (b, b2, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpstr (pd_dossier_get_field (found->pdata[0], PD_FIELD_FULL_NAME), ==, "Trần Thị Bình");
  g_clear_pointer (&found, g_ptr_array_unref);
  {
    g_autofree char *lower = g_ascii_strdown (b1, -1);
    g_autoptr(GAsyncResult) result = NULL;

    pd_store_search_async (b, lower, 0, NULL, done_cb, &result);
    found = pd_store_search_finish (b, wait_for (&result), &error);
    g_assert_no_error (error);
    g_assert_cmpuint (found->len, ==, 1);
    g_assert_cmpstr (pd_dossier_get_field (found->pdata[0], PD_FIELD_FULL_NAME), ==, "Nguyễn Văn An");
  }
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  pd_test_init (&argc, &argv);

  g_test_add_func ("/intake/accept-all", test_accept_all);
  g_test_add_func ("/intake/accept-rolls-back", test_accept_rolls_back);
  g_test_add_func ("/intake/missing-paper", test_missing_paper);
  g_test_add_func ("/intake/roles", test_roles);
  g_test_add_func ("/intake/hold-and-refuse", test_hold_and_refuse);
  g_test_add_func ("/intake/acceptance-token", test_acceptance_token);
  g_test_add_func ("/intake/numbers", test_numbers);
  g_test_add_func ("/intake/ready-date", test_ready_date);
  return g_test_run ();
}
