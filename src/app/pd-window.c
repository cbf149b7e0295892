/* pd-window.c */
#define G_LOG_DOMAIN "pd-window"

#include "config.h"

#include <glib/gi18n.h>
#include <errno.h>
#include <glib/gstdio.h>

#include "pd-window-private.h"

struct _PdWindow
{
  AdwApplicationWindow  parent_instance;

  GtkStack             *main_stack;
  GtkSpinner           *spinner;
  AdwStatusPage        *error_page;
  GtkLabel             *error_detail;
  AdwViewStack         *view_stack;
  AdwToastOverlay      *toast_overlay;
  PdQueuePage          *queue_page;
  PdDossierForm        *form;
  PdSyncPage           *sync_page;

  char                 *database_path;
  PdStore              *store;
  GError               *open_error;
  GCancellable         *cancellable;
  GSettings            *settings;

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

static void
set_actions_enabled (PdWindow *self,
                     gboolean  enabled)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.new-dossier", enabled);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.search", enabled);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.save", enabled);
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

  self->store = g_steal_pointer (&store);
  pd_queue_page_set_store (self->queue_page, self->store);
  pd_dossier_form_set_store (self->form, self->store, self->settings);
  pd_sync_page_set_store (self->sync_page, self->store, self->settings);
  set_actions_enabled (self, TRUE);
  gtk_stack_set_visible_child_name (self->main_stack, "content");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
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

static void
new_dossier_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  PdWindow *self = PD_WINDOW (widget);

  pd_dossier_form_clear (self->form);
  adw_view_stack_set_visible_child_name (self->view_stack, "form");
  pd_dossier_form_focus_first (self->form);
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
  pd_queue_page_reload (self->queue_page);
  pd_sync_page_reload (self->sync_page);
}

static void
visible_page_changed_cb (PdWindow     *self,
                         GParamSpec   *pspec,
                         AdwViewStack *stack)
{
  const char *name = adw_view_stack_get_visible_child_name (stack);

  /* Figures on the sync page come from the store; refresh them whenever it is looked at. */
  if (self->store != NULL && g_strcmp0 (name, "sync") == 0)
    pd_sync_page_reload (self->sync_page);
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
  gtk_widget_dispose_template (GTK_WIDGET (self), PD_TYPE_WINDOW);

  G_OBJECT_CLASS (pd_window_parent_class)->dispose (object);
}

static void
pd_window_finalize (GObject *object)
{
  PdWindow *self = PD_WINDOW (object);

  g_clear_object (&self->cancellable);
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

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/passdesk/Passdesk/ui/pd-window.ui");
  gtk_widget_class_bind_template_child (widget_class, PdWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, PdWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, PdWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, PdWindow, error_detail);
  gtk_widget_class_bind_template_child (widget_class, PdWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, PdWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, PdWindow, queue_page);
  gtk_widget_class_bind_template_child (widget_class, PdWindow, form);
  gtk_widget_class_bind_template_child (widget_class, PdWindow, sync_page);

  gtk_widget_class_install_action (widget_class, "win.new-dossier", NULL, new_dossier_action);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "win.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "win.retry", NULL, retry_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "win.new-dossier", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "win.save", NULL);
}

static void
pd_window_init (PdWindow *self)
{
  self->cancellable = g_cancellable_new ();
  self->exit_after_ready = g_strcmp0 (g_getenv ("PASSDESK_EXIT_AFTER_FIRST_FRAME"), "1") == 0;

  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_object (self->form, "saved", G_CALLBACK (form_saved_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->view_stack, "notify::visible-child",
                           G_CALLBACK (visible_page_changed_cb), self, G_CONNECT_SWAPPED);
  set_actions_enabled (self, FALSE);
}
