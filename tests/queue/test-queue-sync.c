/* test-queue-sync.c: two stations of one office share the queue through the real
 * passdesk-central on loopback (argv[1]), and keep working when cut off from it.
 */
#include "config.h"

#include "pd-queue.h"
#include "pd-queue-private.h"
#include "pd-test-support.h"
#include "queue-test-station.h"

#define N_OFFLINE 6

static SyncCentral central;
static QueueStation a, b;

/* Helpers ------------------------------------------------------------------------------- */

static PdTicket *
call_next (QueueStation *station,
           PdSyncClient *client,
           const char   *counter,
           gboolean     *offline)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  PdTicket *ticket;

  pd_queue_sync_call_next_async (station->queue, client, counter, NULL, NULL, sync_keep_result, &result);
  ticket = pd_queue_sync_call_next_finish (station->queue, sync_wait_result (&result), offline, &error);
  g_assert_no_error (error);
  return ticket;
}

static GPtrArray *
list_today (QueueStation *station)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *list = pd_queue_list (station->queue, NULL, FALSE, &error);

  g_assert_no_error (error);
  return list;
}

static PdTicket *
find (GPtrArray  *list,
      const char *label)
{
  for (guint i = 0; i < list->len; i++)
    if (g_str_equal (((PdTicket *) list->pdata[i])->label, label))
      return list->pdata[i];
  return NULL;
}

/* Tests --------------------------------------------------------------------------------- */

static void
test_offline_issue (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GHashTable) labels = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) issued = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_ticket_free);
  g_autoptr(GError) error = NULL;

  /* Both stations cut off from the server, issuing alternately, over ten minutes. */
  for (guint i = 0; i < 2 * N_OFFLINE; i++)
    {
      QueueStation *station = i % 2 == 0 ? &a : &b;
      g_autoptr(GDateTime) at = g_date_time_add_seconds (now, -600 + (gint) i * 30);
      g_autoptr(PdAppointment) appointment = NULL;
      PdTicket *ticket = NULL;

      pd_queue_set_time (station->queue, at);
      g_assert_true (pd_queue_issue (station->queue, "P", &ticket, &appointment, &error));
      g_assert_no_error (error);
      g_ptr_array_add (issued, ticket);

      queue_station_sync (station, station->offline, &error);
      g_assert_error (error, PD_SYNC_ERROR, PD_SYNC_ERROR_RETRY);
      g_clear_error (&error);
    }
  pd_queue_set_time (a.queue, NULL);
  pd_queue_set_time (b.queue, NULL);

  /* Same numbers on both stations, never the same label. */
  for (guint i = 0; i < issued->len; i++)
    {
      PdTicket *ticket = issued->pdata[i];

      g_assert_cmpuint (ticket->number, ==, i / 2 + 1);
      g_assert_true (g_hash_table_add (labels, ticket->label));
      g_assert_true (g_hash_table_add (ids, ticket->id));
    }
  g_assert_nonnull (g_hash_table_lookup (labels, "AP-001"));
  g_assert_nonnull (g_hash_table_lookup (labels, "BP-001"));

  /* Each station sees only its own. */
  {
    g_autoptr(GPtrArray) list_a = list_today (&a);
    g_autoptr(GPtrArray) list_b = list_today (&b);

    g_assert_cmpuint (list_a->len, ==, N_OFFLINE);
    g_assert_cmpuint (list_b->len, ==, N_OFFLINE);
  }
}

static void
test_merge_after_reconnect (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list_a = NULL;
  g_autoptr(GPtrArray) list_b = NULL;
  guint pulled;

  /* A pushes and pulls (nothing of B yet); B pushes and pulls A's; A pulls B's. */
  pulled = queue_station_sync (&a, a.online, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pulled, ==, 0);
  pulled = queue_station_sync (&b, b.online, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pulled, ==, N_OFFLINE);
  pulled = queue_station_sync (&a, a.online, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pulled, ==, N_OFFLINE);

  /* Idempotent: another pass changes nothing, and nothing is left to push. */
  g_assert_cmpuint (queue_station_sync (&a, a.online, &error), ==, 0);
  g_assert_cmpuint (queue_station_sync (&b, b.online, &error), ==, 0);
  {
    g_autoptr(GPtrArray) dirty = pd_queue_list_dirty (a.queue, 10, &error);

    g_assert_cmpuint (dirty->len, ==, 0);
  }

  /* One office queue, in the order of issue, the same on both stations. */
  list_a = list_today (&a);
  list_b = list_today (&b);
  g_assert_cmpuint (list_a->len, ==, 2 * N_OFFLINE);
  g_assert_cmpuint (list_b->len, ==, 2 * N_OFFLINE);
  for (guint i = 0; i < list_a->len; i++)
    {
      PdTicket *x = list_a->pdata[i];
      PdTicket *y = list_b->pdata[i];

      g_assert_cmpstr (x->id, ==, y->id);
      g_assert_cmpstr (x->label, ==, y->label);
      g_assert_cmpint (x->updated_at, ==, y->updated_at);
    }
  g_assert_cmpstr (((PdTicket *) list_a->pdata[0])->label, ==, "AP-001");
  g_assert_cmpstr (((PdTicket *) list_a->pdata[1])->label, ==, "BP-001");

  /* Numbering goes on after the merged tickets, still without collision. */
  {
    g_autoptr(PdTicket) ticket = NULL;
    g_autoptr(PdAppointment) appointment = NULL;

    g_assert_true (pd_queue_issue (b.queue, "P", &ticket, &appointment, &error));
    g_assert_cmpstr (ticket->label, ==, "BP-007");
    queue_station_sync (&b, b.online, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (queue_station_sync (&a, a.online, &error), ==, 1);
  }
}

static void
test_call_seen_elsewhere (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PdTicket) first = NULL;
  g_autoptr(PdTicket) second = NULL;
  g_autoptr(PdTicket) third = NULL;
  g_autoptr(GPtrArray) list_b = NULL;
  g_autoptr(GPtrArray) list_a = NULL;
  gboolean offline = TRUE;
  PdTicket *seen;

  g_ptr_array_set_size (a.called, 0);
  g_ptr_array_set_size (b.called, 0);

  /* Counter 1 at A calls through the server: the office's oldest ticket. */
  first = call_next (&a, a.online, "Quầy 1", &offline);
  g_assert_false (offline);
  g_assert_cmpstr (first->label, ==, "AP-001");
  g_assert_cmpstr (first->counter, ==, "Quầy 1");
  g_assert_cmpuint (a.called->len, ==, 1);

  /* Counter 2 at B, before B even synced: the server hands it the next one, not the same. */
  second = call_next (&b, b.online, "Quầy 2", &offline);
  g_assert_false (offline);
  g_assert_cmpstr (second->label, ==, "BP-001");

  /* B sees A's call, A sees B's, with the counter. */
  g_assert_cmpuint (queue_station_sync (&b, b.online, &error), >=, 1);
  g_assert_no_error (error);
  list_b = list_today (&b);
  seen = find (list_b, "AP-001");
  g_assert_cmpint (seen->state, ==, PD_TICKET_CALLED);
  g_assert_cmpstr (seen->counter, ==, "Quầy 1");
  g_assert_true (g_ptr_array_find_with_equal_func (b.called, "AP-001", g_str_equal, NULL));

  queue_station_sync (&a, a.online, &error);
  g_assert_no_error (error);
  list_a = list_today (&a);
  seen = find (list_a, "BP-001");
  g_assert_cmpint (seen->state, ==, PD_TICKET_CALLED);
  g_assert_cmpstr (seen->counter, ==, "Quầy 2");

  /* Cut off, A still calls, from its own copy; after reconnecting, B sees it. */
  third = call_next (&a, a.offline, "Quầy 1", &offline);
  g_assert_true (offline);
  g_assert_cmpstr (third->label, ==, "AP-002");
  queue_station_sync (&a, a.online, &error);
  g_assert_no_error (error);
  queue_station_sync (&b, b.online, &error);
  g_assert_no_error (error);
  g_clear_pointer (&list_b, g_ptr_array_unref);
  list_b = list_today (&b);
  seen = find (list_b, "AP-002");
  g_assert_cmpint (seen->state, ==, PD_TICKET_CALLED);
  g_assert_cmpstr (seen->counter, ==, "Quầy 1");

  /* Served at B: A sees it closed. */
  g_clear_pointer (&first, pd_ticket_free);
  first = pd_queue_set_state (b.queue, "AP-001", PD_TICKET_SERVED, NULL, &error);
  g_assert_no_error (error);
  queue_station_sync (&b, b.online, &error);
  queue_station_sync (&a, a.online, &error);
  g_assert_no_error (error);
  g_clear_pointer (&list_a, g_ptr_array_unref);
  list_a = list_today (&a);
  g_assert_cmpint (find (list_a, "AP-001")->state, ==, PD_TICKET_SERVED);
}

static void
test_server_restart (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list_b = NULL;
  g_autoptr(PdTicket) ticket = NULL;
  g_autoptr(PdAppointment) appointment = NULL;
  gboolean offline = TRUE;
  g_autoptr(PdTicket) called = NULL;

  /* The server forgets the day's queue; it comes back on another port. */
  sync_central_stop (&central);
  central.port = 0;
  g_free (sync_central_serve (&central, NULL));
  g_clear_object (&a.online);
  g_clear_object (&b.online);
  a.online = pd_device_create_client (a.device, central.url, &error);
  b.online = pd_device_create_client (b.device, central.url, &error);
  g_assert_no_error (error);

  g_assert_true (pd_queue_issue (a.queue, "R", &ticket, &appointment, &error));
  g_assert_cmpstr (ticket->label, ==, "AR-001");

  /* A new epoch: A gives its whole day again, then B; both see everything. */
  queue_station_sync (&a, a.online, &error);
  g_assert_no_error (error);
  queue_station_sync (&b, b.online, &error);
  g_assert_no_error (error);
  queue_station_sync (&a, a.online, &error);
  g_assert_no_error (error);
  list_b = list_today (&b);
  g_assert_cmpuint (list_b->len, ==, 2 * N_OFFLINE + 2);
  g_assert_nonnull (find (list_b, "AR-001"));

  /* The rebuilt server queue still knows who was called: the next call skips them. */
  called = call_next (&b, b.online, "Quầy 2", &offline);
  g_assert_false (offline);
  g_assert_cmpstr (called->label, ==, "BP-002");
}

int
main (int   argc,
      char *argv[])
{
  int status;

  pd_test_init (&argc, &argv);
  if (argc < 2)
    g_error ("usage: test-queue-sync PASSDESK-CENTRAL");
  sync_central_init (&central, argv[1]);
  g_free (sync_central_serve (&central, NULL));
  queue_station_init (&a, &central, "station-a.db", "A");
  queue_station_init (&b, &central, "station-b.db", "B");

  g_test_add_func ("/queue-sync/offline-issue", test_offline_issue);
  g_test_add_func ("/queue-sync/merge-after-reconnect", test_merge_after_reconnect);
  g_test_add_func ("/queue-sync/call-seen-elsewhere", test_call_seen_elsewhere);
  g_test_add_func ("/queue-sync/server-restart", test_server_restart);
  status = g_test_run ();

  queue_station_clear (&a);
  queue_station_clear (&b);
  sync_central_clear (&central);
  return status;
}
