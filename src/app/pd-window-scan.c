/* pd-window-scan.c: the window's side of a scan: shows what the station read, asks before replacing a form. */
#define G_LOG_DOMAIN "pd-window"

#include "config.h"

#include <glib/gi18n.h>

#include "pd-code-reader-dialog.h"
#include "pd-scan-router.h"
#include "pd-station.h"
#include "pd-station-key.h"
#include "pd-toast.h"
#include "pd-window-private.h"

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

void
pd_window_show_message (PdWindow   *self,
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
  pd_window_show_message (self, message);
  /* Off a slip, the photo taken at the assisted-entry station may be at the central system. */
  if (self->slip_code != NULL &&
      g_strcmp0 (self->slip_code, pd_dossier_get_field (declaration, PD_FIELD_DECLARATION_CODE)) == 0)
    pd_slip_photo_fetch (self->slip_photo, pd_station_get_sync_engine (self->station), declaration);
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

static void show_scan_result (PdWindow     *self,
                              PdScanResult *result);

static void
declaration_found_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(PdWindow) self = user_data;
  g_autoptr(PdScanResult) found = pd_station_lookup_declaration_finish (PD_STATION (object), result, NULL);

  /* NULL: cancelled, by a newer scan or the window going. */
  if (found != NULL)
    show_scan_result (self, found);
}

/* An ID document checked against the form: the station said what it fills and what differs. */
static void
show_document (PdWindow     *self,
               PdScanResult *result)
{
  PdDossierForm *form = self->form;

  adw_view_stack_set_visible_child_name (self->view_stack, "form");
  for (guint i = 0; i < result->filled->len; i++)
    {
      PdField field = g_array_index (result->filled, PdField, i);

      pd_dossier_form_set_value (form, field, pd_dossier_get_field (result->dossier, field));
    }
  pd_dossier_form_show_mismatches (form, result->caption, result->use_label, result->mismatches);
  if (result->id_card)
    pd_dossier_form_note_id_card (form);
  pd_window_show_message (self, result->message);

  /* In a counter round the next step after a matching card is the photo: no key to press. */
  if (self->in_round && result->matches &&
      !gtk_widget_get_visible (GTK_WIDGET (pd_dossier_form_get_photo_thumbnail (form))))
    adw_view_stack_set_visible_child_name (self->view_stack, "photo");
}

static void
show_scan_result (PdWindow     *self,
                  PdScanResult *result)
{
  switch (result->outcome)
    {
    case PD_SCAN_OUTCOME_MESSAGE:
      pd_window_show_message (self, result->message);
      break;
    case PD_SCAN_OUTCOME_LOOKUP:
      pd_station_lookup_declaration_async (self->station, result->declaration_code,
                                           declaration_found_cb, g_object_ref (self));
      break;
    case PD_SCAN_OUTCOME_DECLARATION:
      /* Off a signed slip: the photo taken at the assisted-entry station may follow. */
      if (result->declaration_code != NULL)
        {
          g_free (self->slip_code);
          self->slip_code = g_strdup (result->declaration_code);
        }
      offer_declaration (self, result->declaration);
      break;
    case PD_SCAN_OUTCOME_DOCUMENT:
      show_document (self, result);
      break;
    default:
      g_assert_not_reached ();
    }
}

/* The station's key: trusted only once the supervisor agrees */

static void
trust_response_cb (AdwMessageDialog *dialog,
                   const char       *response,
                   PdWindow         *self)
{
  g_autofree char *key_id = NULL;
  g_autoptr(GBytes) public_key = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  g_autofree char *shown_id = NULL;

  if (!g_str_equal (response, "trust"))
    return;
  if (!pd_station_key_parse (g_object_get_data (G_OBJECT (dialog), "pd-key"), &key_id, &public_key, &error) ||
      !pd_station_trust_station_key (self->station, key_id, public_key, &error))
    {
      pd_window_show_message (self, error->message);
      return;
    }
  /* Translators: %s is a station's key id such as ST-1A2B3C. */
  shown_id = pd_station_key_for_display (key_id);
  message = g_strdup_printf (_("Declarations signed by station %s are now accepted at this counter."), shown_id);
  pd_window_show_message (self, message);
}

static void
offer_trust (PdWindow   *self,
             const char *text)
{
  g_autofree char *key_id = NULL;
  g_autoptr(GBytes) public_key = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *body = NULL;
  g_autofree char *shown_id = NULL;
  GtkWidget *dialog;

  if (!pd_station_key_parse (text, &key_id, &public_key, &error))
    {
      pd_window_show_message (self, error->message);
      return;
    }
  shown_id = pd_station_key_for_display (key_id);
  body = g_strdup_printf (_("From now on, declaration QR codes signed by station %s fill the form "
                            "as they are. Trust it only if the code was printed at that station."), shown_id);
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

void
pd_window_handle_scan (PdWindow   *self,
                       const char *text)
{
  g_autoptr(PdScanResult) result = NULL;

  g_return_if_fail (PD_IS_WINDOW (self));
  g_return_if_fail (text != NULL);

  /* A station key is trusted only once the supervisor agrees, in a dialog. */
  if (self->store != NULL && g_str_has_prefix (text, PD_STATION_KEY_PREFIX))
    {
      offer_trust (self, text);
      return;
    }
  result = pd_station_apply_scan (self->station, text, pd_dossier_form_get_dossier (self->form),
                                  pd_dossier_form_is_blank (self->form));
  show_scan_result (self, result);
}

static void
scanned_cb (PdScanInput *input,
            const char  *text,
            PdWindow    *self)
{
  pd_window_handle_scan (self, text);
}

static void
code_read_cb (PdWindow           *self,
              const char         *text,
              PdCodeReaderDialog *dialog)
{
  pd_window_handle_scan (self, text);
}

/* "Read a Code with the Camera": one dialog at a time; the first code read is a scan. */
void
pd_window_read_code_with_camera (PdWindow *self)
{
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

void
pd_window_init_scan (PdWindow *self)
{
  self->scan_input = pd_scan_input_new (GTK_WIDGET (self));
  g_signal_connect_object (self->scan_input, "scanned", G_CALLBACK (scanned_cb), self, 0);
}
