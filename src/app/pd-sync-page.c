/* pd-sync-page.c */
#define G_LOG_DOMAIN "pd-sync-page"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "pd-sync-page.h"

struct _PdSyncPage
{
  GtkWidget      parent_instance;

  AdwStatusPage *status_page;
  GtkLabel      *waiting_label;
  GtkLabel      *last_sync_label;
  AdwActionRow  *server_row;

  PdStore       *store;
  GSettings     *settings;
  GCancellable  *cancellable;
  gboolean       loading;
  gint64         n_waiting;
};

G_DEFINE_FINAL_TYPE (PdSyncPage, pd_sync_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_LOADING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct
{
  gint64  n_waiting;
  char   *last_sync;
} Figures;

static void
figures_free (Figures *figures)
{
  g_free (figures->last_sync);
  g_free (figures);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Figures, figures_free)

static void
set_loading (PdSyncPage *self,
             gboolean    loading)
{
  if (self->loading == loading)
    return;
  self->loading = loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  PdStore *store = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) waiting = pd_store_list (store, PD_STATUS_ACCEPTED, 0, 0, &error);
  Figures *figures;

  if (waiting == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  figures = g_new0 (Figures, 1);
  figures->n_waiting = waiting->len;
  figures->last_sync = pd_store_get_setting (store, PD_SETTING_LAST_SYNC);
  g_task_return_pointer (task, figures, (GDestroyNotify) figures_free);
}

static void
update_server (PdSyncPage *self)
{
  g_autofree char *url = self->settings ? g_settings_get_string (self->settings, "server-url") : NULL;

  if (url != NULL && *url != '\0')
    adw_action_row_set_subtitle (self->server_row, url);
  else
    adw_action_row_set_subtitle (self->server_row, _("Not set: enter the address given by your office in Preferences"));
}

static void
show_figures (PdSyncPage    *self,
              const Figures *figures)
{
  g_autofree char *count = g_strdup_printf ("%" G_GINT64_FORMAT, figures->n_waiting);
  g_autofree char *title = NULL;
  gint64 last = figures->last_sync ? g_ascii_strtoll (figures->last_sync, NULL, 10) : 0;

  self->n_waiting = figures->n_waiting;
  gtk_label_set_label (self->waiting_label, count);

  if (figures->n_waiting == 0)
    title = g_strdup (_("Nothing Waiting to Be Sent"));
  else
    title = g_strdup_printf (g_dngettext (NULL, "%" G_GINT64_FORMAT " Application Waiting to Be Sent",
                                          "%" G_GINT64_FORMAT " Applications Waiting to Be Sent",
                                          (gulong) figures->n_waiting),
                             figures->n_waiting);
  adw_status_page_set_title (self->status_page, title);
  /* The sync engine is not part of this version: say so rather than pretend to connect. */
  adw_status_page_set_description (self->status_page,
                                   _("This version of Passdesk does not send applications yet. They stay "
                                     "encrypted on this computer until sending is installed: do not "
                                     "reinstall or wipe this computer in the meantime."));

  if (last > 0)
    {
      g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (last);
      g_autofree char *text = g_date_time_format (when, "%d/%m/%Y %H:%M");

      gtk_label_set_label (self->last_sync_label, text);
    }
  else
    gtk_label_set_label (self->last_sync_label, _("Never"));
}

static void
load_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(PdSyncPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(Figures) figures = g_task_propagate_pointer (G_TASK (result), &error);

  if (g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (result))))
    return;

  set_loading (self, FALSE);
  if (figures == NULL)
    {
      g_autofree char *description =
        g_strdup_printf (_("The outbox could not be read: %s. Close Passdesk and open it again; "
                           "if this keeps happening, call your IT support."), error->message);

      adw_status_page_set_title (self->status_page, _("Outbox Unavailable"));
      adw_status_page_set_description (self->status_page, description);
      gtk_label_set_label (self->waiting_label, "?");
      return;
    }
  show_figures (self, figures);
}

void
pd_sync_page_reload (PdSyncPage *self)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (PD_IS_SYNC_PAGE (self));

  if (self->store == NULL)
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  set_loading (self, TRUE);
  task = g_task_new (NULL, self->cancellable, load_cb, g_object_ref (self));
  g_task_set_source_tag (task, pd_sync_page_reload);
  g_task_set_task_data (task, g_object_ref (self->store), g_object_unref);
  g_task_run_in_thread (task, load_thread);
}

void
pd_sync_page_set_store (PdSyncPage *self,
                        PdStore    *store,
                        GSettings  *settings)
{
  g_return_if_fail (PD_IS_SYNC_PAGE (self));

  g_set_object (&self->store, store);
  if (g_set_object (&self->settings, settings) && settings != NULL)
    g_signal_connect_object (settings, "changed::server-url", G_CALLBACK (update_server), self,
                             G_CONNECT_SWAPPED);
  update_server (self);
  pd_sync_page_reload (self);
}

gboolean
pd_sync_page_get_loading (PdSyncPage *self)
{
  g_return_val_if_fail (PD_IS_SYNC_PAGE (self), FALSE);
  return self->loading;
}

gint64
pd_sync_page_get_n_waiting (PdSyncPage *self)
{
  g_return_val_if_fail (PD_IS_SYNC_PAGE (self), -1);
  return self->n_waiting;
}

static void
pd_sync_page_dispose (GObject *object)
{
  PdSyncPage *self = PD_SYNC_PAGE (object);
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), PD_TYPE_SYNC_PAGE);
  /* The template's top box is not a bound child: it is unparented here. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (pd_sync_page_parent_class)->dispose (object);
}

static void
pd_sync_page_finalize (GObject *object)
{
  PdSyncPage *self = PD_SYNC_PAGE (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->settings);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (pd_sync_page_parent_class)->finalize (object);
}

static void
pd_sync_page_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  PdSyncPage *self = PD_SYNC_PAGE (object);

  switch (prop_id)
    {
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pd_sync_page_class_init (PdSyncPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pd_sync_page_dispose;
  object_class->finalize = pd_sync_page_finalize;
  object_class->get_property = pd_sync_page_get_property;

  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/passdesk/Passdesk/ui/pd-sync-page.ui");
  gtk_widget_class_bind_template_child (widget_class, PdSyncPage, status_page);
  gtk_widget_class_bind_template_child (widget_class, PdSyncPage, waiting_label);
  gtk_widget_class_bind_template_child (widget_class, PdSyncPage, last_sync_label);
  gtk_widget_class_bind_template_child (widget_class, PdSyncPage, server_row);
}

static void
pd_sync_page_init (PdSyncPage *self)
{
  self->n_waiting = -1;
  gtk_widget_init_template (GTK_WIDGET (self));
}
