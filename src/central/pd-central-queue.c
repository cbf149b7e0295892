/* pd-central-queue.c: the office's shared queue of tickets and its appointment bookings.
 *
 * Tickets are merged by id; bookings are checked against the slots' capacity in the
 * database's transactions. */
#define G_LOG_DOMAIN "passdesk-central"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "pd-central-handler.h"
#include "pd-central-queue.h"
#include "pd-central-request.h"
#include "pd-queue.h"
#include "pd-queue-private.h"
#include "pd-sqlite.h"

#define APPOINTMENTS_SQL \
  "CREATE TABLE IF NOT EXISTS queue_appointments ("                                    \
  "  office     TEXT NOT NULL,"                                                        \
  "  id         TEXT NOT NULL,"                                                        \
  "  reference  TEXT NOT NULL,"                                                        \
  "  service    TEXT NOT NULL,"                                                        \
  "  station    TEXT NOT NULL,"                                                        \
  "  date       TEXT NOT NULL,"                                                        \
  "  from_time  TEXT NOT NULL,"                                                        \
  "  to_time    TEXT NOT NULL,"                                                        \
  "  issued_at  INTEGER NOT NULL,"                                                     \
  "  reserved   INTEGER NOT NULL,"                                                     \
  "  seq        INTEGER NOT NULL UNIQUE,"                                              \
  "  PRIMARY KEY (office, id),"                                                        \
  "  UNIQUE (office, reference)"                                                       \
  ");"                                                                                 \
  "CREATE INDEX IF NOT EXISTS queue_appointments_by_slot"                              \
  "  ON queue_appointments (office, service, date, from_time);"                        \
  "CREATE TABLE IF NOT EXISTS queue_shares ("                                          \
  "  office     TEXT NOT NULL,"                                                        \
  "  station    TEXT NOT NULL,"                                                        \
  "  share_from TEXT NOT NULL,"                                                        \
  "  PRIMARY KEY (office, station)"                                                    \
  ");"

typedef struct {
  PdTicket *ticket;
  char     *office_code;
  gint64    seq;          /* the change's place in the server's order: the pull cursor */
} Entry;

struct _PdCentralQueue
{
  char        *epoch;
  gint64       seq;
  GHashTable  *entries;    /* ticket id -> Entry */
  PdCentralDb *db;
  gboolean     db_ready;   /* the appointment tables exist */
};

static void
entry_free (Entry *entry)
{
  pd_ticket_free (entry->ticket);
  g_free (entry->office_code);
  g_free (entry);
}

PdCentralQueue *
pd_central_queue_new (PdCentralDb *db)
{
  PdCentralQueue *self = g_new0 (PdCentralQueue, 1);

  g_return_val_if_fail (PD_CENTRAL_IS_DB (db), NULL);

  self->epoch = g_uuid_string_random ();
  self->entries = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) entry_free);
  self->db = g_object_ref (db);
  if (pd_sqlite_exec (pd_central_db_get_connection (db)->db, APPOINTMENTS_SQL) == SQLITE_OK)
    self->db_ready = TRUE;
  else
    g_warning ("The appointment tables cannot be made: %s", sqlite3_errmsg (pd_central_db_get_connection (db)->db));
  return self;
}

void
pd_central_queue_free (PdCentralQueue *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->entries);
  g_clear_object (&self->db);
  g_free (self->epoch);
  g_free (self);
}

const char *
pd_central_queue_get_epoch (PdCentralQueue *self)
{
  return self->epoch;
}

static JsonNode *
fail (guint      *status,
      guint       code,
      const char *error_code,
      const char *message)
{
  *status = code;
  return pd_central_error_node (error_code, message);
}

/* Ends the object that @builder holds: the body of a 200 answer. */
static JsonNode *
succeed (JsonBuilder *builder,
         guint       *status)
{
  json_builder_end_object (builder);
  *status = 200;
  return json_builder_get_root (builder);
}

static JsonNode *
fail_request (guint        *status,
              const GError *error)
{
  return fail (status, 400,
               g_error_matches (error, PD_CENTRAL_REQUEST_ERROR, PD_CENTRAL_REQUEST_ERROR_BAD_JSON)
                 ? "bad_json" : "bad_request",
               error->message);
}

static const char *
string_member (JsonObject *object,
               const char *name)
{
  JsonNode *member = json_object_get_member (object, name);

  if (member == NULL || !JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (member);
}

/* Keeps @ticket (transfer full) if it is new or supersedes the version held. */
static void
store (PdCentralQueue *self,
       const char     *office_code,
       PdTicket       *ticket)
{
  Entry *entry = g_hash_table_lookup (self->entries, ticket->id);

  if (entry && (g_strcmp0 (entry->office_code, office_code) != 0 ||
                !pd_ticket_supersedes (ticket, entry->ticket)))
    {
      pd_ticket_free (ticket);
      return;
    }
  if (entry == NULL)
    {
      entry = g_new0 (Entry, 1);
      entry->office_code = g_strdup (office_code);
      entry->ticket = ticket;
      g_hash_table_insert (self->entries, ticket->id, entry);
    }
  else
    {
      /* The key is the old ticket's id: swap in place so it is never left dangling. */
      g_hash_table_steal (self->entries, ticket->id);
      pd_ticket_free (entry->ticket);
      entry->ticket = ticket;
      g_hash_table_insert (self->entries, ticket->id, entry);
    }
  entry->seq = ++self->seq;
}

/* A queue lives for a day: tickets of days before yesterday (the server's clock, with a day's
 * grace for clocks and time zones) are let go. */
static void
prune (PdCentralQueue *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) then = g_date_time_add_days (now, -2);
  g_autofree char *oldest = g_date_time_format (then, "%F");
  GHashTableIter iter;
  Entry *entry;

  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &entry))
    if (strcmp (entry->ticket->day, oldest) <= 0)
      g_hash_table_iter_remove (&iter);
}

static JsonNode *
push (PdCentralQueue *self,
      const char     *office_code,
      JsonObject     *object,
      guint          *status)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) tickets = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_ticket_free);
  g_autoptr(JsonBuilder) builder = NULL;
  JsonNode *member = json_object_get_member (object, "tickets");
  JsonArray *array;

  if (json_object_get_size (object) != 1 || member == NULL || !JSON_NODE_HOLDS_ARRAY (member) ||
      json_array_get_length (array = json_node_get_array (member)) == 0 ||
      json_array_get_length (array) > PD_CENTRAL_QUEUE_MAX_PUSH)
    return fail (status, 400, "bad_request",
                 _("A queue push is {\"tickets\": [1 to 100 tickets]}. Update Passdesk."));

  /* All or nothing: a station sends what it made itself, so one bad ticket means a bug. */
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      PdTicket *ticket = pd_ticket_from_json (json_array_get_element (array, i), &error);

      if (ticket == NULL)
        return fail (status, 422, "bad_request", error->message);
      g_ptr_array_add (tickets, ticket);
    }
  prune (self);
  for (guint i = 0; i < tickets->len; i++)
    store (self, office_code, g_steal_pointer (&tickets->pdata[i]));

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "epoch");
  json_builder_add_string_value (builder, self->epoch);
  json_builder_set_member_name (builder, "received");
  json_builder_add_int_value (builder, json_array_get_length (array));
  return succeed (builder, status);
}

static int
compare_seq (gconstpointer a,
             gconstpointer b)
{
  const Entry *x = *(Entry **) a;
  const Entry *y = *(Entry **) b;

  return (x->seq > y->seq) - (x->seq < y->seq);
}

static JsonNode *
pull (PdCentralQueue *self,
      const char     *office_code,
      gint64          after,
      guint           limit,
      guint          *status)
{
  g_autoptr(GPtrArray) changed = g_ptr_array_new ();
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  GHashTableIter iter;
  Entry *entry;
  gint64 last;
  guint n;

  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &entry))
    if (entry->seq > after && g_str_equal (entry->office_code, office_code))
      g_ptr_array_add (changed, entry);
  g_ptr_array_sort (changed, compare_seq);
  n = MIN (changed->len, limit);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "epoch");
  json_builder_add_string_value (builder, self->epoch);
  json_builder_set_member_name (builder, "tickets");
  json_builder_begin_array (builder);
  last = after;
  for (guint i = 0; i < n; i++)
    {
      entry = g_ptr_array_index (changed, i);
      json_builder_add_value (builder, pd_ticket_to_json (entry->ticket));
      last = entry->seq;
    }
  *status = 200;
  return pd_central_page_end (builder, last, changed->len > n);
}

static gint64
now_ms (void)
{
  return g_get_real_time () / 1000;
}

static JsonNode *
call (PdCentralQueue *self,
      const char     *office_code,
      JsonObject     *object,
      guint          *status)
{
  g_autoptr(JsonBuilder) builder = NULL;
  const char *counter = string_member (object, "counter");
  const char *day = string_member (object, "day");
  const char *service = NULL;
  JsonNode *member;
  GHashTableIter iter;
  Entry *entry;
  Entry *next = NULL;
  guint expected = 2;

  if ((member = json_object_get_member (object, "service")))
    {
      expected++;
      service = string_member (object, "service");
      if (service == NULL && !JSON_NODE_HOLDS_NULL (member))
        expected = 0;
    }
  if (counter == NULL || *counter == '\0' || strlen (counter) > PD_TICKET_MAX_COUNTER || day == NULL || strlen (day) != 10 ||
      (service && !pd_queue_is_letter (service)) ||
      json_object_get_size (object) != expected)
    return fail (status, 400, "bad_request",
                 _("A call is {\"counter\", \"day\", \"service\" (optional)}. Update Passdesk."));

  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &entry))
    {
      PdTicket *ticket = entry->ticket;

      if (ticket->state != PD_TICKET_WAITING || !g_str_equal (ticket->day, day) ||
          !g_str_equal (entry->office_code, office_code) ||
          (service && !g_str_equal (ticket->service, service)))
        continue;
      /* A waiting ticket's updated_at is its issue in milliseconds: it orders those issued
       * within the same second. */
      if (next == NULL || ticket->issued_at < next->ticket->issued_at ||
          (ticket->issued_at == next->ticket->issued_at &&
           (ticket->updated_at < next->ticket->updated_at ||
            (ticket->updated_at == next->ticket->updated_at && strcmp (ticket->label, next->ticket->label) < 0))))
        next = entry;
    }

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "ticket");
  if (next)
    {
      PdTicket *ticket = next->ticket;

      ticket->state = PD_TICKET_CALLED;
      g_free (ticket->counter);
      ticket->counter = g_strdup (counter);
      ticket->called_at = now_ms () / 1000;
      ticket->updated_at = MAX (now_ms (), ticket->updated_at + 1);
      next->seq = ++self->seq;
      json_builder_add_value (builder, pd_ticket_to_json (ticket));
    }
  else
    json_builder_add_null_value (builder);
  return succeed (builder, status);
}

/* Appointments ----------------------------------------------------------------------------- */

typedef struct {
  char *station;
  char *share_from;
} Share;

static void
share_free (Share *share)
{
  g_free (share->station);
  g_free (share->share_from);
  g_free (share);
}

/* (element-type Share) the stations of @office_code that hold a share. */
static GPtrArray *
load_shares (const PdSqliteConnection  *conn,
             const char                *office_code,
             GError                   **error)
{
  g_autoptr(PdSqliteStatement) stmt =
    pd_sqlite_conn_prepare (conn, "SELECT station, share_from FROM queue_shares WHERE office = ?", error);
  g_autoptr(GPtrArray) shares = g_ptr_array_new_with_free_func ((GDestroyNotify) share_free);
  int rc;

  if (stmt == NULL)
    return NULL;
  pd_sqlite_bind_text (stmt, 1, office_code);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      Share *share = g_new0 (Share, 1);

      share->station = pd_sqlite_column_dup (stmt, 0);
      share->share_from = pd_sqlite_column_dup (stmt, 1);
      g_ptr_array_add (shares, share);
    }
  if (!pd_sqlite_conn_check_done (conn, rc, error))
    return NULL;
  return g_steal_pointer (&shares);
}

typedef struct {
  gint64 total;        /* bookings of the slot */
  gint64 held_others;  /* places still held back for the other stations' shares */
  gint64 held_self;    /* places still held back for @station's share */
} Load;

/* How full a slot is. The invariant kept for every slot on or after a share's first day:
 * total + every share's held places <= PD_QUEUE_SLOT_SIZE. */
static gboolean
slot_load (const PdSqliteConnection  *conn,
           const char                *office_code,
           GPtrArray                 *shares,
           const char                *station,
           const char                *service,
           const char                *date,
           const char                *from,
           Load                      *load,
           GError                   **error)
{
  g_autoptr(PdSqliteStatement) stmt =
    pd_sqlite_conn_prepare (conn, "SELECT station, reserved, count(*) FROM queue_appointments"
                                  " WHERE office = ? AND service = ? AND date = ? AND from_time = ?"
                                  " GROUP BY station, reserved", error);
  gint64 used[PD_QUEUE_MAX_SHARES] = { 0 };
  guint n_shares = MIN (shares->len, G_N_ELEMENTS (used));
  int rc;

  if (stmt == NULL)
    return FALSE;
  memset (load, 0, sizeof *load);
  pd_sqlite_bind_text (stmt, 1, office_code);
  pd_sqlite_bind_text (stmt, 2, service);
  pd_sqlite_bind_text (stmt, 3, date);
  pd_sqlite_bind_text (stmt, 4, from);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *by = (const char *) sqlite3_column_text (stmt, 0);
      gint64 n = sqlite3_column_int64 (stmt, 2);

      load->total += n;
      if (!sqlite3_column_int (stmt, 1))
        continue;
      for (guint i = 0; i < n_shares; i++)
        if (g_strcmp0 (((Share *) shares->pdata[i])->station, by) == 0)
          used[i] += n;
    }
  if (!pd_sqlite_conn_check_done (conn, rc, error))
    return FALSE;
  for (guint i = 0; i < n_shares; i++)
    {
      Share *share = shares->pdata[i];
      gint64 held = strcmp (date, share->share_from) >= 0 ? MAX (PD_QUEUE_SHARE - used[i], 0) : 0;

      if (g_strcmp0 (share->station, station) == 0)
        load->held_self += held;
      else
        load->held_others += held;
    }
  return TRUE;
}

static char *
day_after (GDateTime *now,
           gint       days)
{
  g_autoptr(GDateTime) then = g_date_time_add_days (now, days);

  return g_date_time_format (then, "%F");
}

/* Gives @station a share if it has none and one is left: from the first day on which every
 * slot can still hold it back, so that the invariant holds from then on. *@share_from is
 * NULL when the office's shares are all given. */
static gboolean
join (const PdSqliteConnection  *conn,
      const char                *office_code,
      const char                *station,
      char                     **share_from,
      GError                   **error)
{
  g_autoptr(GPtrArray) shares = load_shares (conn, office_code, error);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *today = g_date_time_format (now, "%F");
  g_autofree char *first = day_after (now, 1);
  g_autoptr(PdSqliteStatement) slots = NULL;
  g_autoptr(PdSqliteStatement) insert = NULL;
  int rc;

  *share_from = NULL;
  if (shares == NULL)
    return FALSE;
  for (guint i = 0; i < shares->len; i++)
    if (g_str_equal (((Share *) shares->pdata[i])->station, station))
      {
        *share_from = g_strdup (((Share *) shares->pdata[i])->share_from);
        return TRUE;
      }
  if (shares->len >= PD_QUEUE_MAX_SHARES)
    return TRUE;

  slots = pd_sqlite_conn_prepare (conn, "SELECT DISTINCT service, date, from_time FROM queue_appointments"
                                        " WHERE office = ? AND date > ? ORDER BY date", error);
  if (slots == NULL)
    return FALSE;
  pd_sqlite_bind_text (slots, 1, office_code);
  pd_sqlite_bind_text (slots, 2, today);
  while ((rc = sqlite3_step (slots)) == SQLITE_ROW)
    {
      const char *date = (const char *) sqlite3_column_text (slots, 1);
      Load load;

      if (strcmp (date, first) < 0)
        continue;
      if (!slot_load (conn, office_code, shares, NULL, (const char *) sqlite3_column_text (slots, 0), date,
                      (const char *) sqlite3_column_text (slots, 2), &load, error))
        return FALSE;
      if (load.total + load.held_others + PD_QUEUE_SHARE > PD_QUEUE_SLOT_SIZE)
        {
          GDate next;

          g_date_clear (&next, 1);
          pd_queue_parse_day (date, &next);
          g_date_add_days (&next, 1);
          g_free (first);
          first = g_malloc (16);
          g_date_strftime (first, 16, "%Y-%m-%d", &next);
        }
    }
  if (!pd_sqlite_conn_check_done (conn, rc, error))
    return FALSE;

  insert = pd_sqlite_conn_prepare (conn, "INSERT INTO queue_shares (office, station, share_from)"
                                         " VALUES (?, ?, ?)", error);
  if (insert == NULL)
    return FALSE;
  pd_sqlite_bind_text (insert, 1, office_code);
  pd_sqlite_bind_text (insert, 2, station);
  pd_sqlite_bind_text (insert, 3, first);
  if (!pd_sqlite_conn_check_done (conn, sqlite3_step (insert), error))
    return FALSE;
  *share_from = g_steal_pointer (&first);
  return TRUE;
}

static gint64
next_seq (const PdSqliteConnection  *conn,
          GError                   **error)
{
  g_autoptr(PdSqliteStatement) stmt =
    pd_sqlite_conn_prepare (conn, "SELECT coalesce (max (seq), 0) + 1 FROM queue_appointments", error);
  gint64 seq;

  if (stmt == NULL || !pd_sqlite_conn_step_int64 (conn, stmt, &seq, error))
    return -1;
  return seq;
}

static gboolean
insert_appointment (const PdSqliteConnection  *conn,
                    const char                *office_code,
                    const PdAppointment       *appointment,
                    GError                   **error)
{
  g_autoptr(PdSqliteStatement) stmt =
    pd_sqlite_conn_prepare (conn, "INSERT OR REPLACE INTO queue_appointments (office, id, reference, service,"
                                  " station, date, from_time, to_time, issued_at, reserved, seq)"
                                  " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
  gint64 seq = next_seq (conn, error);

  if (stmt == NULL || seq < 0)
    return FALSE;
  pd_sqlite_bind_text (stmt, 1, office_code);
  pd_sqlite_bind_text (stmt, 2, appointment->id);
  pd_sqlite_bind_text (stmt, 3, appointment->reference);
  pd_sqlite_bind_text (stmt, 4, appointment->service);
  pd_sqlite_bind_text (stmt, 5, appointment->station);
  pd_sqlite_bind_text (stmt, 6, appointment->date);
  pd_sqlite_bind_text (stmt, 7, appointment->from_time);
  pd_sqlite_bind_text (stmt, 8, appointment->to_time);
  sqlite3_bind_int64 (stmt, 9, appointment->issued_at);
  sqlite3_bind_int (stmt, 10, appointment->reserved);
  sqlite3_bind_int64 (stmt, 11, seq);
  return pd_sqlite_conn_check_done (conn, sqlite3_step (stmt), error);
}

/* seq first: it is the cursor of the pull's pages (pd_central_sql_read_page()). */
#define APPOINTMENT_COLUMNS \
  "seq, id, reference, service, station, date, from_time, to_time, issued_at, reserved"

static PdAppointment *
appointment_from_row (sqlite3_stmt *stmt)
{
  PdAppointment *appointment = g_new0 (PdAppointment, 1);

  appointment->id = pd_sqlite_column_dup (stmt, 1);
  appointment->reference = pd_sqlite_column_dup (stmt, 2);
  appointment->service = pd_sqlite_column_dup (stmt, 3);
  appointment->station = pd_sqlite_column_dup (stmt, 4);
  appointment->date = pd_sqlite_column_dup (stmt, 5);
  appointment->from_time = pd_sqlite_column_dup (stmt, 6);
  appointment->to_time = pd_sqlite_column_dup (stmt, 7);
  appointment->issued_at = sqlite3_column_int64 (stmt, 8);
  appointment->reserved = sqlite3_column_int (stmt, 9);
  return appointment;
}

static void
add_appointment (JsonBuilder  *builder,
                 sqlite3_stmt *stmt)
{
  g_autoptr(PdAppointment) appointment = appointment_from_row (stmt);

  json_builder_add_value (builder, pd_appointment_to_json (appointment));
}

static gboolean
find_appointment (const PdSqliteConnection  *conn,
                  const char                *office_code,
                  const char                *id,
                  PdAppointment            **appointment,
                  GError                   **error)
{
  g_autoptr(PdSqliteStatement) stmt =
    pd_sqlite_conn_prepare (conn, "SELECT " APPOINTMENT_COLUMNS " FROM queue_appointments"
                                  " WHERE office = ? AND id = ?", error);
  int rc;

  *appointment = NULL;
  if (stmt == NULL)
    return FALSE;
  pd_sqlite_bind_text (stmt, 1, office_code);
  pd_sqlite_bind_text (stmt, 2, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *appointment = appointment_from_row (stmt);
  else if (!pd_sqlite_conn_check_done (conn, rc, error))
    return FALSE;
  return TRUE;
}

typedef struct {
  const char     *id;
  const char     *station;
  const char     *service;
  GStrv           days;
  gint64          issued_at;
  char           *share_from;
  PdAppointment  *appointment;   /* NULL: no place left in these days */
} Booking;

static void
booking_clear (Booking *booking)
{
  g_strfreev (booking->days);
  g_free (booking->share_from);
  g_clear_pointer (&booking->appointment, pd_appointment_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Booking, booking_clear)

/* The first place of the days asked: from the slot's open places, else from @station's own
 * share, never one held for another station. */
static gboolean
book (const PdSqliteConnection  *conn,
      const char                *office_code,
      Booking                   *booking,
      GError                   **error)
{
  g_autoptr(GPtrArray) shares = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *today = g_date_time_format (now, "%F");

  if (!find_appointment (conn, office_code, booking->id, &booking->appointment, error) ||
      !join (conn, office_code, booking->station, &booking->share_from, error))
    return FALSE;
  /* A retry of a booking already made: the same place, never a second one. */
  if (booking->appointment)
    return TRUE;
  if ((shares = load_shares (conn, office_code, error)) == NULL)
    return FALSE;

  for (guint d = 0; booking->days[d]; d++)
    {
      const char *date = booking->days[d];
      GDate day;

      if (strcmp (date, today) <= 0)
        continue;
      g_date_clear (&day, 1);
      pd_queue_parse_day (date, &day);
      for (guint s = 0; s < pd_queue_get_n_slots (); s++)
        {
          g_autoptr(PdSqliteStatement) last = NULL;
          g_autofree char *prefix = NULL;
          const char *from;
          const char *to;
          gboolean reserved;
          Load load;

          pd_queue_get_slot (s, &from, &to);
          if (!slot_load (conn, office_code, shares, booking->station, booking->service, date, from, &load, error))
            return FALSE;
          if (load.total + load.held_others + load.held_self < PD_QUEUE_SLOT_SIZE)
            reserved = FALSE;
          else if (load.held_self > 0 && load.total + load.held_others + load.held_self <= PD_QUEUE_SLOT_SIZE)
            reserved = TRUE;
          else
            continue;

          prefix = pd_appointment_dup_reference_prefix (booking->station, booking->service, &day);
          last = pd_sqlite_conn_prepare (conn, "SELECT coalesce (max (CAST (substr (reference, length (?3) + 1)"
                                               " AS INTEGER)), 0) FROM queue_appointments WHERE office = ?1"
                                               " AND date = ?2 AND substr (reference, 1, length (?3)) = ?3", error);
          if (last == NULL)
            return FALSE;
          pd_sqlite_bind_text (last, 1, office_code);
          pd_sqlite_bind_text (last, 2, date);
          pd_sqlite_bind_text (last, 3, prefix);
          if (sqlite3_step (last) != SQLITE_ROW)
            {
              pd_sqlite_conn_set_error (conn, sqlite3_errcode (conn->db), error);
              return FALSE;
            }

          booking->appointment = pd_appointment_new (booking->id, booking->station, booking->service, date, s,
                                                     sqlite3_column_int64 (last, 0) + 1, booking->issued_at,
                                                     reserved);
          return insert_appointment (conn, office_code, booking->appointment, error);
        }
    }
  return TRUE;
}

static gboolean
check_ready (PdCentralQueue  *self,
             GError         **error)
{
  if (!self->db_ready)
    g_set_error (error, PD_CENTRAL_DB_ERROR, PD_CENTRAL_DB_ERROR_FAILED,
                 _("The server cannot keep appointments: its database could not be changed. Check the server’s log."));
  return self->db_ready;
}

static gboolean
begin (PdCentralQueue  *self,
       GError         **error)
{
  return check_ready (self, error) && pd_central_db_begin (self->db, error);
}

static JsonNode *
fail_db (guint        *status,
         const GError *error)
{
  return fail (status, 503, "unavailable", error->message);
}

static void
add_share_from (JsonBuilder *builder,
                const char  *share_from)
{
  json_builder_set_member_name (builder, "share_from");
  if (share_from)
    json_builder_add_string_value (builder, share_from);
  else
    json_builder_add_null_value (builder);
}

static JsonNode *
handle_booking (PdCentralQueue *self,
                const char     *office_code,
                JsonObject     *object,
                guint          *status)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GStrvBuilder) days = g_strv_builder_new ();
  g_autoptr(JsonBuilder) builder = NULL;
  g_auto(Booking) booking = { NULL };
  JsonNode *member;
  JsonArray *array = NULL;
  guint n_days = 0;
  gboolean valid;

  booking.id = string_member (object, "id");
  booking.station = string_member (object, "station");
  booking.service = string_member (object, "service");
  member = json_object_get_member (object, "days");
  valid = json_object_get_size (object) == 4 && booking.id && g_uuid_string_is_valid (booking.id) &&
          pd_queue_is_letter (booking.station) && pd_queue_is_letter (booking.service) &&
          member && JSON_NODE_HOLDS_ARRAY (member) &&
          (n_days = json_array_get_length (array = json_node_get_array (member))) > 0 &&
          n_days <= PD_CENTRAL_QUEUE_MAX_DAYS;
  for (guint i = 0; valid && i < n_days; i++)
    {
      JsonNode *day = json_array_get_element (array, i);
      const char *text = JSON_NODE_HOLDS_VALUE (day) && json_node_get_value_type (day) == G_TYPE_STRING
                         ? json_node_get_string (day) : NULL;

      valid = pd_queue_parse_day (text, NULL) &&
              (i == 0 || strcmp (text, json_array_get_string_element (array, i - 1)) > 0);
      if (valid)
        g_strv_builder_add (days, text);
    }
  if (!valid)
    return fail (status, 400, "bad_request",
                 _("A booking is {\"id\", \"station\", \"service\", \"days\": [1 to 60 days, in order]}. Update Passdesk."));
  booking.days = g_strv_builder_end (days);
  booking.issued_at = g_get_real_time () / G_USEC_PER_SEC;

  if (!begin (self, &error) ||
      !book (pd_central_db_get_connection (self->db), office_code, &booking, &error) ||
      !pd_central_db_commit (self->db, &error))
    {
      pd_central_db_rollback (self->db);
      return fail_db (status, error);
    }

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "appointment");
  if (booking.appointment)
    json_builder_add_value (builder, pd_appointment_to_json (booking.appointment));
  else
    json_builder_add_null_value (builder);
  add_share_from (builder, booking.share_from);
  return succeed (builder, status);
}

/* Takes over the slips a station printed while cut off. They are honoured as printed: the
 * citizen holds the paper. A slip already known (a retry, or a booking whose answer was lost
 * and that the station then made from its share) is moved to the slip's place. */
static gboolean
take_slips (const PdSqliteConnection  *conn,
            const char                *office_code,
            GPtrArray                 *slips,
            gboolean                  *conflict,
            GError                   **error)
{
  g_autoptr(PdSqliteStatement) taken =
    pd_sqlite_conn_prepare (conn, "SELECT 1 FROM queue_appointments"
                                  " WHERE office = ? AND reference = ? AND id != ?", error);

  if (taken == NULL)
    return FALSE;
  for (guint i = 0; i < slips->len; i++)
    {
      const PdAppointment *slip = slips->pdata[i];
      int rc;

      sqlite3_reset (taken);
      pd_sqlite_bind_text (taken, 1, office_code);
      pd_sqlite_bind_text (taken, 2, slip->reference);
      pd_sqlite_bind_text (taken, 3, slip->id);
      rc = sqlite3_step (taken);
      if (rc == SQLITE_ROW)
        {
          *conflict = TRUE;
          return FALSE;
        }
      if (!pd_sqlite_conn_check_done (conn, rc, error))
        return FALSE;
      if (!insert_appointment (conn, office_code, slip, error))
        return FALSE;
    }
  return TRUE;
}

static JsonNode *
handle_slips (PdCentralQueue *self,
              const char     *office_code,
              JsonObject     *object,
              guint          *status)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) slips = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_appointment_free);
  g_autoptr(JsonBuilder) builder = NULL;
  g_autofree char *share_from = NULL;
  const PdSqliteConnection *conn = pd_central_db_get_connection (self->db);
  const char *station = string_member (object, "station");
  JsonNode *member = json_object_get_member (object, "appointments");
  JsonArray *array;
  gboolean conflict = FALSE;

  if (json_object_get_size (object) != 2 || !pd_queue_is_letter (station) || member == NULL ||
      !JSON_NODE_HOLDS_ARRAY (member) ||
      json_array_get_length (array = json_node_get_array (member)) > PD_CENTRAL_QUEUE_MAX_SLIPS)
    return fail (status, 400, "bad_request",
                 _("A push of slips is {\"station\", \"appointments\": [0 to 100 appointments]}. Update Passdesk."));
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      PdAppointment *slip = pd_appointment_from_json (json_array_get_element (array, i), &error);

      if (slip == NULL)
        return fail (status, 422, "bad_request", error->message);
      g_ptr_array_add (slips, slip);
      if (!g_str_equal (slip->station, station))
        return fail (status, 422, "bad_request",
                     _("A station pushes only the slips it printed itself. Update Passdesk."));
    }

  if (!begin (self, &error) ||
      !join (conn, office_code, station, &share_from, &error) ||
      !take_slips (conn, office_code, slips, &conflict, &error) ||
      !pd_central_db_commit (self->db, &error))
    {
      pd_central_db_rollback (self->db);
      if (conflict)
        return fail (status, 409, "conflict",
                     _("Two appointments of this station have the same reference. Give each station at the entrance its own letter."));
      return fail_db (status, error);
    }

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "appointments");
  json_builder_begin_array (builder);
  for (guint i = 0; i < slips->len; i++)
    json_builder_add_value (builder, pd_appointment_to_json (slips->pdata[i]));
  json_builder_end_array (builder);
  add_share_from (builder, share_from);
  return succeed (builder, status);
}

static JsonNode *
pull_appointments (PdCentralQueue *self,
                   const char     *office_code,
                   gint64          after,
                   guint           limit,
                   guint          *status)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PdSqliteStatement) stmt = NULL;
  JsonNode *page;

  if (!check_ready (self, &error))
    return fail_db (status, error);
  stmt = pd_sqlite_conn_prepare (pd_central_db_get_connection (self->db),
                                 "SELECT " APPOINTMENT_COLUMNS " FROM queue_appointments"
                                 " WHERE office = ? AND seq > ? ORDER BY seq LIMIT ?", &error);
  if (stmt == NULL)
    return fail_db (status, error);
  pd_sqlite_bind_text (stmt, 1, office_code);
  sqlite3_bind_int64 (stmt, 2, after);
  sqlite3_bind_int (stmt, 3, limit + 1);
  page = pd_central_sql_read_page (stmt, "appointments", after, limit, add_appointment, &error);
  if (page == NULL)
    return fail_db (status, error);
  *status = 200;
  return page;
}

typedef JsonNode *(*PostFunc) (PdCentralQueue *self,
                               const char     *office_code,
                               JsonObject     *object,
                               guint          *status);

JsonNode *
pd_central_queue_handle (PdCentralQueue      *self,
                         PdCentralQueueRoute  route,
                         const char          *office_code,
                         const char          *query,
                         const guint8        *body,
                         gsize                length,
                         guint               *status)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = NULL;
  PostFunc post;
  gint64 after;
  guint limit;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (office_code != NULL, NULL);

  /* Read here for every route, so that each answers a malformed query or body alike. */
  switch (route)
    {
    case PD_CENTRAL_QUEUE_PULL:
    case PD_CENTRAL_QUEUE_APPOINTMENTS:
      if (!pd_central_page_parse (query, &after, &limit, &error))
        return fail_request (status, error);
      if (route == PD_CENTRAL_QUEUE_PULL)
        return pull (self, office_code, after, limit, status);
      return pull_appointments (self, office_code, after, limit, status);
    case PD_CENTRAL_QUEUE_PUSH:
      post = push;
      break;
    case PD_CENTRAL_QUEUE_CALL:
      post = call;
      break;
    case PD_CENTRAL_QUEUE_BOOKINGS:
      post = handle_booking;
      break;
    case PD_CENTRAL_QUEUE_SLIPS:
      post = handle_slips;
      break;
    default:
      g_return_val_if_reached (NULL);
    }
  if ((object = pd_central_parse_object ((const char *) body, length, &error)) == NULL)
    return fail_request (status, error);
  return post (self, office_code, object, status);
}
