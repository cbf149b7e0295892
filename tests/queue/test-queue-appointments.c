/* test-queue-appointments.c: appointment slots shared by two stations through the real
 * passdesk-central on loopback (argv[1]): booked at the server while it answers, from each
 * station's share while cut off, never more than PD_QUEUE_SLOT_SIZE in a slot office-wide.
 */
#include "config.h"

#include <libsoup/soup.h>
#include <sqlite3.h>
#include <string.h>

#include "pd-queue.h"
#include "pd-queue-private.h"
#include "pd-test-support.h"
#include "queue-test-station.h"

#define N_BOOKINGS 40   /* per station, at once */

static SyncCentral central;
static QueueStation a, b;

/* Helpers ------------------------------------------------------------------------------- */

/* A station whose day holds one ticket of P: the second is already an appointment. */
static void
station_init (QueueStation *station,
              const char   *name,
              const char   *letter)
{
  g_autoptr(GError) error = NULL;

  queue_station_init (station, &central, name, letter);
  pd_queue_set_capacity (station->queue, "P", 1, &error);
  g_assert_no_error (error);
}

/* Books through @client and waits; returns the appointment (or NULL with @error). */
static PdAppointment *
book (QueueStation  *station,
      PdSyncClient  *client,
      gboolean      *offline,
      GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(PdTicket) ticket = NULL;
  PdAppointment *appointment = NULL;

  pd_queue_sync_issue_async (station->queue, client, "P", NULL, sync_keep_result, &result);
  if (!pd_queue_sync_issue_finish (station->queue, sync_wait_result (&result), &ticket, &appointment,
                                   offline, error))
    return NULL;
  g_assert_null (ticket);
  g_assert_nonnull (appointment);
  return appointment;
}

static sqlite3 *
open_central_db (void)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (central.db, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 10000);
  return db;
}

static gint64
central_int (const char *sql,
             const char *arg)
{
  sqlite3 *db = open_central_db ();
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (arg)
    sqlite3_bind_text (stmt, 1, arg, -1, SQLITE_TRANSIENT);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

/* The office-wide truth: no slot of any service above its capacity. */
static void
assert_no_slot_over_capacity (void)
{
  gint64 fullest = central_int ("SELECT coalesce (max (n), 0) FROM (SELECT count(*) AS n FROM queue_appointments"
                                " GROUP BY office, service, date, from_time)", NULL);

  g_assert_cmpint (fullest, <=, PD_QUEUE_SLOT_SIZE);
}

static gint64
central_count (void)
{
  return central_int ("SELECT count(*) FROM queue_appointments", NULL);
}

/* Every station's copy holds exactly the server's bookings, each in the same place. */
static void
assert_station_matches_central (QueueStation *station)
{
  sqlite3 *db = open_central_db ();
  sqlite3_stmt *stmt = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint n_local = 0;

  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT DISTINCT date FROM queue_appointments", -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) list = pd_queue_list_appointments (station->queue,
                                                              (const char *) sqlite3_column_text (stmt, 0), &error);

      g_assert_no_error (error);
      for (guint i = 0; i < list->len; i++)
        {
          PdAppointment *appointment = list->pdata[i];
          g_autofree char *where = g_strdup_printf ("%s %s %s %s", appointment->date, appointment->from_time,
                                                    appointment->reference, appointment->station);
          g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM queue_appointments WHERE id = ?"
                                                  " AND date || ' ' || from_time || ' ' || reference || ' ' || station = '%s'",
                                                  where);

          g_assert_false (appointment->offline);
          g_assert_cmpint (central_int (sql, appointment->id), ==, 1);
          g_assert_true (g_hash_table_add (seen, g_strdup (appointment->id)));
          n_local++;
        }
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  g_assert_cmpint (n_local, ==, central_count ());
}

static void
fill_day (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PdTicket) ticket = NULL;
  g_autoptr(PdAppointment) appointment = NULL;

  g_assert_true (pd_queue_issue (a.queue, "P", &ticket, &appointment, &error));
  g_assert_no_error (error);
  g_assert_nonnull (ticket);
  queue_station_sync (&a, a.online, NULL);
  queue_station_sync (&b, b.online, NULL);
}

/* Tests --------------------------------------------------------------------------------- */

static void
test_join (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) tomorrow = g_date_time_add_days (now, 1);
  g_autofree char *first = g_date_time_format (tomorrow, "%F");
  g_autofree char *share_a = NULL;
  g_autofree char *share_b = NULL;

  g_assert_null (pd_store_get_setting (a.store, PD_QUEUE_SETTING_SHARE_FROM));
  fill_day ();
  /* Nothing booked yet: both shares start tomorrow. */
  share_a = pd_store_get_setting (a.store, PD_QUEUE_SETTING_SHARE_FROM);
  share_b = pd_store_get_setting (b.store, PD_QUEUE_SETTING_SHARE_FROM);
  g_assert_cmpstr (share_a, ==, first);
  g_assert_cmpstr (share_b, ==, first);
  g_assert_cmpint (central_int ("SELECT count(*) FROM queue_shares", NULL), ==, 2);
}

typedef struct {
  guint  pending;
  guint  booked;
  guint  offline;
  GError *error;
} Race;

typedef struct {
  Race         *race;
  QueueStation *station;
} Bid;

static void
on_raced (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Bid *bid = user_data;
  g_autoptr(PdTicket) ticket = NULL;
  g_autoptr(PdAppointment) appointment = NULL;
  gboolean offline = TRUE;

  if (pd_queue_sync_issue_finish (bid->station->queue, result, &ticket, &appointment, &offline,
                                  bid->race->error ? NULL : &bid->race->error))
    {
      g_assert_null (ticket);
      g_assert_nonnull (appointment);
      bid->race->booked++;
      bid->race->offline += offline;
    }
  bid->race->pending--;
  g_free (bid);
}

static void
test_concurrent (void)
{
  Race race = { 0 };
  gint64 first_slot;

  /* Both stations book at once: the requests interleave at the server. */
  for (guint i = 0; i < 2 * N_BOOKINGS; i++)
    {
      Bid *bid = g_new0 (Bid, 1);

      bid->race = &race;
      bid->station = i % 2 == 0 ? &a : &b;
      race.pending++;
      pd_queue_sync_issue_async (bid->station->queue, bid->station->online, "P", NULL, on_raced, bid);
    }
  while (race.pending > 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (race.error);
  g_assert_cmpuint (race.booked, ==, 2 * N_BOOKINGS);
  g_assert_cmpuint (race.offline, ==, 0);

  g_assert_cmpint (central_count (), ==, 2 * N_BOOKINGS);
  assert_no_slot_over_capacity ();
  /* Both stations booked plenty: the first slot is full to the last place, shares included. */
  first_slot = central_int ("SELECT count(*) FROM queue_appointments WHERE from_time = '07:30'"
                            " AND date = (SELECT min (date) FROM queue_appointments)", NULL);
  g_assert_cmpint (first_slot, ==, PD_QUEUE_SLOT_SIZE);

  queue_station_sync (&a, a.online, NULL);
  queue_station_sync (&b, b.online, NULL);
  assert_station_matches_central (&a);
  assert_station_matches_central (&b);
}

/* POSTs a booking as @station's letter through @client; the appointment, or NULL for the
 * server's null (no place left). */
static PdAppointment *
post_booking (PdSyncClient *client,
              const char   *letter,
              const char   *id,
              char        **days)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(PdSyncReply) reply = NULL;
  g_autoptr(GError) error = NULL;
  PdAppointment *appointment;
  JsonNode *member;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, id);
  json_builder_set_member_name (builder, "station");
  json_builder_add_string_value (builder, letter);
  json_builder_set_member_name (builder, "service");
  json_builder_add_string_value (builder, "P");
  json_builder_set_member_name (builder, "days");
  json_builder_begin_array (builder);
  for (guint i = 0; days[i]; i++)
    json_builder_add_string_value (builder, days[i]);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  bytes = pd_sync_json_to_bytes (body);
  pd_sync_client_request_async (client, "POST", "/v1/queue/bookings", bytes, NULL, sync_keep_result, &result);
  reply = pd_sync_client_request_finish (client, sync_wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_true (pd_sync_reply_check (reply, &error));
  member = json_object_get_member (json_node_get_object (reply->body), "appointment");
  g_assert_nonnull (member);
  if (JSON_NODE_HOLDS_NULL (member))
    return NULL;
  appointment = pd_appointment_from_json (member, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (appointment->id, ==, id);
  return appointment;
}

static void
test_retry (void)
{
  g_autofree char *id = g_uuid_string_random ();
  g_auto(GStrv) days = pd_queue_dup_booking_days (a.queue);
  g_autoptr(PdAppointment) first = NULL;
  g_autoptr(PdAppointment) again = NULL;
  gint64 before = central_count ();

  /* The same booking sent twice (a retry after a timeout): one place, the same answer. */
  first = post_booking (a.online, "A", id, days);
  again = post_booking (a.online, "A", id, days);
  g_assert_cmpstr (again->reference, ==, first->reference);
  g_assert_cmpstr (again->date, ==, first->date);
  g_assert_cmpstr (again->from_time, ==, first->from_time);
  g_assert_cmpint (central_count (), ==, before + 1);
  queue_station_sync (&a, a.online, NULL);
  queue_station_sync (&b, b.online, NULL);
  assert_station_matches_central (&b);
}

static void
test_full_day (void)
{
  g_auto(GStrv) all_days = pd_queue_dup_booking_days (a.queue);
  char *last_day[] = { all_days[PD_QUEUE_LOOKAHEAD - 1], NULL };
  guint booked_a = 0;
  guint booked_b = 0;

  /* One station alone fills what is open, and its own share; B's share stays held. */
  for (;;)
    {
      g_autofree char *id = g_uuid_string_random ();
      g_autoptr(PdAppointment) appointment = post_booking (a.online, "A", id, last_day);

      if (appointment == NULL)
        break;
      g_assert_cmpstr (appointment->date, ==, last_day[0]);
      booked_a++;
    }
  g_assert_cmpuint (booked_a, ==, pd_queue_get_n_slots () * (PD_QUEUE_SLOT_SIZE - PD_QUEUE_SHARE));
  /* B still gets its held place in every slot, and then the day is full to the last place. */
  for (;;)
    {
      g_autofree char *id = g_uuid_string_random ();
      g_autoptr(PdAppointment) appointment = post_booking (b.online, "B", id, last_day);

      if (appointment == NULL)
        break;
      g_assert_true (appointment->reserved);
      booked_b++;
    }
  g_assert_cmpuint (booked_b, ==, pd_queue_get_n_slots () * PD_QUEUE_SHARE);
  g_assert_cmpint (central_int ("SELECT count(*) FROM queue_appointments WHERE date = ?", last_day[0]),
                   ==, pd_queue_get_n_slots () * PD_QUEUE_SLOT_SIZE);
  assert_no_slot_over_capacity ();
}

static void
test_lost_answer (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PdAppointment) slip = NULL;
  gint64 before = central_count ();
  gboolean offline = FALSE;

  /* The server books, then its answer is lost: the station books the same id from its share. */
  sync_central_stop (&central);
  g_free (sync_central_serve (&central, "--inject=commit-then-503:1", NULL));
  slip = book (&a, a.online, &offline, &error);
  g_assert_no_error (error);
  g_assert_true (offline);
  g_assert_true (slip->offline);
  g_assert_true (slip->reserved);
  g_assert_cmpint (central_count (), ==, before + 1);
  sync_central_stop (&central);
  g_free (sync_central_serve (&central, NULL));

  /* On reconnecting, the server's booking moves to the slip's place: one booking, not two. */
  queue_station_sync (&a, a.online, NULL);
  g_assert_cmpint (central_count (), ==, before + 1);
  g_assert_cmpint (central_int ("SELECT count(*) FROM queue_appointments WHERE id = ?", slip->id), ==, 1);
  g_assert_cmpint (central_int ("SELECT count(*) FROM queue_appointments WHERE reference = ?", slip->reference), ==, 1);
  assert_no_slot_over_capacity ();
  queue_station_sync (&b, b.online, NULL);
  assert_station_matches_central (&a);
  assert_station_matches_central (&b);
}

static void
test_offline (void)
{
  g_autoptr(GPtrArray) slips = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_appointment_free);
  g_autoptr(GHashTable) places = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *share_a = pd_store_get_setting (a.store, PD_QUEUE_SETTING_SHARE_FROM);
  g_autoptr(GError) error = NULL;
  gint64 before = central_count ();
  guint online_b = 0;

  /* A is cut off while B goes on booking through the server, interleaved. */
  for (guint i = 0; i < 2 * N_BOOKINGS; i++)
    {
      gboolean offline = FALSE;
      g_autoptr(PdAppointment) appointment = NULL;

      if (i % 2 == 0)
        {
          appointment = book (&a, a.offline, &offline, &error);
          g_assert_no_error (error);
          g_assert_true (offline);
          g_assert_true (appointment->reserved);
          g_assert_cmpstr (appointment->date, >=, share_a);
          g_ptr_array_add (slips, pd_appointment_copy (appointment));
        }
      else
        {
          appointment = book (&b, b.online, &offline, &error);
          g_assert_no_error (error);
          g_assert_false (offline);
          online_b++;
        }
    }
  g_assert_cmpint (central_count (), ==, before + online_b);
  assert_no_slot_over_capacity ();

  /* Then the server stops: B books from its share too. */
  sync_central_stop (&central);
  for (guint i = 0; i < 10; i++)
    {
      gboolean offline = FALSE;
      g_autoptr(PdAppointment) appointment = book (&b, b.online, &offline, &error);

      g_assert_no_error (error);
      g_assert_true (offline);
      g_ptr_array_add (slips, pd_appointment_copy (appointment));
    }

  /* Each offline slip is a place of its station's share: one per slot and station. */
  for (guint i = 0; i < slips->len; i++)
    {
      PdAppointment *slip = slips->pdata[i];

      g_assert_true (slip->offline);
      g_assert_true (g_hash_table_add (places, g_strdup_printf ("%s %s %s %s", slip->station, slip->service,
                                                                 slip->date, slip->from_time)));
    }

  /* The server comes back. A books at once, before any exchange: its slips go first, so the
   * server's numbering never gives one of their references again. */
  g_free (sync_central_serve (&central, NULL));
  {
    gboolean offline = TRUE;
    g_autoptr(PdAppointment) appointment = book (&a, a.online, &offline, &error);
    g_autoptr(GPtrArray) unsent = NULL;

    g_assert_no_error (error);
    g_assert_false (offline);
    online_b++;
    for (guint i = 0; i < slips->len; i++)
      g_assert_cmpstr (appointment->reference, !=, ((PdAppointment *) slips->pdata[i])->reference);
    unsent = pd_queue_list_offline_appointments (a.queue, 100, &error);
    g_assert_cmpuint (unsent->len, ==, 0);
  }

  /* Every slip is taken over as printed, and no slot is over. */
  queue_station_sync (&a, a.online, NULL);
  queue_station_sync (&b, b.online, NULL);
  queue_station_sync (&a, a.online, NULL);
  g_assert_cmpint (central_count (), ==, before + online_b + slips->len);
  assert_no_slot_over_capacity ();
  for (guint i = 0; i < slips->len; i++)
    {
      PdAppointment *slip = slips->pdata[i];
      g_autofree char *where = g_strdup_printf ("SELECT count(*) FROM queue_appointments WHERE id = ?"
                                                " AND reference = '%s' AND date = '%s' AND from_time = '%s'",
                                                slip->reference, slip->date, slip->from_time);

      g_assert_cmpint (central_int (where, slip->id), ==, 1);
    }
  /* Never more of a slot taken from a station's share than the share, online or not. */
  g_assert_cmpint (central_int ("SELECT coalesce (max (n), 0) FROM (SELECT count(*) AS n FROM queue_appointments"
                                " WHERE reserved GROUP BY station, service, date, from_time)", NULL),
                   <=, PD_QUEUE_SHARE);
  assert_station_matches_central (&a);
  assert_station_matches_central (&b);
  {
    g_autoptr(GPtrArray) left = pd_queue_list_offline_appointments (a.queue, 10, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (left->len, ==, 0);
  }
}

static void
test_no_share (void)
{
  g_autofree char *path = g_build_filename (central.tmpdir, "station-c.db", NULL);
  g_autoptr(PdStore) store = pd_store_open (path, PD_STORE_OPEN_CREATE, NULL);
  g_autoptr(PdQueue) queue = pd_queue_new (store, NULL);
  g_autoptr(PdSyncClient) client = pd_sync_client_new ("http://127.0.0.1:9", NULL, NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(PdTicket) ticket = NULL;
  g_autoptr(PdAppointment) appointment = NULL;
  g_autoptr(GError) error = NULL;
  gboolean offline = FALSE;

  /* A station that never met the server has no share: cut off, it books nothing. */
  pd_queue_set_station (queue, "C", &error);
  pd_queue_set_capacity (queue, "P", 0, &error);
  g_assert_no_error (error);
  pd_queue_sync_issue_async (queue, client, "P", NULL, sync_keep_result, &result);
  g_assert_false (pd_queue_sync_issue_finish (queue, sync_wait_result (&result), &ticket, &appointment,
                                              &offline, &error));
  g_assert_error (error, PD_QUEUE_ERROR, PD_QUEUE_ERROR_NO_SHARE);
  g_assert_true (offline);
  g_assert_null (appointment);
}

/* A server that answers every queue request with what the test says. */
typedef struct {
  const char *bookings;
  const char *appointments;
} Hostile;

static void
on_hostile (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  Hostile *hostile = user_data;
  const char *body = "{\"epoch\":\"e\",\"tickets\":[],\"next_cursor\":\"\",\"more\":false,"
                     "\"appointments\":[],\"share_from\":\"2000-01-01\",\"received\":0}";

  if (g_str_equal (path, "/v1/queue/bookings"))
    body = hostile->bookings;
  else if (g_str_equal (path, "/v1/queue/appointments"))
    body = hostile->appointments;
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, body, strlen (body));
}

static void
test_hostile (void)
{
  static const char *bad_bookings[] = {
    "{\"appointment\": 7, \"share_from\": null}",
    "{\"appointment\": {\"id\": \"x\"}, \"share_from\": null}",
    "{\"appointment\": null, \"share_from\": \"tomorrow\"}",
    "[1, 2, 3]",
    "{\"share_from\": null}",
  };
  g_autofree char *path = g_build_filename (central.tmpdir, "station-h.db", NULL);
  g_autoptr(PdStore) store = pd_store_open (path, PD_STORE_OPEN_CREATE, NULL);
  g_autoptr(PdQueue) queue = pd_queue_new (store, NULL);
  g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr(PdSyncClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  Hostile hostile = { NULL, NULL };
  GSList *uris;

  pd_queue_set_station (queue, "H", &error);
  pd_queue_set_capacity (queue, "P", 0, &error);
  g_assert_no_error (error);
  g_assert_true (pd_store_set_setting (store, PD_QUEUE_SETTING_SHARE_FROM, "2000-01-01", &error));
  soup_server_add_handler (server, NULL, on_hostile, &hostile, NULL);
  soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  url = g_uri_to_string (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  url[strlen (url) - 1] = '\0';
  client = pd_sync_client_new (url, NULL, &error);
  g_assert_no_error (error);

  /* Every place taken: said so, nothing booked. */
  hostile.bookings = "{\"appointment\": null, \"share_from\": \"2000-01-01\"}";
  {
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(PdTicket) ticket = NULL;
    g_autoptr(PdAppointment) appointment = NULL;
    g_autoptr(GPtrArray) unsent = NULL;

    pd_queue_sync_issue_async (queue, client, "P", NULL, sync_keep_result, &result);
    g_assert_false (pd_queue_sync_issue_finish (queue, sync_wait_result (&result), &ticket, &appointment,
                                                NULL, &error));
    g_assert_error (error, PD_QUEUE_ERROR, PD_QUEUE_ERROR_NO_SLOT);
    g_clear_error (&error);
    unsent = pd_queue_list_offline_appointments (queue, 100, &error);
    g_assert_cmpuint (unsent->len, ==, 0);
  }

  /* An answer that cannot be trusted is one that did not arrive: never stored as the
   * server's, the slip comes from the share and waits to be pushed (and
   * a push of slips answered wrongly is one more answer that did not arrive). */
  for (guint i = 0; i < G_N_ELEMENTS (bad_bookings); i++)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(PdTicket) ticket = NULL;
      g_autoptr(PdAppointment) appointment = NULL;
      g_autoptr(GPtrArray) unsent = NULL;
      gboolean offline = FALSE;

      hostile.bookings = bad_bookings[i];
      pd_queue_sync_issue_async (queue, client, "P", NULL, sync_keep_result, &result);
      g_assert_true (pd_queue_sync_issue_finish (queue, sync_wait_result (&result), &ticket, &appointment,
                                                 &offline, &error));
      g_assert_no_error (error);
      g_assert_true (offline);
      g_assert_true (appointment->offline);
      unsent = pd_queue_list_offline_appointments (queue, 100, &error);
      g_assert_cmpuint (unsent->len, ==, i + 1);
    }

  /* A pull of malformed bookings changes nothing and fails the pass. */
  hostile.appointments = "{\"appointments\": [{\"id\": \"nope\"}], \"next_cursor\": \"9\", \"more\": false}";
  {
    g_autoptr(GAsyncResult) result = NULL;
    g_autofree char *cursor = NULL;

    pd_queue_sync_async (queue, client, NULL, sync_keep_result, &result);
    g_assert_false (pd_queue_sync_finish (queue, sync_wait_result (&result), NULL, &error));
    g_assert_error (error, PD_SYNC_ERROR, PD_SYNC_ERROR_RETRY);
    cursor = pd_store_get_setting (store, PD_QUEUE_SETTING_APPOINTMENTS_CURSOR);
    g_assert_null (cursor);
  }
  soup_server_disconnect (server);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  pd_test_init (&argc, &argv);
  if (argc < 2)
    g_error ("usage: test-queue-appointments PASSDESK-CENTRAL");
  sync_central_init (&central, argv[1]);
  g_free (sync_central_serve (&central, NULL));
  station_init (&a, "station-a.db", "A");
  station_init (&b, "station-b.db", "B");

  g_test_add_func ("/queue-appointments/join", test_join);
  g_test_add_func ("/queue-appointments/concurrent", test_concurrent);
  g_test_add_func ("/queue-appointments/retry", test_retry);
  g_test_add_func ("/queue-appointments/full-day", test_full_day);
  g_test_add_func ("/queue-appointments/lost-answer", test_lost_answer);
  g_test_add_func ("/queue-appointments/offline", test_offline);
  g_test_add_func ("/queue-appointments/no-share", test_no_share);
  g_test_add_func ("/queue-appointments/hostile", test_hostile);
  status = g_test_run ();

  queue_station_clear (&a);
  queue_station_clear (&b);
  sync_central_clear (&central);
  return status;
}
