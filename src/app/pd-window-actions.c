/* pd-window-actions.c: the window's "win." actions and shortcuts: each asks the station or a page. */
#define G_LOG_DOMAIN "pd-window"

#include "config.h"

#include <glib/gi18n.h>

#include "pd-date.h"
#include "pd-day-report-printer.h"
#include "pd-day-report.h"
#include "pd-declaration-printer.h"
#include "pd-outbox-transfer.h"
#include "pd-scanner-dialog.h"
#include "pd-sign-in-dialog.h"
#include "pd-trip.h"
#include "pd-trip-preparation.h"
#include "pd-window-private.h"

static void
sign_in_dialog_signed_in_cb (PdWindow  *self,
                             PdOfficer *officer)
{
  g_autofree char *message = pd_sign_in_describe_officer (officer);

  pd_window_show_message (self, message);
}

static void
sign_in_dialog_signed_out_cb (PdWindow *self)
{
  pd_window_show_message (self, _("Signed out. Applications cannot be accepted until an officer signs in (Ctrl+L)."));
}

static void
open_sign_in (PdWindow *self)
{
  PdSignInDialog *dialog = pd_sign_in_dialog_new (GTK_WINDOW (self), self->station);

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

/* The applicant of @ticket (NULL: nobody was called) is served on the form. @from_queue: the
 * station has a queue, so NULL means nobody waits. */
static void
take_ticket (PdWindow   *self,
             const char *ticket,
             gboolean    from_queue)
{
  g_autofree char *message = NULL;

  if (ticket != NULL)
    {
      pd_dossier_form_set_value (self->form, PD_FIELD_QUEUE_NUMBER, ticket);
      pd_window_set_serving (self, ticket);
      /* Translators: %s is a queue ticket number such as A-017. */
      message = g_strdup_printf (_("Ticket %s called. Scan the applicant’s declaration code, or their ID card "
                                   "to type a new application."), ticket);
    }
  else if (from_queue)
    message = g_strdup (_("Nobody is waiting. Scan a declaration code or an ID card when someone comes."));
  else
    message = g_strdup (_("Next applicant: scan their declaration code, or their ID card to type a new application."));
  pd_window_show_message (self, message);
}

static void
call_failed (PdWindow     *self,
             const GError *error)
{
  g_autofree char *message = g_strdup_printf (_("Cannot call the next ticket: %s"), error->message);

  g_warning ("%s", message);
  pd_window_show_message (self, message);
}

static void
called_next_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(PdWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *ticket = NULL;

  self->calling_next = FALSE;
  if (!pd_station_call_next_finish (PD_STATION (object), result, &ticket, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        call_failed (self, error);
      return;
    }
  take_ticket (self, ticket, TRUE);
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
      pd_window_show_message (self, _("Finish the application on the form first: accept it (Ctrl+Enter), put it on hold "
                            "(Ctrl+H) or refuse it (Ctrl+Shift+R)."));
      return;
    }
  /* F2 again while the server answers: one applicant at a time. */
  if (self->calling_next)
    return;

  pd_dossier_form_clear (self->form);
  pd_photo_page_reset (self->photo_page);
  pd_window_set_serving (self, NULL);
  self->in_round = TRUE;
  adw_view_stack_set_visible_child_name (self->view_stack, "form");

  counter = pd_window_get_counter_name (self);
  if (!pd_station_calls_through_server (self->station))
    {
      g_autoptr(GError) error = NULL;
      gboolean from_queue;
      g_autofree char *ticket = pd_station_call_next (self->station, counter, &from_queue, &error);

      if (error != NULL)
        call_failed (self, error);
      else
        take_ticket (self, ticket, from_queue);
      return;
    }

  /* Through the office's server: a ticket issued at the entrance a moment ago is already
   * there. The form is ready meanwhile. */
  self->calling_next = TRUE;
  pd_window_show_message (self, _("Calling the next ticket…"));
  pd_station_call_next_async (self->station, counter, self->cancellable, called_next_cb, g_object_ref (self));
}

static void
accept_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  PdWindow *self = PD_WINDOW (widget);

  adw_view_stack_set_visible_child_name (self->view_stack, "form");
  /* Nobody to accept under: the way to sign in is offered there and then; the form is kept. */
  if (pd_station_get_role (self->station) == PD_ROLE_NONE && pd_station_get_sync_engine (self->station) != NULL)
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

  pd_photo_page_reset (self->photo_page);
  adw_view_stack_set_visible_child_name (self->view_stack, "form");
  /* As the form's Clear button: what it takes comes back with Undo. */
  gtk_widget_activate_action (GTK_WIDGET (self->form), "form.clear", NULL);
}

/* The Undo of the toast that says the form was cleared: the toast lives in the window. */
static void
undo_clear_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  PdWindow *self = PD_WINDOW (widget);

  if (pd_dossier_form_undo_clear (self->form))
    adw_view_stack_set_visible_child_name (self->view_stack, "form");
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
scan_camera_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  pd_window_read_code_with_camera (PD_WINDOW (widget));
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
  if (pd_station_get_role (self->station) == PD_ROLE_NONE && pd_station_get_sync_engine (self->station) != NULL)
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

/* Assisted entry: the declaration slip, and the station's key */

static void
print_declaration_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  PdWindow *self = PD_WINDOW (widget);

  pd_declaration_printer_print_declaration (self->declaration_printer, self->store, pd_station_get_sync_engine (self->station),
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

/* The day report */

static void
day_report_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  PdWindow *self = PD_WINDOW (widget);
  GDate today;

  pd_date_set_today (&today);
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
trip_prepare_cb (PdTripDialog *dialog,
                 GStrv         communes,
                 PdWindow     *self)
{
  pd_trip_preparation_start (self->trip, self->store, pd_station_get_sync_engine (self->station), (const char * const *) communes);
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

void
pd_window_set_actions_enabled (PdWindow *self,
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
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.print-with-options", enabled);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.documents", enabled);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.print-declaration", enabled);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.station-key", enabled);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.day-report", enabled);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.choose-day-report", enabled);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.sign-in", enabled);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.prepare-trip", enabled);
  pd_outbox_transfer_update_actions (self, enabled);
}

void
pd_window_class_install_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.new-dossier", NULL, new_dossier_action);
  gtk_widget_class_install_action (widget_class, "win.undo-clear", NULL, undo_clear_action);
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
  gtk_widget_class_install_action (widget_class, "win.sign-in", NULL, sign_in_action);
  gtk_widget_class_install_action (widget_class, "win.export-outbox", NULL, pd_outbox_transfer_export_action);
  gtk_widget_class_install_action (widget_class, "win.import-outbox", NULL, pd_outbox_transfer_import_action);
  gtk_widget_class_install_action (widget_class, "win.show-sync", NULL, show_sync_action);
  gtk_widget_class_install_action (widget_class, "win.print-declaration", NULL, print_declaration_action);
  gtk_widget_class_install_action (widget_class, "win.station-key", NULL, station_key_action);
  gtk_widget_class_install_action (widget_class, "win.day-report", NULL, day_report_action);
  gtk_widget_class_install_action (widget_class, "win.choose-day-report", NULL, choose_day_report_action);
  gtk_widget_class_install_action (widget_class, "win.prepare-trip", NULL, prepare_trip_action);

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
