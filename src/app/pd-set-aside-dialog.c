/* pd-set-aside-dialog.c: asks the reason to put the application on the form on hold or to refuse it. */
#define G_LOG_DOMAIN "pd-set-aside-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "pd-set-aside-dialog.h"

struct _PdSetAsideDialog
{
  AdwMessageDialog  parent_instance;

  PdStatus          status;
  GtkWidget        *entry;
};

G_DEFINE_FINAL_TYPE (PdSetAsideDialog, pd_set_aside_dialog, ADW_TYPE_MESSAGE_DIALOG)

enum {
  CHOSEN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
response_cb (PdSetAsideDialog *self,
             const char       *response)
{
  if (g_str_equal (response, "hold") || g_str_equal (response, "refuse"))
    g_signal_emit (self, signals[CHOSEN], 0, (int) self->status,
                   gtk_editable_get_text (GTK_EDITABLE (self->entry)));
}

static void
entry_activate_cb (PdSetAsideDialog *self)
{
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (self);
  const char *response = adw_message_dialog_get_default_response (dialog);

  if (adw_message_dialog_get_response_enabled (dialog, response))
    {
      adw_message_dialog_response (dialog, response);
      gtk_window_destroy (GTK_WINDOW (dialog));
    }
}

static void
refuse_reason_changed_cb (PdSetAsideDialog *self)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->entry))));

  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), "refuse", *text != '\0');
}

static void
pd_set_aside_dialog_class_init (PdSetAsideDialogClass *klass)
{
  signals[CHOSEN] = g_signal_new ("chosen", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT, G_TYPE_STRING);
}

static void
pd_set_aside_dialog_init (PdSetAsideDialog *self)
{
}

PdSetAsideDialog *
pd_set_aside_dialog_new (GtkWindow *parent,
                         PdStatus   status)
{
  gboolean refuse = status == PD_STATUS_REFUSED;
  PdSetAsideDialog *self;
  AdwMessageDialog *dialog;

  g_return_val_if_fail (status == PD_STATUS_ON_HOLD || status == PD_STATUS_REFUSED, NULL);

  self = g_object_new (PD_TYPE_SET_ASIDE_DIALOG,
                       "transient-for", parent,
                       "heading", refuse ? _("Refuse the Application?") : _("Put the Application on Hold?"),
                       "body", refuse ? _("The applicant is told why. The reason goes into the "
                                          "application’s history.")
                                      : _("The application waits in the queue until it is opened "
                                          "again, for example when the applicant brings a missing paper."),
                       NULL);
  dialog = ADW_MESSAGE_DIALOG (self);
  self->status = status;
  self->entry = gtk_entry_new ();
  gtk_entry_set_placeholder_text (GTK_ENTRY (self->entry), refuse ? _("Reason (required)") : _("Reason (optional)"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  refuse ? _("Reason for the refusal") : _("Reason for the hold"), -1);
  adw_message_dialog_set_extra_child (dialog, self->entry);
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    refuse ? "refuse" : "hold", refuse ? _("_Refuse") : _("_Hold"),
                                    NULL);
  adw_message_dialog_set_default_response (dialog, refuse ? "refuse" : "hold");
  adw_message_dialog_set_close_response (dialog, "cancel");
  if (refuse)
    {
      adw_message_dialog_set_response_appearance (dialog, "refuse", ADW_RESPONSE_DESTRUCTIVE);
      adw_message_dialog_set_response_enabled (dialog, "refuse", FALSE);
      g_signal_connect_object (self->entry, "changed", G_CALLBACK (refuse_reason_changed_cb), self,
                               G_CONNECT_SWAPPED);
    }
  g_signal_connect_object (self->entry, "activate", G_CALLBACK (entry_activate_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect (self, "response", G_CALLBACK (response_cb), NULL);
  return self;
}
