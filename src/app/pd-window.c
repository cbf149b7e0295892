/* pd-window.c: the main window: builds its pages and shows what the station and the officer do. */
#define G_LOG_DOMAIN "pd-window"

#include "config.h"

#include <glib/gi18n.h>
#include <errno.h>
#include <glib/gstdio.h>

#include "pd-code-reader-dialog.h"
#include "pd-date.h"
#include "pd-day-report-printer.h"
#include "pd-declaration-printer.h"
#include "pd-queue.h"
#include "pd-print-queue.h"
#include "pd-reopener.h"
#include "pd-entrance-page.h"
#include "pd-outbox-transfer.h"
#include "pd-sign-in-dialog.h"
#include "pd-slip-photo.h"
#include "pd-sync-indicator.h"
#include "pd-trip.h"
#include "pd-trip-preparation.h"
#include "sync/pd-device.h"
#include "sync/pd-officer.h"
#include "sync/pd-queue-sync.h"
#include "sync/pd-sync-client.h"
#include "sync/pd-sync-engine.h"
#include "pd-station.h"
#include "pd-toast.h"
#include "pd-scanner-dialog.h"
#include "pd-window-private.h"

/* The photo standard of Vietnamese passports (data/photo-standards/). */
#define PHOTO_PROFILE "vn-passport"


G_DEFINE_FINAL_TYPE (PdWindow, pd_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_DATABASE_PATH,
  PROP_STORE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

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

PdStation *
pd_window_get_station (PdWindow *self)
{
  g_return_val_if_fail (PD_IS_WINDOW (self), NULL);
  return self->station;
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

static void show_content (PdWindow *self,
                          PdStore  *store);

static void
station_opened_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(PdWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!pd_station_open_finish (PD_STATION (object), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      gtk_spinner_stop (self->spinner);
      show_open_error (self, error);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.retry", TRUE);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
      return;
    }
  gtk_spinner_stop (self->spinner);
  show_content (self, pd_station_get_store (self->station));
  if (pd_station_get_role (self->station) == PD_ROLE_NONE)
    {
      const char *problem = pd_station_get_sign_in_problem (self->station);
      g_autofree char *message =
        g_strdup_printf (_("Nobody is signed in at this station, so applications cannot be accepted. "
                           "Sign in with Ctrl+L (main menu, Sign In…).%s%s"),
                         problem ? " " : "", problem ? problem : "");

      pd_window_show_message (self, message);
    }
}

void
pd_window_open_store (PdWindow *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.retry", FALSE);
  gtk_stack_set_visible_child_name (self->main_stack, "loading");
  gtk_spinner_start (self->spinner);
  pd_station_open_async (self->station, self->cancellable, station_opened_cb, g_object_ref (self));
}

/* Roles */

static void
apply_role (PdWindow *self)
{
  PdRole role = pd_station_get_role (self->station);
  PdOfficer *officer = pd_station_get_officer (self->station);
  gboolean volunteer = role == PD_ROLE_VOLUNTEER;
  /* A mobile team serves applicants where they live, with no office queue to call from. */
  gboolean calls = !volunteer && !g_settings_get_boolean (self->settings, "mobile-team");
  AdwViewStackPage *queue = adw_view_stack_get_page (self->view_stack, GTK_WIDGET (self->queue_page));

  pd_dossier_form_set_role (self->form, role, pd_station_get_actor (self->station),
                            officer != NULL ? pd_officer_get_acceptance_token (officer) : NULL);
  pd_dossier_form_set_signer (self->form, officer != NULL ? pd_officer_get_display_name (officer) : NULL);
  /* A volunteer helps one citizen at a time: no list of others, no search. */
  adw_view_stack_page_set_visible (queue, !volunteer);
  /* Nor the tickets of the office's queue: the citizen queues at the counter with the slip. */
  adw_view_stack_page_set_visible (adw_view_stack_get_page (self->view_stack, GTK_WIDGET (self->entrance_page)),
                                   calls);
  gtk_widget_set_visible (self->call_next_button, calls);
  if (self->store != NULL)
    gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.search", !volunteer);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.call-next", calls && self->store != NULL);
  /* What a volunteer prepares goes to the counter on the slip, not into this station's store. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.hold", !volunteer && self->store != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.refuse", !volunteer && self->store != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.day-report", !volunteer && self->store != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.choose-day-report", !volunteer && self->store != NULL);
  pd_outbox_transfer_update_actions (self, self->store != NULL);
  if ((volunteer && g_strcmp0 (adw_view_stack_get_visible_child_name (self->view_stack), "queue") == 0) ||
      (!calls && g_strcmp0 (adw_view_stack_get_visible_child_name (self->view_stack), "entrance") == 0))
    adw_view_stack_set_visible_child_name (self->view_stack, "form");
}

/* Who works here stays in the header (a toast at sign-in is gone in seconds): the officer's
 * full name when the central system gave it, else the account; nobody, in warning colours. */
static void
show_officer (PdWindow *self)
{
  PdOfficer *officer = pd_station_get_officer (self->station);
  const char *actor = pd_station_get_actor (self->station);
  g_autofree char *tooltip = NULL;
  const char *name = NULL;

  if (officer != NULL)
    {
      name = pd_officer_get_display_name (officer);
      if (name == NULL || *name == '\0')
        name = pd_officer_get_username (officer);
      tooltip = g_strdup_printf (_("Signed in as %s (%s, %s). Click to sign out or to sign in as someone else (Ctrl+L)."),
                                 name, pd_officer_get_username (officer),
                                 pd_role_get_label (pd_officer_get_role (officer)));
    }
  else if (actor != NULL && pd_station_get_role (self->station) != PD_ROLE_NONE)
    {
      name = actor;
      tooltip = g_strdup_printf (_("Working as %s. Click to sign in (Ctrl+L)."), name);
    }
  if (name == NULL)
    {
      name = _("Not signed in");
      tooltip = g_strdup (_("Nobody is signed in: applications cannot be accepted. Click to sign in (Ctrl+L)."));
    }
  gtk_label_set_label (self->officer_label, name);
  gtk_widget_set_tooltip_text (self->officer_button, tooltip);
  if ((officer == NULL && pd_station_get_role (self->station) == PD_ROLE_NONE) !=
      gtk_widget_has_css_class (self->officer_button, "warning"))
    {
      if (gtk_widget_has_css_class (self->officer_button, "warning"))
        gtk_widget_remove_css_class (self->officer_button, "warning");
      else
        gtk_widget_add_css_class (self->officer_button, "warning");
    }
}

const char *
pd_window_get_officer_label (PdWindow *self)
{
  g_return_val_if_fail (PD_IS_WINDOW (self), NULL);
  return gtk_label_get_label (self->officer_label);
}

char *
pd_window_get_counter_name (PdWindow *self)
{
  guint counter = g_settings_get_uint (self->settings, "counter");

  return counter > 0 ? g_strdup_printf ("%u", counter) : g_strdup (g_get_host_name ());
}

/* A rejection that arrives (or is handled) while the list is on screen shows there at once,
 * as it does in the header. */
static void
rejected_count_changed_cb (PdWindow *self)
{
  if (self->store != NULL && g_strcmp0 (adw_view_stack_get_visible_child_name (self->view_stack), "queue") == 0)
    pd_queue_page_reload (self->queue_page);
}

static void
station_engine_changed_cb (PdWindow *self)
{
  PdSyncEngine *engine = pd_station_get_sync_engine (self->station);

  pd_sync_indicator_set_engine (self->sync_indicator, engine);
  if (engine != NULL)
    g_signal_connect_object (engine, "notify::rejected-count", G_CALLBACK (rejected_count_changed_cb),
                             self, G_CONNECT_SWAPPED);
}

static void
show_content (PdWindow *self,
              PdStore  *store)
{
  g_set_object (&self->store, store);
  pd_queue_page_set_store (self->queue_page, self->store);
  pd_dossier_form_set_store (self->form, self->store, self->settings);
  pd_sync_page_set_store (self->sync_page, self->store, self->settings);
  pd_window_set_actions_enabled (self, TRUE);
  apply_role (self);
  load_photo_profile (self);
  gtk_stack_set_visible_child_name (self->main_stack, "content");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
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
get_dossier_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(PdWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(PdDossier) dossier = pd_station_load_dossier_finish (PD_STATION (object), result, &error);
  g_autofree char *message = NULL;

  if (dossier == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          message = g_strdup_printf (_("Cannot open the application: %s"), error->message);
          pd_window_show_message (self, message);
        }
      return;
    }

  switch ((int) pd_dossier_get_status (dossier))
    {
    case PD_STATUS_DRAFT:
    case PD_STATUS_ON_HOLD:
      if (!pd_dossier_form_is_blank (self->form))
        {
          pd_window_show_message (self, _("Finish the application on the form first: accept it, put it on hold or refuse it."));
          return;
        }
      pd_dossier_form_load (self->form, dossier);
      adw_view_stack_set_visible_child_name (self->view_stack, "form");
      message = g_strdup_printf (_("Application of %s resumed. Check it, then accept it with Ctrl+Enter."),
                                 pd_dossier_get_field (dossier, PD_FIELD_FULL_NAME));
      pd_window_show_message (self, message);
      break;
    case PD_STATUS_REFUSED:
      if (pd_role_may_reopen (pd_station_get_role (self->station)))
        pd_reopener_offer (self->reopener, self->store, pd_station_get_role (self->station), pd_station_get_actor (self->station), dossier);
      else
        pd_window_show_message (self, _("This application was refused. Only a supervisor can reopen it."));
      break;
    case PD_STATUS_ACCEPTED:
      if (pd_role_may_reopen (pd_station_get_role (self->station)))
        {
          pd_reopener_offer (self->reopener, self->store, pd_station_get_role (self->station), pd_station_get_actor (self->station), dossier);
          break;
        }
      G_GNUC_FALLTHROUGH;
    default:
      /* Translators: %s is a status such as "Accepted". */
      message = g_strdup_printf (_("This application is “%s”: it can no longer be changed at the counter."),
                                 pd_status_get_label (pd_dossier_get_status (dossier)));
      pd_window_show_message (self, message);
      break;
    }
}

static void
dossier_activated_cb (PdWindow    *self,
                      PdDossier   *listed,
                      PdQueuePage *page)
{
  if (self->store == NULL || pd_station_get_role (self->station) == PD_ROLE_VOLUNTEER)
    return;
  /* The list holds no photo: the application is read again, whole. */
  pd_station_load_dossier_async (self->station, pd_dossier_get_id (listed), self->cancellable,
                                 get_dossier_cb, g_object_ref (self));
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
  if (pd_station_get_role (self->station) == PD_ROLE_VOLUNTEER)
    pd_window_show_message (self, _("Photo added. Print the declaration slip (Ctrl+Shift+P) when the form is complete."));
  else
    pd_window_show_message (self, _("Photo added to the application. Save the application to keep it."));
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
  else if (pd_station_get_queue (self->station) != NULL && g_strcmp0 (name, "entrance") == 0)
    pd_entrance_page_reload (self->entrance_page);
}

void
pd_window_reload_entrance (PdWindow *self)
{
  g_return_if_fail (PD_IS_WINDOW (self));

  if (pd_station_get_queue (self->station) != NULL)
    pd_entrance_page_reload (self->entrance_page);
}

/* Preferences (a modal window of their own) may have given this station its ticket letter:
 * the entrance says so as soon as the officer is back. */
static void
active_changed_cb (PdWindow *self)
{
  if (gtk_window_is_active (GTK_WINDOW (self)) && pd_station_get_queue (self->station) != NULL)
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

  /* A half-filled form is there again at the next start. */
  pd_dossier_form_save_draft (self->form);
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
  self->station = pd_station_new (self->database_path);
  g_signal_connect_object (self->station, "notify::role", G_CALLBACK (apply_role), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::mobile-team", G_CALLBACK (apply_role), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->station, "notify::actor", G_CALLBACK (apply_role), self, G_CONNECT_SWAPPED);
  /* The same officer signed in again brings another token for the acceptances. */
  g_signal_connect_object (self->station, "notify::officer", G_CALLBACK (apply_role), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->station, "notify::officer", G_CALLBACK (show_officer), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->station, "notify::role", G_CALLBACK (show_officer), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->station, "notify::actor", G_CALLBACK (show_officer), self, G_CONNECT_SWAPPED);
  show_officer (self);
  /* The Sending page and the entrance follow the station themselves; the header shows its engine. */
  pd_sync_page_set_station (self->sync_page, self->station);
  pd_entrance_page_set_station (self->entrance_page, self->station);
  g_signal_connect_object (self->station, "notify::sync-engine", G_CALLBACK (station_engine_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->station, "message", G_CALLBACK (pd_window_show_message), self, G_CONNECT_SWAPPED);

  if (self->exit_after_ready)
    g_signal_connect (self, "notify::store", G_CALLBACK (notify_store_for_exit_cb), NULL);

  pd_window_open_store (self);
}

static void
pd_window_dispose (GObject *object)
{
  PdWindow *self = PD_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  if (self->slip_photo != NULL)
    pd_slip_photo_cancel (self->slip_photo);
  g_clear_object (&self->slip_photo);
  if (self->station != NULL)
    pd_station_stop (self->station);
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
  g_clear_object (&self->scan_input);
  g_clear_object (&self->pending_declaration);
  g_clear_pointer (&self->scan_message, g_free);
  g_clear_object (&self->last_accepted);
  g_clear_pointer (&self->photo_override, g_free);
  g_clear_pointer (&self->slip_code, g_free);
  g_clear_weak_pointer (&self->code_dialog);
  g_clear_object (&self->store);
  g_clear_object (&self->station);
  g_clear_object (&self->settings);
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
  g_type_ensure (PD_TYPE_MESSAGE_BAR);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/passdesk/Passdesk/ui/pd-window.ui");
  gtk_widget_class_bind_template_child (widget_class, PdWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, PdWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, PdWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, PdWindow, error_detail);
  gtk_widget_class_bind_template_child (widget_class, PdWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, PdWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, PdWindow, call_next_button);
  gtk_widget_class_bind_template_child (widget_class, PdWindow, serving_label);
  gtk_widget_class_bind_template_child (widget_class, PdWindow, message_bar);
  gtk_widget_class_bind_template_child (widget_class, PdWindow, queue_page);
  gtk_widget_class_bind_template_child (widget_class, PdWindow, form);
  gtk_widget_class_bind_template_child (widget_class, PdWindow, sync_page);
  gtk_widget_class_bind_template_child (widget_class, PdWindow, entrance_page);
  gtk_widget_class_bind_template_child (widget_class, PdWindow, photo_page);
  gtk_widget_class_bind_template_child (widget_class, PdWindow, sync_indicator);
  gtk_widget_class_bind_template_child (widget_class, PdWindow, officer_button);
  gtk_widget_class_bind_template_child (widget_class, PdWindow, officer_label);

  pd_window_class_install_actions (widget_class);
  /* Printing, the day report and the trip. */
  pd_window_class_install_round_actions (widget_class);
}

static void
pd_window_init (PdWindow *self)
{
  self->cancellable = g_cancellable_new ();
  self->exit_after_ready = g_strcmp0 (g_getenv ("PASSDESK_EXIT_AFTER_FIRST_FRAME"), "1") == 0;

  gtk_widget_init_template (GTK_WIDGET (self));

  pd_toast_set_message_bar (self->toast_overlay, self->message_bar);
  pd_window_init_scan (self);
  g_signal_connect_object (self->queue_page, "dossier-activated", G_CALLBACK (dossier_activated_cb),
                           self, G_CONNECT_SWAPPED);
  self->print_queue = pd_print_queue_new (GTK_WINDOW (self), self->cancellable);
  pd_window_init_round (self);
  g_signal_connect_object (self->print_queue, "message", G_CALLBACK (pd_window_show_message), self, G_CONNECT_SWAPPED);
  self->declaration_printer = pd_declaration_printer_new (self->print_queue, self->form, self->cancellable);
  g_signal_connect_object (self->declaration_printer, "message", G_CALLBACK (pd_window_show_message), self, G_CONNECT_SWAPPED);
  self->day_report_printer = pd_day_report_printer_new (self->print_queue, self->cancellable);
  g_signal_connect_object (self->day_report_printer, "message", G_CALLBACK (pd_window_show_message), self, G_CONNECT_SWAPPED);
  self->trip = pd_trip_preparation_new (self->cancellable);
  g_signal_connect_object (self->trip, "ready", G_CALLBACK (trip_ready_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->trip, "message", G_CALLBACK (pd_window_show_message), self, G_CONNECT_SWAPPED);
  self->reopener = pd_reopener_new (GTK_WINDOW (self), self->cancellable);
  g_signal_connect_object (self->reopener, "reopened", G_CALLBACK (reopened_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->reopener, "message", G_CALLBACK (pd_window_show_message), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->photo_page, "photo-accepted", G_CALLBACK (photo_accepted_cb),
                           self, G_CONNECT_SWAPPED);
  self->slip_photo = pd_slip_photo_new (self->form, self->photo_page, self->view_stack);
  g_signal_connect_object (self->slip_photo, "message", G_CALLBACK (pd_window_show_message), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->view_stack, "notify::visible-child",
                           G_CALLBACK (visible_page_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect (self, "notify::is-active", G_CALLBACK (active_changed_cb), NULL);
  pd_window_set_actions_enabled (self, FALSE);
}
