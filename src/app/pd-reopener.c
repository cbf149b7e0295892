/* pd-reopener.c: asks a supervisor why, then reopens an application in a worker. */
#define G_LOG_DOMAIN "pd-reopener"

#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>

#include "pd-reopener.h"

struct _PdReopener
{
  GObject       parent_instance;

  GtkWindow    *parent;
  GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE (PdReopener, pd_reopener, G_TYPE_OBJECT)

enum {
  REOPENED,
  MESSAGE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct
{
  PdStore   *store;
  PdDossier *dossier;
  char      *reason;
  char      *actor;
  PdRole     role;
} ReopenData;

static void
reopen_data_free (ReopenData *data)
{
  g_clear_object (&data->store);
  g_clear_object (&data->dossier);
  g_free (data->reason);
  g_free (data->actor);
  g_free (data);
}

static void
say (PdReopener *self,
     const char *text)
{
  g_signal_emit (self, signals[MESSAGE], 0, text);
}

static void
reopen_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ReopenData *data = task_data;
  GError *error = NULL;

  /* One transaction: the draft, the history, the audit and, once accepted, the packet taken
   * back out of the outbox (or nothing, when the packet may have left already). */
  if (!pd_store_reopen (data->store, pd_dossier_get_id (data->dossier), data->actor, data->reason, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
reopen_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  PdReopener *self = PD_REOPENER (object);
  g_autoptr(GError) error = NULL;
  ReopenData *data = g_task_get_task_data (G_TASK (result));

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_autofree char *message = g_strdup_printf (_("Not reopened: %s"), error->message);

      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        say (self, message);
      return;
    }
  g_signal_emit (self, signals[REOPENED], 0, data->dossier);
  say (self, _("Application reopened: it is a draft again. Open it from the queue to edit it."));
}

gboolean
pd_reopener_reopen (PdReopener *self,
                    PdStore    *store,
                    PdRole      role,
                    const char *actor,
                    PdDossier  *dossier,
                    const char *reason)
{
  g_autoptr(GTask) task = NULL;
  ReopenData *data;

  g_return_val_if_fail (PD_IS_REOPENER (self), FALSE);
  g_return_val_if_fail (PD_IS_STORE (store), FALSE);
  g_return_val_if_fail (PD_IS_DOSSIER (dossier), FALSE);

  if (!pd_role_may_reopen (role))
    {
      say (self, _("Only a supervisor can reopen an application. Ask the supervisor to sign in."));
      return FALSE;
    }
  /* Which statuses may be reopened is the store's to say, in the transaction: an accepted
   * application's packet may be leaving at this very moment. */
  data = g_new0 (ReopenData, 1);
  data->store = g_object_ref (store);
  data->dossier = g_object_ref (dossier);
  data->reason = g_strdup (reason != NULL && *reason != '\0' ? reason : _("Reopened by the supervisor"));
  data->actor = g_strdup (actor != NULL ? actor : g_get_user_name ());
  data->role = role;
  task = g_task_new (self, self->cancellable, reopen_cb, NULL);
  g_task_set_source_tag (task, pd_reopener_reopen);
  g_task_set_task_data (task, data, (GDestroyNotify) reopen_data_free);
  g_task_run_in_thread (task, reopen_thread);
  return TRUE;
}

static void
reopen_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    PdReopener       *self)
{
  ReopenData *data = g_object_get_data (G_OBJECT (dialog), "pd-reopen");

  if (g_str_equal (response, "reopen"))
    pd_reopener_reopen (self, data->store, data->role, data->actor, data->dossier,
                        gtk_editable_get_text (GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog))));
}

void
pd_reopener_offer (PdReopener *self,
                   PdStore    *store,
                   PdRole      role,
                   const char *actor,
                   PdDossier  *dossier)
{
  GtkWidget *dialog, *entry;
  g_autofree char *body = NULL;
  ReopenData *data;

  g_return_if_fail (PD_IS_REOPENER (self));
  g_return_if_fail (PD_IS_STORE (store));
  g_return_if_fail (PD_IS_DOSSIER (dossier));

  if (pd_dossier_get_status (dossier) == PD_STATUS_ACCEPTED)
    body = g_strdup (_("Accepted, waiting to be sent. Reopening takes its packet back out of the outbox and "
                       "makes it a draft again; the history keeps the acceptance. Once it has been sent, "
                       "it cannot be reopened here."));
  else
    body = g_strdup_printf (_("Refused: %s. Reopening makes it a draft again; the "
                              "history keeps the refusal."),
                            pd_dossier_get_status_reason (dossier)
                            ? pd_dossier_get_status_reason (dossier) : "?");

  dialog = adw_message_dialog_new (self->parent, _("Reopen the Application?"), body);
  entry = gtk_entry_new ();
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("Why it is reopened"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Why it is reopened"), -1);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "reopen", _("_Reopen"),
                                    NULL);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "reopen");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  /* Who asked is who reopens: the dialog is modal. */
  data = g_new0 (ReopenData, 1);
  data->store = g_object_ref (store);
  data->dossier = g_object_ref (dossier);
  data->actor = g_strdup (actor);
  data->role = role;
  g_object_set_data_full (G_OBJECT (dialog), "pd-reopen", data, (GDestroyNotify) reopen_data_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (reopen_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

PdReopener *
pd_reopener_new (GtkWindow    *parent,
                 GCancellable *cancellable)
{
  PdReopener *self = g_object_new (PD_TYPE_REOPENER, NULL);

  g_set_weak_pointer (&self->parent, parent);
  if (cancellable != NULL)
    self->cancellable = g_object_ref (cancellable);
  return self;
}

static void
pd_reopener_finalize (GObject *object)
{
  PdReopener *self = PD_REOPENER (object);

  g_clear_weak_pointer (&self->parent);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (pd_reopener_parent_class)->finalize (object);
}

static void
pd_reopener_class_init (PdReopenerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = pd_reopener_finalize;

  signals[REOPENED] =
    g_signal_new ("reopened", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, PD_TYPE_DOSSIER);
  signals[MESSAGE] =
    g_signal_new ("message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
pd_reopener_init (PdReopener *self)
{
}
