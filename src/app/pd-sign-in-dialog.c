/* pd-sign-in-dialog.c: who works at the station: signing in (online or offline) and out. */
#define G_LOG_DOMAIN "pd-sign-in-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "pd-accessible.h"
#include "pd-sign-in-dialog-private.h"

struct _PdSignInDialog
{
  AdwWindow            parent_instance;

  AdwActionRow        *who_row;
  GtkWidget           *sign_out_button;
  GtkWidget           *sign_in_group;
  AdwEntryRow         *username_row;
  AdwPasswordEntryRow *password_row;
  GtkWidget           *message_row;
  GtkLabel            *message_label;
  GtkSpinner          *spinner;
  GtkWidget           *sign_in_button;

  PdStation           *station;
  PdStore             *store;    /* the station's */
  PdDevice            *device;   /* its enrollment, when enrolled */
  GCancellable        *cancellable;
  gboolean             busy;
};

G_DEFINE_FINAL_TYPE (PdSignInDialog, pd_sign_in_dialog, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_STATION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNED_IN,
  SIGNED_OUT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

PdSignInDialog *
pd_sign_in_dialog_new (GtkWindow *parent,
                       PdStation *station)
{
  g_return_val_if_fail (PD_IS_STATION (station), NULL);
  g_return_val_if_fail (pd_station_get_store (station) != NULL, NULL);

  return g_object_new (PD_TYPE_SIGN_IN_DIALOG,
                       "transient-for", parent,
                       "station", station,
                       NULL);
}

char *
pd_sign_in_describe_officer (PdOfficer *officer)
{
  g_return_val_if_fail (PD_IS_OFFICER (officer), NULL);

  return g_strdup_printf (pd_officer_get_offline (officer)
                          ? _("Signed in as %s (%s), offline")
                          : _("Signed in as %s (%s)"),
                          pd_officer_get_display_name (officer),
                          pd_role_get_label (pd_officer_get_role (officer)));
}

static void
update_sensitivity (PdSignInDialog *self)
{
  const char *username = gtk_editable_get_text (GTK_EDITABLE (self->username_row));
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));

  /* Made read-only rather than insensitive while busy: an insensitive entry that has the focus
   * loses it without GTK telling it so. */
  gtk_widget_set_sensitive (self->sign_in_group, self->device != NULL);
  gtk_editable_set_editable (GTK_EDITABLE (self->username_row), !self->busy);
  gtk_editable_set_editable (GTK_EDITABLE (self->password_row), !self->busy);
  gtk_widget_set_sensitive (self->sign_out_button, !self->busy);
  gtk_widget_set_sensitive (self->sign_in_button,
                            self->device != NULL && !self->busy && *username != '\0' && *password != '\0');
}

static void
set_busy (PdSignInDialog *self,
          gboolean        busy)
{
  self->busy = busy;
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  if (busy)
    gtk_spinner_start (self->spinner);
  else
    gtk_spinner_stop (self->spinner);
  update_sensitivity (self);
}

static void
show_message (PdSignInDialog *self,
              const char     *message)
{
  gtk_label_set_label (self->message_label, message ? message : "");
  gtk_widget_set_visible (self->message_row, message != NULL);
}

static void
show_officer (PdSignInDialog *self,
              PdOfficer      *officer)
{
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;

  if (self->device == NULL)
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->who_row), _("This station works on its own"));
      adw_action_row_set_subtitle (self->who_row,
                                   _("It is not enrolled with the central system, so officers do not sign in "
                                     "here. To have them sign in, enroll it on the Sending page first."));
      gtk_widget_set_visible (self->sign_out_button, FALSE);
      return;
    }

  if (officer == NULL)
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->who_row), _("Nobody is signed in"));
      adw_action_row_set_subtitle (self->who_row,
                                   _("Applications cannot be accepted until an officer signs in below."));
      gtk_widget_set_visible (self->sign_out_button, FALSE);
      return;
    }

  title = pd_sign_in_describe_officer (officer);
  if (pd_officer_get_expires_at (officer) > 0)
    {
      g_autoptr(GDateTime) until = g_date_time_new_from_unix_local (pd_officer_get_expires_at (officer));
      g_autofree char *time = g_date_time_format (until, "%H:%M %d/%m/%Y");

      subtitle = g_strdup_printf (pd_officer_get_offline (officer)
                                  /* Translators: %s is a time and date, such as 18:30 23/11/2026. */
                                  ? _("Until %s. Signed in without the network, with the password of "
                                      "an earlier sign-in on this station.")
                                  : _("Until %s, with the central system."),
                                  time);
    }
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->who_row), title);
  adw_action_row_set_subtitle (self->who_row, subtitle ? subtitle : "");
  gtk_widget_set_visible (self->sign_out_button, TRUE);
}

/* Who is signed in */

static void
load_current_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  PdSignInDialog *self = source_object;
  g_autoptr(GError) error = NULL;
  PdOfficer *officer = pd_officer_get_current (self->store, self->device, cancellable, &error);

  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, officer, g_object_unref);
}

static void
load_current_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  PdSignInDialog *self = PD_SIGN_IN_DIALOG (object);
  g_autoptr(GError) error = NULL;
  g_autoptr(PdOfficer) officer = g_task_propagate_pointer (G_TASK (result), &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, FALSE);
  show_officer (self, officer);
  if (error != NULL)
    {
      g_autofree char *message = g_strdup_printf (_("The session of this station cannot be read: %s"),
                                                  error->message);

      show_message (self, message);
    }
}

/* Signing in */

static void
sign_in_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(PdSignInDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(PdOfficer) officer = pd_officer_sign_in_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, FALSE);
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  if (officer == NULL)
    {
      show_message (self, error->message);
      gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
      return;
    }
  show_message (self, NULL);
  show_officer (self, officer);
  pd_station_sign_in (self->station, officer);
  g_signal_emit (self, signals[SIGNED_IN], 0, officer);
  gtk_window_close (GTK_WINDOW (self));
}

void
pd_sign_in_dialog_sign_in (PdSignInDialog *self)
{
  g_autofree char *username = NULL;
  const char *password;

  g_return_if_fail (PD_IS_SIGN_IN_DIALOG (self));

  if (self->busy || self->device == NULL)
    return;
  username = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->username_row))));
  password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));
  if (*username == '\0' || *password == '\0')
    {
      show_message (self, _("Enter your user name and password."));
      gtk_widget_grab_focus (GTK_WIDGET (*username == '\0' ? GTK_WIDGET (self->username_row)
                                                           : GTK_WIDGET (self->password_row)));
      return;
    }
  show_message (self, NULL);
  set_busy (self, TRUE);
  pd_officer_sign_in_async (self->store, self->device, username, password, self->cancellable,
                            sign_in_cb, g_object_ref (self));
}

static void
sign_in_clicked_cb (PdSignInDialog *self)
{
  pd_sign_in_dialog_sign_in (self);
}

static void
username_activated_cb (PdSignInDialog *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
}

static void
credentials_changed_cb (PdSignInDialog *self)
{
  update_sensitivity (self);
}

/* Signing out */

static void
sign_out_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  PdSignInDialog *self = source_object;
  g_autoptr(GError) error = NULL;

  if (pd_officer_sign_out (self->store, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

static void
sign_out_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  PdSignInDialog *self = PD_SIGN_IN_DIALOG (object);
  g_autoptr(GError) error = NULL;

  set_busy (self, FALSE);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_autofree char *message = g_strdup_printf (_("Not signed out: %s. Try again; if it keeps failing, "
                                                    "close Passdesk so that nobody works under this name."),
                                                  error->message);

      show_message (self, message);
      return;
    }
  show_message (self, NULL);
  show_officer (self, NULL);
  pd_station_sign_out (self->station);
  g_signal_emit (self, signals[SIGNED_OUT], 0);
  gtk_widget_grab_focus (GTK_WIDGET (self->username_row));
}

void
pd_sign_in_dialog_sign_out (PdSignInDialog *self)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (PD_IS_SIGN_IN_DIALOG (self));

  if (self->busy)
    return;
  set_busy (self, TRUE);
  /* Not cancellable: closing the dialog must not leave the officer signed in. */
  task = g_task_new (self, NULL, sign_out_cb, NULL);
  g_task_set_source_tag (task, pd_sign_in_dialog_sign_out);
  g_task_run_in_thread (task, sign_out_thread);
}

static void
sign_out_clicked_cb (PdSignInDialog *self)
{
  pd_sign_in_dialog_sign_out (self);
}

/* For the tests */

GtkEditable *
pd_sign_in_dialog_get_username_editable (PdSignInDialog *self)
{
  g_return_val_if_fail (PD_IS_SIGN_IN_DIALOG (self), NULL);
  return GTK_EDITABLE (self->username_row);
}

GtkEditable *
pd_sign_in_dialog_get_password_editable (PdSignInDialog *self)
{
  g_return_val_if_fail (PD_IS_SIGN_IN_DIALOG (self), NULL);
  return GTK_EDITABLE (self->password_row);
}

const char *
pd_sign_in_dialog_get_status (PdSignInDialog *self)
{
  g_return_val_if_fail (PD_IS_SIGN_IN_DIALOG (self), NULL);
  return adw_preferences_row_get_title (ADW_PREFERENCES_ROW (self->who_row));
}

const char *
pd_sign_in_dialog_get_message (PdSignInDialog *self)
{
  g_return_val_if_fail (PD_IS_SIGN_IN_DIALOG (self), NULL);
  return gtk_widget_get_visible (self->message_row) ? gtk_label_get_label (self->message_label) : NULL;
}

gboolean
pd_sign_in_dialog_get_busy (PdSignInDialog *self)
{
  g_return_val_if_fail (PD_IS_SIGN_IN_DIALOG (self), FALSE);
  return self->busy;
}

/* The object */

static void
pd_sign_in_dialog_constructed (GObject *object)
{
  PdSignInDialog *self = PD_SIGN_IN_DIALOG (object);

  G_OBJECT_CLASS (pd_sign_in_dialog_parent_class)->constructed (object);

  if (self->device == NULL)
    {
      show_officer (self, NULL);
      update_sensitivity (self);
      return;
    }

  set_busy (self, TRUE);
  {
    g_autoptr(GTask) task = g_task_new (self, self->cancellable, load_current_cb, NULL);

    g_task_set_source_tag (task, pd_sign_in_dialog_constructed);
    g_task_run_in_thread (task, load_current_thread);
  }
  gtk_widget_grab_focus (GTK_WIDGET (self->username_row));
}

static void
pd_sign_in_dialog_dispose (GObject *object)
{
  PdSignInDialog *self = PD_SIGN_IN_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), PD_TYPE_SIGN_IN_DIALOG);

  G_OBJECT_CLASS (pd_sign_in_dialog_parent_class)->dispose (object);
}

static void
pd_sign_in_dialog_finalize (GObject *object)
{
  PdSignInDialog *self = PD_SIGN_IN_DIALOG (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->station);
  g_clear_object (&self->store);
  g_clear_object (&self->device);

  G_OBJECT_CLASS (pd_sign_in_dialog_parent_class)->finalize (object);
}

static void
pd_sign_in_dialog_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  PdSignInDialog *self = PD_SIGN_IN_DIALOG (object);

  switch (prop_id)
    {
    case PROP_STATION:
      g_value_set_object (value, self->station);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pd_sign_in_dialog_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  PdSignInDialog *self = PD_SIGN_IN_DIALOG (object);

  switch (prop_id)
    {
    case PROP_STATION:
      {
        PdSyncEngine *engine;

        self->station = g_value_dup_object (value);
        self->store = g_object_ref (pd_station_get_store (self->station));
        engine = pd_station_get_sync_engine (self->station);
        self->device = engine != NULL ? g_object_ref (pd_sync_engine_get_device (engine)) : NULL;
      }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pd_sign_in_dialog_class_init (PdSignInDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = pd_sign_in_dialog_constructed;
  object_class->dispose = pd_sign_in_dialog_dispose;
  object_class->finalize = pd_sign_in_dialog_finalize;
  object_class->get_property = pd_sign_in_dialog_get_property;
  object_class->set_property = pd_sign_in_dialog_set_property;

  properties[PROP_STATION] =
    g_param_spec_object ("station", NULL, NULL, PD_TYPE_STATION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNED_IN] = g_signal_new ("signed-in", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                     NULL, NULL, NULL, G_TYPE_NONE, 1, PD_TYPE_OFFICER);
  signals[SIGNED_OUT] = g_signal_new ("signed-out", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                      NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/passdesk/Passdesk/ui/pd-sign-in-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, PdSignInDialog, who_row);
  gtk_widget_class_bind_template_child (widget_class, PdSignInDialog, sign_out_button);
  gtk_widget_class_bind_template_child (widget_class, PdSignInDialog, sign_in_group);
  gtk_widget_class_bind_template_child (widget_class, PdSignInDialog, username_row);
  gtk_widget_class_bind_template_child (widget_class, PdSignInDialog, password_row);
  gtk_widget_class_bind_template_child (widget_class, PdSignInDialog, message_row);
  gtk_widget_class_bind_template_child (widget_class, PdSignInDialog, message_label);
  gtk_widget_class_bind_template_child (widget_class, PdSignInDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, PdSignInDialog, sign_in_button);
  gtk_widget_class_bind_template_callback (widget_class, sign_in_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, sign_out_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, username_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, credentials_changed_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
pd_sign_in_dialog_init (PdSignInDialog *self)
{
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  pd_accessible_label_entry_rows (GTK_WIDGET (self));
}
