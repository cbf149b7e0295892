/* pd-queue-rows.c: the queue's tickets and appointments in the store: reading and writing
 * their rows over the store's connection, with the queue's own wording of a failure. */
#define G_LOG_DOMAIN "passdesk-queue"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "pd-queue-internal.h"

/* The queue's wording of a failure of the store's connection, which it borrows. */
static void
queue_set_error (sqlite3   *db,
                 int        rc,
                 gpointer   user_data,
                 GError   **error)
{
  g_set_error (error, PD_STORE_ERROR,
               rc == SQLITE_BUSY || rc == SQLITE_LOCKED ? PD_STORE_ERROR_LOCKED
               : pd_sqlite_disk_is_full (db, rc) ? PD_STORE_ERROR_FULL : PD_STORE_ERROR_IO,
               _("The queue could not be read or saved (%s). Check the disk and restart Passdesk."),
               sqlite3_errmsg (db));
}

PdSqliteConnection
_pd_queue_connection (sqlite3 *db)
{
  return (PdSqliteConnection) { db, queue_set_error, NULL };
}

PdTicket *
_pd_queue_ticket_from_row (sqlite3_stmt *stmt)
{
  PdTicket *ticket = g_new0 (PdTicket, 1);

  ticket->id = pd_sqlite_column_dup (stmt, 0);
  ticket->label = pd_sqlite_column_dup (stmt, 1);
  ticket->day = pd_sqlite_column_dup (stmt, 2);
  ticket->service = pd_sqlite_column_dup (stmt, 3);
  ticket->station = pd_sqlite_column_dup (stmt, 4);
  ticket->number = sqlite3_column_int (stmt, 5);
  ticket->issued_at = sqlite3_column_int64 (stmt, 6);
  if (!pd_ticket_state_from_string ((const char *) sqlite3_column_text (stmt, 7), &ticket->state))
    ticket->state = PD_TICKET_WAITING;
  ticket->counter = pd_sqlite_column_dup (stmt, 8);
  ticket->called_at = sqlite3_column_int64 (stmt, 9);
  ticket->updated_at = sqlite3_column_int64 (stmt, 10);
  return ticket;
}

static PdAppointment *
appointment_from_row (sqlite3_stmt *stmt)
{
  PdAppointment *appointment = g_new0 (PdAppointment, 1);

  appointment->id = pd_sqlite_column_dup (stmt, 0);
  appointment->reference = pd_sqlite_column_dup (stmt, 1);
  appointment->service = pd_sqlite_column_dup (stmt, 2);
  appointment->date = pd_sqlite_column_dup (stmt, 3);
  appointment->from_time = pd_sqlite_column_dup (stmt, 4);
  appointment->to_time = pd_sqlite_column_dup (stmt, 5);
  appointment->issued_at = sqlite3_column_int64 (stmt, 6);
  appointment->station = pd_sqlite_column_dup (stmt, 7);
  appointment->reserved = sqlite3_column_int (stmt, 8);
  appointment->offline = sqlite3_column_int (stmt, 9);
  return appointment;
}

typedef enum {
  TICKETS,       /* SELECT TICKET_COLUMNS */
  APPOINTMENTS,  /* SELECT APPOINTMENT_COLUMNS */
} Rows;

/* A list of one SELECT with one parameter: @text, or @limit when @text is NULL. */
typedef struct {
  Rows        rows;
  const char *sql;
  const char *text;
  guint       limit;
  GPtrArray  *list;
} Select;

static gboolean
select_in_db (sqlite3   *db,
              gpointer   user_data,
              GError   **error)
{
  PdSqliteConnection conn = _pd_queue_connection (db);
  Select *select = user_data;
  g_autoptr(PdSqliteStatement) stmt = pd_sqlite_conn_prepare (&conn, select->sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  if (select->text)
    pd_sqlite_bind_text (stmt, 1, select->text);
  else
    sqlite3_bind_int (stmt, 1, select->limit);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (select->list, select->rows == TICKETS ? (gpointer) _pd_queue_ticket_from_row (stmt)
                                                          : (gpointer) appointment_from_row (stmt));
  return pd_sqlite_conn_check_done (&conn, rc, error);
}

/* (element-type PdTicket or PdAppointment, as @rows says) */
static GPtrArray *
select_rows (PdStore     *store,
             Rows         rows,
             const char  *sql,
             const char  *text,
             guint        limit,
             GError     **error)
{
  g_autoptr(GPtrArray) list =
    g_ptr_array_new_with_free_func (rows == TICKETS ? (GDestroyNotify) pd_ticket_free
                                                    : (GDestroyNotify) pd_appointment_free);
  Select select = { rows, sql, text, limit, list };

  if (!pd_store_run_sql (store, select_in_db, &select, error))
    return NULL;
  return g_steal_pointer (&list);
}

gboolean
_pd_queue_write_ticket (const PdSqliteConnection  *conn,
                        const PdTicket            *ticket,
                        gboolean                   dirty,
                        GError                   **error)
{
  g_autoptr(PdSqliteStatement) stmt =
    pd_sqlite_conn_prepare (conn, "INSERT OR REPLACE INTO queue_tickets (" TICKET_COLUMNS ", dirty)"
                                  " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", error);

  if (stmt == NULL)
    return FALSE;
  pd_sqlite_bind_text (stmt, 1, ticket->id);
  pd_sqlite_bind_text (stmt, 2, ticket->label);
  pd_sqlite_bind_text (stmt, 3, ticket->day);
  pd_sqlite_bind_text (stmt, 4, ticket->service);
  pd_sqlite_bind_text (stmt, 5, ticket->station);
  sqlite3_bind_int (stmt, 6, ticket->number);
  sqlite3_bind_int64 (stmt, 7, ticket->issued_at);
  pd_sqlite_bind_text (stmt, 8, pd_ticket_state_to_string (ticket->state));
  pd_sqlite_bind_text (stmt, 9, ticket->counter);
  sqlite3_bind_int64 (stmt, 10, ticket->called_at);
  sqlite3_bind_int64 (stmt, 11, ticket->updated_at);
  sqlite3_bind_int (stmt, 12, dirty);
  return pd_sqlite_conn_step (conn, stmt, error);
}

/* Looks a ticket up by id, or by label among those of @day. */
gboolean
_pd_queue_read_ticket (const PdSqliteConnection  *conn,
                       const char                *id_or_label,
                       const char                *day,
                       PdTicket                 **ticket,
                       GError                   **error)
{
  g_autoptr(PdSqliteStatement) stmt =
    pd_sqlite_conn_prepare (conn, "SELECT " TICKET_COLUMNS " FROM queue_tickets"
                                  " WHERE id = ?1 OR (label = ?1 AND day = ?2) ORDER BY updated_at DESC LIMIT 1", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  pd_sqlite_bind_text (stmt, 1, id_or_label);
  pd_sqlite_bind_text (stmt, 2, day);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *ticket = _pd_queue_ticket_from_row (stmt);
      return TRUE;
    }
  return pd_sqlite_conn_check_done (conn, rc, error);
}

/* The first column of @sql's one row with @a, @b and the nullable @c and @d bound in order,
 * or -1. */
gint64
_pd_queue_count (const PdSqliteConnection  *conn,
                 const char                *sql,
                 const char                *a,
                 const char                *b,
                 const char                *c,
                 const char                *d,
                 GError                   **error)
{
  g_autoptr(PdSqliteStatement) stmt = pd_sqlite_conn_prepare (conn, sql, error);
  gint64 value;

  if (stmt == NULL)
    return -1;
  pd_sqlite_bind_text (stmt, 1, a);
  pd_sqlite_bind_text (stmt, 2, b);
  if (c)
    pd_sqlite_bind_text (stmt, 3, c);
  if (d)
    pd_sqlite_bind_text (stmt, 4, d);
  return pd_sqlite_conn_step_int64 (conn, stmt, &value, error) ? value : -1;
}

GPtrArray *
_pd_queue_select_tickets (PdStore     *store,
                          const char  *sql,
                          const char  *text,
                          guint        limit,
                          GError     **error)
{
  return select_rows (store, TICKETS, sql, text, limit, error);
}

GPtrArray *
_pd_queue_select_appointments (PdStore     *store,
                               const char  *sql,
                               const char  *text,
                               guint        limit,
                               GError     **error)
{
  return select_rows (store, APPOINTMENTS, sql, text, limit, error);
}

gboolean
_pd_queue_insert_appointment (const PdSqliteConnection  *conn,
                              const PdAppointment       *appointment,
                              gboolean                   confirmed,
                              GError                   **error)
{
  g_autoptr(PdSqliteStatement) old =
    pd_sqlite_conn_prepare (conn, "DELETE FROM queue_appointments WHERE id = ?", error);
  g_autoptr(PdSqliteStatement) stmt = NULL;
  g_autoptr(PdSqliteStatement) booking = NULL;

  if (old == NULL)
    return FALSE;
  pd_sqlite_bind_text (old, 1, appointment->id);
  if (!pd_sqlite_conn_step (conn, old, error))
    return FALSE;
  /* Not OR REPLACE: another booking with the same reference (two stations with one letter)
   * fails the change rather than quietly losing a slip the citizen holds. */
  stmt = pd_sqlite_conn_prepare (conn, "INSERT INTO queue_appointments"
                                       " (id, reference, service, date, from_time, to_time, issued_at)"
                                       " VALUES (?, ?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  pd_sqlite_bind_text (stmt, 1, appointment->id);
  pd_sqlite_bind_text (stmt, 2, appointment->reference);
  pd_sqlite_bind_text (stmt, 3, appointment->service);
  pd_sqlite_bind_text (stmt, 4, appointment->date);
  pd_sqlite_bind_text (stmt, 5, appointment->from_time);
  pd_sqlite_bind_text (stmt, 6, appointment->to_time);
  sqlite3_bind_int64 (stmt, 7, appointment->issued_at);
  if (!pd_sqlite_conn_step (conn, stmt, error))
    return FALSE;

  booking = pd_sqlite_conn_prepare (conn, "INSERT OR REPLACE INTO queue_bookings (id, station, reserved, confirmed)"
                                          " VALUES (?, ?, ?, ?)", error);
  if (booking == NULL)
    return FALSE;
  pd_sqlite_bind_text (booking, 1, appointment->id);
  pd_sqlite_bind_text (booking, 2, appointment->station);
  sqlite3_bind_int (booking, 3, appointment->reserved);
  sqlite3_bind_int (booking, 4, confirmed);
  return pd_sqlite_conn_step (conn, booking, error);
}
