/* pd-queue-internal.h: what pd-queue.c and pd-queue-rows.c share. Core only. */
#pragma once

#include "pd-queue-private.h"
#include "pd-sqlite.h"

G_BEGIN_DECLS

#define TICKET_COLUMNS \
  "id, label, day, service, station, number, issued_at, state, counter, called_at, updated_at"
#define APPOINTMENT_COLUMNS \
  "a.id, reference, service, date, from_time, to_time, issued_at," \
  " coalesce (b.station, substr (reference, 1, 1)), coalesce (b.reserved, 0), coalesce (NOT b.confirmed, 1)"

/* The store's connection @db with the queue's wording of its failures. */
PdSqliteConnection _pd_queue_connection        (sqlite3                   *db);
/* Reads a row selected with TICKET_COLUMNS. */
PdTicket      *_pd_queue_ticket_from_row       (sqlite3_stmt              *stmt);
/* (element-type PdTicket or PdAppointment): the rows of @sql, a SELECT of TICKET_COLUMNS or
 * APPOINTMENT_COLUMNS with one parameter: @text, or @limit when @text is NULL. */
GPtrArray     *_pd_queue_select_tickets        (PdStore                   *store,
                                                const char                *sql,
                                                const char                *text,
                                                guint                      limit,
                                                GError                   **error);
GPtrArray     *_pd_queue_select_appointments   (PdStore                   *store,
                                                const char                *sql,
                                                const char                *text,
                                                guint                      limit,
                                                GError                   **error);
gboolean       _pd_queue_write_ticket          (const PdSqliteConnection  *conn,
                                                const PdTicket            *ticket,
                                                gboolean                   dirty,
                                                GError                   **error);
/* Looks a ticket up by id, or by label among those of @day; *@ticket stays NULL when none. */
gboolean       _pd_queue_read_ticket           (const PdSqliteConnection  *conn,
                                                const char                *id_or_label,
                                                const char                *day,
                                                PdTicket                 **ticket,
                                                GError                   **error);
/* The first column of @sql's one row with @a, @b and the nullable @c and @d bound in order,
 * or -1. */
gint64         _pd_queue_count                 (const PdSqliteConnection  *conn,
                                                const char                *sql,
                                                const char                *a,
                                                const char                *b,
                                                const char                *c,
                                                const char                *d,
                                                GError                   **error);
gboolean       _pd_queue_insert_appointment    (const PdSqliteConnection  *conn,
                                                const PdAppointment       *appointment,
                                                gboolean                   confirmed,
                                                GError                   **error);

G_END_DECLS
