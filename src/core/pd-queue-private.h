/* pd-queue-private.h: the queue's tables in the store, and what pd-queue-sync.c needs.
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
