/* pd-window-round.c: the round: papers printed, the volunteer's slip confirmed, a draft from before shown first. */
#define G_LOG_DOMAIN "pd-window"

#include "config.h"

#include <glib/gi18n.h>

#include "pd-print-queue.h"
#include "pd-station.h"
#include "pd-window-private.h"

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

/* The ticket stays in sight while its applicant is served: a toast is gone in seconds. */
void
pd_window_set_serving (PdWindow   *self,
                       const char *ticket)
{
  g_autofree char *label = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->serving_label), ticket != NULL);
  if (ticket == NULL)
    return;
  /* Translators: %s is a queue ticket number such as A0042. */
  label = g_strdup_printf (_("Serving %s"), ticket);
  gtk_label_set_label (self->serving_label, label);
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
      pd_window_set_serving (self, NULL);
      if (pd_station_get_role (self->station) != PD_ROLE_VOLUNTEER)
        adw_view_stack_set_visible_child_name (self->view_stack, "queue");
    }
  /* Handed to the printer is not on paper: the form stays until the volunteer says it is. */
  if (job == PD_PRINT_JOB_SLIP)
    {
      adw_view_stack_set_visible_child_name (self->view_stack, "form");
      pd_dossier_form_ask_slip_printed (self->form, TRUE);
    }
}

/* The slip came out: a public screen, so nothing of this citizen stays for the next one. */
static void
slip_done_action (GtkWidget  *widget,
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
print_again_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  PdWindow *self = PD_WINDOW (widget);
  g_autoptr(GError) error = NULL;

  if (self->last_accepted == NULL)
    {
      pd_window_show_message (self, _("Nothing to print yet: the slip and the receipt are printed when an application is accepted."));
      return;
    }
  if (!pd_print_queue_print_papers (self->print_queue, self->store, self->last_accepted, TRUE, &error))
    {
      g_autofree char *message = g_strdup_printf (_("Cannot make the papers: %s"), error->message);

      pd_window_show_message (self, message);
    }
}

/* The dialog, to choose another printer or paper: for the papers of the last acceptance at
 * once, else for the next ones printed. Either way what is chosen is remembered. */
static void
print_with_options_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  PdWindow *self = PD_WINDOW (widget);

  pd_print_queue_ask_next (self->print_queue);
  if (self->last_accepted == NULL)
    {
      pd_window_show_message (self, _("The next papers printed open the print dialog; the printer "
                                      "and paper chosen there are used from then on."));
      return;
    }
  print_again_action (widget, action_name, parameter);
}

static void
form_saved_cb (PdWindow      *self,
               PdDossier     *dossier,
               PdDossierForm *form)
{
  gboolean print = self->print_after_accept;

  g_autofree char *counter = pd_window_get_counter_name (self);

  self->print_after_accept = FALSE;
  pd_station_close_ticket (self->station, pd_dossier_get_field (dossier, PD_FIELD_QUEUE_NUMBER), counter);
  pd_queue_page_reload (self->queue_page);
  pd_sync_page_reload (self->sync_page);
  pd_photo_page_reset (self->photo_page);

  if (pd_dossier_get_status (dossier) != PD_STATUS_ACCEPTED)
    {
      self->in_round = FALSE;
      pd_window_set_serving (self, NULL);
      return;
    }
  g_set_object (&self->last_accepted, dossier);
  if (print)
    {
      g_autoptr(GError) error = NULL;

      if (!pd_print_queue_print_papers (self->print_queue, self->store, dossier, FALSE, &error))
        {
          g_autofree char *message = g_strdup_printf (_("Accepted, but the papers cannot be made: %s. "
                                                        "Print them again with Ctrl+P."), error->message);

          pd_window_show_message (self, message);
        }
    }
  else
    {
      self->in_round = FALSE;
      pd_window_set_serving (self, NULL);
    }
}

static void
draft_offered_cb (PdWindow      *self,
                  GParamSpec    *pspec,
                  PdDossierForm *form)
{
  if (pd_dossier_form_get_draft_offered (form))
    adw_view_stack_set_visible_child_name (self->view_stack, "form");
}

void
pd_window_init_round (PdWindow *self)
{
  g_signal_connect_object (self->form, "notify::draft-offered", G_CALLBACK (draft_offered_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->form, "saved", G_CALLBACK (form_saved_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->print_queue, "finished", G_CALLBACK (print_finished_cb), self, G_CONNECT_SWAPPED);
}

void
pd_window_class_install_round_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.print-again", NULL, print_again_action);
  gtk_widget_class_install_action (widget_class, "win.print-with-options", NULL, print_with_options_action);
  /* Ctrl+Shift+P already prints the declaration slip again. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, GDK_CONTROL_MASK | GDK_ALT_MASK,
                                       "win.print-with-options", NULL);
  gtk_widget_class_install_action (widget_class, "win.slip-done", NULL, slip_done_action);
}
