/* test-reopen.c: a supervisor reopens an accepted application, on a real SQLite file and the
 * session's real keyring. Its packet is taken back out of the outbox in the same transaction,
 * unless it may have left already: received by the central system, claimed by a push (even
 * one running at the same moment through another connection), or pushed without an answer. */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "pd-dossier.h"
#include "pd-store.h"
#include "pd-store-private.h"
#include "pd-test-support.h"
#include "pd-uuid.h"

#define OFFICER    "officer1"
#define SUPERVISOR "supervisor1"
#define N_RACE     60

/* Stands in for the station's sealing (pd-outbox.c), which needs an enrolled device: the
 * store only keeps the text and the id it is given. */
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
  *packet_id = pd_uuid_new_v7 ();
  return g_strdup_printf ("{\"packet_id\":\"%s\",\"dossier\":\"%s\"}", *packet_id,
                          pd_dossier_get_uuid (dossier));
}

static PdStore *
open_store (const char *path)
{
  g_autoptr(GError) error = NULL;
  PdStore *store = pd_store_open (path, PD_STORE_OPEN_CREATE, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);
  pd_store_set_packet_func (store, make_packet, NULL, NULL);
  return store;
}

static PdStore *
new_store (char **path_out)
{
  g_autofree char *dir = pd_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "passdesk.db", NULL);
  PdStore *store = open_store (path);

  if (path_out)
    *path_out = g_steal_pointer (&path);
  return store;
}

static PdDossier *
accept_new (PdStore    *store,
            const char *name,
            const char *id_number)
{
  g_autoptr(GError) error = NULL;
  PdDossier *dossier = pd_test_make_dossier (name, id_number);

  g_assert_true (pd_store_save (store, dossier, OFFICER, &error));
  g_assert_no_error (error);
  g_assert_true (pd_store_accept (store, pd_dossier_get_id (dossier), OFFICER, &error));
  g_assert_no_error (error);
  return dossier;
}

static PdStatus
stored_status (PdStore *store,
               gint64   id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PdDossier) stored = pd_store_get (store, id, &error);

  g_assert_no_error (error);
  return pd_dossier_get_status (stored);
}

/* The outbox rows of @uuid in @state. */
static GPtrArray *
packets_of (PdStore       *store,
            const char    *uuid,
            PdOutboxState  state)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = pd_store_outbox_list (store, state, 0, 0, 10000, &error);
  GPtrArray *mine = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_outbox_entry_free);

  g_assert_no_error (error);
  for (guint i = 0; i < all->len; i++)
    if (g_strcmp0 (((PdOutboxEntry *) g_ptr_array_index (all, i))->dossier_uuid, uuid) == 0)
      g_ptr_array_add (mine, g_steal_pointer (&g_ptr_array_index (all, i)));
  return mine;
}

static guint
count_audit (PdStore    *store,
             const char *action,
             const char *subject,
             const char *actor)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) audit = pd_store_audit_list (store, 0, 0, &error);
  guint n = 0;

  g_assert_no_error (error);
  for (guint i = 0; i < audit->len; i++)
    {
      PdAuditEntry *entry = g_ptr_array_index (audit, i);

      if (g_strcmp0 (entry->action, action) == 0 && g_strcmp0 (entry->subject, subject) == 0 &&
          (actor == NULL || g_strcmp0 (entry->actor, actor) == 0))
        n++;
    }
  return n;
}

static void
assert_audit_chain (PdStore *store)
{
  g_autoptr(GError) error = NULL;
  gint64 n = 0;

  g_assert_true (pd_store_audit_verify (store, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpint (n, >, 0);
}

/* Not pushed yet: the packet goes, the application is a draft again, all of it recorded. */
static void
test_withdraw_unsent (void)
{
  g_autoptr(PdStore) store = new_store (NULL);
  g_autoptr(PdDossier) dossier = accept_new (store, "Nguyễn Thị Lan", "001190000001");
  const char *uuid = pd_dossier_get_uuid (dossier);
  gint64 id = pd_dossier_get_id (dossier);
  g_autoptr(GPtrArray) before = packets_of (store, uuid, PD_OUTBOX_PENDING);
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(GPtrArray) again = NULL;
  g_autoptr(GPtrArray) history = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *first_packet = NULL;
  PdStatusChange *last;

  g_assert_cmpuint (before->len, ==, 1);
  first_packet = g_strdup (((PdOutboxEntry *) g_ptr_array_index (before, 0))->packet_id);

  g_assert_true (pd_store_reopen (store, id, SUPERVISOR, "Sai ngày sinh", &error));
  g_assert_no_error (error);
  g_assert_cmpint (stored_status (store, id), ==, PD_STATUS_DRAFT);
  after = packets_of (store, uuid, PD_OUTBOX_PENDING);
  g_assert_cmpuint (after->len, ==, 0);
  g_assert_cmpint (pd_store_outbox_count (store, PD_OUTBOX_PENDING, &error), ==, 0);

  /* The history keeps the acceptance, then the reopening with who and why. */
  history = pd_store_get_status_history (store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, >=, 3);
  g_assert_cmpint (((PdStatusChange *) g_ptr_array_index (history, history->len - 2))->status, ==,
                   PD_STATUS_ACCEPTED);
  last = g_ptr_array_index (history, history->len - 1);
  g_assert_cmpint (last->status, ==, PD_STATUS_DRAFT);
  g_assert_cmpstr (last->actor, ==, SUPERVISOR);
  g_assert_cmpstr (last->reason, ==, "Sai ngày sinh");

  g_assert_cmpuint (count_audit (store, "reopen", uuid, SUPERVISOR), ==, 1);
  g_assert_cmpuint (count_audit (store, "packet-withdrawn", uuid, SUPERVISOR), ==, 1);
  assert_audit_chain (store);

  /* Accepted again: a new packet, the withdrawn one does not come back. */
  g_assert_true (pd_store_accept (store, id, OFFICER, &error));
  g_assert_no_error (error);
  again = packets_of (store, uuid, PD_OUTBOX_PENDING);
  g_assert_cmpuint (again->len, ==, 1);
  g_assert_cmpstr (((PdOutboxEntry *) g_ptr_array_index (again, 0))->packet_id, !=, first_packet);
}

/* Received by the central system: refused, with the date, and nothing changes. */
static void
test_refuse_sent (void)
{
  g_autoptr(PdStore) store = new_store (NULL);
  g_autoptr(PdDossier) dossier = accept_new (store, "Trần Văn Nam", "001190000002");
  const char *uuid = pd_dossier_get_uuid (dossier);
  gint64 id = pd_dossier_get_id (dossier);
  g_autoptr(GPtrArray) claimed = NULL;
  g_autoptr(GPtrArray) done = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *today = g_date_time_format (now, "%d/%m/%Y");
  PdOutboxResult result = { 0, };
  guint n_audit;

  claimed = pd_store_outbox_claim (store, 0, 0, 50, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (claimed->len, ==, 1);
  result.packet_id = ((PdOutboxEntry *) g_ptr_array_index (claimed, 0))->packet_id;
  result.kind = PD_OUTBOX_RESULT_RECEIVED;
  result.central_id = "C-000001";
  g_assert_true (pd_store_outbox_apply (store, &result, 1, "sync", &error));
  g_assert_no_error (error);
  g_assert_cmpint (stored_status (store, id), ==, PD_STATUS_RECEIVED);

  n_audit = count_audit (store, "status", uuid, NULL);
  g_assert_false (pd_store_reopen (store, id, SUPERVISOR, "Sai ảnh", &error));
  g_assert_error (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "central"));
  g_assert_nonnull (strstr (error->message, today));
  g_clear_error (&error);

  g_assert_cmpint (stored_status (store, id), ==, PD_STATUS_RECEIVED);
  done = packets_of (store, uuid, PD_OUTBOX_DONE);
  g_assert_cmpuint (done->len, ==, 1);
  g_assert_cmpuint (count_audit (store, "reopen", uuid, NULL), ==, 0);
  g_assert_cmpuint (count_audit (store, "status", uuid, NULL), ==, n_audit);
  assert_audit_chain (store);
}

/* Claimed by a push that has not answered: the packet may be at the central system. The
 * reopening is refused while the push runs, and still after an answer that says nothing
 * (retry); a refusal for good (set aside) lets it through. */
static void
test_refuse_claimed (void)
{
  g_autoptr(PdStore) store = new_store (NULL);
  g_autoptr(PdDossier) dossier = accept_new (store, "Lê Văn Hùng", "001190000003");
  const char *uuid = pd_dossier_get_uuid (dossier);
  gint64 id = pd_dossier_get_id (dossier);
  g_autoptr(GPtrArray) claimed = NULL;
  g_autoptr(GPtrArray) pending = NULL;
  g_autoptr(GPtrArray) aside = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PdDossier) unsent = accept_new (store, "Phạm Thị Hoa", "001190000004");
  PdOutboxResult result = { 0, };

  /* Only the packets due are claimed; the walk is by seq. */
  claimed = pd_store_outbox_claim (store, 0, 0, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (claimed->len, ==, 1);
  g_assert_cmpstr (((PdOutboxEntry *) g_ptr_array_index (claimed, 0))->dossier_uuid, ==, uuid);
  /* The entry says how many attempts came before this one. */
  g_assert_cmpuint (((PdOutboxEntry *) g_ptr_array_index (claimed, 0))->attempts, ==, 0);

  g_assert_false (pd_store_reopen (store, id, SUPERVISOR, "Sai địa chỉ", &error));
  g_assert_error (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "Sync"));
  g_clear_error (&error);
  g_assert_cmpint (stored_status (store, id), ==, PD_STATUS_ACCEPTED);
  pending = packets_of (store, uuid, PD_OUTBOX_PENDING);
  g_assert_cmpuint (pending->len, ==, 1);
  g_assert_cmpuint (((PdOutboxEntry *) g_ptr_array_index (pending, 0))->attempts, ==, 1);
  g_assert_cmpuint (count_audit (store, "reopen", uuid, NULL), ==, 0);

  /* The other one, not claimed, is still withdrawn. */
  g_assert_true (pd_store_reopen (store, pd_dossier_get_id (unsent), SUPERVISOR, "Thiếu ảnh", &error));
  g_assert_no_error (error);

  /* The push could not tell whether it arrived: still refused. */
  result.packet_id = ((PdOutboxEntry *) g_ptr_array_index (claimed, 0))->packet_id;
  result.kind = PD_OUTBOX_RESULT_RETRY;
  result.message = "timeout";
  result.next_attempt_at = 1;
  g_assert_true (pd_store_outbox_apply (store, &result, 1, "sync", &error));
  g_assert_no_error (error);
  g_assert_false (pd_store_reopen (store, id, SUPERVISOR, "Sai địa chỉ", &error));
  g_assert_error (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_clear_pointer (&pending, g_ptr_array_unref);
  pending = packets_of (store, uuid, PD_OUTBOX_PENDING);
  /* The answer did not count a second attempt: the claim did. */
  g_assert_cmpuint (((PdOutboxEntry *) g_ptr_array_index (pending, 0))->attempts, ==, 1);

  /* Refused for good by the central system: it holds nothing, the reopening withdraws it. */
  g_clear_pointer (&claimed, g_ptr_array_unref);
  claimed = pd_store_outbox_claim (store, 0, 0, 50, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (claimed->len, ==, 1);
  g_assert_cmpuint (((PdOutboxEntry *) g_ptr_array_index (claimed, 0))->attempts, ==, 1);
  result.packet_id = ((PdOutboxEntry *) g_ptr_array_index (claimed, 0))->packet_id;
  result.kind = PD_OUTBOX_RESULT_REFUSED;
  result.message = "invalid_packet: test";
  g_assert_true (pd_store_outbox_apply (store, &result, 1, "sync", &error));
  g_assert_no_error (error);
  aside = packets_of (store, uuid, PD_OUTBOX_SET_ASIDE);
  g_assert_cmpuint (aside->len, ==, 1);
  g_assert_true (pd_store_reopen (store, id, SUPERVISOR, "Sửa theo yêu cầu", &error));
  g_assert_no_error (error);
  g_clear_pointer (&aside, g_ptr_array_unref);
  aside = packets_of (store, uuid, PD_OUTBOX_SET_ASIDE);
  g_assert_cmpuint (aside->len, ==, 0);
  g_assert_cmpint (stored_status (store, id), ==, PD_STATUS_DRAFT);
  assert_audit_chain (store);
}

/* Refused at the counter: reopened as before, now in one transaction with its audit row;
 * a draft or an application on hold is not "reopened". */
static void
test_refused_and_others (void)
{
  g_autoptr(PdStore) store = new_store (NULL);
  g_autoptr(PdDossier) refused = pd_test_make_dossier ("Đỗ Minh Châu", "001190000005");
  g_autoptr(PdDossier) held = pd_test_make_dossier ("Vũ Thị Mai", "001190000006");
  g_autoptr(GError) error = NULL;

  g_assert_true (pd_store_save (store, refused, OFFICER, &error));
  g_assert_true (pd_store_set_status (store, pd_dossier_get_id (refused), PD_STATUS_REFUSED, OFFICER,
                                      "Không có CCCD", &error));
  g_assert_true (pd_store_reopen (store, pd_dossier_get_id (refused), SUPERVISOR, "Đã bổ sung", &error));
  g_assert_no_error (error);
  g_assert_cmpint (stored_status (store, pd_dossier_get_id (refused)), ==, PD_STATUS_DRAFT);
  g_assert_cmpuint (count_audit (store, "reopen", pd_dossier_get_uuid (refused), SUPERVISOR), ==, 1);

  g_assert_false (pd_store_reopen (store, pd_dossier_get_id (refused), SUPERVISOR, "again", &error));
  g_assert_error (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_true (pd_store_save (store, held, OFFICER, &error));
  g_assert_true (pd_store_set_status (store, pd_dossier_get_id (held), PD_STATUS_ON_HOLD, OFFICER,
                                      NULL, &error));
  g_assert_false (pd_store_reopen (store, pd_dossier_get_id (held), SUPERVISOR, "x", &error));
  g_assert_error (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (stored_status (store, pd_dossier_get_id (held)), ==, PD_STATUS_ON_HOLD);
  g_assert_cmpuint (count_audit (store, "reopen", pd_dossier_get_uuid (held), NULL), ==, 0);
}

/* The race, for real: a push claims packets one at a time through one connection while a
 * supervisor reopens the same applications through another, as two programs on one file
 * would. Whichever commits first wins, for each packet: a claimed packet is never withdrawn,
 * and a withdrawn one is never claimed. */
typedef struct
{
  PdStore    *store;     /* the push's own connection */
  GPtrArray  *claimed;   /* char *, dossier uuids */
  gint        n_claimed;
} Race;

static gpointer
push_thread (gpointer data)
{
  Race *race = data;
  gint64 after = 0;

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) page = pd_store_outbox_claim (race->store, after, 0, 1, &error);

      g_assert_no_error (error);
      if (page->len == 0)
        break;
      after = ((PdOutboxEntry *) g_ptr_array_index (page, 0))->seq;
      g_ptr_array_add (race->claimed, g_strdup (((PdOutboxEntry *) g_ptr_array_index (page, 0))->dossier_uuid));
      g_atomic_int_inc (&race->n_claimed);
      /* A real push sends between two claims: room for the other connection's lock. */
      g_usleep (5000);
    }
  return NULL;
}

static void
test_race (void)
{
  g_autofree char *path = NULL;
  g_autoptr(PdStore) store = new_store (&path);
  g_autoptr(PdStore) supervisor = NULL;
  g_autoptr(GPtrArray) dossiers = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) reopened = g_hash_table_new (g_str_hash, g_str_equal);
  Race race = { 0, };
  GThread *thread;
  guint n_claimed_left = 0;

  for (guint i = 0; i < N_RACE; i++)
    {
      g_autofree char *name = g_strdup_printf ("Người Thứ %c", 'A' + i % 26);
      g_autofree char *number = g_strdup_printf ("0011901%05u", i);

      g_ptr_array_add (dossiers, accept_new (store, name, number));
    }
  g_clear_object (&store);

  race.store = open_store (path);
  race.claimed = g_ptr_array_new_with_free_func (g_free);
  supervisor = open_store (path);
  thread = g_thread_new ("push", push_thread, &race);
  while (g_atomic_int_get (&race.n_claimed) == 0)
    g_thread_yield ();
  /* From the end, so that the two meet in the middle. */
  for (guint i = N_RACE; i-- > 0;)
    {
      PdDossier *dossier = g_ptr_array_index (dossiers, i);
      g_autoptr(GError) error = NULL;

      if (pd_store_reopen (supervisor, pd_dossier_get_id (dossier), SUPERVISOR, "race", &error))
        g_hash_table_add (reopened, (gpointer) pd_dossier_get_uuid (dossier));
      else
        g_assert_error (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID);
      g_usleep (5000);
    }
  g_thread_join (thread);
  g_test_message ("%u claimed by the push, %u reopened", race.claimed->len,
                  g_hash_table_size (reopened));

  g_assert_cmpuint (race.claimed->len + g_hash_table_size (reopened), ==, N_RACE);
  for (guint i = 0; i < race.claimed->len; i++)
    g_assert_false (g_hash_table_contains (reopened, g_ptr_array_index (race.claimed, i)));
  for (guint i = 0; i < dossiers->len; i++)
    {
      PdDossier *dossier = g_ptr_array_index (dossiers, i);
      g_autoptr(GPtrArray) rows = packets_of (supervisor, pd_dossier_get_uuid (dossier), PD_OUTBOX_PENDING);
      gboolean was_reopened = g_hash_table_contains (reopened, pd_dossier_get_uuid (dossier));

      g_assert_cmpint (stored_status (supervisor, pd_dossier_get_id (dossier)), ==,
                       was_reopened ? PD_STATUS_DRAFT : PD_STATUS_ACCEPTED);
      g_assert_cmpuint (rows->len, ==, was_reopened ? 0 : 1);
      if (!was_reopened)
        n_claimed_left++;
    }
  g_assert_cmpuint (n_claimed_left, ==, race.claimed->len);
  /* Both sides won some: the two really met. */
  g_assert_cmpuint (race.claimed->len, >, 0);
  g_assert_cmpuint (g_hash_table_size (reopened), >, 0);
  assert_audit_chain (supervisor);
  g_ptr_array_unref (race.claimed);
  g_object_unref (race.store);
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  pd_test_init (&argc, &argv);

  g_test_add_func ("/reopen/withdraw-unsent", test_withdraw_unsent);
  g_test_add_func ("/reopen/refuse-sent", test_refuse_sent);
  g_test_add_func ("/reopen/refuse-claimed", test_refuse_claimed);
  g_test_add_func ("/reopen/refused-and-others", test_refused_and_others);
  g_test_add_func ("/reopen/race", test_race);
  return g_test_run ();
}
