/* pd-cli.h: what the subcommands of passdesk-cli share.
 *
 * Exit codes: 0 done, 1 the data is invalid (validation failed, audit chain broken, no such
 * dossier), 2 the input is unusable (bad arguments, unreadable file or JSON, database or
 * keyring unavailable). Results go to stdout (JSON with --json), problems to stderr.
 */
#pragma once

#include <json-glib/json-glib.h>

#include "pd-store.h"

G_BEGIN_DECLS

typedef enum {
  PD_CLI_EXIT_OK       = 0,
  PD_CLI_EXIT_INVALID  = 1,
  PD_CLI_EXIT_UNUSABLE = 2,
} PdCliExit;

typedef enum {
  PD_CLI_FLAGS_NONE   = 0,
  PD_CLI_FLAGS_CREATE = 1 << 0,  /* creates the database and its key when missing */
  PD_CLI_FLAGS_WRITES = 1 << 1,  /* changes data: takes --actor for the audit log */
  PD_CLI_FLAGS_NO_STORE = 1 << 2, /* does not use the database */
} PdCliFlags;

typedef struct _PdCli PdCli;

typedef struct {
  const char         *name;
  const char         *parameters;  /* N_(): the positional arguments, for --help */
  const char         *summary;     /* N_() */
  guint               min_args;
  guint               max_args;
  PdCliFlags          flags;
  const GOptionEntry *entries;     /* the command's own options, NULL-terminated; nullable */
  PdCliExit         (*run)       (PdCli *cli);
} PdCliCommand;

struct _PdCli {
  const PdCliCommand *command;
  char               *db_path;
  char               *actor;
  gboolean            json;
  char              **args;        /* positional arguments after the command name */
  guint               n_args;
  PdStore            *store;
  gboolean            created;     /* the database did not exist before this command */
};

extern const PdCliCommand pd_cli_command_init;
extern const PdCliCommand pd_cli_command_add;
extern const PdCliCommand pd_cli_command_show;
extern const PdCliCommand pd_cli_command_search;
extern const PdCliCommand pd_cli_command_list;
extern const PdCliCommand pd_cli_command_set_status;
extern const PdCliCommand pd_cli_command_demo_data;
extern const PdCliCommand pd_cli_command_audit;
extern const PdCliCommand pd_cli_command_purge;
extern const PdCliCommand pd_cli_command_stats;
extern const PdCliCommand pd_cli_command_enroll;
extern const PdCliCommand pd_cli_command_sign_in;
extern const PdCliCommand pd_cli_command_accept;
extern const PdCliCommand pd_cli_command_sync;
extern const PdCliCommand pd_cli_command_export_outbox;
extern const PdCliCommand pd_cli_command_import_outbox;
extern const PdCliCommand pd_cli_command_outbox;
extern const PdCliCommand pd_cli_command_parse;
extern const PdCliCommand pd_cli_command_photo;
extern const PdCliCommand pd_cli_command_print;
extern const PdCliCommand pd_cli_command_queue;
extern const PdCliCommand pd_cli_command_chip;

char      *pd_cli_get_default_db_path (void);
PdCliExit  pd_cli_open_store          (PdCli         *cli);

PdCliExit  pd_cli_exit_code_for_error (const GError  *error);
/* Prints "passdesk-cli: MESSAGE" on stderr and returns @code. */
PdCliExit  pd_cli_fail                (PdCliExit      code,
                                       const char    *format,
                                       ...) G_GNUC_PRINTF (2, 3);
/* Prints @error after @context (nullable) and returns the exit code it calls for. */
PdCliExit  pd_cli_fail_error          (const GError  *error,
                                       const char    *context);
void       pd_cli_warn                (const char    *format,
                                       ...) G_GNUC_PRINTF (1, 2);

/* Writes @node to stdout, indented, with a final newline; takes ownership of @node. */
void       pd_cli_print_json          (JsonNode      *node);
char      *pd_cli_format_time         (gint64         unix_seconds);
gboolean   pd_cli_parse_count         (const char    *text,
                                       guint64        max,
                                       guint64       *out);

/* Waits for an async call: pass pd_cli_wait_done() and a zeroed PdCliWait as its callback and
 * data, then pd_cli_wait_run() runs the main loop until the call finishes and returns its
 * result (transfer full). */
typedef struct {
  GMainLoop    *loop;
  GAsyncResult *result;
} PdCliWait;
void          pd_cli_wait_done        (GObject       *object,
                                       GAsyncResult  *result,
                                       gpointer       user_data);
GAsyncResult *pd_cli_wait_run         (PdCliWait     *wait);

/* A dossier named on the command line by its number or its UUID. */
PdDossier *pd_cli_get_dossier         (PdCli         *cli,
                                       const char    *id_or_uuid,
                                       GError       **error);
/* (element-type PdDossier) as a list: one line each, or a JSON array of dossier objects. */
void       pd_cli_print_dossiers      (PdCli         *cli,
                                       GPtrArray     *dossiers);
JsonNode  *pd_cli_status_change_to_json (const PdStatusChange *change);
/* Adds the member @name, null when @value is NULL. */
void       pd_cli_add_string_member   (JsonBuilder   *builder,
                                       const char    *name,
                                       const char    *value);

G_END_DECLS
