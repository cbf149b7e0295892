/* pd-outbox-transfer.c: the outbox carried on a USB file, exported and imported from the window. */
#define G_LOG_DOMAIN "pd-outbox-transfer"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <adwaita.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "pd-outbox-transfer-private.h"
#include "pd-window.h"
#include "sync/pd-officer.h"
#include "sync/pd-outbox.h"

/* The outbox files the CLI and the tests write ("passdesk-outbox.json"). */
#define FILE_SUFFIX ".json"
/* Reasons of refused packets listed in the result; the rest are counted. */
#define MAX_REASONS 5

typedef struct
{
  GFile    *test_file;
  gboolean  busy;
} State;

static void
state_free (State *state)
{
  g_clear_object (&state->test_file);
  g_free (state);
}

static State *
get_state (PdWindow *window)
{
  State *state = g_object_get_data (G_OBJECT (window), "pd-outbox-transfer");

  if (state == NULL)
    {
      state = g_new0 (State, 1);
      g_object_set_data_full (G_OBJECT (window), "pd-outbox-transfer", state, (GDestroyNotify) state_free);
    }
  return state;
}

void
pd_outbox_transfer_set_test_file (PdWindow *window,
                                  GFile    *file)
{
  State *state = get_state (window);

  g_set_object (&state->test_file, file);
}

gboolean
pd_outbox_transfer_get_busy (PdWindow *window)
{
  return get_state (window)->busy;
}

void
pd_outbox_transfer_update_actions (PdWindow *window,
                                   gboolean  enabled)
{
  gboolean allowed = enabled && pd_role_may_accept (pd_station_get_role (pd_window_get_station (window)));

  gtk_widget_action_set_enabled (GTK_WIDGET (window), "win.export-outbox", allowed);
  gtk_widget_action_set_enabled (GTK_WIDGET (window), "win.import-outbox", allowed);
}

static void
show_result (PdWindow   *window,
             const char *heading,
             const char *body)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (window), heading, body);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "close");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "close");
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Who may carry applications: those who may accept them, on an enrolled station (its device
 * seals and pushes the packets). Returns its engine, or NULL with the reason shown. */
static PdSyncEngine *
check_allowed (PdWindow   *window,
               const char *heading)
{
  PdSyncEngine *engine;

  if (!pd_role_may_accept (pd_station_get_role (pd_window_get_station (window))))
    {
      show_result (window, heading,
                   _("Only an officer or a supervisor may carry applications on a USB file. "
                     "Ask one of them to sign in."));
      return NULL;
    }
  engine = pd_station_get_sync_engine (pd_window_get_station (window));
  if (engine == NULL)
    show_result (window, heading,
                 _("This station is not enrolled with the central system, so it has no sealed "
                   "applications to carry and cannot send any. Enroll it on the Sending page first."));
  return engine;
}

/* Where USB drives are mounted, for the dialog to start there. */
static GFile *
removable_media_folder (void)
{
  const char *roots[] = { "/media", "/run/media" };

  for (guint i = 0; i < G_N_ELEMENTS (roots); i++)
    {
      g_autofree char *path = g_build_filename (roots[i], g_get_user_name (), NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        return g_file_new_for_path (path);
    }
  return NULL;
}

static void
add_filter (GtkFileChooser *chooser)
{
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Passdesk outbox files"));
  gtk_file_filter_add_suffix (filter, FILE_SUFFIX + 1);
  gtk_file_chooser_add_filter (chooser, filter);
}

/* The file's local path, or NULL with an error: the core writes with POSIX calls. */
static char *
local_path (GFile   *file,
            GError **error)
{
  char *path = g_file_get_path (file);

  if (path == NULL)
    {
      g_autofree char *uri = g_file_get_uri (file);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("“%s” is not on this computer. Choose a file on a USB drive or a local folder."),
                   uri);
    }
  return path;
}

/* An export or an import, owned by its task. */
typedef struct
{
  PdStore      *store;
  PdSyncEngine *engine;
  char         *path;
  guint         n_packets;     /* in the file */
  guint         n_added;       /* import: new in the outbox */
  GHashTable   *aside_before;  /* import: packet ids set aside before the push */
  GPtrArray    *refused;       /* import: PdSyncSetAside, set aside by the push */
  PdSyncReport *report;
  GError       *push_error;
} Job;

static void
job_free (Job *job)
{
  g_clear_object (&job->store);
  g_clear_object (&job->engine);
  g_free (job->path);
  g_clear_pointer (&job->aside_before, g_hash_table_unref);
  g_clear_pointer (&job->refused, g_ptr_array_unref);
  g_clear_pointer (&job->report, pd_sync_report_free);
  g_clear_error (&job->push_error);
  g_free (job);
}

/* The job on the chosen file; NULL, with the state no longer busy and the reason under
 * @heading, when the file is not a local one or the station is no longer enrolled. */
static Job *
job_new (PdWindow   *window,
         GFile      *file,
         const char *heading)
{
  PdSyncEngine *engine = pd_station_get_sync_engine (pd_window_get_station (window));
  g_autoptr(GError) error = NULL;
  g_autofree char *path = local_path (file, &error);
  Job *job;

  if (path == NULL || engine == NULL)
    {
      get_state (window)->busy = FALSE;
      if (path == NULL)
        show_result (window, heading, error->message);
      return NULL;
    }
  job = g_new0 (Job, 1);
  job->store = g_object_ref (pd_window_get_store (window));
  job->engine = g_object_ref (engine);
  job->path = g_steal_pointer (&path);
  return job;
}

/* Runs @thread on @data, which the task owns, and then @done_cb in @window's thread. */
static void
run_job (PdWindow            *window,
         gpointer             source_tag,
         gpointer             data,
         GDestroyNotify       data_free,
         GTaskThreadFunc      thread,
         GAsyncReadyCallback  done_cb)
{
  g_autoptr(GTask) task = g_task_new (window, NULL, done_cb, NULL);

  g_task_set_task_data (task, data, data_free);
  g_task_set_source_tag (task, source_tag);
  g_task_run_in_thread (task, thread);
}

/* What tells an export from an import. */
typedef struct
{
  const char           *failed_heading;
  GtkFileChooserAction  chooser_action;
  const char           *chooser_title;
  const char           *accept_label;
  GTaskThreadFunc       thread;
  GAsyncReadyCallback   done_cb;
} Transfer;

/* Runs @transfer's thread on @file, or says why it cannot. */
static void
start_transfer (PdWindow       *window,
                const Transfer *transfer,
                GFile          *file)
{
  Job *job = job_new (window, file, _(transfer->failed_heading));

  if (job != NULL)
    run_job (window, (gpointer) transfer, job, (GDestroyNotify) job_free, transfer->thread,
             transfer->done_cb);
}

static void
chooser_response_cb (GtkNativeDialog *native,
                     int              response,
                     PdWindow        *window)
{
  const Transfer *transfer = g_object_get_data (G_OBJECT (native), "pd-transfer");

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));

      start_transfer (window, transfer, file);
    }
  else
    get_state (window)->busy = FALSE;
  g_object_unref (native);
}

/* Unless one is under way or the window may not, asks for the file (or takes the test's) and
 * starts @transfer on it; the state is busy meanwhile. */
static void
choose_file (PdWindow       *window,
             const Transfer *transfer,
             const char     *default_name)
{
  State *state = get_state (window);
  GtkFileChooserNative *native;
  g_autoptr(GFile) folder = NULL;

  if (state->busy || check_allowed (window, _(transfer->failed_heading)) == NULL)
    return;
  state->busy = TRUE;
  if (state->test_file != NULL)
    {
      g_autoptr(GFile) file = g_object_ref (state->test_file);

      start_transfer (window, transfer, file);
      return;
    }

  native = gtk_file_chooser_native_new (_(transfer->chooser_title), GTK_WINDOW (window),
                                        transfer->chooser_action, _(transfer->accept_label),
                                        _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  add_filter (GTK_FILE_CHOOSER (native));
  folder = removable_media_folder ();
  if (folder != NULL)
    gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (native), folder, NULL);
  if (default_name != NULL)
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (native), default_name);
  g_object_set_data (G_OBJECT (native), "pd-transfer", (gpointer) transfer);
  g_signal_connect_object (native, "response", G_CALLBACK (chooser_response_cb), window, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

/* Export --------------------------------------------------------------------------------- */

/* Letters, digits and dashes only: the name must be valid on a FAT-formatted stick. */
static void
append_safe (GString    *name,
             const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    g_string_append_c (name, g_ascii_isalnum (*p) ? *p : '-');
}

char *
pd_outbox_transfer_get_default_name (PdWindow *window)
{
  PdSyncEngine *engine = pd_station_get_sync_engine (pd_window_get_station (window));
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *date = g_date_time_format (now, "%Y-%m-%d");
  GString *name = g_string_new ("passdesk-outbox-");

  if (engine != NULL && pd_device_get_office_code (pd_sync_engine_get_device (engine)) != NULL)
    {
      append_safe (name, pd_device_get_office_code (pd_sync_engine_get_device (engine)));
      g_string_append_c (name, '-');
    }
  append_safe (name, g_get_host_name ());
  g_string_append_printf (name, "-%s%s", date, FILE_SUFFIX);
  return g_string_free (name, FALSE);
}

/* The rename is only durable once the folder itself reaches the disk. */
static void
sync_folder (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  if (fd >= 0)
    {
      fsync (fd);
      close (fd);
    }
}

/* Below this, a stick is full for the officer's purposes: one application with its photo
 * takes a good part of it. */
#define NEARLY_FULL (1024 * 1024)

/* A read-only or full stick says so more plainly than the write error. */
static void
explain_write_error (const char  *path,
                     GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  g_autoptr(GFileInfo) info = g_file_query_filesystem_info (folder,
                                                            G_FILE_ATTRIBUTE_FILESYSTEM_READONLY ","
                                                            G_FILE_ATTRIBUTE_FILESYSTEM_FREE,
                                                            NULL, NULL);

  if (info == NULL)
    return;
  if (g_file_info_get_attribute_boolean (info, G_FILE_ATTRIBUTE_FILESYSTEM_READONLY))
    {
      g_clear_error (error);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_READ_ONLY,
                   _("The USB drive holding “%s” is read-only. Slide its lock switch off or use "
                     "another drive, then export again."), dir);
    }
  else if (g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_FILESYSTEM_FREE) &&
           g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_FILESYSTEM_FREE) < NEARLY_FULL)
    {
      g_autofree char *free_size =
        g_format_size (g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_FILESYSTEM_FREE));

      g_clear_error (error);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                   _("The USB drive holding “%s” is full (%s free). Delete files from it or use "
                     "another drive, then export again."), dir, free_size);
    }
}

static void
export_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Job *job = task_data;
  g_autoptr(GError) error = NULL;
  /* Written aside first: an empty outbox must not replace an earlier export of the same name. */
  g_autofree char *part = g_strconcat (job->path, ".part", NULL);

  if (!pd_outbox_recover (job->store, NULL, &error) ||
      !pd_outbox_export (job->store, pd_sync_engine_get_device (job->engine), part, &job->n_packets,
                         &error))
    {
      /* The message names the file written aside, which the officer never chose. */
      g_autoptr(GString) message = g_string_new (error->message);

      g_string_replace (message, part, job->path, 0);
      g_free (error->message);
      error->message = g_string_free (g_steal_pointer (&message), FALSE);
      explain_write_error (job->path, &error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (job->n_packets == 0)
    {
      g_unlink (part);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               _("No application accepted at this station is waiting for the "
                                 "central system, so there is nothing to carry: the central "
                                 "system has confirmed all of them, or none was accepted yet. "
                                 "The Sending page shows what waits."));
      return;
    }
  if (g_rename (part, job->path) != 0)
    {
      int saved_errno = errno;

      g_unlink (part);
      g_set_error (&error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Cannot write “%s”: %s. Check that the USB drive is plugged in, not full and "
                     "not read-only, then export again."), job->path, g_strerror (saved_errno));
      explain_write_error (job->path, &error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  sync_folder (job->path);
  g_task_return_boolean (task, TRUE);
}

static void
export_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  PdWindow *window = PD_WINDOW (object);
  Job *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autofree char *body = NULL;

  get_state (window)->busy = FALSE;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        {
          show_result (window, _("Nothing to Export"), error->message);
          return;
        }
      body = g_strdup_printf (_("%s\n\nNothing is lost: the applications stay in this station’s "
                                "outbox."), error->message);
      show_result (window, _("Not Exported"), body);
      return;
    }

  body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "%u application written to “%s”.\n\nTake the file to a "
                                       "station connected to the central system and import it there (main "
                                       "menu, Import USB File…). The application stays in this "
                                       "station’s outbox until the central system confirms it: "
                                       "the next sync sends it too, and the central system keeps "
                                       "it only once.\n\nThe file is sealed for the central system: "
                                       "no one can read the applicant’s data from it.",
                                       "%u applications written to “%s”.\n\nTake the file to a "
                                       "station connected to the central system and import it there (main "
                                       "menu, Import USB File…). The applications stay in this "
                                       "station’s outbox until the central system confirms them: "
                                       "the next sync sends them too, and the central system keeps "
                                       "each only once.\n\nThe file is sealed for the central "
                                       "system: no one can read the applicants’ data from it.",
                                       job->n_packets),
                          job->n_packets, job->path);
  show_result (window, _("Exported to USB File"), body);
}

static const Transfer export_transfer = {
  .failed_heading = N_("Not Exported"),
  .chooser_action = GTK_FILE_CHOOSER_ACTION_SAVE,
  .chooser_title = N_("Export to USB File"),
  .accept_label = N_("_Export"),
  .thread = export_thread,
  .done_cb = export_done_cb,
};

void
pd_outbox_transfer_export_action (GtkWidget  *widget,
                                  const char *action_name,
                                  GVariant   *parameter)
{
  PdWindow *window = PD_WINDOW (widget);
  g_autofree char *name = pd_outbox_transfer_get_default_name (window);

  choose_file (window, &export_transfer, name);
}

/* Import --------------------------------------------------------------------------------- */

/* The packets @engine has set aside, or NULL with @task returning the error. */
static GPtrArray *
list_set_aside (GTask        *task,
                PdSyncEngine *engine)
{
  GError *error = NULL;
  GPtrArray *aside = pd_sync_engine_list_set_aside (engine, &error);

  if (aside == NULL)
    g_task_return_error (task, error);
  return aside;
}

static void
import_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Job *job = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) aside = list_set_aside (task, job->engine);

  if (aside == NULL)
    return;
  job->aside_before = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < aside->len; i++)
    g_hash_table_add (job->aside_before,
                      g_strdup (((PdSyncSetAside *) g_ptr_array_index (aside, i))->packet_id));

  /* Checked against the office's signed list of stations first: a forged packet, or one of
   * another office, is refused here rather than sent and set aside. */
  if (!pd_outbox_import_verified (job->store, job->path, &job->n_added, &job->n_packets, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

/* The packets the push set aside, with the central system's reasons. */
static void
refused_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  Job *job = g_task_get_task_data (G_TASK (task_data));
  g_autoptr(GPtrArray) aside = list_set_aside (task, job->engine);

  if (aside == NULL)
    return;
  job->refused = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_sync_set_aside_free);
  for (guint i = 0; i < aside->len; i++)
    if (!g_hash_table_contains (job->aside_before, ((PdSyncSetAside *) g_ptr_array_index (aside, i))->packet_id))
      g_ptr_array_add (job->refused, g_steal_pointer (&g_ptr_array_index (aside, i)));
  g_task_return_boolean (task, TRUE);
}

static char *
import_summary (Job *job)
{
  GString *body = g_string_new (NULL);

  g_string_append_printf (body, g_dngettext (GETTEXT_PACKAGE, "%u application read from “%s”.",
                                             "%u applications read from “%s”.", job->n_packets),
                          job->n_packets, job->path);
  g_string_append_c (body, '\n');
  g_string_append_printf (body, _("New in this station’s outbox: %u. Imported here before, not "
                                  "counted twice: %u."),
                          job->n_added, job->n_packets - job->n_added);
  g_string_append (body, "\n\n");

  if (job->push_error != NULL)
    {
      g_string_append_printf (body, _("They could not be sent now: %s\nThey wait in this station’s "
                                      "outbox, and the next sync sends them. Check the network, "
                                      "then choose Sync Now on the Sending page."),
                              job->push_error->message);
      return g_string_free (body, FALSE);
    }

  if (job->report->accepted + job->report->duplicates + job->report->set_aside == 0)
    g_string_append (body, _("Nothing new to send to the central system."));
  else
    g_string_append_printf (body, _("Sent to the central system: %u received, %u it already had."),
                            job->report->accepted, job->report->duplicates);
  if (job->report->deferred > 0)
    {
      g_string_append_c (body, '\n');
      g_string_append_printf (body, g_dngettext (GETTEXT_PACKAGE,
                                                 "%u waits in the outbox for the next sync.",
                                                 "%u wait in the outbox for the next sync.",
                                                 job->report->deferred),
                              job->report->deferred);
    }
  if (job->refused != NULL && job->refused->len > 0)
    {
      g_string_append (body, "\n\n");
      g_string_append_printf (body, g_dngettext (GETTEXT_PACKAGE,
                                                 "%u refused by the central system (ask the "
                                                 "central office about it):",
                                                 "%u refused by the central system (ask the "
                                                 "central office about them):", job->refused->len),
                              job->refused->len);
      for (guint i = 0; i < job->refused->len && i < MAX_REASONS; i++)
        {
          PdSyncSetAside *item = g_ptr_array_index (job->refused, i);

          g_string_append_printf (body, "\n• %s", item->reason ? item->reason : _("no reason given"));
        }
      if (job->refused->len > MAX_REASONS)
        g_string_append_printf (body, "\n• %s", _("… and others, listed on the Sending page"));
    }
  return g_string_free (body, FALSE);
}

static void
refused_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  PdWindow *window = PD_WINDOW (object);
  Job *job = g_task_get_task_data (g_task_get_task_data (G_TASK (result)));
  g_autoptr(GError) error = NULL;
  g_autofree char *body = NULL;
  const char *heading;

  get_state (window)->busy = FALSE;
  /* The reasons are only a detail: the counts stand without them. */
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    g_warning ("Cannot list the refused packets: %s", error->message);

  body = import_summary (job);
  if (job->push_error != NULL)
    heading = _("Imported, Not Sent Yet");
  else if (job->refused != NULL && job->refused->len > 0)
    heading = _("Imported, Some Refused");
  else if (job->n_added == 0)
    heading = _("Already Imported");
  else
    heading = _("Imported and Sent");
  show_result (window, heading, body);
}

static void
pushed_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GTask *task = user_data;
  Job *job = g_task_get_task_data (task);

  pd_sync_engine_sync_finish (PD_SYNC_ENGINE (object), result, &job->report, &job->push_error);
  /* The job stays with the import's task. */
  run_job (PD_WINDOW (g_task_get_source_object (task)), pushed_cb, task, g_object_unref,
           refused_thread, refused_done_cb);
}

static void
import_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  PdWindow *window = PD_WINDOW (object);
  Job *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autofree char *body = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      get_state (window)->busy = FALSE;
      body = g_strdup_printf (_("%s\n\nNothing was added to this station’s outbox; importing a "
                                "good file again later is harmless."), error->message);
      show_result (window, _("Not Imported"), body);
      return;
    }
  /* The packets leave now: the point of importing at a connected station. */
  pd_sync_engine_sync_async (job->engine, PD_SYNC_PUSH, NULL, pushed_cb, g_object_ref (result));
}

static const Transfer import_transfer = {
  .failed_heading = N_("Not Imported"),
  .chooser_action = GTK_FILE_CHOOSER_ACTION_OPEN,
  .chooser_title = N_("Import USB File"),
  .accept_label = N_("_Import"),
  .thread = import_thread,
  .done_cb = import_done_cb,
};

void
pd_outbox_transfer_import_action (GtkWidget  *widget,
                                  const char *action_name,
                                  GVariant   *parameter)
{
  choose_file (PD_WINDOW (widget), &import_transfer, NULL);
}
