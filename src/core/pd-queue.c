/* pd-queue.c: tickets, calls and appointment slips at the entrance. */
#define G_LOG_DOMAIN "passdesk-queue"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "pd-date.h"
#include "pd-queue.h"
#include "pd-queue-internal.h"

static const struct {
  const char *code;
  const char *name;
  guint       capacity;
} default_services[] = {
  { "P", N_("Passport application"), 150 },
  { "R", N_("Result pickup"), 200 },
  { "I", N_("Information and forms"), 100 },
};

struct _PdQueue
{
  GObject         parent_instance;

  PdStore        *store;
  PdCalendar     *calendar;
  GDateTime      *time;       /* nullable: the real clock */
  PdQueueService  services[G_N_ELEMENTS (default_services)];
};

G_DEFINE_FINAL_TYPE (PdQueue, pd_queue, G_TYPE_OBJECT)

enum {
  CHANGED,
  TICKET_CALLED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Clock ---------------------------------------------------------------------------------- */

GDateTime *
pd_queue_dup_time (PdQueue *self)
{
  g_return_val_if_fail (PD_IS_QUEUE (self), NULL);

  return self->time ? g_date_time_ref (self->time) : g_date_time_new_now_local ();
}

void
pd_queue_set_time (PdQueue   *self,
                   GDateTime *time)
{
  g_return_if_fail (PD_IS_QUEUE (self));

  g_clear_pointer (&self->time, g_date_time_unref);
  if (time)
    self->time = g_date_time_ref (time);
}

/* Milliseconds, strictly after @previous so that every change of a ticket wins over the one
 * before it, even with a clock set back or frozen. */
static gint64
change_time (GDateTime *now,
             gint64     previous)
{
  gint64 ms = g_date_time_to_unix (now) * 1000 + g_date_time_get_microsecond (now) / 1000;

  return MAX (ms, previous + 1);
}

/* Services ------------------------------------------------------------------------------- */

guint
pd_queue_get_n_services (PdQueue *self)
{
  g_return_val_if_fail (PD_IS_QUEUE (self), 0);
  return G_N_ELEMENTS (self->services);
}

const PdQueueService *
pd_queue_get_service (PdQueue *self,
                      guint    index)
{
  g_return_val_if_fail (PD_IS_QUEUE (self), NULL);
  g_return_val_if_fail (index < G_N_ELEMENTS (self->services), NULL);
  return &self->services[index];
}

const PdQueueService *
pd_queue_lookup_service (PdQueue    *self,
                         const char *code)
{
  g_return_val_if_fail (PD_IS_QUEUE (self), NULL);

  for (guint i = 0; code && i < G_N_ELEMENTS (self->services); i++)
    if (g_str_equal (self->services[i].code, code))
      return &self->services[i];
  return NULL;
}

static const PdQueueService *
require_service (PdQueue     *self,
                 const char  *code,
                 GError     **error)
{
  const PdQueueService *service = pd_queue_lookup_service (self, code);

  if (service == NULL)
    g_set_error (error, PD_QUEUE_ERROR, PD_QUEUE_ERROR_UNKNOWN_SERVICE,
                 _("“%s” is not a service of the queue. Choose P, R or I."), code ? code : "");
  return service;
}

gboolean
pd_queue_set_capacity (PdQueue     *self,
                       const char  *service,
                       guint        capacity,
                       GError     **error)
{
  const PdQueueService *found;
  g_autofree char *key = NULL;
  g_autofree char *value = NULL;

  g_return_val_if_fail (PD_IS_QUEUE (self), FALSE);

  if ((found = require_service (self, service, error)) == NULL)
    return FALSE;
  if (capacity > 9999)
    {
      g_set_error (error, PD_QUEUE_ERROR, PD_QUEUE_ERROR_INVALID,
                   _("A service can take at most 9999 tickets a day. Give a smaller number."));
      return FALSE;
    }
  key = g_strconcat (PD_QUEUE_SETTING_CAPACITY, service, NULL);
  value = g_strdup_printf ("%u", capacity);
  if (!pd_store_set_setting (self->store, key, value, error))
    return FALSE;
  self->services[found - self->services].capacity = capacity;
  return TRUE;
}

/* Station -------------------------------------------------------------------------------- */

char *
pd_queue_dup_station (PdQueue *self)
{
  g_return_val_if_fail (PD_IS_QUEUE (self), NULL);
  return pd_store_get_setting (self->store, PD_QUEUE_SETTING_STATION);
}

gboolean
pd_queue_set_station (PdQueue     *self,
                      const char  *letter,
                      GError     **error)
{
  g_return_val_if_fail (PD_IS_QUEUE (self), FALSE);

  if (!pd_queue_is_letter (letter))
    {
      g_set_error (error, PD_QUEUE_ERROR, PD_QUEUE_ERROR_INVALID,
                   _("A station’s ticket letter is one capital letter, A to Z, different on each station."));
      return FALSE;
    }
  return pd_store_set_setting (self->store, PD_QUEUE_SETTING_STATION, letter, error);
}

/* Issuing -------------------------------------------------------------------------------- */

typedef struct {
  PdQueue              *self;
  const PdQueueService *service;
  const char           *station;
  GDateTime            *now;
  gboolean              book;         /* when the day is full: book on this station */
  gboolean              booking_only; /* the day was found full already */
  const char           *id;           /* nullable: the booking's id when already drawn */
  const char           *share_from;   /* nullable: no share */
  gboolean              joined;       /* the office's server knows this station */
  gboolean              need_share;   /* refuse to book without a share, even alone */
  PdTicket             *ticket;
  PdAppointment        *appointment;
} Issue;

static gboolean
is_working_day (PdQueue     *self,
                const GDate *date)
{
  GDateWeekday weekday;

  if (self->calendar)
    return pd_calendar_is_working_day (self->calendar, date);
  weekday = g_date_get_weekday (date);
  return weekday != G_DATE_SATURDAY && weekday != G_DATE_SUNDAY;
}

static GStrv
booking_days (PdQueue   *self,
              GDateTime *now)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  GDate date;
  guint days = 0;

  pd_date_set_from_date_time (&date, now);
  while (days < PD_QUEUE_LOOKAHEAD)
    {
      char iso[16];

      g_date_add_days (&date, 1);
      if (!is_working_day (self, &date))
        continue;
      days++;
      g_date_strftime (iso, sizeof iso, "%Y-%m-%d", &date);
      g_strv_builder_add (builder, iso);
    }
  return g_strv_builder_end (builder);
}

GStrv
pd_queue_dup_booking_days (PdQueue *self)
{
  g_autoptr(GDateTime) now = NULL;

  g_return_val_if_fail (PD_IS_QUEUE (self), NULL);

  now = pd_queue_dup_time (self);
  return booking_days (self, now);
}

/* Whether this station may book the slot. With a share, only its own held-back place(s)
 * count: the server never gives them to anyone else, so they are free whatever the other
 * stations booked since. Without one, the slot's places as far as this station knows. */
static gint64
slot_is_free (Issue                     *issue,
              const PdSqliteConnection  *conn,
              const char                *iso,
              const char                *from,
              GError                   **error)
{
  gint64 taken;

  if (issue->share_from == NULL)
    {
      taken = _pd_queue_count (conn, "SELECT count(*) FROM queue_appointments"
                               " WHERE date = ? AND service = ? AND from_time = ?",
                               iso, issue->service->code, from, NULL, error);
      return taken < 0 ? -1 : taken < PD_QUEUE_SLOT_SIZE;
    }
  taken = _pd_queue_count (conn, "SELECT count(*) FROM queue_appointments JOIN queue_bookings USING (id)"
                           " WHERE date = ? AND service = ? AND from_time = ? AND station = ? AND reserved",
                           iso, issue->service->code, from, issue->station, error);
  return taken < 0 ? -1 : taken < PD_QUEUE_SHARE;
}

static gboolean
find_slot (Issue                     *issue,
           const PdSqliteConnection  *conn,
           GError                   **error)
{
  g_auto(GStrv) days = booking_days (issue->self, issue->now);

  if ((issue->need_share || issue->joined) && issue->share_from == NULL)
    {
      g_set_error (error, PD_QUEUE_ERROR, PD_QUEUE_ERROR_NO_SHARE,
                   _("The office’s server cannot be reached, and this station has no share of the appointment slots yet. "
                     "Reconnect the station to the office network, or book the appointment at another station."));
      return FALSE;
    }
  for (guint d = 0; days[d]; d++)
    {
      const char *iso = days[d];
      GDate date;

      if (issue->share_from && strcmp (iso, issue->share_from) < 0)
        continue;
      g_date_clear (&date, 1);
      pd_queue_parse_day (iso, &date);
      for (guint s = 0; s < pd_queue_get_n_slots (); s++)
        {
          g_autofree char *prefix = NULL;
          const char *from;
          const char *to;
          gint64 free_place;
          gint64 last;

          pd_queue_get_slot (s, &from, &to);
          free_place = slot_is_free (issue, conn, iso, from, error);
          if (free_place < 0)
            return FALSE;
          if (!free_place)
            continue;

          /* After the greatest number, not the count: a booking the server moved leaves a gap. */
          prefix = pd_appointment_dup_reference_prefix (issue->station, issue->service->code, &date);
          last = _pd_queue_count (conn, "SELECT coalesce (max (CAST (substr (reference, length (?2) + 1) AS INTEGER)), 0)"
                                  " FROM queue_appointments WHERE date = ?1 AND substr (reference, 1, length (?2)) = ?2",
                                  iso, prefix, NULL, NULL, error);
          if (last < 0)
            return FALSE;

          issue->appointment = pd_appointment_new (issue->id, issue->station, issue->service->code, iso, s,
                                                   last + 1, g_date_time_to_unix (issue->now),
                                                   issue->share_from != NULL);
          issue->appointment->offline = TRUE;
          return _pd_queue_insert_appointment (conn, issue->appointment, FALSE, error);
        }
    }
  g_set_error (error, PD_QUEUE_ERROR, PD_QUEUE_ERROR_NO_SLOT,
               issue->share_from
                 ? _("This station’s share of the appointment slots of the next %u working days is used up while the office’s server cannot be reached. "
                     "Reconnect the station, or ask the applicant to come back another day.")
                 : _("Every appointment slot of the next %u working days is taken. Ask the applicant to come back another week."),
               PD_QUEUE_LOOKAHEAD);
  return FALSE;
}

static gboolean
issue_in_db (sqlite3   *db,
             gpointer   user_data,
             GError   **error)
{
  PdSqliteConnection conn = _pd_queue_connection (db);
  Issue *issue = user_data;
  g_autofree char *day = g_date_time_format (issue->now, "%F");
  gint64 issued;
  gint64 last;
  PdTicket *ticket;

  if (issue->booking_only)
    return find_slot (issue, &conn, error);
  issued = _pd_queue_count (&conn, "SELECT count(*) FROM queue_tickets WHERE day = ? AND service = ?",
                            day, issue->service->code, NULL, NULL, error);
  if (issued < 0)
    return FALSE;
  if (issued >= issue->service->capacity)
    return issue->book ? find_slot (issue, &conn, error) : TRUE;

  last = _pd_queue_count (&conn, "SELECT coalesce (max (number), 0) FROM queue_tickets"
                          " WHERE day = ? AND service = ? AND station = ?",
                          day, issue->service->code, issue->station, NULL, error);
  if (last < 0)
    return FALSE;
  if (last >= 999)
    {
      g_set_error (error, PD_QUEUE_ERROR, PD_QUEUE_ERROR_INVALID,
                   _("This station issued 999 tickets of this service today. Issue them from another station."));
      return FALSE;
    }

  ticket = issue->ticket = g_new0 (PdTicket, 1);
  ticket->id = g_uuid_string_random ();
  ticket->day = g_steal_pointer (&day);
  ticket->service = g_strdup (issue->service->code);
  ticket->station = g_strdup (issue->station);
  ticket->number = last + 1;
  ticket->label = g_strdup_printf ("%s%s-%03u", ticket->station, ticket->service, ticket->number);
  ticket->issued_at = g_date_time_to_unix (issue->now);
  ticket->state = PD_TICKET_WAITING;
  ticket->updated_at = change_time (issue->now, 0);
  return _pd_queue_write_ticket (&conn, ticket, TRUE, error);
}

/* Fills @issue's station, clock and share, then issues in one transaction. */
static gboolean
run_issue (PdQueue     *self,
           Issue       *issue,
           const char  *service,
           GError     **error)
{
  g_autofree char *station = NULL;
  g_autofree char *share_from = NULL;
  g_autoptr(GDateTime) now = NULL;

  if ((issue->service = require_service (self, service, error)) == NULL)
    return FALSE;
  station = pd_queue_dup_station (self);
  if (station == NULL)
    {
      g_set_error (error, PD_QUEUE_ERROR, PD_QUEUE_ERROR_NO_STATION,
                   _("This station has no ticket letter. Give each station at the entrance its own letter in the preferences (or “passdesk-cli queue station LETTER”)."));
      return FALSE;
    }
  issue->station = station;
  share_from = pd_store_get_setting (self->store, PD_QUEUE_SETTING_SHARE_FROM);
  /* Empty: the server has no share left for this station. Unset: it never met a server. */
  issue->joined = share_from != NULL;
  issue->share_from = share_from && *share_from ? share_from : NULL;
  issue->now = now = pd_queue_dup_time (self);
  if (!pd_store_run_sql (self->store, issue_in_db, issue, error))
    {
      g_clear_pointer (&issue->ticket, pd_ticket_free);
      g_clear_pointer (&issue->appointment, pd_appointment_free);
      return FALSE;
    }
  if (issue->ticket || issue->appointment)
    g_signal_emit (self, signals[CHANGED], 0);
  return TRUE;
}

gboolean
pd_queue_issue (PdQueue        *self,
                const char     *service,
                PdTicket      **ticket,
                PdAppointment **appointment,
                GError        **error)
{
  Issue issue = { self, .book = TRUE };

  g_return_val_if_fail (PD_IS_QUEUE (self), FALSE);
  g_return_val_if_fail (ticket != NULL && appointment != NULL, FALSE);

  *ticket = NULL;
  *appointment = NULL;
  if (!run_issue (self, &issue, service, error))
    return FALSE;
  *ticket = issue.ticket;
  *appointment = issue.appointment;
  return TRUE;
}

gboolean
pd_queue_issue_ticket (PdQueue     *self,
                       const char  *service,
                       PdTicket   **ticket,
                       GError     **error)
{
  Issue issue = { self, .book = FALSE };

  g_return_val_if_fail (PD_IS_QUEUE (self), FALSE);
  g_return_val_if_fail (ticket != NULL, FALSE);

  *ticket = NULL;
  if (!run_issue (self, &issue, service, error))
    return FALSE;
  *ticket = issue.ticket;
  return TRUE;
}

PdAppointment *
pd_queue_book_offline (PdQueue     *self,
                       const char  *service,
                       const char  *id,
                       GError     **error)
{
  Issue issue = { self, .book = TRUE, .booking_only = TRUE, .id = id, .need_share = TRUE };

  g_return_val_if_fail (PD_IS_QUEUE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  if (!run_issue (self, &issue, service, error))
    return NULL;
  return issue.appointment;
}

/* Reading -------------------------------------------------------------------------------- */

static char *
dup_today (PdQueue *self)
{
  g_autoptr(GDateTime) now = pd_queue_dup_time (self);

  return g_date_time_format (now, "%F");
}

GPtrArray *
pd_queue_list (PdQueue     *self,
               const char  *day,
               gboolean     waiting_only,
               GError     **error)
{
  g_autofree char *today = NULL;

  g_return_val_if_fail (PD_IS_QUEUE (self), NULL);

  if (day == NULL)
    day = today = dup_today (self);
  return _pd_queue_select_tickets (self->store,
                                   waiting_only
                                     ? "SELECT " TICKET_COLUMNS " FROM queue_tickets WHERE day = ? AND state = 'waiting'"
                                       " ORDER BY issued_at, updated_at, label"
                                     : "SELECT " TICKET_COLUMNS " FROM queue_tickets WHERE day = ?"
                                       " ORDER BY issued_at, updated_at, label",
                                   day, 0, error);
}

GPtrArray *
pd_queue_list_appointments (PdQueue     *self,
                            const char  *date,
                            GError     **error)
{
  g_return_val_if_fail (PD_IS_QUEUE (self), NULL);
  g_return_val_if_fail (date != NULL, NULL);

  return _pd_queue_select_appointments (self->store,
                                        "SELECT " APPOINTMENT_COLUMNS " FROM queue_appointments a LEFT JOIN queue_bookings b USING (id)"
                                        " WHERE date = ? ORDER BY from_time, service, reference",
                                        date, 0, error);
}

GPtrArray *
pd_queue_list_offline_appointments (PdQueue  *self,
                                    guint     limit,
                                    GError  **error)
{
  g_return_val_if_fail (PD_IS_QUEUE (self), NULL);
  g_return_val_if_fail (limit > 0, NULL);

  return _pd_queue_select_appointments (self->store,
                                        "SELECT " APPOINTMENT_COLUMNS " FROM queue_appointments a JOIN queue_bookings b USING (id)"
                                        " WHERE NOT b.confirmed ORDER BY issued_at, a.rowid LIMIT ?",
                                        NULL, limit, error);
}

typedef struct {
  GPtrArray *appointments;
  gboolean   keep_offline;
  guint      changed;
} Take;

static gboolean
take_in_db (sqlite3   *db,
            gpointer   user_data,
            GError   **error)
{
  PdSqliteConnection conn = _pd_queue_connection (db);
  Take *take = user_data;
  g_autoptr(PdSqliteStatement) local =
    pd_sqlite_conn_prepare (&conn, "SELECT reference, date, from_time, coalesce (b.confirmed, 0), coalesce (b.reserved, 0)"
                                   " FROM queue_appointments a LEFT JOIN queue_bookings b USING (id) WHERE a.id = ?", error);

  if (local == NULL)
    return FALSE;
  for (guint i = 0; i < take->appointments->len; i++)
    {
      const PdAppointment *appointment = g_ptr_array_index (take->appointments, i);
      int rc;

      sqlite3_reset (local);
      pd_sqlite_bind_text (local, 1, appointment->id);
      rc = sqlite3_step (local);
      if (rc == SQLITE_ROW)
        {
          gboolean confirmed = sqlite3_column_int (local, 3);

          if (!confirmed && take->keep_offline)
            continue;
          if (confirmed &&
              g_strcmp0 ((const char *) sqlite3_column_text (local, 0), appointment->reference) == 0 &&
              g_strcmp0 ((const char *) sqlite3_column_text (local, 1), appointment->date) == 0 &&
              g_strcmp0 ((const char *) sqlite3_column_text (local, 2), appointment->from_time) == 0 &&
              sqlite3_column_int (local, 4) == appointment->reserved)
            continue;
        }
      else if (!pd_sqlite_conn_check_done (&conn, rc, error))
        return FALSE;
      sqlite3_reset (local);
      if (!_pd_queue_insert_appointment (&conn, appointment, TRUE, error))
        return FALSE;
      take->changed++;
    }
  return TRUE;
}

gboolean
pd_queue_take_appointments (PdQueue    *self,
                            GPtrArray  *appointments,
                            gboolean    keep_offline,
                            guint      *n_changed,
                            GError    **error)
{
  Take take = { appointments, keep_offline, 0 };

  g_return_val_if_fail (PD_IS_QUEUE (self), FALSE);

  if (n_changed)
    *n_changed = 0;
  if (!pd_store_run_sql (self->store, take_in_db, &take, error))
    return FALSE;
  if (n_changed)
    *n_changed = take.changed;
  if (take.changed > 0)
    g_signal_emit (self, signals[CHANGED], 0);
  return TRUE;
}

typedef struct {
  const char *id_or_label;
  const char *day;
  PdTicket   *ticket;
} Lookup;

static gboolean
lookup_in_db (sqlite3   *db,
              gpointer   user_data,
              GError   **error)
{
  PdSqliteConnection conn = _pd_queue_connection (db);
  Lookup *lookup = user_data;

  return _pd_queue_read_ticket (&conn, lookup->id_or_label, lookup->day, &lookup->ticket, error);
}

static gboolean
not_found (const char  *id_or_label,
           GError     **error)
{
  g_set_error (error, PD_QUEUE_ERROR, PD_QUEUE_ERROR_NOT_FOUND,
               _("There is no ticket “%s” today. Check the number on the ticket."), id_or_label);
  return FALSE;
}

PdTicket *
pd_queue_lookup (PdQueue     *self,
                 const char  *id_or_label,
                 GError     **error)
{
  g_autofree char *today = NULL;
  Lookup lookup = { id_or_label };

  g_return_val_if_fail (PD_IS_QUEUE (self), NULL);
  g_return_val_if_fail (id_or_label != NULL, NULL);

  lookup.day = today = dup_today (self);
  if (!pd_store_run_sql (self->store, lookup_in_db, &lookup, error))
    return NULL;
  if (lookup.ticket == NULL)
    not_found (id_or_label, error);
  return lookup.ticket;
}

/* Calling -------------------------------------------------------------------------------- */

typedef struct {
  const char    *id_or_label;   /* NULL: the next one waiting */
  const char    *service;       /* nullable */
  const char    *day;
  const char    *counter;
  PdTicketState  state;
  GDateTime     *now;
  PdTicket      *ticket;
} Change;

static gboolean
change_in_db (sqlite3   *db,
              gpointer   user_data,
              GError   **error)
{
  PdSqliteConnection conn = _pd_queue_connection (db);
  Change *change = user_data;
  PdTicket *ticket;

  if (change->id_or_label)
    {
      if (!_pd_queue_read_ticket (&conn, change->id_or_label, change->day, &change->ticket, error))
        return FALSE;
      if (change->ticket == NULL)
        return not_found (change->id_or_label, error);
    }
  else
    {
      g_autoptr(PdSqliteStatement) stmt =
        pd_sqlite_conn_prepare (&conn, "SELECT " TICKET_COLUMNS " FROM queue_tickets"
                                       " WHERE day = ?1 AND state = 'waiting' AND (?2 IS NULL OR service = ?2)"
                                       " ORDER BY issued_at, updated_at, label LIMIT 1", error);
      int rc;

      if (stmt == NULL)
        return FALSE;
      pd_sqlite_bind_text (stmt, 1, change->day);
      pd_sqlite_bind_text (stmt, 2, change->service);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_DONE)
        return TRUE;
      if (rc != SQLITE_ROW)
        {
          pd_sqlite_conn_set_error (&conn, rc, error);
          return FALSE;
        }
      change->ticket = _pd_queue_ticket_from_row (stmt);
    }

  ticket = change->ticket;
  ticket->state = change->state;
  if (change->state == PD_TICKET_CALLED)
    {
      g_free (ticket->counter);
      ticket->counter = g_strdup (change->counter);
      ticket->called_at = g_date_time_to_unix (change->now);
    }
  ticket->updated_at = change_time (change->now, ticket->updated_at);
  return _pd_queue_write_ticket (&conn, ticket, TRUE, error);
}

static PdTicket *
change (PdQueue   *self,
        Change    *change,
        GError   **error)
{
  g_autofree char *today = dup_today (self);
  g_autoptr(GDateTime) now = pd_queue_dup_time (self);

  if (change->state == PD_TICKET_CALLED &&
      (change->counter == NULL || *change->counter == '\0' ||
       strlen (change->counter) > PD_TICKET_MAX_COUNTER || !g_utf8_validate (change->counter, -1, NULL)))
    {
      g_set_error (error, PD_QUEUE_ERROR, PD_QUEUE_ERROR_INVALID,
                   _("Say which counter calls the ticket (at most 32 characters)."));
      return NULL;
    }
  change->day = today;
  change->now = now;
  if (!pd_store_run_sql (self->store, change_in_db, change, error))
    {
      g_clear_pointer (&change->ticket, pd_ticket_free);
      return NULL;
    }
  if (change->ticket == NULL)
    return NULL;
  if (change->state == PD_TICKET_CALLED)
    g_signal_emit (self, signals[TICKET_CALLED], 0, change->ticket);
  g_signal_emit (self, signals[CHANGED], 0);
  return change->ticket;
}

PdTicket *
pd_queue_call_next (PdQueue     *self,
                    const char  *counter,
                    const char  *service,
                    GError     **error)
{
  Change call = { NULL, service, NULL, counter, PD_TICKET_CALLED };

  g_return_val_if_fail (PD_IS_QUEUE (self), NULL);

  if (service && require_service (self, service, error) == NULL)
    return NULL;
  return change (self, &call, error);
}

PdTicket *
pd_queue_set_state (PdQueue        *self,
                    const char     *id_or_label,
                    PdTicketState   state,
                    const char     *counter,
                    GError        **error)
{
  Change set = { id_or_label, NULL, NULL, counter, state };

  g_return_val_if_fail (PD_IS_QUEUE (self), NULL);
  g_return_val_if_fail (id_or_label != NULL, NULL);

  if (state == PD_TICKET_WAITING || state > PD_TICKET_NO_SHOW)
    {
      g_set_error (error, PD_QUEUE_ERROR, PD_QUEUE_ERROR_INVALID,
                   _("A ticket cannot go back to waiting. Issue a new ticket instead."));
      return NULL;
    }
  return change (self, &set, error);
}

/* Sync ----------------------------------------------------------------------------------- */

GPtrArray *
pd_queue_list_dirty (PdQueue  *self,
                     guint     limit,
                     GError  **error)
{
  g_return_val_if_fail (PD_IS_QUEUE (self), NULL);
  g_return_val_if_fail (limit > 0, NULL);

  return _pd_queue_select_tickets (self->store,
                                   "SELECT " TICKET_COLUMNS " FROM queue_tickets WHERE dirty ORDER BY updated_at LIMIT ?",
                                   NULL, limit, error);
}

static gboolean
mark_pushed_in_db (sqlite3   *db,
                   gpointer   user_data,
                   GError   **error)
{
  PdSqliteConnection conn = _pd_queue_connection (db);
  GPtrArray *tickets = user_data;
  g_autoptr(PdSqliteStatement) stmt =
    pd_sqlite_conn_prepare (&conn, "UPDATE queue_tickets SET dirty = 0 WHERE id = ? AND updated_at = ?", error);

  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; i < tickets->len; i++)
    {
      const PdTicket *ticket = g_ptr_array_index (tickets, i);

      sqlite3_reset (stmt);
      pd_sqlite_bind_text (stmt, 1, ticket->id);
      sqlite3_bind_int64 (stmt, 2, ticket->updated_at);
      if (!pd_sqlite_conn_step (&conn, stmt, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
pd_queue_mark_pushed (PdQueue    *self,
                      GPtrArray  *tickets,
                      GError    **error)
{
  g_return_val_if_fail (PD_IS_QUEUE (self), FALSE);
  return pd_store_run_sql (self->store, mark_pushed_in_db, tickets, error);
}

typedef struct {
  GPtrArray *tickets;
  GPtrArray *called;    /* (element-type PdTicket): calls made elsewhere */
  guint      changed;
} Merge;

static gboolean
merge_in_db (sqlite3   *db,
             gpointer   user_data,
             GError   **error)
{
  PdSqliteConnection conn = _pd_queue_connection (db);
  Merge *merge = user_data;

  for (guint i = 0; i < merge->tickets->len; i++)
    {
      const PdTicket *ticket = g_ptr_array_index (merge->tickets, i);
      g_autoptr(PdTicket) local = NULL;

      if (!_pd_queue_read_ticket (&conn, ticket->id, "", &local, error))
        return FALSE;
      if (local && !pd_ticket_supersedes (ticket, local))
        continue;
      if (!_pd_queue_write_ticket (&conn, ticket, FALSE, error))
        return FALSE;
      merge->changed++;
      if (ticket->state == PD_TICKET_CALLED &&
          (local == NULL || local->state != PD_TICKET_CALLED || local->called_at != ticket->called_at))
        g_ptr_array_add (merge->called, pd_ticket_copy (ticket));
    }
  return TRUE;
}

gboolean
pd_queue_merge (PdQueue    *self,
                GPtrArray  *tickets,
                guint      *n_changed,
                GError    **error)
{
  g_autoptr(GPtrArray) called = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_ticket_free);
  Merge merge = { tickets, called, 0 };

  g_return_val_if_fail (PD_IS_QUEUE (self), FALSE);

  if (n_changed)
    *n_changed = 0;
  if (!pd_store_run_sql (self->store, merge_in_db, &merge, error))
    return FALSE;
  if (n_changed)
    *n_changed = merge.changed;
  for (guint i = 0; i < called->len; i++)
    g_signal_emit (self, signals[TICKET_CALLED], 0, g_ptr_array_index (called, i));
  if (merge.changed > 0)
    g_signal_emit (self, signals[CHANGED], 0);
  return TRUE;
}

static gboolean
mark_all_dirty_in_db (sqlite3   *db,
                      gpointer   user_data,
                      GError   **error)
{
  PdSqliteConnection conn = _pd_queue_connection (db);
  g_autoptr(PdSqliteStatement) stmt =
    pd_sqlite_conn_prepare (&conn, "UPDATE queue_tickets SET dirty = 1 WHERE day >= ?", error);

  if (stmt == NULL)
    return FALSE;
  pd_sqlite_bind_text (stmt, 1, user_data);
  return pd_sqlite_conn_step (&conn, stmt, error);
}

gboolean
pd_queue_mark_all_dirty (PdQueue  *self,
                         GError  **error)
{
  g_autofree char *today = NULL;

  g_return_val_if_fail (PD_IS_QUEUE (self), FALSE);

  today = dup_today (self);
  return pd_store_run_sql (self->store, mark_all_dirty_in_db, today, error);
}

/* Object --------------------------------------------------------------------------------- */

PdStore *
pd_queue_get_store (PdQueue *self)
{
  g_return_val_if_fail (PD_IS_QUEUE (self), NULL);
  return self->store;
}

static void
pd_queue_finalize (GObject *object)
{
  PdQueue *self = (PdQueue *) object;

  g_clear_object (&self->store);
  g_clear_object (&self->calendar);
  g_clear_pointer (&self->time, g_date_time_unref);

  G_OBJECT_CLASS (pd_queue_parent_class)->finalize (object);
}

static void
pd_queue_class_init (PdQueueClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = pd_queue_finalize;

  /* Tickets were issued, called or closed, here or (after a sync) elsewhere. */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* A ticket was called to a counter: the display and the announcement follow it. */
  signals[TICKET_CALLED] = g_signal_new ("ticket-called", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                                         PD_TYPE_TICKET | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
pd_queue_init (PdQueue *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (default_services); i++)
    {
      self->services[i].code = default_services[i].code;
      self->services[i].name = g_dgettext (GETTEXT_PACKAGE, default_services[i].name);
      self->services[i].capacity = default_services[i].capacity;
    }
}

PdQueue *
pd_queue_new (PdStore    *store,
              PdCalendar *calendar)
{
  PdQueue *self;

  g_return_val_if_fail (PD_IS_STORE (store), NULL);
  g_return_val_if_fail (calendar == NULL || PD_IS_CALENDAR (calendar), NULL);

  self = g_object_new (PD_TYPE_QUEUE, NULL);
  self->store = g_object_ref (store);
  self->calendar = calendar ? g_object_ref (calendar) : NULL;
  for (guint i = 0; i < G_N_ELEMENTS (self->services); i++)
    {
      g_autofree char *key = g_strconcat (PD_QUEUE_SETTING_CAPACITY, self->services[i].code, NULL);
      g_autofree char *value = pd_store_get_setting (store, key);
      guint64 capacity;

      if (value && g_ascii_string_to_unsigned (value, 10, 0, 9999, &capacity, NULL))
        self->services[i].capacity = capacity;
    }
  return self;
}
