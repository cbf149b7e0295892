/* pd-warning-check.c: an application's soft warnings, on the form's rows and before acceptance. */
#define G_LOG_DOMAIN "pd-warning-check"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "pd-date.h"
#include "pd-validate.h"
#include "pd-warning-check.h"

GPtrArray *
pd_warning_check_list (PdDossier *dossier)
{
  GDate today;

  g_return_val_if_fail (PD_IS_DOSSIER (dossier), NULL);

  pd_date_set_today (&today);
  return pd_validate_warnings (dossier, &today);
}

void
pd_warning_check_show (PdFieldRow **rows,
                       PdDossier   *dossier)
{
  g_autoptr(GPtrArray) warnings = pd_warning_check_list (dossier);
  const char *messages[PD_N_FIELDS] = { NULL, };

  for (guint i = 0; i < warnings->len; i++)
    {
      PdFieldError *warning = g_ptr_array_index (warnings, i);

      if (warning->field >= 0 && warning->field < PD_N_FIELDS && messages[warning->field] == NULL)
        messages[warning->field] = warning->message;
    }
  for (guint f = 0; f < PD_N_FIELDS; f++)
    if (rows[f] != NULL)
      pd_field_row_show_warning (rows[f], messages[f]);
}

typedef struct {
  PdStore *store;
  char    *actor;
  char    *subject;
  char    *detail;
} Ask;

static void
ask_free (Ask *ask)
{
  g_clear_object (&ask->store);
  g_free (ask->actor);
  g_free (ask->subject);
  g_free (ask->detail);
  g_free (ask);
}

static void
record_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Ask *ask = task_data;
  GError *error = NULL;

  if (!pd_store_audit (ask->store, ask->actor, "warnings-acknowledged", ask->subject, ask->detail, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
response_cb (AdwMessageDialog *dialog,
             const char       *response,
             GTask            *task)
{
  g_autoptr(GTask) owned = task;

  /* Answered once: the task is returned here, whatever the dialog emits after. */
  g_signal_handlers_disconnect_by_data (dialog, task);
  if (g_strcmp0 (response, "accept") != 0)
    {
      g_task_return_boolean (task, FALSE);
      return;
    }
  g_task_run_in_thread (task, record_thread);
}

void
pd_warning_check_ask_async (GtkWidget           *parent,
                            PdStore             *store,
                            PdDossier           *dossier,
                            const char          *actor,
                            GPtrArray           *warnings,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GString) body = g_string_new (NULL);
  g_autoptr(GString) detail = g_string_new (NULL);
  GtkRoot *root;
  AdwMessageDialog *dialog;
  GTask *task;
  Ask *ask;

  g_return_if_fail (GTK_IS_WIDGET (parent));
  g_return_if_fail (PD_IS_STORE (store));
  g_return_if_fail (warnings != NULL && warnings->len > 0);

  g_string_append (body, _("Compare these with the citizen’s papers. Go back to correct the form, "
                           "or accept anyway if the papers say so: your choice is recorded."));
  for (guint i = 0; i < warnings->len; i++)
    {
      PdFieldError *warning = g_ptr_array_index (warnings, i);

      g_string_append_printf (body, "\n\n• %s", warning->message);
      g_string_append_printf (detail, "%s%s: %s", i > 0 ? "; " : "",
                              warning->field >= 0 && warning->field < PD_N_FIELDS
                                ? pd_field_get_info (warning->field)->key : "?",
                              warning->message);
    }

  ask = g_new0 (Ask, 1);
  ask->store = g_object_ref (store);
  ask->actor = g_strdup (actor != NULL ? actor : g_get_user_name ());
  ask->subject = g_strdup (pd_dossier_get_uuid (dossier));
  ask->detail = g_string_free (g_steal_pointer (&detail), FALSE);
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, pd_warning_check_ask_async);
  g_task_set_task_data (task, ask, (GDestroyNotify) ask_free);

  root = gtk_widget_get_root (parent);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                       g_dngettext (NULL, "Check This Before Accepting",
                                                                    "Check These Before Accepting",
                                                                    warnings->len),
                                                       body->str));
  adw_message_dialog_add_responses (dialog, "back", _("_Go Back and Check"), "accept", _("_Accept Anyway"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "accept", ADW_RESPONSE_DESTRUCTIVE);
  /* Enter and Escape both go back: accepting past a warning takes a deliberate click. */
  adw_message_dialog_set_default_response (dialog, "back");
  adw_message_dialog_set_close_response (dialog, "back");
  g_signal_connect (dialog, "response", G_CALLBACK (response_cb), task);
  gtk_window_present (GTK_WINDOW (dialog));
}

gboolean
pd_warning_check_ask_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pd_warning_check_ask_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
