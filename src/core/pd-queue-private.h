/* pd-queue-private.h: the queue's tables in the store, what pd-queue-sync.c needs, and the
 * rules of letters and references that the central server (pd-central-queue.c) shares.
 *
 * The store's migration to version 4 creates the tables (PD_QUEUE_SCHEMA_SQL, idempotent so
 * that a file taken back to an older version by hand still migrates). `dirty` marks a ticket
 * whose last change the office's server has not confirmed yet.
 */
#pragma once

#include <sqlite3.h>

#include "pd-queue.h"

G_BEGIN_DECLS

#define PD_QUEUE_SCHEMA_SQL \
  "CREATE TABLE IF NOT EXISTS queue_tickets ("                                         \
  "  id         TEXT PRIMARY KEY NOT NULL,"                                            \
  "  label      TEXT NOT NULL,"                                                        \
  "  day        TEXT NOT NULL,"                                                        \
  "  service    TEXT NOT NULL,"                                                        \
  "  station    TEXT NOT NULL,"                                                        \
  "  number     INTEGER NOT NULL,"                                                     \
  "  issued_at  INTEGER NOT NULL,"                                                     \
  "  state      TEXT NOT NULL CHECK (state IN ('waiting', 'called', 'served', 'no_show')),"  \
  "  counter    TEXT,"                                                                 \
  "  called_at  INTEGER NOT NULL DEFAULT 0,"                                           \
  "  updated_at INTEGER NOT NULL,"                                                     \
  "  dirty      INTEGER NOT NULL DEFAULT 1"                                            \
  ");"                                                                                 \
  "CREATE INDEX IF NOT EXISTS queue_tickets_by_day ON queue_tickets (day, state, issued_at);" \
  "CREATE INDEX IF NOT EXISTS queue_tickets_by_number ON queue_tickets (day, station, service, number);" \
  "CREATE INDEX IF NOT EXISTS queue_tickets_dirty ON queue_tickets (updated_at) WHERE dirty;" \
  "CREATE TABLE IF NOT EXISTS queue_appointments ("                                    \
  "  id         TEXT PRIMARY KEY NOT NULL,"                                            \
  "  reference  TEXT NOT NULL UNIQUE,"                                                 \
  "  service    TEXT NOT NULL,"                                                        \
  "  date       TEXT NOT NULL,"                                                        \
  "  from_time  TEXT NOT NULL,"                                                        \
  "  to_time    TEXT NOT NULL,"                                                        \
  "  issued_at  INTEGER NOT NULL"                                                      \
  ");"                                                                                 \
  "CREATE INDEX IF NOT EXISTS queue_appointments_by_date ON queue_appointments (date, service, from_time);"

/* What the office's server knows of each appointment (schema version 5). `confirmed` is 0 for
 * a booking made here that the server has not taken over yet. */
#define PD_QUEUE_BOOKINGS_SQL \
  "CREATE TABLE IF NOT EXISTS queue_bookings ("                                        \
  "  id         TEXT PRIMARY KEY NOT NULL,"                                            \
  "  station    TEXT NOT NULL,"                                                        \
  "  reserved   INTEGER NOT NULL DEFAULT 0,"                                           \
  "  confirmed  INTEGER NOT NULL DEFAULT 0"                                            \
  ");"                                                                                 \
  "CREATE INDEX IF NOT EXISTS queue_bookings_unconfirmed ON queue_bookings (id) WHERE NOT confirmed;"

/* Runs @func on the store's connection with the store locked, inside one IMMEDIATE
 * transaction that commits when @func returns TRUE and rolls back otherwise. @func must not
 * call the store. Implemented in pd-store.c. */
typedef gboolean (*PdStoreSqlFunc) (sqlite3   *db,
                                    gpointer   user_data,
                                    GError   **error);
gboolean     pd_store_run_sql            (PdStore        *self,
                                          PdStoreSqlFunc  func,
                                          gpointer        user_data,
                                          GError        **error);

/* Settings of the queue's pull: the server's cursor and the epoch it belongs to. */
#define PD_QUEUE_SETTING_CURSOR  "queue.cursor"
#define PD_QUEUE_SETTING_EPOCH   "queue.epoch"
/* The first day of this station's share of the slots (YYYY-MM-DD), as the server said. */
#define PD_QUEUE_SETTING_SHARE_FROM          "queue.share_from"
#define PD_QUEUE_SETTING_APPOINTMENTS_CURSOR "queue.appointments_cursor"

/* Whether @text (nullable) is a station's ticket letter or a service's code: one capital
 * letter, A to Z. Implemented in pd-queue-ticket.c. */
gboolean     pd_queue_is_letter          (const char     *text);
/* The start of the reference of an appointment booked by @station for @service on @date,
 * "AP-H1124-": its number follows in three digits. Shared by the station's booking from its
 * share, the server's booking (pd-central-queue.c) and the check of a received appointment,
 * which must agree to the letter. Implemented in pd-queue-ticket.c. */
char        *pd_appointment_dup_reference_prefix (const char  *station,
                                                  const char  *service,
                                                  const GDate *date);
/* The booking @station makes for @service in slot @slot (pd_queue_get_slot()) of @date
 * (YYYY-MM-DD), the @number-th of its reference prefix; @id NULL draws a new one.
 * Implemented in pd-queue-ticket.c. */
PdAppointment *pd_appointment_new        (const char     *id,
                                          const char     *station,
                                          const char     *service,
                                          const char     *date,
                                          guint           slot,
                                          gint64          number,
                                          gint64          issued_at,
                                          gboolean        reserved);

/* Issues a ticket for @service today; TRUE with *@ticket NULL when the day is full. */
gboolean     pd_queue_issue_ticket       (PdQueue        *self,
                                          const char     *service,
                                          PdTicket      **ticket,
                                          GError        **error);
/* The working days an appointment may be booked on, from tomorrow: PD_QUEUE_LOOKAHEAD of
 * them, as ISO days. */
GStrv        pd_queue_dup_booking_days   (PdQueue        *self);
/* Books @service from this station's share alone, as @id (the id already sent to the server
 * when its answer was lost: it is the same booking). NO_SHARE when it has none yet. Emits
 * "changed". */
PdAppointment *pd_queue_book_offline     (PdQueue        *self,
                                          const char     *service,
                                          const char     *id,
                                          GError        **error);
/* (element-type PdAppointment): up to @limit bookings made here that the server has not
 * taken over yet, oldest first. */
GPtrArray   *pd_queue_list_offline_appointments (PdQueue  *self,
                                                 guint     limit,
                                                 GError  **error);
/* Keeps the server's versions of @appointments, confirmed. With @keep_offline, one still
 * booked here only is left as it is (its push will move the server's). Emits "changed" when
 * any changed; @n_changed (nullable) says how many. */
gboolean     pd_queue_take_appointments  (PdQueue        *self,
                                          GPtrArray      *appointments,
                                          gboolean        keep_offline,
                                          guint          *n_changed,
                                          GError        **error);

/* (element-type PdTicket): up to @limit tickets with changes not pushed yet, oldest change
 * first. */
GPtrArray   *pd_queue_list_dirty         (PdQueue        *self,
                                          guint           limit,
                                          GError        **error);
/* The server confirmed these versions: clears `dirty` of each ticket not changed since. */
gboolean     pd_queue_mark_pushed        (PdQueue        *self,
                                          GPtrArray      *tickets,
                                          GError        **error);
/* Keeps the tickets of @tickets that supersede the local versions (or are new); @n_changed
 * says how many. Emits "ticket-called" for calls made elsewhere, and "changed" if any. */
gboolean     pd_queue_merge              (PdQueue        *self,
                                          GPtrArray      *tickets,
                                          guint          *n_changed,
                                          GError        **error);
/* Marks every ticket of today and later dirty again: the server lost its queue. */
gboolean     pd_queue_mark_all_dirty     (PdQueue        *self,
                                          GError        **error);

G_END_DECLS
