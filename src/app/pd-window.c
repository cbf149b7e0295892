/* pd-window.c */
#define G_LOG_DOMAIN "pd-window"

#include "config.h"

#include <glib/gi18n.h>
#include <errno.h>
#include <glib/gstdio.h>

#include "pd-code-reader-dialog.h"
#include "pd-day-report-printer.h"
#include "pd-declaration-keys.h"
#include "pd-declaration-printer.h"
#include "pd-queue.h"
#include "pd-print-queue.h"
#include "pd-reopener.h"
#include "pd-entrance-page.h"
#include "pd-outbox-transfer.h"
#include "pd-sign-in-dialog.h"
#include "pd-slip-photo.h"
#include "pd-station-key.h"
#include "pd-sync-indicator.h"
#include "pd-trip.h"
#include "pd-trip-preparation.h"
#include "sync/pd-device.h"
#include "sync/pd-officer.h"
#include "sync/pd-queue-sync.h"
#include "sync/pd-sync-client.h"
#include "sync/pd-sync-engine.h"
#include "pd-scan-router.h"
#include "pd-scanner-dialog.h"
#include "pd-window-private.h"
#include "pd-toast.h"

/* The photo standard of Vietnamese passports (data/photo-standards/). */
#define PHOTO_PROFILE "vn-passport"

struct _PdWindow
{
  AdwApplicationWindow  parent_instance;

  GtkStack             *main_stack;
  GtkSpinner           *spinner;
  AdwStatusPage        *error_page;
  GtkLabel             *error_detail;
  AdwViewStack         *view_stack;
  AdwToastOverlay      *toast_overlay;
  GtkWidget            *call_next_button;
  PdQueuePage          *queue_page;
  PdDossierForm        *form;
  PdSyncPage           *sync_page;
  PdEntrancePage       *entrance_page;
  PdPhotoPage          *photo_page;
  PdSyncIndicator      *sync_indicator;

  /* "Read a Code with the Camera", while open. */
  PdCodeReaderDialog   *code_dialog;

  char                 *database_path;
  PdStore              *store;
  GError               *open_error;
  GCancellable         *cancellable;
  GSettings            *settings;

  PdScanInput          *scan_input;
  GCancellable         *lookup_cancellable;
  char                 *scan_message;
  /* A declaration waiting for the officer to agree to replace the form being typed. */
  PdDossier            *pending_declaration;

  /* Who works here (see resolve_role_thread()), unless a test or a sign-in set it. */
  PdRole                role;
  char                 *actor;
  gboolean              role_fixed;

  /* The counter's round: Call Next starts it, the printed papers end it. */
  PdQueue              *queue;           /* the office's ticket queue, as this store holds it */
  PdSyncClient         *queue_client;    /* the office's server, which calls tickets for all counters */
  gboolean              calling_next;
  char                 *ticket;          /* the ticket being served, from the queue */
  PdWindowTicketFunc    ticket_func;
  gpointer              ticket_data;
  GDestroyNotify        ticket_destroy;
  gboolean              in_round;
  gboolean              print_after_accept;
  PdPrintQueue         *print_queue;
  PdDossier            *last_accepted;
  gboolean              enrolled;
  PdSyncEngine         *engine;
  gboolean              start_sync;
  /* Assisted entry: the failed checks and reason of a photo used anyway, for the counter. */
  char                 *photo_override;
  /* The counter: the code of the slip just scanned, and the fetch of its photo. */
  char                 *slip_code;
  PdSlipPhoto          *slip_photo;
  PdDeclarationPrinter *declaration_printer;
  PdDayReportPrinter   *day_report_printer;
  PdTripPreparation    *trip;
  PdReopener           *reopener;

  /* PASSDESK_EXIT_AFTER_FIRST_FRAME: see pd_window_map(). */
  gboolean              exit_after_ready;
  gboolean              first_frame_seen;
  gulong                after_paint_id;
};

G_DEFINE_FINAL_TYPE (PdWindow, pd_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_DATABASE_PATH,
  PROP_STORE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void pd_window_open_store (PdWindow *self);
static void show_content         (PdWindow *self,
                                  PdStore  *store);
static void resolve_role         (PdWindow *self,
                                  PdStore  *store);
static void offer_trust          (PdWindow   *self,
                                  const char *text);

PdWindow *
pd_window_new (PdApplication *application,
               const char    *database_path)
{
  return g_object_new (PD_TYPE_WINDOW,
                       "application", application,
                       "database-path", database_path,
                       NULL);
}

PdStore *
pd_window_get_store (PdWindow *self)
{
  g_return_val_if_fail (PD_IS_WINDOW (self), NULL);
  return self->store;
}

PdPrintQueue *
pd_window_get_print_queue (PdWindow *self)
{
  g_return_val_if_fail (PD_IS_WINDOW (self), NULL);
  return self->print_queue;
}

PdDeclarationPrinter *
pd_window_get_declaration_printer (PdWindow *self)
{
  g_return_val_if_fail (PD_IS_WINDOW (self), NULL);
  return self->declaration_printer;
}

PdDayReportPrinter *
pd_window_get_day_report_printer (PdWindow *self)
{
  g_return_val_if_fail (PD_IS_WINDOW (self), NULL);
  return self->day_report_printer;
}

PdTripPreparation *
pd_window_get_trip_preparation (PdWindow *self)
{
  g_return_val_if_fail (PD_IS_WINDOW (self), NULL);
  return self->trip;
}

PdReopener *
pd_window_get_reopener (PdWindow *self)
{
  g_return_val_if_fail (PD_IS_WINDOW (self), NULL);
  return self->reopener;
}

PdQueuePage *
pd_window_get_queue_page (PdWindow *self)
{
  return self->queue_page;
}

PdDossierForm *
pd_window_get_form (PdWindow *self)
{
  return self->form;
}

PdSyncPage *
pd_window_get_sync_page (PdWindow *self)
{
  return self->sync_page;
}

PdPhotoPage *
pd_window_get_photo_page (PdWindow *self)
{
  return self->photo_page;
}

AdwViewStack *
pd_window_get_view_stack (PdWindow *self)
{
  return self->view_stack;
}

const GError *
pd_window_get_open_error (PdWindow *self)
{
  return self->open_error;
}

PdScanInput *
pd_window_get_scan_input (PdWindow *self)
{
  return self->scan_input;
}

const char *
pd_window_get_scan_message (PdWindow *self)
{
  return self->scan_message;
}

static void
scan_message (PdWindow   *self,
              const char *message)
{
  AdwToast *toast;

  g_free (self->scan_message);
  self->scan_message = g_strdup (message);

  /* Toasts queue up: at the pace of a counter the officer would read old news. */
  toast = adw_toast_new (message);
  adw_toast_set_timeout (toast, 8);
  pd_toast_show (GTK_WIDGET (self->toast_overlay), toast);
}

static void
load_declaration (PdWindow  *self,
                  PdDossier *declaration)
{
  g_autofree char *message = NULL;
  /* The ticket called for this applicant stays with their application. */
  g_autofree char *ticket = g_strdup (pd_dossier_get_field (pd_dossier_form_get_dossier (self->form),
                                                            PD_FIELD_QUEUE_NUMBER));

  pd_dossier_form_load (self->form, declaration);
  /* Online or off a trusted station's signed slip, the declaration paper is in hand. */
  pd_dossier_form_note_declaration (self->form);
  if (ticket != NULL && pd_dossier_get_field (declaration, PD_FIELD_QUEUE_NUMBER) == NULL)
    pd_dossier_form_set_value (self->form, PD_FIELD_QUEUE_NUMBER, ticket);
  adw_view_stack_set_visible_child_name (self->view_stack, "form");
  message = g_strdup_printf (_("Declaration of %s loaded. Scan the applicant’s ID card to check it."),
                             pd_dossier_get_field (declaration, PD_FIELD_FULL_NAME)
                             ? pd_dossier_get_field (declaration, PD_FIELD_FULL_NAME) : "?");
  scan_message (self, message);
  /* Off a slip, the photo taken at the assisted-entry station may be at the central system. */
  if (self->slip_code != NULL &&
      g_strcmp0 (self->slip_code, pd_dossier_get_field (declaration, PD_FIELD_DECLARATION_CODE)) == 0)
    pd_slip_photo_fetch (self->slip_photo, self->engine, declaration);
  g_clear_pointer (&self->slip_code, g_free);
}

static void
replace_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     PdWindow         *self)
{
  g_autoptr(PdDossier) declaration = g_steal_pointer (&self->pending_declaration);

  if (declaration != NULL && g_strcmp0 (response, "replace") == 0)
    load_declaration (self, declaration);
}

/* The form may hold an application being typed: it is replaced only if the officer agrees. */
static void
offer_declaration (PdWindow  *self,
                   PdDossier *declaration)
{
  GtkWidget *dialog;

  if (pd_dossier_form_is_blank (self->form))
    {
      load_declaration (self, declaration);
      return;
    }

  g_set_object (&self->pending_declaration, declaration);
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Replace the Application Being Typed?"),
                                   _("The form holds an application that is not saved. Save it first "
                                     "to keep it, or replace it with the scanned declaration."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Keep Typing"),
                                    "replace", _("_Replace"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "replace",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (replace_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
find_declaration_thread (GTask        *task,
                         gpointer      source_object,
                         gpointer      task_data,
                         GCancellable *cancellable)
{
  PdStore *store = source_object;
  GError *error = NULL;
  GPtrArray *found = pd_store_find_by_declaration_code (store, task_data, &error);

  if (found == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, found, (GDestroyNotify) g_ptr_array_unref);
}

static void
online_declaration_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(PdWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(PdDossier) declaration = pd_sync_engine_lookup_declaration_finish (PD_SYNC_ENGINE (object),
                                                                               result, &error);
  g_autofree char *message = NULL;

  if (declaration != NULL)
    {
      offer_declaration (self, declaration);
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (g_error_matches (error, PD_SYNC_ERROR, PD_SYNC_ERROR_NOT_FOUND))
    message = g_strdup (_("The central system has no such declaration. Ask the applicant for the code "
                          "again, or type the application by hand."));
  else if (g_error_matches (error, PD_SYNC_ERROR, PD_SYNC_ERROR_RETRY))
    message = g_strdup (_("The central system cannot be reached, so the declaration cannot be fetched. "
                          "Type the application by hand, or scan again later."));
  else
    message = g_strdup_printf (_("Cannot fetch the declaration: %s"), error->message);
  scan_message (self, message);
}

static void
find_declaration_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(PdWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = g_task_propagate_pointer (G_TASK (result), &error);
  const char *code = g_task_get_task_data (G_TASK (result));

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (found == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Cannot look up the declaration: %s"), error->message);

      scan_message (self, message);
      return;
    }
  if (found->len == 0 && self->engine != NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Fetching declaration %s from the central system…"), code);

      scan_message (self, message);
      pd_sync_engine_lookup_declaration_async (self->engine, code, self->lookup_cancellable,
                                               online_declaration_cb, g_object_ref (self));
      return;
    }
  if (found->len == 0)
    {
      g_autofree char *message =
        g_strdup_printf (_("No declaration %s on this computer, and this station is not connected to the "
                           "central system. Type the application by hand."), code);

      scan_message (self, message);
      return;
    }
  /* Newest first: a declaration filed again replaces the earlier one. */
  offer_declaration (self, g_ptr_array_index (found, 0));
}

static void
lookup_declaration (PdWindow   *self,
                    const char *code)
{
  g_autoptr(GTask) task = NULL;

  g_cancellable_cancel (self->lookup_cancellable);
  g_clear_object (&self->lookup_cancellable);
  self->lookup_cancellable = g_cancellable_new ();

  task = g_task_new (self->store, self->lookup_cancellable, find_declaration_cb, g_object_ref (self));
  g_task_set_source_tag (task, lookup_declaration);
  g_task_set_task_data (task, g_strdup (code), g_free);
  g_task_run_in_thread (task, find_declaration_thread);
}

static void
check_document (PdWindow     *self,
                const PdScan *scan)
{
  PdDossierForm *form = self->form;
  gboolean blank = pd_dossier_form_is_blank (form);
  g_autoptr(PdDossier) person = pd_scan_get_person (scan);
  g_autoptr(GPtrArray) mismatches = NULL;
  const char *caption, *use_label;
  g_autofree char *message = NULL;
  guint n_filled = 0;

  if (scan->kind == PD_SCAN_KIND_CCCD)
    {
      caption = _("ID card");
      use_label = _("_Use Card Value");
    }
  else if (scan->mrz->format == PD_MRZ_FORMAT_TD3)
    {
      caption = _("Passport MRZ");
      use_label = _("_Use Passport Value");
    }
  else
    {
      caption = _("ID card MRZ");
      use_label = _("_Use Card Value");
    }

  adw_view_stack_set_visible_child_name (self->view_stack, "form");

  /* Compared before anything is filled: only values the declaration gave can differ. */
  mismatches = pd_scan_compare_dossier (scan, pd_dossier_form_get_dossier (form));
  for (PdField f = 0; f < PD_N_FIELDS; f++)
    {
      const char *value = pd_dossier_get_field (person, f);

      if (value == NULL || pd_dossier_get_field (pd_dossier_form_get_dossier (form), f) != NULL)
        continue;
      pd_dossier_form_set_value (form, f, value);
      n_filled++;
    }

  if (blank && scan->kind == PD_SCAN_KIND_CCCD)
    message = g_strdup (_("Filled from the ID card: name, ID number, date of birth, sex and permanent "
                          "address. Check them, then complete the form."));
  else if (blank)
    message = g_strdup (_("Filled from the MRZ. Its names have no diacritics: correct the name as "
                          "written on the declaration."));
  else if (mismatches->len > 0)
    message = g_strdup_printf (g_dngettext (NULL,
                                            "%u field differs from the declaration: keep the declared value "
                                            "or use the scanned one.",
                                            "%u fields differ from the declaration: keep the declared value "
                                            "or use the scanned one.", mismatches->len),
                               mismatches->len);
  else if (n_filled > 0)
    message = g_strdup_printf (g_dngettext (NULL,
                                            "The document matches the declaration; %u empty field was filled from it.",
                                            "The document matches the declaration; %u empty fields were filled from it.",
                                            n_filled), n_filled);
  else
    message = g_strdup (_("The document matches the declaration."));

  pd_dossier_form_show_mismatches (form, caption, use_label, mismatches);
  if (scan->kind == PD_SCAN_KIND_CCCD || scan->mrz->format != PD_MRZ_FORMAT_TD3)
    pd_dossier_form_note_id_card (form);
  scan_message (self, message);

  /* In a counter round the next step after a matching card is the photo: no key to press. */
  if (self->in_round && mismatches->len == 0 && !blank &&
      !gtk_widget_get_visible (GTK_WIDGET (pd_dossier_form_get_photo_thumbnail (form))))
    adw_view_stack_set_visible_child_name (self->view_stack, "photo");
}

void
pd_window_handle_scan (PdWindow   *self,
                       const char *text)
{
  g_autoptr(GHashTable) keys = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PdScan) scan = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  GDate today;

  g_return_if_fail (PD_IS_WINDOW (self));
  g_return_if_fail (text != NULL);

  if (self->store == NULL)
    {
      scan_message (self, _("The database is not open yet: wait a moment, then scan again."));
      return;
    }

  if (g_str_has_prefix (text, PD_STATION_KEY_PREFIX))
    {
      offer_trust (self, text);
      return;
    }

  if (pd_scan_classify (text, -1) == PD_SCAN_KIND_DECLARATION_QR)
    {
      keys = pd_declaration_keys_load (self->store, &error);
      if (keys == NULL)
        {
          scan_message (self, error->message);
          return;
        }
    }

  g_date_clear (&today, 1);
  g_date_set_dmy (&today, g_date_time_get_day_of_month (now), g_date_time_get_month (now),
                  g_date_time_get_year (now));
  scan = pd_scan_read (text, -1, PD_SCAN_KIND_UNKNOWN, keys, &today, &error);
  if (scan == NULL)
    {
      if (keys != NULL)
        pd_declaration_keys_explain_refusal (self->store, text, &error);
      scan_message (self, error->message);
      return;
    }

  switch (scan->kind)
    {
    case PD_SCAN_KIND_DECLARATION_CODE:
      lookup_declaration (self, scan->declaration_code);
      break;
    case PD_SCAN_KIND_DECLARATION_QR:
      g_free (self->slip_code);
      self->slip_code = g_strdup (pd_dossier_get_field (scan->declaration->dossier, PD_FIELD_DECLARATION_CODE));
      offer_declaration (self, scan->declaration->dossier);
      break;
    case PD_SCAN_KIND_MRZ:
      if (!pd_scan_is_valid (scan))
        {
          scan_message (self, _("The MRZ was misread: a check digit does not match. Scan the document again, "
                                "or type its details by hand."));
          break;
        }
      check_document (self, scan);
      break;
    case PD_SCAN_KIND_CCCD:
      check_document (self, scan);
      break;
    case PD_SCAN_KIND_UNKNOWN:
    default:
      g_assert_not_reached ();
    }
}

static void
scanned_cb (PdScanInput *input,
            const char  *text,
            PdWindow    *self)
{
  pd_window_handle_scan (self, text);
}

static void
set_actions_enabled (PdWindow *self,
                     gboolean  enabled)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.new-dossier", enabled);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.search", enabled);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.save", enabled);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.photo", enabled);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.scan-camera", enabled);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.attach-scan", enabled);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.accept", enabled);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.call-next", enabled);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.hold", enabled);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.refuse", enabled);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.print-again", enabled);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.documents", enabled);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.print-declaration", enabled);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.station-key", enabled);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.day-report", enabled);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.choose-day-report", enabled);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.sign-in", enabled);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.prepare-trip", enabled);
  pd_outbox_transfer_update_actions (self, enabled);
}

static void
show_open_error (PdWindow     *self,
                 const GError *error)
{
  const char *title = _("The Database Could Not Be Opened");
  g_autofree char *description = NULL;

  if (error->domain == PD_STORE_ERROR)
    {
      switch ((PdStoreError) error->code)
        {
        case PD_STORE_ERROR_KEYRING:
          title = _("The Keyring Is Not Available");
          description = g_strdup (_("Passdesk keeps the key of its database in your login keyring. "
                                    "Log out, log in again with your password so that the keyring "
                                    "unlocks, then start Passdesk again."));
          break;
        case PD_STORE_ERROR_WRONG_KEY:
          title = _("This Database Belongs to Another Key");
          description = g_strdup (_("The key in your keyring does not open this database. Log in with "
                                    "the account that created it, or ask your IT support to restore "
                                    "its key. Do not delete the file: it may hold applications that "
                                    "have not been sent."));
          break;
        case PD_STORE_ERROR_NEWER_SCHEMA:
          title = _("Passdesk Needs an Update");
          description = g_strdup (_("This database was written by a newer version of Passdesk. Install "
                                    "the latest version, then open it again."));
          break;
        case PD_STORE_ERROR_CORRUPT:
          title = _("The Database Is Damaged");
          description = g_strdup (_("Do not delete the file: it may hold applications that have not "
                                    "been sent. Call your IT support and give them its location, "
                                    "shown below."));
          break;
        case PD_STORE_ERROR_LOCKED:
          title = _("The Database Is in Use");
          description = g_strdup (_("Another program is using the database. Close other Passdesk "
                                    "windows, then try again."));
          break;
        case PD_STORE_ERROR_FULL:
          title = _("The Disk Is Full");
          description = g_strdup (_("Free some space on this computer (empty the trash, remove "
                                    "large downloads), then try again."));
          break;
        case PD_STORE_ERROR_IO:
        case PD_STORE_ERROR_NOT_FOUND:
        case PD_STORE_ERROR_INVALID:
        default:
          break;
        }
    }

  if (description == NULL)
    description = g_strdup (_("Check that the folder shown below exists and that you may write "
                              "to it, then try again. If it keeps failing, call your IT support."));

  adw_status_page_set_title (self->error_page, title);
  adw_status_page_set_description (self->error_page, description);
  {
    g_autofree char *detail = g_strdup_printf ("%s\n%s", error->message, self->database_path);
    gtk_label_set_label (self->error_detail, detail);
  }
  gtk_stack_set_visible_child_name (self->main_stack, "error");
}

/* The face model takes a second and some 100 MB: it is loaded once the database is open, so
 * that it is ready when the first applicant reaches the camera. */
static void
load_photo_profile (PdWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PdPhotoProfile) profile = NULL;

  /* A profile set before (a test's) is kept. */
  if (pd_photo_page_get_profile (self->photo_page) != NULL)
    {
      pd_photo_page_load_model (self->photo_page);
      return;
    }
  profile = pd_photo_profile_load (PHOTO_PROFILE, &error);
  if (profile == NULL)
    {
      g_autofree char *description =
        g_strdup_printf (_("The photo standard cannot be read. Reinstall Passdesk.\n\n%s"), error->message);

      g_warning ("Cannot load the photo profile: %s", error->message);
      pd_photo_page_show_error (self->photo_page, description);
      return;
    }
  pd_photo_page_set_profile (self->photo_page, profile);
  pd_photo_page_load_model (self->photo_page);
}

static void
open_store_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(PdWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(PdStore) store = pd_store_open_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  gtk_spinner_stop (self->spinner);

  if (store == NULL)
    {
      g_warning ("Cannot open %s: %s", self->database_path, error->message);
      self->open_error = g_steal_pointer (&error);
      show_open_error (self, self->open_error);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.retry", TRUE);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
      return;
    }

  /* Who may do what is known before anything can be done: the store is shown after. */
  resolve_role (self, store);
}

static void
pd_window_open_store (PdWindow *self)
{
  g_autofree char *dir = g_path_get_dirname (self->database_path);

  g_clear_error (&self->open_error);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.retry", FALSE);
  gtk_stack_set_visible_child_name (self->main_stack, "loading");
  gtk_spinner_start (self->spinner);

  /* The default location's folder does not exist on a new computer. */
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      self->open_error = g_error_new (G_IO_ERROR, g_io_error_from_errno (saved_errno),
                                      _("Cannot create the folder %s: %s"), dir,
                                      g_strerror (saved_errno));
      gtk_spinner_stop (self->spinner);
      show_open_error (self, self->open_error);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.retry", TRUE);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
      return;
    }

  pd_store_open_async (self->database_path, PD_STORE_OPEN_CREATE, self->cancellable,
                       open_store_cb, g_object_ref (self));
}

/* Roles */

static void
apply_role (PdWindow *self)
{
  gboolean volunteer = self->role == PD_ROLE_VOLUNTEER;
  AdwViewStackPage *queue = adw_view_stack_get_page (self->view_stack, GTK_WIDGET (self->queue_page));

  pd_dossier_form_set_role (self->form, self->role, self->actor);
  /* A volunteer helps one citizen at a time: no list of others, no search. */
  adw_view_stack_page_set_visible (queue, !volunteer);
  /* Nor the tickets of the office's queue: the citizen queues at the counter with the slip. */
  adw_view_stack_page_set_visible (adw_view_stack_get_page (self->view_stack, GTK_WIDGET (self->entrance_page)),
                                   !volunteer);
  gtk_widget_set_visible (self->call_next_button, !volunteer);
  if (self->store != NULL)
    gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.search", !volunteer);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.call-next", !volunteer && self->store != NULL);
  /* What a volunteer prepares goes to the counter on the slip, not into this station's store. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.hold", !volunteer && self->store != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.refuse", !volunteer && self->store != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.day-report", !volunteer && self->store != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.choose-day-report", !volunteer && self->store != NULL);
  pd_outbox_transfer_update_actions (self, self->store != NULL);
  if (volunteer && (g_strcmp0 (adw_view_stack_get_visible_child_name (self->view_stack), "queue") == 0 ||
                    g_strcmp0 (adw_view_stack_get_visible_child_name (self->view_stack), "entrance") == 0))
    adw_view_stack_set_visible_child_name (self->view_stack, "form");
}

static char *
counter_name (PdWindow *self)
{
  guint counter = g_settings_get_uint (self->settings, "counter");

  return counter > 0 ? g_strdup_printf ("%u", counter) : g_strdup (g_get_host_name ());
}

/* The applicant was served: their ticket leaves the queue. */
static void
close_ticket (PdWindow  *self,
              PdDossier *dossier)
{
  const char *label = pd_dossier_get_field (dossier, PD_FIELD_QUEUE_NUMBER);
  g_autofree char *counter = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PdTicket) ticket = NULL;

  if (self->queue == NULL || label == NULL || g_strcmp0 (label, self->ticket) != 0)
    return;
  counter = counter_name (self);
  ticket = pd_queue_set_state (self->queue, label, PD_TICKET_SERVED, counter, &error);
  if (ticket == NULL)
    g_warning ("Cannot close ticket %s: %s", label, error->message);
  g_clear_pointer (&self->ticket, g_free);
}

static void
show_content (PdWindow *self,
              PdStore  *store)
{
  g_set_object (&self->store, store);
  if (self->ticket_func == NULL)
    self->queue = pd_queue_new (store, NULL);
  if (self->queue != NULL)
    pd_entrance_page_set_queue (self->entrance_page, self->queue);
  pd_queue_page_set_store (self->queue_page, self->store);
  pd_dossier_form_set_store (self->form, self->store, self->settings);
  pd_sync_page_set_store (self->sync_page, self->store, self->settings);
  set_actions_enabled (self, TRUE);
  apply_role (self);
  load_photo_profile (self);
  gtk_stack_set_visible_child_name (self->main_stack, "content");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

typedef struct
{
  PdRole  role;
  char   *actor;
  char   *problem;   /* why nobody may accept, or NULL */
  gboolean enrolled;
  PdDevice *device;  /* when enrolled */
  char   *token;     /* the officer's, when signed in online */
  PdOfficer *officer;
} RoleResult;

static void
role_result_free (RoleResult *result)
{
  g_free (result->actor);
  g_free (result->problem);
  g_clear_object (&result->device);
  g_clear_object (&result->officer);
  g_free (result->token);
  g_free (result);
}

/* An enrolled station takes the role of the officer signed in; one that is not enrolled is a
 * counter of its own, or an assisted-entry station when its store says so. */
static void
resolve_role_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  PdStore *store = source_object;
  RoleResult *result = g_new0 (RoleResult, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(PdDevice) device = pd_device_load (store, cancellable, &error);

  if (device == NULL && g_error_matches (error, PD_SYNC_ERROR, PD_SYNC_ERROR_NOT_ENROLLED))
    {
      g_autofree char *role = pd_store_get_setting (store, PD_WINDOW_SETTING_STATION_ROLE);

      result->role = g_strcmp0 (role, "volunteer") == 0 ? PD_ROLE_VOLUNTEER : PD_ROLE_OFFICER;
    }
  else if (device == NULL)
    {
      result->role = PD_ROLE_NONE;
      result->problem = g_strdup (error->message);
    }
  else
    {
      g_autoptr(PdOfficer) officer = pd_officer_get_current (store, device, cancellable, &error);

      result->enrolled = TRUE;
      result->device = g_object_ref (device);
      if (officer != NULL)
        {
          result->role = pd_officer_get_role (officer);
          result->actor = g_strdup (pd_officer_get_username (officer));
          result->token = g_strdup (pd_officer_get_token (officer));
          result->officer = g_object_ref (officer);
        }
      else
        {
          result->role = PD_ROLE_NONE;
          result->problem = error != NULL ? g_strdup (error->message) : NULL;
        }
    }
  g_task_return_pointer (task, result, (GDestroyNotify) role_result_free);
}

/* The sync engine of an enrolled station, shared by the Sending page, the header indicator,
 * the entrance (tickets shared through the office's server) and the online declaration lookup. */
static void
attach_engine (PdWindow   *self,
               PdStore    *store,
               PdDevice   *device,
               const char *token)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PdSyncClient) client = NULL;

  if (self->engine != NULL)
    return;
  self->engine = pd_sync_engine_new (store, device, NULL, &error);
  if (self->engine == NULL)
    {
      g_warning ("Cannot start sending: %s", error->message);
      return;
    }
  pd_sync_engine_set_token (self->engine, token);
  pd_sync_indicator_set_engine (self->sync_indicator, self->engine);
  pd_sync_page_set_engine (self->sync_page, self->engine);
  client = pd_device_create_client (device, NULL, NULL);
  if (client != NULL)
    pd_entrance_page_set_client (self->entrance_page, client);
  g_set_object (&self->queue_client, client);
  if (self->start_sync)
    pd_sync_engine_start (self->engine);
}

static void
sync_page_enrolled_cb (PdWindow *self,
                       PdDevice *device)
{
  self->enrolled = TRUE;
  attach_engine (self, self->store, device, NULL);
}

static void
sync_page_signed_in_cb (PdWindow  *self,
                        PdOfficer *officer)
{
  if (self->engine != NULL)
    pd_sync_engine_set_token (self->engine, pd_officer_get_token (officer));
  pd_sync_page_set_officer (self->sync_page, officer);
  if (!self->role_fixed)
    {
      self->role = pd_officer_get_role (officer);
      g_free (self->actor);
      self->actor = g_strdup (pd_officer_get_username (officer));
      apply_role (self);
    }
}

static void
sign_in_dialog_signed_in_cb (PdWindow  *self,
                             PdOfficer *officer)
{
  g_autofree char *message = pd_sign_in_describe_officer (officer);

  sync_page_signed_in_cb (self, officer);
  scan_message (self, message);
}

static void
sign_in_dialog_signed_out_cb (PdWindow *self)
{
  if (self->engine != NULL)
    pd_sync_engine_set_token (self->engine, NULL);
  pd_sync_page_set_officer (self->sync_page, NULL);
  if (!self->role_fixed)
    {
      self->role = PD_ROLE_NONE;
      g_clear_pointer (&self->actor, g_free);
      apply_role (self);
    }
  scan_message (self, _("Signed out. Applications cannot be accepted until an officer signs in (Ctrl+L)."));
}

static void
open_sign_in (PdWindow *self)
{
  PdDevice *device = self->engine != NULL ? pd_sync_engine_get_device (self->engine) : NULL;
  PdSignInDialog *dialog = pd_sign_in_dialog_new (GTK_WINDOW (self), self->store, device);

  g_signal_connect_object (dialog, "signed-in", G_CALLBACK (sign_in_dialog_signed_in_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (dialog, "signed-out", G_CALLBACK (sign_in_dialog_signed_out_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
sign_in_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  open_sign_in (PD_WINDOW (widget));
}

static void
resolve_role_cb (GObject      *object,
                 GAsyncResult *res,
                 gpointer      user_data)
{
  g_autoptr(PdWindow) self = user_data;
  RoleResult *result = g_task_propagate_pointer (G_TASK (res), NULL);

  if (result == NULL)   /* cancelled: the window is going */
    return;
  self->enrolled = result->enrolled;
  /* An enrolled station sends and fetches by itself; accepting seals packets from now on. */
  if (result->device != NULL)
    attach_engine (self, PD_STORE (object), result->device, result->token);
  pd_sync_page_set_officer (self->sync_page, result->officer);
  if (!self->role_fixed)
    {
      self->role = result->role;
      g_free (self->actor);
      self->actor = g_strdup (result->actor);
    }
  show_content (self, PD_STORE (object));
  if (self->role == PD_ROLE_NONE)
    {
      g_autofree char *message =
        g_strdup_printf (_("Nobody is signed in at this station, so applications cannot be accepted. "
                           "Sign in with Ctrl+L (main menu, Sign In…).%s%s"),
                         result->problem ? " " : "", result->problem ? result->problem : "");

      scan_message (self, message);
    }
  role_result_free (result);
}

static void
resolve_role (PdWindow *self,
              PdStore  *store)
{
  g_autoptr(GTask) task = g_task_new (store, self->cancellable, resolve_role_cb, g_object_ref (self));

  g_task_set_source_tag (task, resolve_role);
  g_task_set_return_on_cancel (task, FALSE);
  g_task_run_in_thread (task, resolve_role_thread);
}

void
pd_window_set_role (PdWindow   *self,
                    PdRole      role,
                    const char *actor)
{
  g_return_if_fail (PD_IS_WINDOW (self));

  self->role_fixed = TRUE;
  self->role = role;
  g_free (self->actor);
  self->actor = g_strdup (actor);
  apply_role (self);
}

PdRole
pd_window_get_role (PdWindow *self)
{
  g_return_val_if_fail (PD_IS_WINDOW (self), PD_ROLE_NONE);
  return self->role;
}

/* The counter's round */

void
pd_window_set_ticket_source (PdWindow          *self,
                             PdWindowTicketFunc func,
                             gpointer           user_data,
                             GDestroyNotify     destroy)
{
  g_return_if_fail (PD_IS_WINDOW (self));

  if (self->ticket_destroy != NULL)
    self->ticket_destroy (self->ticket_data);
  self->ticket_func = func;
  self->ticket_data = user_data;
  self->ticket_destroy = destroy;
}

PdDossier *
pd_window_get_last_accepted (PdWindow *self)
{
  g_return_val_if_fail (PD_IS_WINDOW (self), NULL);
  return self->last_accepted;
}

gboolean
pd_window_get_in_round (PdWindow *self)
{
  g_return_val_if_fail (PD_IS_WINDOW (self), FALSE);
  return self->in_round;
}

/* The applicant of @ticket (NULL: nobody was called) is served on the form. @from_queue: the
 * station has a queue, so NULL means nobody waits. */
static void
take_ticket (PdWindow   *self,
             const char *ticket,
             gboolean    from_queue)
{
  g_autofree char *message = NULL;

  g_free (self->ticket);
  self->ticket = g_strdup (ticket);
  if (ticket != NULL)
    {
      pd_dossier_form_set_value (self->form, PD_FIELD_QUEUE_NUMBER, ticket);
      /* Translators: %s is a queue ticket number such as A-017. */
      message = g_strdup_printf (_("Ticket %s called. Scan the applicant’s declaration code, or their ID card "
                                   "to type a new application."), ticket);
    }
  else if (from_queue)
    message = g_strdup (_("Nobody is waiting. Scan a declaration code or an ID card when someone comes."));
  else
    message = g_strdup (_("Next applicant: scan their declaration code, or their ID card to type a new application."));
  scan_message (self, message);
}

static void
call_failed (PdWindow     *self,
             const GError *error)
{
  g_autofree char *message = g_strdup_printf (_("Cannot call the next ticket: %s"), error->message);

  g_warning ("%s", message);
  scan_message (self, message);
}

static void
called_next_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(PdWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(PdTicket) ticket = pd_queue_sync_call_next_finish (PD_QUEUE (object), result, NULL, &error);

  self->calling_next = FALSE;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (error != NULL)
    {
      call_failed (self, error);
      return;
    }
  /* When the server could not be reached, the ticket came from this station's copy. */
  take_ticket (self, ticket != NULL ? ticket->label : NULL, TRUE);
}

static void
call_next_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  PdWindow *self = PD_WINDOW (widget);
  g_autofree char *counter = NULL;

  if (!pd_dossier_form_is_blank (self->form))
    {
      adw_view_stack_set_visible_child_name (self->view_stack, "form");
      scan_message (self, _("Finish the application on the form first: accept it (Ctrl+Enter), put it on hold "
                            "(Ctrl+H) or refuse it (Ctrl+Shift+R)."));
      return;
    }
  /* F2 again while the server answers: one applicant at a time. */
  if (self->calling_next)
    return;

  g_clear_pointer (&self->ticket, g_free);
  pd_dossier_form_clear (self->form);
  pd_photo_page_reset (self->photo_page);
  self->in_round = TRUE;
  adw_view_stack_set_visible_child_name (self->view_stack, "form");

  if (self->ticket_func != NULL)
    {
      g_autofree char *ticket = self->ticket_func (self->ticket_data);

      take_ticket (self, ticket, TRUE);
      return;
    }
  if (self->queue == NULL)
    {
      take_ticket (self, NULL, FALSE);
      return;
    }

  counter = counter_name (self);
  if (self->queue_client == NULL)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(PdTicket) ticket = pd_queue_call_next (self->queue, counter, NULL, &error);

      if (error != NULL)
        {
          call_failed (self, error);
          return;
        }
      take_ticket (self, ticket != NULL ? ticket->label : NULL, TRUE);
      return;
    }

  /* Through the office's server: two counters never call the same applicant, and a ticket
   * issued at the entrance a moment ago is already there. The form is ready meanwhile. */
  self->calling_next = TRUE;
  scan_message (self, _("Calling the next ticket…"));
  pd_queue_sync_call_next_async (self->queue, self->queue_client, counter, NULL, self->cancellable,
                                 called_next_cb, g_object_ref (self));
}

static void
accept_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  PdWindow *self = PD_WINDOW (widget);

  adw_view_stack_set_visible_child_name (self->view_stack, "form");
  /* Nobody to accept under: the way to sign in is offered there and then; the form is kept. */
  if (self->role == PD_ROLE_NONE && self->engine != NULL)
    {
      open_sign_in (self);
      return;
    }
  self->print_after_accept = TRUE;
  pd_dossier_form_accept (self->form);
  /* Refused before saving (a field to fix, a role): nothing will be printed. */
  if (!pd_dossier_form_get_busy (self->form))
    self->print_after_accept = FALSE;
}

static void
form_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  PdWindow *self = PD_WINDOW (widget);

  adw_view_stack_set_visible_child_name (self->view_stack, "form");
  if (g_str_equal (action_name, "win.hold"))
    gtk_widget_activate_action (GTK_WIDGET (self->form), "form.hold", NULL);
  else if (g_str_equal (action_name, "win.documents"))
    gtk_widget_activate_action (GTK_WIDGET (self->form), "form.documents", NULL);
  else
    gtk_widget_activate_action (GTK_WIDGET (self->form), "form.refuse", NULL);
}

/* Printing the papers of an acceptance */

/* The papers, a slip, a report printed: the round is over, and a public screen is cleared. */
static void
print_finished_cb (PdWindow     *self,
                   PdPrintJob    job,
                   PdPrintQueue *queue)
{
  if (self->in_round)
    {
      /* The round is over: back to the queue for the next applicant. */
      self->in_round = FALSE;
      if (self->role != PD_ROLE_VOLUNTEER)
        adw_view_stack_set_visible_child_name (self->view_stack, "queue");
    }
  if (job == PD_PRINT_JOB_SLIP)
    {
      pd_dossier_form_clear (self->form);
      pd_photo_page_reset (self->photo_page);
      adw_view_stack_set_visible_child_name (self->view_stack, "form");
      pd_dossier_form_focus_first (self->form);
    }
}

static void
print_again_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  PdWindow *self = PD_WINDOW (widget);
  g_autoptr(GError) error = NULL;

  if (self->last_accepted == NULL)
    {
      scan_message (self, _("Nothing to print yet: the slip and the receipt are printed when an application is accepted."));
      return;
    }
  if (!pd_print_queue_print_papers (self->print_queue, self->store, self->last_accepted, &error))
    {
      g_autofree char *message = g_strdup_printf (_("Cannot make the papers: %s"), error->message);

      scan_message (self, message);
    }
}

/* Opening a listed application */

static void
reopened_cb (PdWindow   *self,
             PdDossier  *dossier,
             PdReopener *reopener)
{
  pd_queue_page_reload (self->queue_page);
  pd_sync_page_reload (self->sync_page);
}

static void
get_dossier_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  GError *error = NULL;
  PdDossier *dossier = pd_store_get (source_object, *(gint64 *) task_data, &error);

  if (dossier == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, dossier, g_object_unref);
}

static void
get_dossier_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(PdWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(PdDossier) dossier = g_task_propagate_pointer (G_TASK (result), &error);
  g_autofree char *message = NULL;

  if (dossier == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          message = g_strdup_printf (_("Cannot open the application: %s"), error->message);
          scan_message (self, message);
        }
      return;
    }

  switch ((int) pd_dossier_get_status (dossier))
    {
    case PD_STATUS_DRAFT:
    case PD_STATUS_ON_HOLD:
      if (!pd_dossier_form_is_blank (self->form))
        {
          scan_message (self, _("Finish the application on the form first: accept it, put it on hold or refuse it."));
          return;
        }
      pd_dossier_form_load (self->form, dossier);
      adw_view_stack_set_visible_child_name (self->view_stack, "form");
      message = g_strdup_printf (_("Application of %s resumed. Check it, then accept it with Ctrl+Enter."),
                                 pd_dossier_get_field (dossier, PD_FIELD_FULL_NAME));
      scan_message (self, message);
      break;
    case PD_STATUS_REFUSED:
      if (pd_role_may_reopen (self->role))
        pd_reopener_offer (self->reopener, self->store, self->role, self->actor, dossier);
      else
        scan_message (self, _("This application was refused. Only a supervisor can reopen it."));
      break;
    case PD_STATUS_ACCEPTED:
      if (pd_role_may_reopen (self->role))
        {
          pd_reopener_offer (self->reopener, self->store, self->role, self->actor, dossier);
          break;
        }
      G_GNUC_FALLTHROUGH;
    default:
      /* Translators: %s is a status such as "Accepted". */
      message = g_strdup_printf (_("This application is “%s”: it can no longer be changed at the counter."),
                                 pd_status_get_label (pd_dossier_get_status (dossier)));
      scan_message (self, message);
      break;
    }
}

static void
dossier_activated_cb (PdWindow    *self,
                      PdDossier   *listed,
                      PdQueuePage *page)
{
  g_autoptr(GTask) task = NULL;
  gint64 *id;

  if (self->store == NULL || self->role == PD_ROLE_VOLUNTEER)
    return;
  id = g_new (gint64, 1);
  *id = pd_dossier_get_id (listed);
  /* The list holds no photo: the application is read again, whole. */
  task = g_task_new (self->store, self->cancellable, get_dossier_cb, g_object_ref (self));
  g_task_set_source_tag (task, dossier_activated_cb);
  g_task_set_task_data (task, id, g_free);
  g_task_run_in_thread (task, get_dossier_thread);
}

/* Assisted entry: the declaration slip, and the station's key */

gboolean
pd_window_trust_station_key (PdWindow   *self,
                             const char *text)
{
  g_autofree char *key_id = NULL;
  g_autoptr(GBytes) public_key = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  g_return_val_if_fail (PD_IS_WINDOW (self), FALSE);

  /* The keys decide whose declarations a counter takes as they are: not a volunteer's call,
   * and on an enrolled station the supervisor's. */
  if (self->role == PD_ROLE_SUPERVISOR || (!self->enrolled && pd_role_may_accept (self->role)))
    {
      if (!pd_station_key_parse (text, &key_id, &public_key, &error) ||
          !pd_declaration_keys_trust (self->store, key_id, public_key, &error) ||
          !pd_store_audit (self->store, self->actor ? self->actor : g_get_user_name (),
                           "trust-declaration-key", NULL, key_id, &error))
        {
          scan_message (self, error->message);
          return FALSE;
        }
      /* Translators: %s is a station's key id such as ST-1A2B3C. */
      message = g_strdup_printf (_("Declarations signed by station %s are now accepted at this counter."), key_id);
      scan_message (self, message);
      return TRUE;
    }
  scan_message (self, _("Only a supervisor can trust a station’s key. Ask the supervisor to scan it."));
  return FALSE;
}

static void
trust_response_cb (AdwMessageDialog *dialog,
                   const char       *response,
                   PdWindow         *self)
{
  if (g_str_equal (response, "trust"))
    pd_window_trust_station_key (self, g_object_get_data (G_OBJECT (dialog), "pd-key"));
}

static void
offer_trust (PdWindow   *self,
             const char *text)
{
  g_autofree char *key_id = NULL;
  g_autoptr(GBytes) public_key = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  if (!pd_station_key_parse (text, &key_id, &public_key, &error))
    {
      scan_message (self, error->message);
      return;
    }
  body = g_strdup_printf (_("From now on, declaration QR codes signed by station %s fill the form "
                            "as they are. Trust it only if the code was printed at that station."), key_id);
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Trust This Assisted-Entry Station?"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "trust", _("_Trust Station"),
                                    NULL);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "pd-key", g_strdup (text), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (trust_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
print_declaration_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  PdWindow *self = PD_WINDOW (widget);

  pd_declaration_printer_print_declaration (self->declaration_printer, self->store, self->engine,
                                            self->photo_override);
}

static void
station_key_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  PdWindow *self = PD_WINDOW (widget);

  pd_declaration_printer_print_station_key (self->declaration_printer, self->store);
}

PdSyncEngine *
pd_window_get_sync_engine (PdWindow *self)
{
  g_return_val_if_fail (PD_IS_WINDOW (self), NULL);
  return self->engine;
}

/* The day report */

static void
day_report_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  GDate today;

  g_date_clear (&today, 1);
  g_date_set_dmy (&today, g_date_time_get_day_of_month (now), g_date_time_get_month (now),
                  g_date_time_get_year (now));
  PdWindow *self = PD_WINDOW (widget);

  pd_day_report_printer_print (self->day_report_printer, self->store, self->settings, &today);
}

static void
day_report_dialog_print_cb (PdWindow    *self,
                            const GDate *day)
{
  pd_day_report_printer_print (self->day_report_printer, self->store, self->settings, day);
}

static void
choose_day_report_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  PdDayReportDialog *dialog = pd_day_report_dialog_new (GTK_WINDOW (widget));

  g_signal_connect_object (dialog, "print", G_CALLBACK (day_report_dialog_print_cb), widget, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Preparing a mobile team's trip */

static void
trip_ready_cb (PdWindow          *self,
               guint              n_chosen,
               guint              n_total,
               PdTripPreparation *trip)
{
  pd_queue_page_reload (self->queue_page);
}

static void
trip_prepare_cb (PdTripDialog *dialog,
                 GStrv         communes,
                 PdWindow     *self)
{
  pd_trip_preparation_start (self->trip, self->store, self->engine, (const char * const *) communes);
}

static void
prepare_trip_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  PdWindow *self = PD_WINDOW (widget);
  g_autoptr(PdReference) reference = pd_store_get_reference (self->store);
  g_autofree char *chosen = pd_store_get_setting (self->store, PD_TRIP_SETTING_COMMUNES);
  PdTripDialog *dialog = pd_trip_dialog_new (GTK_WINDOW (self), reference, chosen);

  g_signal_connect_object (dialog, "prepare", G_CALLBACK (trip_prepare_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
show_sync_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  adw_view_stack_set_visible_child_name (PD_WINDOW (widget)->view_stack, "sync");
}

static void
new_dossier_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  PdWindow *self = PD_WINDOW (widget);

  pd_dossier_form_clear (self->form);
  pd_photo_page_reset (self->photo_page);
  adw_view_stack_set_visible_child_name (self->view_stack, "form");
  pd_dossier_form_focus_first (self->form);
}

static void
photo_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  PdWindow *self = PD_WINDOW (widget);

  adw_view_stack_set_visible_child_name (self->view_stack, "photo");
}

static void
photo_accepted_cb (PdWindow    *self,
                   GBytes      *jpeg,
                   const char  *override_detail,
                   PdPhotoPage *page)
{
  adw_view_stack_set_visible_child_name (self->view_stack, "form");
  pd_dossier_form_set_photo (self->form, jpeg, override_detail);
  g_free (self->photo_override);
  self->photo_override = g_strdup (override_detail);
  /* A volunteer saves nothing: the slip is what the citizen takes to the counter. */
  if (self->role == PD_ROLE_VOLUNTEER)
    scan_message (self, _("Photo added. Print the declaration slip (Ctrl+Shift+P) when the form is complete."));
  else
    scan_message (self, _("Photo added to the application. Save the application to keep it."));
}

static void
code_read_cb (PdWindow           *self,
              const char         *text,
              PdCodeReaderDialog *dialog)
{
  pd_window_handle_scan (self, text);
}

static void
scan_camera_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  PdWindow *self = PD_WINDOW (widget);

  if (self->code_dialog != NULL)
    {
      gtk_window_present (GTK_WINDOW (self->code_dialog));
      return;
    }
  /* One program at a time may use a camera: the photo page lets go of it when hidden. */
  if (g_strcmp0 (adw_view_stack_get_visible_child_name (self->view_stack), "photo") == 0)
    adw_view_stack_set_visible_child_name (self->view_stack, "form");

  g_set_weak_pointer (&self->code_dialog, pd_code_reader_dialog_new (GTK_WINDOW (self), NULL));
  g_signal_connect_object (self->code_dialog, "code-read", G_CALLBACK (code_read_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (self->code_dialog));
}

static void
document_scanned_cb (PdWindow        *self,
                     const char      *kind,
                     const char      *content_type,
                     GBytes          *data,
                     GdkPixbuf       *picture,
                     PdScannerDialog *dialog)
{
  pd_dossier_form_add_attachment (self->form, kind, content_type, data);
  adw_view_stack_set_visible_child_name (self->view_stack, "form");
}

static void
attach_scan_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  PdWindow *self = PD_WINDOW (widget);
  PdScannerDialog *dialog = pd_scanner_dialog_new (GTK_WINDOW (self));

  g_signal_connect_object (dialog, "scanned", G_CALLBACK (document_scanned_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  PdWindow *self = PD_WINDOW (widget);

  adw_view_stack_set_visible_child_name (self->view_stack, "queue");
  pd_queue_page_focus_search (self->queue_page);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  PdWindow *self = PD_WINDOW (widget);

  /* Ctrl+S anywhere in the window saves the application being typed. */
  adw_view_stack_set_visible_child_name (self->view_stack, "form");
  if (self->role == PD_ROLE_NONE && self->engine != NULL)
    {
      open_sign_in (self);
      return;
    }
  gtk_widget_activate_action (GTK_WIDGET (self->form), "form.save", NULL);
}

static void
retry_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  pd_window_open_store (PD_WINDOW (widget));
}

static void
form_saved_cb (PdWindow      *self,
               PdDossier     *dossier,
               PdDossierForm *form)
{
  gboolean print = self->print_after_accept;

  self->print_after_accept = FALSE;
  close_ticket (self, dossier);
  pd_queue_page_reload (self->queue_page);
  pd_sync_page_reload (self->sync_page);
  pd_photo_page_reset (self->photo_page);

  if (pd_dossier_get_status (dossier) != PD_STATUS_ACCEPTED)
    {
      self->in_round = FALSE;
      return;
    }
  g_set_object (&self->last_accepted, dossier);
  if (print)
    {
      g_autoptr(GError) error = NULL;

      if (!pd_print_queue_print_papers (self->print_queue, self->store, dossier, &error))
        {
          g_autofree char *message = g_strdup_printf (_("Accepted, but the papers cannot be made: %s. "
                                                        "Print them again with Ctrl+P."), error->message);

          scan_message (self, message);
        }
    }
  else
    self->in_round = FALSE;
}

static void
visible_page_changed_cb (PdWindow     *self,
                         GParamSpec   *pspec,
                         AdwViewStack *stack)
{
  const char *name = adw_view_stack_get_visible_child_name (stack);

  /* Figures on the sync page come from the store; refresh them whenever it is looked at. The
   * list too: a sync pass may have sent, received or rejected applications since. */
  if (self->store != NULL && g_strcmp0 (name, "sync") == 0)
    pd_sync_page_reload (self->sync_page);
  else if (self->store != NULL && g_strcmp0 (name, "queue") == 0)
    pd_queue_page_reload (self->queue_page);
  else if (self->queue != NULL && g_strcmp0 (name, "entrance") == 0)
    pd_entrance_page_reload (self->entrance_page);
}

/* Preferences (a modal window of their own) may have given this station its ticket letter:
 * the entrance says so as soon as the officer is back. */
static void
active_changed_cb (PdWindow *self)
{
  if (gtk_window_is_active (GTK_WINDOW (self)) && self->queue != NULL)
    pd_entrance_page_reload (self->entrance_page);
}

static void
after_paint_cb (GdkFrameClock *clock,
                PdWindow      *self)
{
  gint64 now = g_get_monotonic_time ();

  if (!self->first_frame_seen)
    {
      self->first_frame_seen = TRUE;
      g_print ("passdesk-first-frame-us %" G_GINT64_FORMAT "\n", now);
    }

  if (gtk_stack_get_visible_child_name (self->main_stack) != NULL &&
      g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "loading") != 0)
    {
      g_print ("passdesk-ready-us %" G_GINT64_FORMAT "\n", now);
      g_clear_signal_handler (&self->after_paint_id, clock);
      gtk_window_close (GTK_WINDOW (self));
    }
}

static void
pd_window_map (GtkWidget *widget)
{
  PdWindow *self = PD_WINDOW (widget);

  GTK_WIDGET_CLASS (pd_window_parent_class)->map (widget);

  /* Developer option for tests/bench/bench-startup.c: with PASSDESK_EXIT_AFTER_FIRST_FRAME=1
   * the window prints the monotonic time (g_get_monotonic_time(), µs) after its first frame
   * is painted ("passdesk-first-frame-us") and after the first frame that shows the opened
   * database or its error ("passdesk-ready-us"), then closes. */
  if (self->exit_after_ready && self->after_paint_id == 0 && !self->first_frame_seen)
    {
      GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);

      self->after_paint_id = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), self);
    }
}

static void
notify_store_for_exit_cb (PdWindow   *self,
                          GParamSpec *pspec,
                          gpointer    user_data)
{
  /* The content page may need no further frame if nothing changes size: ask for one. */
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static gboolean
pd_window_close_request (GtkWindow *window)
{
  PdWindow *self = PD_WINDOW (window);
  int width, height;

  gtk_window_get_default_size (window, &width, &height);
  g_settings_delay (self->settings);
  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
  g_settings_apply (self->settings);

  return GTK_WINDOW_CLASS (pd_window_parent_class)->close_request (window);
}

static void
pd_window_constructed (GObject *object)
{
  PdWindow *self = PD_WINDOW (object);
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  G_OBJECT_CLASS (pd_window_parent_class)->constructed (object);

  if (PD_IS_APPLICATION (app))
    self->settings = g_object_ref (pd_application_get_settings (PD_APPLICATION (app)));
  else
    self->settings = g_settings_new (APP_ID);

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  g_settings_bind (self->settings, "scanner-max-gap", self->scan_input, "max-gap", G_SETTINGS_BIND_GET);
  g_settings_bind (self->settings, "scanner-min-length", self->scan_input, "min-length", G_SETTINGS_BIND_GET);
  g_settings_bind (self->settings, "scanner-line-gap", self->scan_input, "line-gap", G_SETTINGS_BIND_GET);

  if (self->database_path == NULL)
    self->database_path = g_build_filename (g_get_user_data_dir (), "passdesk", "passdesk.db", NULL);

  if (self->exit_after_ready)
    g_signal_connect (self, "notify::store", G_CALLBACK (notify_store_for_exit_cb), NULL);

  pd_window_open_store (self);
}

static void
pd_window_dispose (GObject *object)
{
  PdWindow *self = PD_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->lookup_cancellable);
  if (self->slip_photo != NULL)
    pd_slip_photo_cancel (self->slip_photo);
  g_clear_object (&self->slip_photo);
  if (self->engine != NULL)
    pd_sync_engine_stop (self->engine);
  g_clear_object (&self->engine);
  if (self->code_dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->code_dialog));
  g_clear_object (&self->print_queue);
  g_clear_object (&self->declaration_printer);
  g_clear_object (&self->day_report_printer);
  g_clear_object (&self->trip);
  g_clear_object (&self->reopener);
  gtk_widget_dispose_template (GTK_WIDGET (self), PD_TYPE_WINDOW);

  G_OBJECT_CLASS (pd_window_parent_class)->dispose (object);
}

static void
pd_window_finalize (GObject *object)
{
  PdWindow *self = PD_WINDOW (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->lookup_cancellable);
  g_clear_object (&self->scan_input);
  g_clear_object (&self->pending_declaration);
  g_clear_pointer (&self->scan_message, g_free);
  g_clear_pointer (&self->actor, g_free);
  g_clear_object (&self->last_accepted);
  g_clear_object (&self->queue);
  g_clear_object (&self->queue_client);
  g_clear_pointer (&self->ticket, g_free);
  g_clear_pointer (&self->photo_override, g_free);
  g_clear_pointer (&self->slip_code, g_free);
  g_clear_weak_pointer (&self->code_dialog);
  if (self->ticket_destroy != NULL)
    self->ticket_destroy (self->ticket_data);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);
  g_clear_error (&self->open_error);
  g_clear_pointer (&self->database_path, g_free);

  G_OBJECT_CLASS (pd_window_parent_class)->finalize (object);
}

static void
pd_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  PdWindow *self = PD_WINDOW (object);

  switch (prop_id)
    {
    case PROP_DATABASE_PATH:
      g_value_set_string (value, self->database_path);
      break;
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pd_window_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  PdWindow *self = PD_WINDOW (object);

  switch (prop_id)
    {
    case PROP_DATABASE_PATH:
      g_free (self->database_path);
      self->database_path = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pd_window_class_init (PdWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = pd_window_constructed;
  object_class->dispose = pd_window_dispose;
  object_class->finalize = pd_window_finalize;
  object_class->get_property = pd_window_get_property;
  object_class->set_property = pd_window_set_property;

  widget_class->map = pd_window_map;
  window_class->close_request = pd_window_close_request;

  properties[PROP_DATABASE_PATH] =
    g_param_spec_string ("database-path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, PD_TYPE_STORE,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (PD_TYPE_QUEUE_PAGE);
  g_type_ensure (PD_TYPE_DOSSIER_FORM);
  g_type_ensure (PD_TYPE_SYNC_PAGE);
  g_type_ensure (PD_TYPE_ENTRANCE_PAGE);
  g_type_ensure (PD_TYPE_PHOTO_PAGE);
  g_type_ensure (PD_TYPE_SYNC_INDICATOR);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/passdesk/Passdesk/ui/pd-window.ui");
  gtk_widget_class_bind_template_child (widget_class, PdWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, PdWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, PdWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, PdWindow, error_detail);
  gtk_widget_class_bind_template_child (widget_class, PdWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, PdWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, PdWindow, call_next_button);
  gtk_widget_class_bind_template_child (widget_class, PdWindow, queue_page);
  gtk_widget_class_bind_template_child (widget_class, PdWindow, form);
  gtk_widget_class_bind_template_child (widget_class, PdWindow, sync_page);
  gtk_widget_class_bind_template_child (widget_class, PdWindow, entrance_page);
  gtk_widget_class_bind_template_child (widget_class, PdWindow, photo_page);
  gtk_widget_class_bind_template_child (widget_class, PdWindow, sync_indicator);

  gtk_widget_class_install_action (widget_class, "win.new-dossier", NULL, new_dossier_action);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "win.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "win.retry", NULL, retry_action);
  gtk_widget_class_install_action (widget_class, "win.photo", NULL, photo_action);
  gtk_widget_class_install_action (widget_class, "win.scan-camera", NULL, scan_camera_action);
  gtk_widget_class_install_action (widget_class, "win.attach-scan", NULL, attach_scan_action);

  gtk_widget_class_install_action (widget_class, "win.call-next", NULL, call_next_action);
  gtk_widget_class_install_action (widget_class, "win.accept", NULL, accept_action);
  gtk_widget_class_install_action (widget_class, "win.hold", NULL, form_action);
  gtk_widget_class_install_action (widget_class, "win.refuse", NULL, form_action);
  gtk_widget_class_install_action (widget_class, "win.documents", NULL, form_action);
  gtk_widget_class_install_action (widget_class, "win.print-declaration", NULL, print_declaration_action);
  gtk_widget_class_install_action (widget_class, "win.station-key", NULL, station_key_action);
  gtk_widget_class_install_action (widget_class, "win.day-report", NULL, day_report_action);
  gtk_widget_class_install_action (widget_class, "win.choose-day-report", NULL, choose_day_report_action);
  gtk_widget_class_install_action (widget_class, "win.sign-in", NULL, sign_in_action);
  gtk_widget_class_install_action (widget_class, "win.prepare-trip", NULL, prepare_trip_action);
  gtk_widget_class_install_action (widget_class, "win.export-outbox", NULL, pd_outbox_transfer_export_action);
  gtk_widget_class_install_action (widget_class, "win.import-outbox", NULL, pd_outbox_transfer_import_action);
  gtk_widget_class_install_action (widget_class, "win.show-sync", NULL, show_sync_action);
  gtk_widget_class_install_action (widget_class, "win.print-again", NULL, print_again_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F2, 0, "win.call-next", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "win.accept", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK, "win.accept", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_h, GDK_CONTROL_MASK, "win.hold", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_R, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.refuse", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, GDK_CONTROL_MASK, "win.print-again", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_k, GDK_CONTROL_MASK, "win.documents", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_E, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.day-report", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_P, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.print-declaration", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "win.new-dossier", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "win.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_t, GDK_CONTROL_MASK, "win.photo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_C, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.scan-camera", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_d, GDK_CONTROL_MASK, "win.attach-scan", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_l, GDK_CONTROL_MASK, "win.sign-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_X, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.export-outbox", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_O, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.import-outbox", NULL);
}

static void
pd_window_init (PdWindow *self)
{
  self->cancellable = g_cancellable_new ();
  self->exit_after_ready = g_strcmp0 (g_getenv ("PASSDESK_EXIT_AFTER_FIRST_FRAME"), "1") == 0;
  /* Tests drive the passes themselves (pd_window_get_sync_engine()). */
  self->start_sync = g_strcmp0 (g_getenv ("PASSDESK_NO_BACKGROUND_SYNC"), "1") != 0;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->scan_input = pd_scan_input_new (GTK_WIDGET (self));
  g_signal_connect_object (self->scan_input, "scanned", G_CALLBACK (scanned_cb), self, 0);
  g_signal_connect_object (self->form, "saved", G_CALLBACK (form_saved_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->sync_page, "enrolled", G_CALLBACK (sync_page_enrolled_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->sync_page, "signed-in", G_CALLBACK (sync_page_signed_in_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->queue_page, "dossier-activated", G_CALLBACK (dossier_activated_cb),
                           self, G_CONNECT_SWAPPED);
  self->print_queue = pd_print_queue_new (GTK_WINDOW (self), self->cancellable);
  g_signal_connect_object (self->print_queue, "finished", G_CALLBACK (print_finished_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->print_queue, "message", G_CALLBACK (scan_message), self, G_CONNECT_SWAPPED);
  self->declaration_printer = pd_declaration_printer_new (self->print_queue, self->form, self->cancellable);
  g_signal_connect_object (self->declaration_printer, "message", G_CALLBACK (scan_message), self, G_CONNECT_SWAPPED);
  self->day_report_printer = pd_day_report_printer_new (self->print_queue, self->cancellable);
  g_signal_connect_object (self->day_report_printer, "message", G_CALLBACK (scan_message), self, G_CONNECT_SWAPPED);
  self->trip = pd_trip_preparation_new (self->cancellable);
  g_signal_connect_object (self->trip, "ready", G_CALLBACK (trip_ready_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->trip, "message", G_CALLBACK (scan_message), self, G_CONNECT_SWAPPED);
  self->reopener = pd_reopener_new (GTK_WINDOW (self), self->cancellable);
  g_signal_connect_object (self->reopener, "reopened", G_CALLBACK (reopened_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->reopener, "message", G_CALLBACK (scan_message), self, G_CONNECT_SWAPPED);
  self->role = PD_ROLE_OFFICER;
  g_signal_connect_object (self->photo_page, "photo-accepted", G_CALLBACK (photo_accepted_cb),
                           self, G_CONNECT_SWAPPED);
  self->slip_photo = pd_slip_photo_new (self->form, self->photo_page, self->view_stack);
  g_signal_connect_object (self->slip_photo, "message", G_CALLBACK (scan_message), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->view_stack, "notify::visible-child",
                           G_CALLBACK (visible_page_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect (self, "notify::is-active", G_CALLBACK (active_changed_cb), NULL);
  set_actions_enabled (self, FALSE);
}
