/* sync-test-central.h: the real passdesk-central as a subprocess, for the sync tests. */
#pragma once

#include "pd-store-private.h"
#include "sync/pd-device.h"
#include "sync/pd-officer.h"
#include "sync/pd-sync-engine.h"

G_BEGIN_DECLS

typedef struct {
  char        *program;   /* the passdesk-central executable */
  char        *tmpdir;
  char        *db;
  char        *url;       /* "http://127.0.0.1:PORT" without the final slash */
  guint        port;
  GSubprocess *server;
  GThread     *stderr_reader; /* copies the server's stderr to the test's, scanning it */
} SyncCentral;

/* A fresh database with the demo offices and officers, no declarations. */
void          sync_central_init      (SyncCentral *central,
                                      const char  *program);
/* The same with @n_declarations online declarations of the demo. */
void          sync_central_init_with_declarations (SyncCentral *central,
                                                   const char  *program,
                                                   guint        n_declarations);
/* Serves the database, on the same port as before when there was one. @extra: NULL-ended
 * further options ("--inject=...", "--tls-cert=...", ...). Returns the URL served. */
char         *sync_central_serve     (SyncCentral *central,
                                      const char  *first_extra,
                                      ...);
/* Stops the server; fails the test if its standard error held a sanitizer report. */
void          sync_central_stop      (SyncCentral *central);
/* SIGKILL, as a power cut or a crash would. */
void          sync_central_kill      (SyncCentral *central);
void          sync_central_clear     (SyncCentral *central);
/* Runs "passdesk-central COMMAND --db=... ARGS"; its standard output, stripped. */
char         *sync_central_run       (SyncCentral *central,
                                      const char  *command,
                                      ...) G_GNUC_NULL_TERMINATED;
gint64        sync_central_stat      (SyncCentral *central,
                                      const char  *name);

/* A thread that copies the standard error of @process (spawned with STDERR_PIPE) to the
 * test's, scanning it for sanitizer reports. */
GThread      *sync_central_watch_stderr (GSubprocess *process);
/* Once the process ended: joins @reader (nullable) and fails the test if it saw a report. */
void          sync_central_check_stderr (GThread     *reader);

/* An async call's callback: keeps a reference to its result in the GAsyncResult * that
 * @user_data points to. */
void          sync_keep_result       (GObject       *object,
                                      GAsyncResult  *result,
                                      gpointer       user_data);
/* Runs the main loop until sync_keep_result() filled @slot; returns it. */
GAsyncResult *sync_wait_result       (GAsyncResult **slot);

PdStore      *sync_open_store        (const char  *directory,
                                      const char  *name);
/* Signs @username in online at the station; fails the test otherwise. */
PdOfficer    *sync_sign_in           (PdStore     *store,
                                      PdDevice    *device,
                                      const char  *username,
                                      const char  *password);
/* Enrolls a counter of HN01, where officer1 then signs in online. */
PdDevice     *sync_enroll            (SyncCentral *central,
                                      PdStore     *store,
                                      const char  *ca_file);
/* @n accepted dossiers, each with a photo of @photo_bytes random (incompressible) bytes,
 * inserted in batches; their packets are made by the engine's recovery. */
void          sync_insert_accepted   (PdStore     *store,
                                      guint        n,
                                      gsize        photo_bytes,
                                      const char  *tag);
/* One pass; the report is returned, also on failure. */
PdSyncReport *sync_pass              (PdSyncEngine *engine,
                                      PdSyncFlags   flags,
                                      GError      **error);
gint64        sync_count_status      (PdStore     *store,
                                      PdStatus     status);
gint64        sync_outbox_count      (PdStore     *store,
                                      PdOutboxState state);
/* Asserts nothing is lost or doubled: @n received on both sides, none pending or aside. */
void          sync_assert_exactly_once (SyncCentral *central,
                                        PdStore     *store,
                                        gint64       n);

G_END_DECLS
