/* sync-test-central.c: the real passdesk-central as a subprocess, for the sync tests. */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#include "pd-store-private.h"
#include "pd-test-support.h"
#include "sync-test-central.h"

/* A sanitizer's report in the server is a failure of the test that ran it: the server's
 * standard error goes to the test's, and is scanned for one. */
static gboolean
is_sanitizer_report (const char *line)
{
  return strstr (line, "ERROR: AddressSanitizer") != NULL ||
         strstr (line, "ERROR: LeakSanitizer") != NULL ||
         strstr (line, "runtime error:") != NULL ||
         strstr (line, "WARNING: ThreadSanitizer") != NULL;
}

/* Copies the server's standard error to the test's, line by line, until the server ends;
 * returns whether it held a sanitizer report. */
static gpointer
drain_stderr (gpointer data)
{
  g_autoptr(GDataInputStream) lines = g_data_input_stream_new (data);
  gboolean reported = FALSE;
  char *line;

  g_object_unref (data);
  while ((line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, NULL)) != NULL)
    {
      reported |= is_sanitizer_report (line);
      g_printerr ("passdesk-central: %s\n", line);
      g_free (line);
    }
  return GINT_TO_POINTER (reported);
}

GThread *
sync_central_watch_stderr (GSubprocess *process)
{
  return g_thread_new ("central-stderr", drain_stderr, g_object_ref (g_subprocess_get_stderr_pipe (process)));
}

void
sync_central_check_stderr (GThread *reader)
{
  if (reader != NULL && GPOINTER_TO_INT (g_thread_join (reader)))
    g_error ("passdesk-central printed a sanitizer report (above): a memory or undefined-behaviour error in the server");
}

static void
assert_no_sanitizer_report (const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text ? text : "", "\n", -1);

  for (guint i = 0; lines[i]; i++)
    if (is_sanitizer_report (lines[i]))
      g_error ("passdesk-central reported: %s\n%s", lines[i], text);
}

/* In the server, before it runs: a test that aborts takes its server with it. */
static void
end_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static char *
run_argv (GPtrArray *argv)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  char *out = NULL;

  g_ptr_array_add (argv, NULL);
  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  if (err != NULL && *err != '\0')
    g_printerr ("passdesk-central: %s", err);
  assert_no_sanitizer_report (err);
  g_assert_true (g_subprocess_get_successful (process));
  return g_strstrip (out);
}

char *
sync_central_run (SyncCentral *central,
                  const char  *command,
                  ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  va_list args;

  g_ptr_array_add (argv, g_strdup (central->program));
  g_ptr_array_add (argv, g_strdup (command));
  g_ptr_array_add (argv, g_strconcat ("--db=", central->db, NULL));
  va_start (args, command);
  for (const char *arg = va_arg (args, const char *); arg; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, g_strdup (arg));
  va_end (args);
  return run_argv (argv);
}

gint64
sync_central_stat (SyncCentral *central,
                   const char  *name)
{
  g_autofree char *text = sync_central_run (central, "stats", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *root;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_true (json_object_has_member (root, name));
  return json_object_get_int_member (root, name);
}

void
sync_central_init_with_declarations (SyncCentral *central,
                                     const char  *program,
                                     guint        n_declarations)
{
  g_autofree char *declarations = g_strdup_printf ("--declarations=%u", n_declarations);

  memset (central, 0, sizeof *central);
  central->program = g_strdup (program);
  central->tmpdir = pd_test_make_tmpdir ();
  central->db = g_build_filename (central->tmpdir, "central.db", NULL);
  g_free (sync_central_run (central, "seed-demo", declarations, NULL));
}

void
sync_central_init (SyncCentral *central,
                   const char  *program)
{
  sync_central_init_with_declarations (central, program, 0);
}

char *
sync_central_serve (SyncCentral *central,
                    const char  *first_extra,
                    ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  g_autoptr(GUri) uri = NULL;
  char *url;
  va_list args;

  g_assert_null (central->server);
  g_ptr_array_add (argv, g_strdup (central->program));
  g_ptr_array_add (argv, g_strdup ("serve"));
  g_ptr_array_add (argv, g_strconcat ("--db=", central->db, NULL));
  g_ptr_array_add (argv, g_strdup_printf ("--port=%u", central->port));
  va_start (args, first_extra);
  for (const char *arg = first_extra; arg; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, g_strdup (arg));
  va_end (args);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, end_with_parent, NULL, NULL);
  central->server = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  central->stderr_reader = sync_central_watch_stderr (central->server);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (central->server));
  line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "listening on "));
  url = g_strdup (line + strlen ("listening on "));
  while (g_str_has_suffix (url, "/"))
    url[strlen (url) - 1] = '\0';
  uri = g_uri_parse (url, G_URI_FLAGS_NONE, &error);
  g_assert_no_error (error);
  central->port = g_uri_get_port (uri);
  if (g_str_has_prefix (url, "http:"))
    {
      g_free (central->url);
      central->url = g_strdup (url);
    }
  return url;
}

/* After the server ended: its standard error read to the end, and free of reports. */
static void
check_stderr (SyncCentral *central)
{
  sync_central_check_stderr (g_steal_pointer (&central->stderr_reader));
}

void
sync_central_stop (SyncCentral *central)
{
  if (central->server == NULL)
    return;
  g_subprocess_send_signal (central->server, SIGTERM);
  g_subprocess_wait (central->server, NULL, NULL);
  g_clear_object (&central->server);
  check_stderr (central);
}

void
sync_central_kill (SyncCentral *central)
{
  g_assert_nonnull (central->server);
  g_subprocess_force_exit (central->server);
  g_subprocess_wait (central->server, NULL, NULL);
  g_clear_object (&central->server);
  check_stderr (central);
}

void
sync_central_clear (SyncCentral *central)
{
  sync_central_stop (central);
  g_free (central->program);
  g_free (central->tmpdir);
  g_free (central->db);
  g_free (central->url);
  memset (central, 0, sizeof *central);
}

PdStore *
sync_open_store (const char *directory,
                 const char *name)
{
  g_autofree char *path = g_build_filename (directory, name, NULL);
  g_autoptr(GError) error = NULL;
  PdStore *store = pd_store_open (path, PD_STORE_OPEN_CREATE, &error);

  g_assert_no_error (error);
  return store;
}

void
sync_keep_result (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

GAsyncResult *
sync_wait_result (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

PdOfficer *
sync_sign_in (PdStore    *store,
              PdDevice   *device,
              const char *username,
              const char *password)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  PdOfficer *officer;

  pd_officer_sign_in_async (store, device, username, password, NULL, sync_keep_result, &result);
  while (result == NULL)
    g_main_context_iteration (g_main_context_get_thread_default (), TRUE);
  officer = pd_officer_sign_in_finish (result, &error);
  g_assert_no_error (error);
  return officer;
}

PdDevice *
sync_enroll (SyncCentral *central,
             PdStore     *store,
             const char  *ca_file)
{
  g_autofree char *code = sync_central_run (central, "enroll-code", "--office=HN01", NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  PdDevice *device;

  pd_device_enroll_async (store, central->url, ca_file, code, "test station", NULL, sync_keep_result, &result);
  while (result == NULL)
    g_main_context_iteration (g_main_context_get_thread_default (), TRUE);
  device = pd_device_enroll_finish (result, &error);
  g_assert_no_error (error);
  /* The central system believes "accepted by officer1" only from the token of officer1's online
   * sign-in at that station, which the packets carry (sync-protocol.md, "Authorization"), as
   * on the first day at a counter. */
  g_object_unref (sync_sign_in (store, device, "officer1", "officer1-demo"));
  return device;
}

void
sync_insert_accepted (PdStore    *store,
                      guint       n,
                      gsize       photo_bytes,
                      const char *tag)
{
  const guint batch = 250;

  for (guint done = 0; done < n; done += batch)
    {
      g_autoptr(GPtrArray) dossiers = g_ptr_array_new_with_free_func (g_object_unref);
      g_autoptr(GError) error = NULL;

      for (guint i = done; i < MIN (n, done + batch); i++)
        {
          g_autofree char *name = g_strdup_printf ("Trần Thị %s %u", tag, i);
          g_autofree char *id_number = g_strdup_printf ("079%09u", g_random_int_range (0, 999999999));
          PdDossier *dossier = pd_test_make_dossier (name, id_number);

          if (photo_bytes > 0)
            {
              guint8 *photo = g_malloc (photo_bytes);
              g_autoptr(GBytes) bytes = NULL;

              for (gsize j = 0; j < photo_bytes; j += 4)
                {
                  guint32 r = g_random_int ();

                  memcpy (photo + j, &r, MIN (4, photo_bytes - j));
                }
              /* A JPEG's start, so that nothing mistakes it for another format. */
              photo[0] = 0xff;
              photo[1] = 0xd8;
              bytes = g_bytes_new_take (photo, photo_bytes);
              pd_dossier_set_photo (dossier, bytes);
            }
          pd_dossier_set_status (dossier, PD_STATUS_ACCEPTED);
          g_ptr_array_add (dossiers, dossier);
        }
      pd_store_import_many (store, (PdDossier * const *) dossiers->pdata, dossiers->len, "officer1", &error);
      g_assert_no_error (error);
    }
}

PdSyncReport *
sync_pass (PdSyncEngine *engine,
           PdSyncFlags   flags,
           GError      **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  PdSyncReport *report = NULL;

  pd_sync_engine_sync_async (engine, flags, NULL, sync_keep_result, &result);
  while (result == NULL)
    g_main_context_iteration (g_main_context_get_thread_default (), TRUE);
  pd_sync_engine_sync_finish (engine, result, &report, error);
  g_assert_nonnull (report);
  return report;
}

gint64
sync_count_status (PdStore  *store,
                   PdStatus  status)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = pd_store_list (store, status, 0, 0, &error);

  g_assert_no_error (error);
  return list->len;
}

gint64
sync_outbox_count (PdStore       *store,
                   PdOutboxState  state)
{
  g_autoptr(GError) error = NULL;
  gint64 n = pd_store_outbox_count (store, state, &error);

  g_assert_no_error (error);
  return n;
}

void
sync_assert_exactly_once (SyncCentral *central,
                          PdStore     *store,
                          gint64       n)
{
  g_assert_cmpint (sync_outbox_count (store, PD_OUTBOX_PENDING), ==, 0);
  g_assert_cmpint (sync_outbox_count (store, PD_OUTBOX_SET_ASIDE), ==, 0);
  g_assert_cmpint (sync_outbox_count (store, PD_OUTBOX_DONE), ==, n);
  g_assert_cmpint (sync_count_status (store, PD_STATUS_ACCEPTED), ==, 0);
  g_assert_cmpint (sync_count_status (store, PD_STATUS_RECEIVED), ==, n);
  g_assert_cmpint (sync_central_stat (central, "applications_received"), ==, n);
  g_assert_cmpint (sync_central_stat (central, "distinct_dossiers"), ==, n);
}
