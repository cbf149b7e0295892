/* pd-preferences-window.c: the station's preferences: office, counter, central server, printers, language. */
#define G_LOG_DOMAIN "pd-preferences-window"

#include "config.h"

#include <glib/gi18n.h>

#include "pd-accessible.h"
#include "pd-language.h"
#include "pd-preferences-window-private.h"
#include "pd-queue.h"
#include "sync/pd-sync-client.h"

/* Clicking the spin button's arrows should not write to the database on every click. */
#define RETENTION_SAVE_DELAY_MS 500

struct _PdPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  AdwEntryRow          *office_row;
  GtkSpinButton        *counter_spin;
  GtkSwitch            *mobile_team_switch;
  AdwComboRow          *language_row;
  AdwEntryRow          *server_row;
  GtkWidget            *server_error_row;
  AdwActionRow         *retention_row;
  GtkSpinButton        *retention_spin;
  GtkWidget            *entrance_group;
  AdwEntryRow          *station_row;
  GtkWidget            *station_message_row;
  GtkLabel             *station_message_label;

  GSettings            *settings;
  PdStore              *store;
  PdQueue              *queue;             /* once loaded, for the station's ticket letter */
  GCancellable         *cancellable;
  char                 *station_pending;   /* a letter typed while another one was being saved */
  guint                 retention_timeout;
  guint                 retention_loaded : 1;
  guint                 retention_writing : 1;
  guint                 retention_dirty : 1;
  guint                 station_writing : 1;
  guint                 station_loading : 1;
};

G_DEFINE_FINAL_TYPE (PdPreferencesWindow, pd_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

enum {
  PROP_0,
  PROP_SETTINGS,
  PROP_STORE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  STATION_SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void save_retention (PdPreferencesWindow *self);
static void save_station   (PdPreferencesWindow *self,
                            const char          *letter);

PdPreferencesWindow *
pd_preferences_window_new (GSettings *settings,
                           PdStore   *store)
{
  return g_object_new (PD_TYPE_PREFERENCES_WINDOW,
                       "settings", settings,
                       "store", store,
                       NULL);
}

static void
server_changed_cb (PdPreferencesWindow *self,
                   AdwEntryRow         *row)
{
  g_autofree char *url = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
  gboolean ok = *url == '\0' || pd_sync_url_is_safe (url);

  gtk_widget_set_visible (self->server_error_row, !ok);
  if (ok)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
      g_settings_set_string (self->settings, "server-url", url);
    }
  else
    gtk_widget_add_css_class (GTK_WIDGET (row), "error");
}

typedef struct
{
  guint    retention_days;
  PdQueue *queue;
  char    *station;
} Loaded;

static void
loaded_free (Loaded *loaded)
{
  g_clear_object (&loaded->queue);
  g_free (loaded->station);
  g_free (loaded);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Loaded, loaded_free)

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Loaded *loaded = g_new0 (Loaded, 1);

  loaded->retention_days = pd_store_get_retention_days (task_data);
  loaded->queue = pd_queue_new (task_data, NULL);
  loaded->station = pd_queue_dup_station (loaded->queue);
  g_task_return_pointer (task, loaded, (GDestroyNotify) loaded_free);
}

static void
show_station_message (PdPreferencesWindow *self,
                      const char          *message,
                      gboolean             is_error)
{
  gtk_widget_set_visible (self->station_message_row, message != NULL);
  gtk_label_set_label (self->station_message_label, message ? message : "");
  if (is_error)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->station_message_label), "error");
      gtk_widget_add_css_class (GTK_WIDGET (self->station_row), "error");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->station_message_label), "error");
      gtk_widget_remove_css_class (GTK_WIDGET (self->station_row), "error");
    }
}

static void
load_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(PdPreferencesWindow) self = user_data;
  g_autoptr(Loaded) loaded = g_task_propagate_pointer (G_TASK (result), NULL);

  if (loaded == NULL || g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (result))))
    return;

  gtk_spin_button_set_value (self->retention_spin, (double) loaded->retention_days);
  self->retention_loaded = TRUE;
  gtk_widget_set_sensitive (GTK_WIDGET (self->retention_row), TRUE);

  self->queue = g_steal_pointer (&loaded->queue);
  self->station_loading = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->station_row), loaded->station ? loaded->station : "");
  self->station_loading = FALSE;
  if (loaded->station == NULL)
    show_station_message (self, _("This station has no ticket letter yet, so the entrance cannot issue "
                                  "tickets. Type a letter that no other station of the office uses."),
                          FALSE);
  gtk_widget_set_sensitive (self->entrance_group, TRUE);
}

static void
write_station_thread (GTask        *task,
                      gpointer      source_object,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  g_autoptr(GError) error = NULL;

  if (pd_queue_set_station (source_object, task_data, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

static void
write_station_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(PdPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *pending = g_steal_pointer (&self->station_pending);
  const char *letter = g_task_get_task_data (G_TASK (result));

  self->station_writing = FALSE;
  /* Only the last letter typed matters: an earlier one's outcome would mislead. */
  if (pending != NULL)
    {
      save_station (self, pending);
      return;
    }
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (g_error_matches (error, PD_QUEUE_ERROR, PD_QUEUE_ERROR_INVALID))
        show_station_message (self, error->message, TRUE);
      else
        {
          g_autofree char *message = g_strdup_printf (_("The ticket letter was not saved: %s"), error->message);

          show_station_message (self, message, TRUE);
        }
      return;
    }
  {
    g_autofree char *message = g_strdup_printf (_("Saved: the tickets of this station now start with %s."), letter);

    show_station_message (self, message, FALSE);
  }
  g_signal_emit (self, signals[STATION_SAVED], 0, letter);
}

static void
save_station (PdPreferencesWindow *self,
              const char          *letter)
{
  g_autoptr(GTask) task = NULL;

  if (self->station_writing)
    {
      g_free (self->station_pending);
      self->station_pending = g_strdup (letter);
      return;
    }
  self->station_writing = TRUE;

  /* Not cancellable: a letter typed must reach the store even if the window closes. */
  task = g_task_new (self->queue, NULL, write_station_cb, g_object_ref (self));
  g_task_set_source_tag (task, save_station);
  g_task_set_task_data (task, g_strdup (letter), g_free);
  g_task_run_in_thread (task, write_station_thread);
}

static void
station_changed_cb (PdPreferencesWindow *self,
                    AdwEntryRow         *row)
{
  g_autofree char *letter = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));

  if (self->station_loading || self->queue == NULL)
    return;

  if (*letter == '\0')
    {
      show_station_message (self, _("Type the station’s ticket letter, A to Z. The letter saved before "
                                    "stays until another one is typed."), FALSE);
      return;
    }
  /* Typing a small letter is no mistake: tickets show the capital one. */
  if (g_ascii_islower (letter[0]) && letter[1] == '\0')
    {
      letter[0] = g_ascii_toupper (letter[0]);
      self->station_loading = TRUE;
      gtk_editable_set_text (GTK_EDITABLE (row), letter);
      gtk_editable_set_position (GTK_EDITABLE (row), -1);
      self->station_loading = FALSE;
    }
  save_station (self, letter);
}

const char *
pd_preferences_window_get_station_message (PdPreferencesWindow *self)
{
  g_return_val_if_fail (PD_IS_PREFERENCES_WINDOW (self), NULL);

  if (!gtk_widget_get_visible (self->station_message_row))
    return NULL;
  return gtk_label_get_label (self->station_message_label);
}

gboolean
pd_preferences_window_get_station_error (PdPreferencesWindow *self)
{
  g_return_val_if_fail (PD_IS_PREFERENCES_WINDOW (self), FALSE);
  return gtk_widget_get_visible (self->station_message_row) &&
         gtk_widget_has_css_class (GTK_WIDGET (self->station_message_label), "error");
}

gboolean
pd_preferences_window_get_busy (PdPreferencesWindow *self)
{
  g_return_val_if_fail (PD_IS_PREFERENCES_WINDOW (self), FALSE);
  return self->store != NULL && (self->queue == NULL || self->station_writing);
}

GtkEditable *
pd_preferences_window_get_office_editable (PdPreferencesWindow *self)
{
  g_return_val_if_fail (PD_IS_PREFERENCES_WINDOW (self), NULL);
  return GTK_EDITABLE (self->office_row);
}

GtkEditable *
pd_preferences_window_get_server_editable (PdPreferencesWindow *self)
{
  g_return_val_if_fail (PD_IS_PREFERENCES_WINDOW (self), NULL);
  return GTK_EDITABLE (self->server_row);
}

gboolean
pd_preferences_window_get_server_error (PdPreferencesWindow *self)
{
  g_return_val_if_fail (PD_IS_PREFERENCES_WINDOW (self), FALSE);
  return gtk_widget_get_visible (self->server_error_row) ||
         gtk_widget_has_css_class (GTK_WIDGET (self->server_row), "error");
}

AdwComboRow *
pd_preferences_window_get_language_row (PdPreferencesWindow *self)
{
  g_return_val_if_fail (PD_IS_PREFERENCES_WINDOW (self), NULL);
  return self->language_row;
}

GtkEditable *
pd_preferences_window_get_station_editable (PdPreferencesWindow *self)
{
  g_return_val_if_fail (PD_IS_PREFERENCES_WINDOW (self), NULL);
  return GTK_EDITABLE (self->station_row);
}

static void
write_retention_thread (GTask        *task,
                        gpointer      source_object,
                        gpointer      task_data,
                        GCancellable *cancellable)
{
  PdStore *store = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  if (pd_store_set_retention_days (store, GPOINTER_TO_UINT (task_data), &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

static void
write_retention_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(PdPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  self->retention_writing = FALSE;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_autofree char *message = g_strdup_printf (_("The retention period was not saved: %s"), error->message);

      g_warning ("%s", message);
      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (message));
      return;
    }

  /* Writes go one at a time so that the last value chosen is the one that stays. */
  if (self->retention_dirty)
    save_retention (self);
}

static void
save_retention (PdPreferencesWindow *self)
{
  g_autoptr(GTask) task = NULL;
  guint days = (guint) gtk_spin_button_get_value_as_int (self->retention_spin);

  g_clear_handle_id (&self->retention_timeout, g_source_remove);

  if (self->retention_writing)
    {
      self->retention_dirty = TRUE;
      return;
    }
  self->retention_dirty = FALSE;
  self->retention_writing = TRUE;

  /* Not cancellable: a chosen value must reach the store even if the window closes. */
  task = g_task_new (self->store, NULL, write_retention_cb, g_object_ref (self));
  g_task_set_source_tag (task, save_retention);
  g_task_set_task_data (task, GUINT_TO_POINTER (days), NULL);
  g_task_run_in_thread (task, write_retention_thread);
}

static gboolean
retention_timeout_cb (gpointer user_data)
{
  PdPreferencesWindow *self = user_data;

  self->retention_timeout = 0;
  save_retention (self);
  return G_SOURCE_REMOVE;
}

static void
retention_changed_cb (PdPreferencesWindow *self,
                      GtkSpinButton       *spin)
{
  if (!self->retention_loaded || self->store == NULL)
    return;
  g_clear_handle_id (&self->retention_timeout, g_source_remove);
  self->retention_timeout = g_timeout_add (RETENTION_SAVE_DELAY_MS, retention_timeout_cb, self);
}

static gboolean
pd_preferences_window_close_request (GtkWindow *window)
{
  PdPreferencesWindow *self = PD_PREFERENCES_WINDOW (window);

  if (self->retention_timeout != 0)
    save_retention (self);

  return GTK_WINDOW_CLASS (pd_preferences_window_parent_class)->close_request (window);
}

/* In the order of the rows of language_row. */
static const char * const languages[] = { PD_LANGUAGE_VIETNAMESE, PD_LANGUAGE_ENGLISH, PD_LANGUAGE_SYSTEM };

static gboolean
language_to_row (GValue   *value,
                 GVariant *variant,
                 gpointer  user_data)
{
  const char *language = g_variant_get_string (variant, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (languages); i++)
    if (g_str_equal (language, languages[i]))
      {
        g_value_set_uint (value, i);
        return TRUE;
      }
  return FALSE;
}

static GVariant *
row_to_language (const GValue       *value,
                 const GVariantType *expected_type,
                 gpointer            user_data)
{
  guint row = g_value_get_uint (value);

  return row < G_N_ELEMENTS (languages) ? g_variant_new_string (languages[row]) : NULL;
}

static void
pd_preferences_window_constructed (GObject *object)
{
  PdPreferencesWindow *self = PD_PREFERENCES_WINDOW (object);
  g_autofree char *url = NULL;

  G_OBJECT_CLASS (pd_preferences_window_parent_class)->constructed (object);

  g_settings_bind (self->settings, "office-code", self->office_row, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "counter", self->counter_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "mobile-team", self->mobile_team_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind_with_mapping (self->settings, "language", self->language_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, language_to_row, row_to_language, NULL, NULL);

  url = g_settings_get_string (self->settings, "server-url");
  gtk_editable_set_text (GTK_EDITABLE (self->server_row), url);

  gtk_widget_set_sensitive (GTK_WIDGET (self->retention_row), FALSE);
  gtk_widget_set_sensitive (self->entrance_group, FALSE);
  if (self->store != NULL)
    {
      g_autoptr(GTask) task = g_task_new (NULL, self->cancellable, load_cb, g_object_ref (self));

      g_task_set_source_tag (task, pd_preferences_window_constructed);
      g_task_set_task_data (task, g_object_ref (self->store), g_object_unref);
      g_task_run_in_thread (task, load_thread);
    }
  else
    {
      adw_action_row_set_subtitle (self->retention_row,
                                   _("Kept with the data: available once the database is open"));
      adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self->entrance_group),
                                             _("Kept with the data: available once the database is open"));
    }
}

/* GTK gives a window that opens the first field it finds, the office code, all selected: one
 * scanner burst (or a key typed by habit) would replace it. The window opens with nothing
 * focused; Tab starts at the top as before. */
static void
pd_preferences_window_show (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (pd_preferences_window_parent_class)->show (widget);
  gtk_window_set_focus (GTK_WINDOW (widget), NULL);
}

static void
pd_preferences_window_dispose (GObject *object)
{
  PdPreferencesWindow *self = PD_PREFERENCES_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->retention_timeout, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), PD_TYPE_PREFERENCES_WINDOW);

  G_OBJECT_CLASS (pd_preferences_window_parent_class)->dispose (object);
}

static void
pd_preferences_window_finalize (GObject *object)
{
  PdPreferencesWindow *self = PD_PREFERENCES_WINDOW (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->settings);
  g_clear_object (&self->store);
  g_clear_object (&self->queue);
  g_clear_pointer (&self->station_pending, g_free);

  G_OBJECT_CLASS (pd_preferences_window_parent_class)->finalize (object);
}

static void
pd_preferences_window_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  PdPreferencesWindow *self = PD_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pd_preferences_window_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  PdPreferencesWindow *self = PD_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pd_preferences_window_class_init (PdPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = pd_preferences_window_constructed;
  object_class->dispose = pd_preferences_window_dispose;
  object_class->finalize = pd_preferences_window_finalize;
  object_class->get_property = pd_preferences_window_get_property;
  object_class->set_property = pd_preferences_window_set_property;

  widget_class->show = pd_preferences_window_show;
  /* The entrance, waiting for a letter, offers its buttons as soon as one is saved. */
  signals[STATION_SAVED] = g_signal_new ("station-saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  window_class->close_request = pd_preferences_window_close_request;

  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, PD_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/passdesk/Passdesk/ui/pd-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, PdPreferencesWindow, office_row);
  gtk_widget_class_bind_template_child (widget_class, PdPreferencesWindow, counter_spin);
  gtk_widget_class_bind_template_child (widget_class, PdPreferencesWindow, mobile_team_switch);
  gtk_widget_class_bind_template_child (widget_class, PdPreferencesWindow, language_row);
  gtk_widget_class_bind_template_child (widget_class, PdPreferencesWindow, server_row);
  gtk_widget_class_bind_template_child (widget_class, PdPreferencesWindow, server_error_row);
  gtk_widget_class_bind_template_child (widget_class, PdPreferencesWindow, retention_row);
  gtk_widget_class_bind_template_child (widget_class, PdPreferencesWindow, retention_spin);
  gtk_widget_class_bind_template_child (widget_class, PdPreferencesWindow, entrance_group);
  gtk_widget_class_bind_template_child (widget_class, PdPreferencesWindow, station_row);
  gtk_widget_class_bind_template_child (widget_class, PdPreferencesWindow, station_message_row);
  gtk_widget_class_bind_template_child (widget_class, PdPreferencesWindow, station_message_label);
  gtk_widget_class_bind_template_callback (widget_class, server_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, retention_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, station_changed_cb);
}

static void
pd_preferences_window_init (PdPreferencesWindow *self)
{
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  pd_accessible_label_entry_rows (GTK_WIDGET (self));
}
